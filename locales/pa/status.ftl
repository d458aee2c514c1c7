## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: ਤੁਹਾਡੇ ਕਹਿਣ ਤੇ ਅਸੀਂ ਕੁਝ ਨਹੀਂ ਭੇਜਦੇ। ਦੁਬਾਰਾ ਜੁੜਨ ਲਈ START ਭੇਜੋ।
    .voice = ਤੁਸੀਂ ਸਾਨੂੰ ਸੰਪਰਕ ਬੰਦ ਕਰਨ ਲਈ ਕਿਹਾ ਸੀ।
stopped-call = ਤੁਸੀਂ Gather ਦੇ ਸੁਨੇਹੇ ਬੰਦ ਕੀਤੇ ਹਨ। ਦੁਬਾਰਾ ਜੁੜਨ ਲਈ START ਭੇਜੋ।
    .voice = ਤੁਸੀਂ ਸਾਨੂੰ ਸੰਪਰਕ ਬੰਦ ਕਰਨ ਲਈ ਕਿਹਾ ਸੀ। ਦੁਬਾਰਾ ਜੁੜਨ ਲਈ 1 ਦਬਾਓ। ਕਾਲ ਖ਼ਤਮ ਕਰਨ ਲਈ 2 ਦਬਾਓ।
stopped-call-bye = ਠੀਕ ਹੈ, ਅਸੀਂ ਸੰਪਰਕ ਨਹੀਂ ਕਰਾਂਗੇ। ਅਲਵਿਦਾ।

vote-closed-soon = ਇਸ ਗੇੜ ਦੀ ਵੋਟਿੰਗ ਬੰਦ ਹੋ ਚੁੱਕੀ ਹੈ। ਅਸੀਂ ਜਲਦੀ ਨਤੀਜੇ ਭੇਜਾਂਗੇ।

status-issue = { $state ->
        [none] ਤੁਸੀਂ ਅਜੇ ਕੋਈ ਮੁੱਦਾ ਨਹੀਂ ਉਠਾਇਆ। ਮੁੱਦਾ ਉਠਾਉਣ ਲਈ MENU ਭੇਜੋ।
        [unknown] ਸਾਨੂੰ { $ref } ਦਾ ਕੋਈ ਜਨਤਕ ਮੁੱਦਾ ਨਹੀਂ ਮਿਲਿਆ। ਆਪਣੇ ਮੁੱਦੇ ਦੇਖਣ ਲਈ STATUS ਭੇਜੋ।
        [hidden] ਇੱਕ ਮਾਡਰੇਟਰ ਨੇ { $ref } ਲੁਕਾ ਦਿੱਤਾ: { $reason ->
            [personal] ਇਸ ਵਿੱਚ ਨਿੱਜੀ ਜਾਣਕਾਰੀ ਸੀ
            [abuse] ਇਹ ਆਦਰ ਦੇ ਨਿਯਮਾਂ ਦੇ ਖ਼ਿਲਾਫ਼ ਸੀ
            [offtopic] ਇਹ NHS ਦੀ ਦੇਖਭਾਲ ਬਾਰੇ ਨਹੀਂ
           *[other] ਇਹ ਨਿਯਮਾਂ ਮੁਤਾਬਕ ਨਹੀਂ ਸੀ
        }।
        [merged] { $ref } ਨੂੰ { $into } ਨਾਲ ਜੋੜਿਆ ਗਿਆ, ਜੋ ਇਹੀ ਗੱਲ ਕਹਿੰਦਾ ਹੈ। ਖ਼ਬਰਾਂ ਲਈ { $into } ਭੇਜੋ।
       *[found] { $ref } { $title }: { $status ->
            [new] ਇੱਕ ਮਾਡਰੇਟਰ ਜਲਦੀ ਇਸਨੂੰ ਜਾਂਚੇਗਾ
           *[approved] ਵੋਟ ਲਈ ਖੁੱਲ੍ਹਾ ਹੈ
        }। ਵੋਟਾਂ: { $votes }। { $response ->
            [none] ਅਜੇ ਬੋਰਡ ਦਾ ਕੋਈ ਜਵਾਬ ਨਹੀਂ।
            [committed] ਬੋਰਡ ਨੇ ਕਾਰਵਾਈ ਦਾ ਵਾਅਦਾ ਕੀਤਾ।
            [declined] ਬੋਰਡ ਨੇ ਨਾਂਹ ਕਰ ਦਿੱਤੀ।
            [in_progress] ਕੰਮ ਚੱਲ ਰਿਹਾ ਹੈ।
           *[done] ਪੂਰਾ ਹੋ ਗਿਆ।
        }
    }

notice-hidden = ਇੱਕ ਮਾਡਰੇਟਰ ਨੇ ਤੁਹਾਡਾ ਮੁੱਦਾ { $ref } ਲੁਕਾ ਦਿੱਤਾ: { $reason ->
        [personal] ਇਸ ਵਿੱਚ ਨਿੱਜੀ ਜਾਣਕਾਰੀ ਸੀ
        [abuse] ਇਹ ਆਦਰ ਦੇ ਨਿਯਮਾਂ ਦੇ ਖ਼ਿਲਾਫ਼ ਸੀ
        [offtopic] ਇਹ NHS ਦੀ ਦੇਖਭਾਲ ਬਾਰੇ ਨਹੀਂ
       *[other] ਇਹ ਨਿਯਮਾਂ ਮੁਤਾਬਕ ਨਹੀਂ ਸੀ
    }। ਮੁੱਦਾ ਉਠਾਉਣ ਲਈ MENU ਭੇਜੋ।
notice-merged = ਤੁਹਾਡਾ ਮੁੱਦਾ { $ref } ਇਹੀ ਗੱਲ ਕਹਿੰਦੇ { $into } ਨਾਲ ਜੋੜਿਆ ਗਿਆ। ਤੁਹਾਨੂੰ { $into } ਦੀਆਂ ਖ਼ਬਰਾਂ ਮਿਲਣਗੀਆਂ।

discord-raise-describe = ਸਮੱਸਿਆ ਜਾਂ ਵਿਚਾਰ ਕੀ ਹੈ?
discord-raise-area = ਪੋਸਟਕੋਡ, ਜਿਵੇਂ SE15 (ਚੋਣਵਾਂ)
