## Safeguarding (src/i18n/safeguarding.rs). Sent first when a message suggests
## an urgent medical need, a risk of self-harm or abuse. Gather gives no advice
## and no diagnosis: it only points to help. Keep to 2 SMS segments.

# NHS 111 for urgent medical help, 999 in an emergency, Samaritans 116 123.
safeguarding-signpost = O Gather não é um serviço de saúde. Ajuda médica urgente: NHS 111. Emergência: 999. Apoio: Samaritans 116 123, grátis.
