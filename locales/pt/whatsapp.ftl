## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = Muito bem, vamos enviar as novidades por SMS. Envie WHATSAPP para mudar.
channel-whatsapp-chosen = Muito bem, vamos enviar as novidades pelo WhatsApp. Envie SMS para mudar.
whatsapp-template-update = Há novidades sobre o seu assunto { $ref }. Responda NOVIDADES para ler.
whatsapp-template-notice = O Gather tem novidades para si. Responda MENU para ver o que pode fazer.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = Sim
button-no = Não
