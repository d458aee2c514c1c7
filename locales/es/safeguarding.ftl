## Safeguarding (src/i18n/safeguarding.rs). Sent first when a message suggests
## an urgent medical need, a risk of self-harm or abuse. Gather gives no advice
## and no diagnosis: it only points to help. Keep to 2 SMS segments.

# NHS 111 for urgent medical help, 999 in an emergency, Samaritans 116 123.
safeguarding-signpost = Gather no es un servicio de salud. Ayuda médica urgente: NHS 111. Emergencias: 999. Para hablar con alguien: Samaritans 116 123, gratis.
