## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = De acuerdo, le enviaremos las novedades por SMS. Envíe WHATSAPP para cambiarlo.
channel-whatsapp-chosen = De acuerdo, le enviaremos las novedades por WhatsApp. Envíe SMS para cambiarlo.
whatsapp-template-update = Hay novedades sobre su asunto { $ref }. Responda NOVEDADES para leerlas.
whatsapp-template-notice = Gather tiene novedades para usted. Responda MENÚ para ver qué puede hacer.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = Sí
button-no = No
