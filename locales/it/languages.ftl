## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = Ci hai scritto in italiano, quindi ti risponderemo in italiano. Per cambiare, invia LINGUA o LANGUAGE.
# Someone who uses another language wrote a sentence in this one.
language-offer = Vuoi ricevere messaggi in italiano? Invia LINGUA IT.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = Possiamo scrivere anche in urdu o panjabi. Invia LANGUAGE UR per l'urdu o LANGUAGE PA per il panjabi.
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = Ci dispiace, non possiamo ancora scrivere nella tua lingua.
