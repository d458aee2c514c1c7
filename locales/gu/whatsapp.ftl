## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = ઠીક છે, અમે તમને સમાચાર SMS થી મોકલીશું. બદલવા WHATSAPP મોકલો.
channel-whatsapp-chosen = ઠીક છે, અમે તમને સમાચાર વોટ્સએપ પર મોકલીશું. બદલવા SMS મોકલો.
whatsapp-template-update = તમારા મુદ્દા { $ref } વિશે સમાચાર છે. વાંચવા સમાચાર (UPDATES) મોકલો.
whatsapp-template-notice = Gather પાસે તમારા માટે સમાચાર છે. જોવા MENU મોકલો.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = હા
button-no = ના
