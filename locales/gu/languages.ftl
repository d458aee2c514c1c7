## Language detection: what Gather says when it notices the language someone
## writes in (src/i18n/detect.rs). A separate file, so gather.ftl stays as
## translators left it. `language-offer` is sent in the language it offers.

# A new person's first sentence was in this language: Gather switched to it.
language-detected = તમે ગુજરાતીમાં લખ્યું, તેથી અમે ગુજરાતીમાં જવાબ આપીશું. ભાષા બદલવા ભાષા અથવા LANGUAGE મોકલો.
# Someone who uses another language wrote a sentence in this one.
language-offer = શું તમે ગુજરાતીમાં સંદેશા ઇચ્છો છો? LANGUAGE GU મોકલો.
# Someone wrote Urdu or Panjabi in Latin letters.
language-offer-romanized = અમે ઉર્દૂ કે પંજાબીમાં પણ લખી શકીએ છીએ. ઉર્દૂ માટે LANGUAGE UR અથવા પંજાબી માટે LANGUAGE PA મોકલો.
# A new person wrote in a language Gather does not have; the list follows.
language-unsupported = માફ કરશો, અમે હજુ તમારી ભાષામાં લખી શકતા નથી.
