## WhatsApp (a number on both SMS and WhatsApp): where Gather writes, and
## the templates for messages outside WhatsApp's 24-hour window. The
## template texts are what to submit to WhatsApp for approval (README,
## "WhatsApp"); { $ref } is the template's {{1}}.
channel-sms-chosen = ਠੀਕ ਹੈ, ਅਸੀਂ ਤੁਹਾਨੂੰ ਖ਼ਬਰਾਂ SMS ਰਾਹੀਂ ਭੇਜਾਂਗੇ। ਬਦਲਣ ਲਈ WHATSAPP ਭੇਜੋ।
channel-whatsapp-chosen = ਠੀਕ ਹੈ, ਅਸੀਂ ਤੁਹਾਨੂੰ ਖ਼ਬਰਾਂ ਵਟਸਐਪ ਤੇ ਭੇਜਾਂਗੇ। ਬਦਲਣ ਲਈ SMS ਭੇਜੋ।
whatsapp-template-update = ਤੁਹਾਡੇ ਮੁੱਦੇ { $ref } ਬਾਰੇ ਖ਼ਬਰ ਹੈ। ਪੜ੍ਹਨ ਲਈ ਖ਼ਬਰਾਂ (UPDATES) ਭੇਜੋ।
whatsapp-template-notice = Gather ਕੋਲ ਤੁਹਾਡੇ ਲਈ ਖ਼ਬਰ ਹੈ। ਵੇਖਣ ਲਈ MENU ਭੇਜੋ।
# Quick-reply buttons on WhatsApp (at most 20 characters).
button-yes = ਹਾਂ
button-no = ਨਹੀਂ
