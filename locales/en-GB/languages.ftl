## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = You wrote in English, so we will reply in English. Send LANGUAGE to change it.
# Someone who uses another language wrote a sentence in this one.
language-offer = Would you like messages in English? Send LANGUAGE EN.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = We can also write in Urdu or Panjabi. Send LANGUAGE UR for Urdu or LANGUAGE PA for Panjabi.
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = Sorry, we cannot write in your language yet.
