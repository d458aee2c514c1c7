## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = Piszesz po polsku, więc odpowiemy po polsku. Aby zmienić język, wyślij JĘZYK lub LANGUAGE.
# Someone who uses another language wrote a sentence in this one.
language-offer = Chcesz dostawać wiadomości po polsku? Wyślij JĘZYK PL.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = Możemy też pisać w urdu lub pendżabi. Wyślij LANGUAGE UR (urdu) lub LANGUAGE PA (pendżabi).
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = Przepraszamy, nie możemy jeszcze pisać w Twoim języku.
