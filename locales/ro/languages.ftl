## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = Ne-ați scris în română, așa că vă răspundem în română. Ca să schimbați limba, trimiteți LIMBĂ sau LANGUAGE.
# Someone who uses another language wrote a sentence in this one.
language-offer = Doriți mesaje în română? Trimiteți LIMBĂ RO.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = Putem scrie și în urdu sau punjabi. Trimiteți LANGUAGE UR pentru urdu sau LANGUAGE PA pentru punjabi.
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = Ne pare rău, încă nu putem scrie în limba dumneavoastră.
