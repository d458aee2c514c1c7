## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = كتبت بالعربية، لذلك سنرد عليك بالعربية. لتغيير اللغة، أرسل «اللغة» أو LANGUAGE.
# Someone who uses another language wrote a sentence in this one.
language-offer = هل تريد الرسائل بالعربية؟ أرسل LANGUAGE AR.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = يمكننا أيضا الكتابة بالأردية أو البنجابية. أرسل LANGUAGE UR للأردية أو LANGUAGE PA للبنجابية.
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = عذرا، لا نستطيع الكتابة بلغتك بعد.
