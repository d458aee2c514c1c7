## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = آپ نے اردو میں لکھا، اس لیے ہم اردو میں جواب دیں گے۔ زبان بدلنے کے لیے زبان یا LANGUAGE بھیجیں۔
# Someone who uses another language wrote a sentence in this one.
language-offer = کیا آپ اردو میں پیغامات چاہتے ہیں؟ LANGUAGE UR بھیجیں۔
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = ہم اردو یا پنجابی میں بھی لکھ سکتے ہیں۔ اردو کے لیے LANGUAGE UR یا پنجابی کے لیے LANGUAGE PA بھیجیں۔
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = معاف کیجیے، ہم ابھی آپ کی زبان میں نہیں لکھ سکتے۔
