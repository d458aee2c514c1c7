## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = Nos ha escrito en español, así que le responderemos en español. Para cambiarlo, envíe IDIOMA o LANGUAGE.
# Someone who uses another language wrote a sentence in this one.
language-offer = ¿Quiere recibir mensajes en español? Envíe IDIOMA ES.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = También podemos escribir en urdu o panyabí. Envíe LANGUAGE UR para urdu o LANGUAGE PA para panyabí.
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = Lo sentimos, todavía no podemos escribir en su idioma.
