## Gather, Arabic (العربية): simple Modern Standard Arabic. Plain words, short
## sentences. Arabic text is always sent as UCS-2, so one SMS segment holds 67
## characters when split: every prompt must fit in 2 segments (134 characters).
## Right to left. Do not add direction marks or other invisible characters:
## they cost characters and break nothing that needs fixing. Numbers stay as
## ASCII digits (1, 2, 3), as on the phone keypad.
## Register: the reader is addressed in the singular, with the usual
## masculine generic imperative (أرسل، اضغط، اختر). Past-tense verbs about the
## reader are written without vowel marks, so they read for any gender.
## Words to send are Arabic words from keywords.toml, shown in «» so that
## people know to send exactly that word. STOP, START and LANGUAGE stay in
## English: phone networks know STOP and START.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = العربية

## Engine lines

welcome = أهلا بك في Gather: قل رأيك في NHS.
conversation-expired = مر بعض الوقت، لذلك سنبدأ من جديد.
error-generic = عذرا، حدث خطأ من جهتنا. أرسل «قائمة» للبدء من جديد.
offer-help = أرسل «مساعدة» للمساعدة، أو «قائمة» للبدء من جديد.
    .voice = اضغط 9 للمساعدة، أو 0 للقائمة.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = لاختيار { $label }، اضغط { $number }.
skip-hint = أرسل 0 للتخطي.
    .voice = اضغط 0 للتخطي.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [zero] أرسل رقما من 1 إلى { $max }.
        [one] أرسل 1.
        [two] أرسل 1 أو 2.
        [few] أرسل رقما من 1 إلى { $max }.
        [many] أرسل رقما من 1 إلى { $max }.
       *[other] أرسل رقما من 1 إلى { $max }.
    }
    .voice = اضغط رقما من 1 إلى { $max }.
reask-choices = أرسل أرقاما من 1 إلى { $count }، مثل 1 3. يمكنك اختيار { $max } كحد أقصى.
    .voice = اضغط رقما من 1 إلى { $count }.
reask-yes-no = أرسل «نعم» أو «لا».
    .voice = نعم: اضغط 1. لا: اضغط 2.
reask-number = أرسل رقما من { $min } إلى { $max }.
reask-text-short = من فضلك أخبرنا أكثر قليلا، ببضع كلمات.
reask-text-long = النص طويل. أرسل نسخة أقصر: بضع جمل تكفي.
reask-postcode = أرسل الجزء الأول من الرمز البريدي، مثل SE15، أو 0 للتخطي.
    .voice = اضغط 0 للتخطي.
reask-language = أرسل رقم لغتك.
    .voice = اضغط رقم لغتك.
reask-empty = وصلتنا رسالة فارغة. أرسل «قائمة» لترى ما يمكنك فعله.

## Menu

menu-prompt = أرسل رقما:
    .voice = ماذا تريد أن تفعل؟
menu-raise = قضية جديدة
menu-vote = تصويت
menu-updates = أخبار المجلس
menu-language = اللغة
menu-help = مساعدة

## Raise an issue

raise-describe = ما المشكلة أو الفكرة؟ صفها بكلماتك.
    .voice = بعد الصافرة، قل ما المشكلة أو الفكرة. اضغط المربع عند الانتهاء.
raise-noted = شكرا. سنرسل هذا إلى NHS كقضية جديدة. أولا، سؤالان سريعان.
raise-area = أي منطقة؟ أرسل أول جزء من الرمز البريدي، مثل SE15، أو 0 للتخطي.
    .voice = اضغط 0 لتخطي المنطقة.
raise-involvement = ما علاقتك بهذه القضية؟ أرسل رقما، أو 0 للتخطي:
    .voice = ما علاقتك بهذه القضية؟ اضغط 0 للتخطي.
involvement-patient = مريض
involvement-carer = مقدم رعاية أو من العائلة
involvement-staff = من موظفي NHS
involvement-community = مجموعة مجتمعية
involvement-other = غير ذلك
raise-confirm = كتبت: «{ $description_short }»{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. نرسلها؟ أرسل «نعم» أو «تعديل».
    .voice = اضغط 1 لإرسال قضيتك، أو 2 لتغييرها.
raise-fix = ماذا تريد أن تفعل؟
raise-fix-rewrite = الكتابة من جديد
raise-fix-cancel = عدم الإرسال
raise-cancelled = حسنا، لم نرسل شيئا. أرسل «قائمة» للبدء من جديد.
raise-created = شكرا. رقم قضيتك { $ref }، وسيراجعها مشرف.
raise-follow = أخبار { $ref }؟ أرسل نعم أو لا.
    .voice = هل تريد أخبارا عن هذه القضية؟ نعم: اضغط 1. لا: اضغط 2.
raise-following = ستصلك أخبار عن { $ref }. أرسل «أخبار» في أي وقت.
raise-not-following = حسنا. أرسل «قائمة» لفعل شيء آخر.

## Vote

vote-no-round = لا يوجد تصويت مفتوح الآن. سنخبرك عندما يبدأ التصويت القادم.
vote-already =
    صوتك الحالي: { $previous }
    إذا صوتت مرة أخرى، يحل صوتك الجديد محله.
vote-choose = { $max_choices ->
        [zero] { $round_title }: أرسل أرقام القضايا التي تختارها، مثل 1 3:
        [one] { $round_title }: أرسل رقم القضية التي تختارها:
        [two] { $round_title }: أرسل رقمين على الأكثر، مثل 1 3:
        [few] { $round_title }: أرسل { $max_choices } أرقام على الأكثر، مثل 1 3:
        [many] { $round_title }: أرسل { $max_choices } رقما على الأكثر، مثل 1 3:
       *[other] { $round_title }: أرسل { $max_choices } رقم على الأكثر، مثل 1 3:
    }
    .voice = { $round_title }. اختر قضية.
vote-confirm =
    صوتك: { $choices }
    أرسل «نعم» للتصويت أو «لا» للاختيار من جديد.
    .voice = اخترت { $choices }. اضغط 1 للتصويت، أو 2 للاختيار من جديد.
vote-out-of-range = { $count ->
        [zero] لا توجد قضايا في هذا التصويت.
        [one] في هذا التصويت قضية واحدة فقط. أرسل «تصويت 1» للتصويت لها.
        [two] في هذا التصويت قضيتان فقط. أرسل «تصويت 1» أو «تصويت 2».
        [few] في هذا التصويت { $count } قضايا فقط. أرسل «تصويت» ورقما من 1 إلى { $count }.
        [many] في هذا التصويت { $count } قضية فقط. أرسل «تصويت» ورقما من 1 إلى { $count }.
       *[other] في هذا التصويت { $count } قضية فقط. أرسل «تصويت» ورقما من 1 إلى { $count }.
    }
vote-too-many = يمكنك أن تختار { $max_choices } كحد أقصى في هذا التصويت.
vote-round-changed = هذا التصويت مغلق الآن. أرسل «تصويت» لترى ما هو مفتوح.
vote-counted = شكرا، تم احتساب صوتك. سنخبرك بالنتائج.
vote-replaced = شكرا. صوتك الجديد يحل محل صوتك السابق. ويحتسب مرة واحدة فقط.
vote-voted-before = لقد صوتت بالفعل في هذه الجولة. ما زال صوتك محتسبا.

## Updates from the Board

updates-none = لا توجد أخبار من المجلس بعد عن القضايا التي طرحتها أو صوتت لها أو تتابعها.
updates-intro = آخر أخبار مجلس إدارة NHS England:
updates-item = { $ref } { $title }: { $status ->
        [committed] التزم المجلس بالعمل.
        [declined] رفض المجلس.
        [in_progress] العمل جار{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] تم.
    } { $text }{ $pending ->
        [yes] {" "}(الترجمة قريبا.)
       *[no] {""}
    }

## Commands that always work

help = Gather: أخبر NHS بما يهمك. أرسل «قائمة» أو «تصويت» أو «أخبار» أو «اللغة»، أو STOP للإيقاف، أو «حذف» لحذف بياناتك.
    .voice = اضغط 0 للقائمة. اضغط النجمة لسماع هذا مرة أخرى.
stop-confirm = لن تصلك رسائل أخرى من Gather. أرسل START للعودة.
start-confirm = أهلا بعودتك. ستصلك رسائل Gather من جديد.
language-choose = اختر لغتك. أرسل رقما:
    .voice = اختر لغتك.
language-set = سنكتب إليك بالعربية. لتغيير اللغة، أرسل «اللغة» أو LANGUAGE.
    .voice = سنتحدث إليك بالعربية. لتغيير اللغة، اضغط 0 للقائمة.
forget-confirm = هذا يحذف رقمك ورسائلك. تبقى قضاياك وأصواتك، بدون اسم. أرسل «نعم» للحذف أو «لا» للإبقاء عليها.
    .voice = هذا يحذف رقمك ورسائلك. اضغط 1 للحذف، أو 2 للإبقاء عليها.
forget-done = تم. حذفنا رقمك ورسائلك. مع السلامة.
forget-cancelled = حسنا، لم نحذف شيئا.
