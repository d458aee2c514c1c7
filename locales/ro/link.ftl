# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = LEAGĂ unește un cont Discord sau Matrix cu telefonul dvs. Trimiteți LEAGĂ către Gather în acel chat.
link-already = Acest cont este deja legat de un număr de telefon.
link-ask-phone = Care este numărul dvs. de mobil? Vă trimitem un cod de 6 cifre prin SMS.
link-phone-invalid = Acesta nu este un număr de mobil. Trimiteți-l din nou, de exemplu 07700 900123.
link-ask-code = V-am trimis prin SMS un cod de 6 cifre. Trimiteți-l aici. Este valabil 10 minute.
link-code-wrong = Codul nu este corect. Verificați SMS-ul și trimiteți din nou cele 6 cifre.
link-code-expired = Codul nu mai este valabil. Trimiteți LEAGĂ pentru unul nou.
link-done = Gata. Acest cont și telefonul dvs. sunt acum unul: o limbă, un vot.
link-code-sms = Codul dvs. Gather este { $code }. Este valabil 10 minute. Dacă nu l-ați cerut, ignorați acest SMS.
