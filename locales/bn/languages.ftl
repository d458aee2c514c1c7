## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = আপনি বাংলায় লিখেছেন, তাই আমরা বাংলায় উত্তর দেব। ভাষা বদলাতে ভাষা বা LANGUAGE পাঠান।
# Someone who uses another language wrote a sentence in this one.
language-offer = আপনি কি বাংলায় বার্তা চান? LANGUAGE BN পাঠান।
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = আমরা উর্দু বা পাঞ্জাবিতেও লিখতে পারি। উর্দুর জন্য LANGUAGE UR বা পাঞ্জাবির জন্য LANGUAGE PA পাঠান।
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = দুঃখিত, আমরা এখনও আপনার ভাষায় লিখতে পারি না।
