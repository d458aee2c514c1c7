## Safeguarding (src/i18n/safeguarding.rs). Sent first when a message suggests
## an urgent medical need, a risk of self-harm or abuse. Gather gives no advice
## and no diagnosis: it only points to help. Keep to 2 SMS segments.

# NHS 111 for urgent medical help, 999 in an emergency, Samaritans 116 123.
safeguarding-signpost = Gather to nie służba zdrowia. Pilna pomoc medyczna: NHS 111. Nagły wypadek: 999. Rozmowa i wsparcie: Samaritans 116 123, bezpłatnie.
