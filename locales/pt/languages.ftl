## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = Escreveu em português, por isso vamos responder em português. Para mudar, envie IDIOMA ou LANGUAGE.
# Someone who uses another language wrote a sentence in this one.
language-offer = Quer receber mensagens em português? Envie IDIOMA PT.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = Também podemos escrever em urdu ou panjabi. Envie LANGUAGE UR para urdu ou LANGUAGE PA para panjabi.
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = Lamentamos, ainda não podemos escrever na sua língua.
