## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = Va bene, ti invieremo le notizie via SMS. Invia WHATSAPP per cambiare.
channel-whatsapp-chosen = Va bene, ti invieremo le notizie su WhatsApp. Invia SMS per cambiare.
whatsapp-template-update = Ci sono notizie sulla tua questione { $ref }. Rispondi NOTIZIE per leggerle.
whatsapp-template-notice = Gather ha notizie per te. Rispondi MENU per vedere cosa puoi fare.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = Sì
button-no = No
