# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = COLLEGA unisce un account Discord o Matrix al suo telefono. Invii COLLEGA a Gather in quella chat.
link-already = Questo account è già collegato a un numero di telefono.
link-ask-phone = Qual è il suo numero di cellulare? Le invieremo un codice di 6 cifre.
link-phone-invalid = Questo non è un numero di cellulare. Lo invii di nuovo, per esempio 07700 900123.
link-ask-code = Le abbiamo inviato un codice di 6 cifre via SMS. Lo invii qui. Vale 10 minuti.
link-code-wrong = Il codice non è giusto. Controlli l'SMS e invii di nuovo le 6 cifre.
link-code-expired = Il codice non vale più. Invii COLLEGA per averne uno nuovo.
link-done = Fatto. Questo account e il suo telefono ora sono uno: una lingua, un voto.
link-code-sms = Il suo codice Gather è { $code }. Vale 10 minuti. Se non l'ha chiesto, ignori questo messaggio.
