## Safeguarding (src/i18n/safeguarding.rs). Sent first when a message suggests
## an urgent medical need, a risk of self-harm or abuse. Gather gives no advice
## and no diagnosis: it only points to help. Keep to 2 SMS segments.

# NHS 111 for urgent medical help, 999 in an emergency, Samaritans 116 123.
safeguarding-signpost = Gather স্বাস্থ্য সেবা নয়। জরুরি চিকিৎসা সাহায্য: NHS 111। জরুরি অবস্থায়: 999। কথা বলতে: Samaritans 116 123, বিনামূল্যে।
