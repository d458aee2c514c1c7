## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: طلبت الإيقاف، لذلك لا نرسل لك شيئا. للعودة أرسل START.
    .voice = طلبت منا ألا نتواصل معك.
stopped-call = طلبت إيقاف رسائل Gather. أرسل START للعودة.
    .voice = طلبت منا ألا نتواصل معك. للعودة اضغط 1. لإنهاء المكالمة اضغط 2.
stopped-call-bye = حسنا، لن نتواصل معك. مع السلامة.

vote-closed-soon = انتهى التصويت في هذه الجولة. سنرسل لك النتائج قريبا.

status-issue = { $state ->
        [none] لم تطرح أي قضية بعد. أرسل «قائمة» لطرح قضية.
        [unknown] لا نجد قضية عامة رقمها { $ref }. أرسل STATUS لترى قضاياك.
        [hidden] أخفى مشرف القضية { $ref }: { $reason ->
            [personal] كانت فيها بيانات شخصية
            [abuse] خالفت قواعد الاحترام
            [offtopic] ليست عن رعاية NHS
           *[other] لم تلتزم بالقواعد
        }.
        [merged] دمجنا القضية { $ref } مع { $into } لأنها تقول الشيء نفسه. أرسل { $into } لأخبارها.
       *[found] { $ref } { $title }: { $status ->
            [new] سيراجعها مشرف قريبا
           *[approved] مفتوحة للتصويت
        }. الأصوات: { $votes }. { $response ->
            [none] لا رد من المجلس بعد.
            [committed] التزم المجلس بالعمل.
            [declined] رفض المجلس.
            [in_progress] العمل جار.
           *[done] تم.
        }
    }

notice-hidden = أخفى مشرف قضيتك { $ref }: { $reason ->
        [personal] كانت فيها بيانات شخصية
        [abuse] خالفت قواعد الاحترام
        [offtopic] ليست عن رعاية NHS
       *[other] لم تلتزم بالقواعد
    }. أرسل «قائمة» لطرح قضية.
notice-merged = دمجنا قضيتك { $ref } مع { $into } لأنها تقول الشيء نفسه. ستصلك أخبار { $into }.

discord-raise-describe = ما المشكلة أو الفكرة؟
discord-raise-area = الرمز البريدي، مثل SE15 (اختياري)
