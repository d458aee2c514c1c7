## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = OK, we will send your updates by SMS. Send WHATSAPP to change this.
channel-whatsapp-chosen = OK, we will send your updates on WhatsApp. Send SMS to change this.
whatsapp-template-update = There is news on your issue { $ref }. Reply UPDATES to read it.
whatsapp-template-notice = Gather has news for you. Reply MENU to see what you can do.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = Yes
button-no = No
