## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = Bine, vă trimitem noutățile prin SMS. Trimiteți WHATSAPP ca să schimbați.
channel-whatsapp-chosen = Bine, vă trimitem noutățile pe WhatsApp. Trimiteți SMS ca să schimbați.
whatsapp-template-update = Sunt noutăți despre problema dvs. { $ref }. Răspundeți NOUTĂȚI ca să le citiți.
whatsapp-template-notice = Gather are noutăți pentru dvs. Răspundeți MENIU ca să vedeți ce puteți face.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = Da
button-no = Nu
