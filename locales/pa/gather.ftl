## Gather, Panjabi (ਪੰਜਾਬੀ), Gurmukhi script. Plain words, short sentences.
## Gurmukhi text is sent as UCS-2, so one SMS segment holds 67 characters when
## split: every prompt must fit in 2 segments (134 characters).
## Register: respectful ਤੁਸੀਂ forms (ਭੇਜੋ, ਦਬਾਓ, ਤੁਹਾਡਾ).
## Commands in sentences use the Panjabi word from keywords.toml with the
## English word in brackets, for people who type in English letters:
## ਹਾਂ (YES). MENU, STOP and START stay in English.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = ਪੰਜਾਬੀ

## Engine lines

welcome = Gather ਵਿੱਚ ਜੀ ਆਇਆਂ ਨੂੰ: NHS ਨੂੰ ਆਪਣੀ ਰਾਏ ਦੱਸੋ।
conversation-expired = ਕਾਫ਼ੀ ਸਮਾਂ ਹੋ ਗਿਆ ਹੈ, ਇਸ ਲਈ ਆਓ ਦੁਬਾਰਾ ਸ਼ੁਰੂ ਕਰੀਏ।
error-generic = ਮਾਫ਼ ਕਰਨਾ, ਸਾਡੇ ਪਾਸੇ ਕੁਝ ਗ਼ਲਤ ਹੋ ਗਿਆ। ਦੁਬਾਰਾ ਸ਼ੁਰੂ ਕਰਨ ਲਈ MENU ਭੇਜੋ।
offer-help = ਮਦਦ ਲਈ ਮਦਦ (HELP) ਭੇਜੋ, ਜਾਂ ਦੁਬਾਰਾ ਸ਼ੁਰੂ ਕਰਨ ਲਈ MENU ਭੇਜੋ।
    .voice = ਮਦਦ ਲਈ 9 ਦਬਾਓ, ਜਾਂ ਮੀਨੂ ਲਈ 0 ਦਬਾਓ।
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = { $label } ਲਈ { $number } ਦਬਾਓ।
skip-hint = ਛੱਡਣ ਲਈ 0 ਭੇਜੋ।
    .voice = ਛੱਡਣ ਲਈ 0 ਦਬਾਓ।

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] ਕਿਰਪਾ ਕਰਕੇ 1 ਭੇਜੋ।
       *[other] ਕਿਰਪਾ ਕਰਕੇ 1 ਤੋਂ { $max } ਤੱਕ ਕੋਈ ਨੰਬਰ ਭੇਜੋ।
    }
    .voice = ਕਿਰਪਾ ਕਰਕੇ 1 ਤੋਂ { $max } ਤੱਕ ਕੋਈ ਬਟਨ ਦਬਾਓ।
reask-choices = ਕਿਰਪਾ ਕਰਕੇ 1 ਤੋਂ { $count } ਵਿੱਚੋਂ ਵੱਧ ਤੋਂ ਵੱਧ { $max } ਨੰਬਰ ਭੇਜੋ, ਜਿਵੇਂ 1 3।
    .voice = ਕਿਰਪਾ ਕਰਕੇ 1 ਤੋਂ { $count } ਤੱਕ ਕੋਈ ਬਟਨ ਦਬਾਓ।
reask-yes-no = ਕਿਰਪਾ ਕਰਕੇ ਹਾਂ (YES) ਜਾਂ ਨਹੀਂ (NO) ਭੇਜੋ।
    .voice = ਹਾਂ ਲਈ 1 ਦਬਾਓ, ਨਹੀਂ ਲਈ 2 ਦਬਾਓ।
reask-number = ਕਿਰਪਾ ਕਰਕੇ { $min } ਤੋਂ { $max } ਤੱਕ ਕੋਈ ਨੰਬਰ ਭੇਜੋ।
reask-text-short = ਕਿਰਪਾ ਕਰਕੇ ਕੁਝ ਸ਼ਬਦਾਂ ਵਿੱਚ ਥੋੜ੍ਹਾ ਹੋਰ ਦੱਸੋ।
reask-text-long = ਇਹ ਬਹੁਤ ਲੰਮਾ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਛੋਟਾ ਲਿਖੋ: ਕੁਝ ਵਾਕ ਕਾਫ਼ੀ ਹਨ।
reask-postcode = ਕਿਰਪਾ ਕਰਕੇ ਆਪਣੇ ਪੋਸਟਕੋਡ ਦਾ ਪਹਿਲਾ ਹਿੱਸਾ ਭੇਜੋ, ਜਿਵੇਂ SE15, ਜਾਂ ਛੱਡਣ ਲਈ 0 ਭੇਜੋ।
    .voice = ਛੱਡਣ ਲਈ 0 ਦਬਾਓ।
reask-language = ਕਿਰਪਾ ਕਰਕੇ ਆਪਣੀ ਭਾਸ਼ਾ ਦਾ ਨੰਬਰ ਭੇਜੋ।
    .voice = ਕਿਰਪਾ ਕਰਕੇ ਆਪਣੀ ਭਾਸ਼ਾ ਵਾਲਾ ਬਟਨ ਦਬਾਓ।
reask-empty = ਸਾਨੂੰ ਖ਼ਾਲੀ ਸੁਨੇਹਾ ਮਿਲਿਆ। ਤੁਸੀਂ ਕੀ ਕਰ ਸਕਦੇ ਹੋ, ਇਹ ਦੇਖਣ ਲਈ MENU ਭੇਜੋ।

## Menu

menu-prompt = ਨੰਬਰ ਭੇਜੋ:
    .voice = ਤੁਸੀਂ ਕੀ ਕਰਨਾ ਚਾਹੋਗੇ?
menu-raise = ਮੁੱਦਾ ਦੱਸੋ
menu-vote = ਵੋਟ
menu-updates = ਬੋਰਡ ਦੀਆਂ ਖ਼ਬਰਾਂ
menu-language = ਭਾਸ਼ਾ
menu-help = ਮਦਦ

## Raise an issue

raise-describe = ਸਮੱਸਿਆ ਜਾਂ ਸੁਝਾਅ ਕੀ ਹੈ? ਆਪਣੇ ਸ਼ਬਦਾਂ ਵਿੱਚ ਦੱਸੋ।
    .voice = ਬੀਪ ਤੋਂ ਬਾਅਦ ਦੱਸੋ ਕਿ ਸਮੱਸਿਆ ਜਾਂ ਸੁਝਾਅ ਕੀ ਹੈ। ਗੱਲ ਪੂਰੀ ਹੋਣ ਤੇ ਹੈਸ਼ ਵਾਲਾ ਬਟਨ ਦਬਾਓ।
raise-noted = ਧੰਨਵਾਦ। ਅਸੀਂ ਇਸਨੂੰ ਨਵੇਂ ਮੁੱਦੇ ਵਜੋਂ NHS ਨੂੰ ਭੇਜਾਂਗੇ। ਪਹਿਲਾਂ ਦੋ ਛੋਟੇ ਸਵਾਲ।
raise-area = ਕਿਹੜਾ ਇਲਾਕਾ? ਪੋਸਟਕੋਡ ਦਾ ਪਹਿਲਾ ਹਿੱਸਾ ਭੇਜੋ, ਜਿਵੇਂ SE15, ਜਾਂ 0।
    .voice = ਇਲਾਕਾ ਛੱਡਣ ਲਈ 0 ਦਬਾਓ।
raise-involvement = ਤੁਹਾਡਾ ਇਸ ਨਾਲ ਕੀ ਸਬੰਧ ਹੈ? ਇੱਕ ਨੰਬਰ ਭੇਜੋ, ਜਾਂ ਛੱਡਣ ਲਈ 0:
    .voice = ਤੁਹਾਡਾ ਇਸ ਨਾਲ ਕੀ ਸਬੰਧ ਹੈ? ਛੱਡਣ ਲਈ 0 ਦਬਾਓ।
involvement-patient = ਮਰੀਜ਼
involvement-carer = ਦੇਖਭਾਲ ਕਰਨ ਵਾਲੇ ਜਾਂ ਪਰਿਵਾਰ
involvement-staff = NHS ਸਟਾਫ਼
involvement-community = ਭਾਈਚਾਰਕ ਗਰੁੱਪ
involvement-other = ਹੋਰ
raise-confirm = ਤੁਸੀਂ ਲਿਖਿਆ: "{ $description_short }"{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }। ਭੇਜੀਏ? ਹਾਂ (YES) ਜਾਂ ਬਦਲੋ।
    .voice = ਆਪਣਾ ਮੁੱਦਾ ਭੇਜਣ ਲਈ 1 ਦਬਾਓ, ਜਾਂ ਬਦਲਣ ਲਈ 2 ਦਬਾਓ।
raise-fix = ਤੁਸੀਂ ਕੀ ਕਰਨਾ ਚਾਹੋਗੇ?
raise-fix-rewrite = ਦੁਬਾਰਾ ਲਿਖੋ
raise-fix-cancel = ਨਾ ਭੇਜੋ
raise-cancelled = ਠੀਕ ਹੈ, ਕੁਝ ਨਹੀਂ ਭੇਜਿਆ ਗਿਆ। ਦੁਬਾਰਾ ਸ਼ੁਰੂ ਕਰਨ ਲਈ MENU ਭੇਜੋ।
raise-created = ਧੰਨਵਾਦ! ਨੰਬਰ { $ref }, ਅਸੀਂ ਜਾਂਚਾਂਗੇ।
raise-follow = { $ref } ਦੀ ਖ਼ਬਰ? YES ਜਾਂ NO ਭੇਜੋ।
    .voice = ਕੀ ਤੁਸੀਂ ਇਸ ਮੁੱਦੇ ਬਾਰੇ ਖ਼ਬਰਾਂ ਚਾਹੁੰਦੇ ਹੋ? ਹਾਂ ਲਈ 1 ਦਬਾਓ, ਨਹੀਂ ਲਈ 2 ਦਬਾਓ।
raise-following = ਤੁਹਾਨੂੰ { $ref } ਬਾਰੇ ਖ਼ਬਰਾਂ ਮਿਲਣਗੀਆਂ। ਕਦੇ ਵੀ ਖ਼ਬਰਾਂ (UPDATES) ਭੇਜੋ।
raise-not-following = ਠੀਕ ਹੈ। ਕੁਝ ਹੋਰ ਕਰਨ ਲਈ MENU ਭੇਜੋ।

## Vote

vote-no-round = ਹੁਣ ਕੋਈ ਵੋਟ ਖੁੱਲ੍ਹੀ ਨਹੀਂ ਹੈ। ਅਗਲੀ ਵੋਟ ਸ਼ੁਰੂ ਹੋਣ ਤੇ ਅਸੀਂ ਤੁਹਾਨੂੰ ਦੱਸਾਂਗੇ।
vote-already =
    ਤੁਹਾਡੀ ਵੋਟ: { $previous }
    ਜੇ ਤੁਸੀਂ ਦੁਬਾਰਾ ਵੋਟ ਪਾਓ, ਤਾਂ ਨਵੀਂ ਵੋਟ ਪੁਰਾਣੀ ਦੀ ਥਾਂ ਲਵੇਗੀ।
vote-choose = { $max_choices ->
        [one] { $round_title }: ਤੁਸੀਂ ਜੋ ਮੁੱਦਾ ਚੁਣਦੇ ਹੋ, ਉਸਦਾ ਨੰਬਰ ਭੇਜੋ:
       *[other] { $round_title }: ਵੱਧ ਤੋਂ ਵੱਧ { $max_choices } ਨੰਬਰ ਭੇਜੋ, ਜਿਵੇਂ 1 3:
    }
    .voice = { $round_title }। ਇੱਕ ਮੁੱਦਾ ਚੁਣੋ।
vote-confirm =
    ਤੁਹਾਡੀ ਵੋਟ: { $choices }
    ਵੋਟ ਪਾਉਣ ਲਈ ਹਾਂ (YES), ਦੁਬਾਰਾ ਚੁਣਨ ਲਈ ਨਹੀਂ (NO) ਭੇਜੋ।
    .voice = ਤੁਸੀਂ { $choices } ਚੁਣਿਆ। ਵੋਟ ਪਾਉਣ ਲਈ 1 ਦਬਾਓ, ਜਾਂ ਦੁਬਾਰਾ ਚੁਣਨ ਲਈ 2 ਦਬਾਓ।
vote-out-of-range = { $count ->
        [one] ਇਸ ਵੋਟ ਵਿੱਚ ਸਿਰਫ਼ 1 ਮੁੱਦਾ ਹੈ। ਇਸਨੂੰ ਵੋਟ ਪਾਉਣ ਲਈ ਵੋਟ 1 (VOTE 1) ਭੇਜੋ।
       *[other] ਇਸ ਵੋਟ ਵਿੱਚ ਸਿਰਫ਼ { $count } ਮੁੱਦੇ ਹਨ। ਵੋਟ (VOTE) ਅਤੇ 1 ਤੋਂ { $count } ਤੱਕ ਕੋਈ ਨੰਬਰ ਭੇਜੋ।
    }
vote-too-many = ਇਸ ਵੋਟ ਵਿੱਚ ਤੁਸੀਂ ਵੱਧ ਤੋਂ ਵੱਧ { $max_choices } ਚੁਣ ਸਕਦੇ ਹੋ।
vote-round-changed = ਉਹ ਵੋਟ ਬੰਦ ਹੋ ਚੁੱਕੀ ਹੈ। ਹੁਣ ਕੀ ਖੁੱਲ੍ਹਾ ਹੈ, ਇਹ ਦੇਖਣ ਲਈ ਵੋਟ (VOTE) ਭੇਜੋ।
vote-counted = ਧੰਨਵਾਦ, ਤੁਹਾਡੀ ਵੋਟ ਗਿਣ ਲਈ ਗਈ ਹੈ। ਅਸੀਂ ਤੁਹਾਨੂੰ ਨਤੀਜੇ ਦੱਸਾਂਗੇ।
vote-replaced = ਧੰਨਵਾਦ। ਤੁਹਾਡੀ ਨਵੀਂ ਵੋਟ ਨੇ ਪੁਰਾਣੀ ਦੀ ਥਾਂ ਲੈ ਲਈ ਹੈ। ਇਹ ਫਿਰ ਵੀ ਇੱਕ ਵਾਰ ਹੀ ਗਿਣੀ ਜਾਂਦੀ ਹੈ।
vote-voted-before = ਤੁਸੀਂ ਇਸ ਦੌਰ ਵਿੱਚ ਪਹਿਲਾਂ ਹੀ ਵੋਟ ਪਾ ਚੁੱਕੇ ਹੋ। ਤੁਹਾਡੀ ਵੋਟ ਅਜੇ ਵੀ ਗਿਣੀ ਜਾਂਦੀ ਹੈ।

## Updates from the Board

updates-none = ਜੋ ਮੁੱਦੇ ਤੁਸੀਂ ਉਠਾਏ, ਜਿਨ੍ਹਾਂ ਨੂੰ ਵੋਟ ਪਾਈ ਜਾਂ ਫ਼ੌਲੋ ਕਰਦੇ ਹੋ, ਉਹਨਾਂ ਬਾਰੇ ਅਜੇ ਬੋਰਡ ਦੀ ਕੋਈ ਖ਼ਬਰ ਨਹੀਂ।
updates-intro = NHS England ਬੋਰਡ ਦੀਆਂ ਤਾਜ਼ਾ ਖ਼ਬਰਾਂ:
updates-item = { $ref } { $title }: { $status ->
        [committed] ਬੋਰਡ ਨੇ ਕਾਰਵਾਈ ਕਰਨ ਦਾ ਵਾਅਦਾ ਕੀਤਾ।
        [declined] ਬੋਰਡ ਨੇ ਨਾਂਹ ਕਰ ਦਿੱਤੀ।
        [in_progress] ਕੰਮ ਚੱਲ ਰਿਹਾ ਹੈ{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }।
       *[done] ਕੰਮ ਪੂਰਾ ਹੋ ਗਿਆ।
    } { $text }{ $pending ->
        [yes] {" "}(ਅਨੁਵਾਦ ਜਲਦੀ ਆਵੇਗਾ।)
       *[no] {""}
    }

## Commands that always work

help = Gather: NHS ਨੂੰ ਦੱਸੋ ਕੀ ਜ਼ਰੂਰੀ ਹੈ। ਭੇਜੋ: MENU, ਵੋਟ (VOTE), ਖ਼ਬਰਾਂ (UPDATES), ਭਾਸ਼ਾ (LANGUAGE), STOP, ਡਾਟਾ ਮਿਟਾਉਣ ਲਈ ਭੁੱਲ ਜਾਓ (FORGET)।
    .voice = ਮੀਨੂ ਲਈ 0 ਦਬਾਓ। ਇਹ ਦੁਬਾਰਾ ਸੁਣਨ ਲਈ ਸਟਾਰ ਦਬਾਓ।
stop-confirm = ਤੁਹਾਨੂੰ Gather ਤੋਂ ਹੋਰ ਸੁਨੇਹੇ ਨਹੀਂ ਆਉਣਗੇ। ਦੁਬਾਰਾ ਜੁੜਨ ਲਈ START ਭੇਜੋ।
start-confirm = ਫਿਰ ਤੋਂ ਜੀ ਆਇਆਂ ਨੂੰ। ਤੁਹਾਨੂੰ Gather ਤੋਂ ਫਿਰ ਸੁਨੇਹੇ ਆਉਣਗੇ।
language-choose = ਆਪਣੀ ਭਾਸ਼ਾ ਚੁਣੋ। ਇੱਕ ਨੰਬਰ ਭੇਜੋ:
    .voice = ਆਪਣੀ ਭਾਸ਼ਾ ਚੁਣੋ।
language-set = ਅਸੀਂ ਤੁਹਾਨੂੰ ਪੰਜਾਬੀ ਵਿੱਚ ਲਿਖਾਂਗੇ। ਭਾਸ਼ਾ ਬਦਲਣ ਲਈ ਭਾਸ਼ਾ ਜਾਂ LANGUAGE ਭੇਜੋ।
    .voice = ਅਸੀਂ ਤੁਹਾਡੇ ਨਾਲ ਪੰਜਾਬੀ ਵਿੱਚ ਗੱਲ ਕਰਾਂਗੇ। ਭਾਸ਼ਾ ਬਦਲਣ ਲਈ, ਮੀਨੂ ਲਈ 0 ਦਬਾਓ।
forget-confirm = ਇਸ ਨਾਲ ਤੁਹਾਡਾ ਨੰਬਰ ਅਤੇ ਸੁਨੇਹੇ ਮਿਟ ਜਾਣਗੇ। ਤੁਹਾਡੇ ਮੁੱਦੇ ਅਤੇ ਵੋਟਾਂ ਬਿਨਾਂ ਨਾਮ ਦੇ ਰਹਿਣਗੀਆਂ। ਮਿਟਾਉਣ ਲਈ ਹਾਂ (YES), ਰੱਖਣ ਲਈ ਨਹੀਂ (NO) ਭੇਜੋ।
    .voice = ਇਸ ਨਾਲ ਤੁਹਾਡਾ ਨੰਬਰ ਅਤੇ ਸੁਨੇਹੇ ਮਿਟ ਜਾਣਗੇ। ਮਿਟਾਉਣ ਲਈ 1 ਦਬਾਓ, ਜਾਂ ਰੱਖਣ ਲਈ 2 ਦਬਾਓ।
forget-done = ਹੋ ਗਿਆ। ਅਸੀਂ ਤੁਹਾਡਾ ਨੰਬਰ ਅਤੇ ਸੁਨੇਹੇ ਮਿਟਾ ਦਿੱਤੇ ਹਨ। ਅਲਵਿਦਾ।
forget-cancelled = ਠੀਕ ਹੈ, ਕੁਝ ਵੀ ਨਹੀਂ ਮਿਟਾਇਆ ਗਿਆ।
