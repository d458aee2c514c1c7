## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = ਤੁਸੀਂ ਪੰਜਾਬੀ ਵਿੱਚ ਲਿਖਿਆ, ਇਸ ਲਈ ਅਸੀਂ ਪੰਜਾਬੀ ਵਿੱਚ ਜਵਾਬ ਦੇਵਾਂਗੇ। ਭਾਸ਼ਾ ਬਦਲਣ ਲਈ ਭਾਸ਼ਾ ਜਾਂ LANGUAGE ਭੇਜੋ।
# Someone who uses another language wrote a sentence in this one.
language-offer = ਕੀ ਤੁਸੀਂ ਪੰਜਾਬੀ ਵਿੱਚ ਸੁਨੇਹੇ ਚਾਹੁੰਦੇ ਹੋ? LANGUAGE PA ਭੇਜੋ।
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = ਅਸੀਂ ਉਰਦੂ ਜਾਂ ਪੰਜਾਬੀ ਵਿੱਚ ਵੀ ਲਿਖ ਸਕਦੇ ਹਾਂ। ਉਰਦੂ ਲਈ LANGUAGE UR ਜਾਂ ਪੰਜਾਬੀ ਲਈ LANGUAGE PA ਭੇਜੋ।
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = ਮਾਫ਼ ਕਰਨਾ, ਅਸੀਂ ਅਜੇ ਤੁਹਾਡੀ ਭਾਸ਼ਾ ਵਿੱਚ ਨਹੀਂ ਲਿਖ ਸਕਦੇ।
