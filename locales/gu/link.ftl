# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = લિંક Discord અથવા Matrix ખાતાને તમારા ફોન સાથે જોડે છે. તે ચેટમાં Gatherને લિંક મોકલો.
link-already = આ ખાતું પહેલેથી એક ફોન નંબર સાથે જોડાયેલું છે.
link-ask-phone = તમારો મોબાઇલ નંબર શું છે? અમે તેના પર 6 અંકનો કોડ મોકલીશું.
link-phone-invalid = આ મોબાઇલ નંબર નથી. ફરી મોકલો, જેમ કે 07700 900123
link-ask-code = અમે SMSથી 6 અંકનો કોડ મોકલ્યો છે. તેને અહીં મોકલો. તે 10 મિનિટ ચાલે છે.
link-code-wrong = આ કોડ સાચો નથી. SMS જુઓ અને 6 અંક ફરી મોકલો.
link-code-expired = આ કોડ હવે ચાલતો નથી. નવા કોડ માટે લિંક મોકલો.
link-done = થઈ ગયું. આ ખાતું અને તમારો ફોન હવે એક છે: એક ભાષા, એક મત.
link-code-sms = તમારો Gather કોડ { $code } છે. તે 10 મિનિટ ચાલે છે. જો તમે માંગ્યો ન હોય, તો આ સંદેશ અવગણો.
