## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = ٹھیک ہے، ہم آپ کو خبریں SMS سے بھیجیں گے۔ بدلنے کے لیے WHATSAPP بھیجیں۔
channel-whatsapp-chosen = ٹھیک ہے، ہم آپ کو خبریں واٹس ایپ پر بھیجیں گے۔ بدلنے کے لیے SMS بھیجیں۔
whatsapp-template-update = آپ کے مسئلے { $ref } کی خبر ہے۔ پڑھنے کے لیے خبریں بھیجیں۔
whatsapp-template-notice = Gather کے پاس آپ کے لیے خبر ہے۔ دیکھنے کے لیے MENU بھیجیں۔
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = ہاں
button-no = نہیں
