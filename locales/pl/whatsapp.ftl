## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = Dobrze, nowości wyślemy SMS-em. Wyślij WHATSAPP, aby to zmienić.
channel-whatsapp-chosen = Dobrze, nowości wyślemy na WhatsAppie. Wyślij SMS, aby to zmienić.
whatsapp-template-update = Są nowości w Twojej sprawie { $ref }. Odpisz NOWOŚCI, aby je przeczytać.
whatsapp-template-notice = Gather ma dla Ciebie wiadomość. Odpisz MENU, aby zobaczyć, co możesz zrobić.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = Tak
button-no = Nie
