## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = حسنا، سنرسل لك الأخبار برسالة SMS. أرسل WHATSAPP للتغيير.
channel-whatsapp-chosen = حسنا، سنرسل لك الأخبار على واتساب. أرسل SMS للتغيير.
whatsapp-template-update = هناك أخبار عن قضيتك { $ref }. أرسل «أخبار» لقراءتها.
whatsapp-template-notice = لدى Gather أخبار لك. أرسل «قائمة» لترى ما يمكنك فعله.
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = نعم
button-no = لا
