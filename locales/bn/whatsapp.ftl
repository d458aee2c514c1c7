## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = ঠিক আছে, আমরা আপনাকে খবর SMS-এ পাঠাব। বদলাতে WHATSAPP পাঠান।
channel-whatsapp-chosen = ঠিক আছে, আমরা আপনাকে খবর হোয়াটসঅ্যাপে পাঠাব। বদলাতে SMS পাঠান।
whatsapp-template-update = আপনার বিষয় { $ref } নিয়ে খবর আছে। পড়তে খবর (UPDATES) পাঠান।
whatsapp-template-notice = Gather-এর কাছে আপনার জন্য খবর আছে। দেখতে MENU পাঠান।
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = হ্যাঁ
button-no = না
