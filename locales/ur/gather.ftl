## Gather, Urdu (اردو), Nastaliq / Arabic script, right to left. Plain words,
## short sentences. Urdu text is sent as UCS-2, so one SMS segment holds 67
## characters when split: every prompt must fit in 2 segments (134 characters).
## Register: respectful آپ forms (بھیجیں، دبائیں، آپ کا).
## Numbers stay as ASCII digits (1 2 3), as in the option lines. No bidi
## control characters: they cost characters and break copying.
## Commands in sentences use the Urdu word from keywords.toml with the
## English word in brackets, for people who type in English letters:
## ہاں (YES). MENU, STOP and START stay in English.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = اردو

## Engine lines

welcome = Gather میں خوش آمدید: NHS کو اپنی رائے دیں۔
conversation-expired = کافی وقت گزر گیا ہے، اس لیے آئیں دوبارہ شروع کریں۔
error-generic = معاف کیجیے، ہماری طرف سے کچھ غلط ہو گیا۔ دوبارہ شروع کرنے کے لیے MENU بھیجیں۔
offer-help = مدد کے لیے مدد (HELP) بھیجیں، یا دوبارہ شروع کرنے کے لیے MENU بھیجیں۔
    .voice = مدد کے لیے 9 دبائیں، یا مینو کے لیے 0 دبائیں۔
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = { $label } کے لیے { $number } دبائیں۔
skip-hint = چھوڑنے کے لیے 0 بھیجیں۔
    .voice = چھوڑنے کے لیے 0 دبائیں۔

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] براہ کرم 1 بھیجیں۔
       *[other] براہ کرم 1 سے { $max } تک کوئی نمبر بھیجیں۔
    }
    .voice = براہ کرم 1 سے { $max } تک کوئی بٹن دبائیں۔
reask-choices = براہ کرم 1 سے { $count } میں سے زیادہ سے زیادہ { $max } نمبر بھیجیں، جیسے 1 3۔
    .voice = براہ کرم 1 سے { $count } تک کوئی بٹن دبائیں۔
reask-yes-no = براہ کرم ہاں (YES) یا نہیں (NO) بھیجیں۔
    .voice = ہاں کے لیے 1 دبائیں، نہیں کے لیے 2 دبائیں۔
reask-number = براہ کرم { $min } سے { $max } تک کوئی نمبر بھیجیں۔
reask-text-short = براہ کرم چند الفاظ میں تھوڑا اور بتائیں۔
reask-text-long = یہ بہت لمبا ہے۔ براہ کرم مختصر لکھیں: چند جملے کافی ہیں۔
reask-postcode = براہ کرم اپنے پوسٹ کوڈ کا پہلا حصہ بھیجیں، جیسے SE15، یا چھوڑنے کے لیے 0 بھیجیں۔
    .voice = براہ کرم چھوڑنے کے لیے 0 دبائیں۔
reask-language = براہ کرم اپنی زبان کا نمبر بھیجیں۔
    .voice = براہ کرم اپنی زبان والا بٹن دبائیں۔
reask-empty = ہمیں خالی پیغام ملا۔ آپ کیا کر سکتے ہیں، یہ دیکھنے کے لیے MENU بھیجیں۔

## Menu

menu-prompt = نمبر بھیجیں:
    .voice = آپ کیا کرنا چاہیں گے؟
menu-raise = مسئلہ بتائیں
menu-vote = ووٹ
menu-updates = بورڈ کی خبریں
menu-language = زبان
menu-help = مدد

## Raise an issue

raise-describe = مسئلہ یا تجویز کیا ہے؟ اپنے الفاظ میں بتائیں۔
    .voice = بیپ کے بعد بتائیں کہ مسئلہ یا تجویز کیا ہے۔ بات ختم ہونے پر ہیش والا بٹن دبائیں۔
raise-noted = شکریہ۔ ہم اسے نئے مسئلے کے طور پر NHS کو بھیجیں گے۔ پہلے دو مختصر سوال۔
raise-area = کون سا علاقہ؟ پوسٹ کوڈ کا پہلا حصہ بھیجیں، جیسے SE15، یا 0۔
    .voice = علاقہ چھوڑنے کے لیے 0 دبائیں۔
raise-involvement = آپ کا تعلق؟ نمبر بھیجیں، یا 0:
    .voice = اس سے آپ کا کیا تعلق ہے؟ چھوڑنے کے لیے 0 دبائیں۔
involvement-patient = مریض
involvement-carer = دیکھ بھال کرنے والا
involvement-staff = NHS عملہ
involvement-community = کمیونٹی گروپ
involvement-other = کوئی اور
raise-confirm = آپ نے لکھا: "{ $description_short }"{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }۔ بھیجیں؟ ہاں (YES) یا بدلیں۔
    .voice = اپنا مسئلہ بھیجنے کے لیے 1 دبائیں، یا بدلنے کے لیے 2 دبائیں۔
raise-fix = آپ کیا کرنا چاہیں گے؟
raise-fix-rewrite = دوبارہ لکھیں
raise-fix-cancel = نہ بھیجیں
raise-cancelled = ٹھیک ہے، کچھ نہیں بھیجا گیا۔ دوبارہ شروع کرنے کے لیے MENU بھیجیں۔
raise-created = شکریہ! نمبر { $ref }، ہم دیکھیں گے۔
raise-follow = { $ref } کی خبریں؟ YES یا NO بھیجیں۔
    .voice = کیا آپ اس مسئلے کے بارے میں خبریں چاہتے ہیں؟ ہاں کے لیے 1 دبائیں، نہیں کے لیے 2 دبائیں۔
raise-following = آپ کو { $ref } کی خبریں ملیں گی۔ کبھی بھی خبریں بھیجیں۔
raise-not-following = ٹھیک ہے۔ کچھ اور کرنے کے لیے MENU بھیجیں۔

## Vote

vote-no-round = ابھی کوئی ووٹ کھلا نہیں ہے۔ اگلا ووٹ شروع ہونے پر ہم آپ کو بتائیں گے۔
vote-already =
    آپ کا ووٹ: { $previous }
    اگر آپ دوبارہ ووٹ دیں تو نیا ووٹ پرانے کی جگہ لے لے گا۔
vote-choose = { $max_choices ->
        [one] { $round_title }: جو مسئلہ آپ چنتے ہیں، اس کا نمبر بھیجیں:
       *[other] { $round_title }: زیادہ سے زیادہ { $max_choices } نمبر بھیجیں، جیسے 1 3:
    }
    .voice = { $round_title }۔ ایک مسئلہ چنیں۔
vote-confirm =
    آپ کا ووٹ: { $choices }
    ووٹ دینے کے لیے ہاں (YES)، دوبارہ چننے کے لیے نہیں (NO) بھیجیں۔
    .voice = آپ نے { $choices } چنا۔ ووٹ دینے کے لیے 1 دبائیں، یا دوبارہ چننے کے لیے 2 دبائیں۔
vote-out-of-range = { $count ->
        [one] اس ووٹ میں صرف 1 مسئلہ ہے۔ اسے ووٹ دینے کے لیے ووٹ 1 (VOTE 1) بھیجیں۔
       *[other] اس ووٹ میں صرف { $count } مسئلے ہیں۔ ووٹ (VOTE) اور 1 سے { $count } تک کوئی نمبر بھیجیں۔
    }
vote-too-many = اس ووٹ میں آپ زیادہ سے زیادہ { $max_choices } چن سکتے ہیں۔
vote-round-changed = وہ ووٹ بند ہو چکا ہے۔ ابھی کیا کھلا ہے، یہ دیکھنے کے لیے ووٹ (VOTE) بھیجیں۔
vote-counted = شکریہ، آپ کا ووٹ گن لیا گیا ہے۔ ہم آپ کو نتائج بتائیں گے۔
vote-replaced = شکریہ۔ آپ کے نئے ووٹ نے پہلے والے کی جگہ لے لی ہے۔ یہ پھر بھی ایک ہی بار گنا جاتا ہے۔
vote-voted-before = آپ اس مرحلے میں پہلے ہی ووٹ دے چکے ہیں۔ آپ کا ووٹ اب بھی گنا جاتا ہے۔

## Updates from the Board

updates-none = جو مسئلے آپ نے اٹھائے، جن پر ووٹ دیا یا جنہیں فالو کرتے ہیں، ان پر ابھی بورڈ کی کوئی خبر نہیں۔
updates-intro = NHS England بورڈ کی تازہ خبریں:
updates-item = { $ref } { $title }: { $status ->
        [committed] بورڈ نے عمل کرنے کا وعدہ کیا۔
        [declined] بورڈ نے انکار کر دیا۔
        [in_progress] کام جاری ہے{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }۔
       *[done] کام مکمل ہو گیا۔
    } { $text }{ $pending ->
        [yes] {" "}(ترجمہ جلد آ رہا ہے۔)
       *[no] {""}
    }

## Commands that always work

help = Gather: NHS کو اپنی بات بتائیں۔ بھیجیں: MENU، ووٹ (VOTE)، خبریں (UPDATES)، زبان (LANGUAGE)، STOP، ڈیٹا مٹانے کو بھول جائیں (FORGET)۔
    .voice = مینو کے لیے 0 دبائیں۔ یہ دوبارہ سننے کے لیے اسٹار دبائیں۔
stop-confirm = آپ کو Gather سے مزید پیغامات نہیں آئیں گے۔ دوبارہ شامل ہونے کے لیے START بھیجیں۔
start-confirm = دوبارہ خوش آمدید۔ آپ کو Gather سے پھر پیغامات آئیں گے۔
language-choose = اپنی زبان چنیں۔ ایک نمبر بھیجیں:
    .voice = اپنی زبان چنیں۔
language-set = ہم آپ کو اردو میں لکھیں گے۔ زبان بدلنے کے لیے زبان یا LANGUAGE بھیجیں۔
    .voice = ہم آپ سے اردو میں بات کریں گے۔ زبان بدلنے کے لیے، مینو کے لیے 0 دبائیں۔
forget-confirm = اس سے آپ کا نمبر اور پیغامات مٹ جائیں گے۔ آپ کے مسئلے اور ووٹ بے نام رہیں گے۔ مٹانے کے لیے ہاں (YES)، رکھنے کے لیے نہیں (NO) بھیجیں۔
    .voice = اس سے آپ کا نمبر اور پیغامات مٹ جائیں گے۔ مٹانے کے لیے 1 دبائیں، یا رکھنے کے لیے 2 دبائیں۔
forget-done = ہو گیا۔ ہم نے آپ کا نمبر اور پیغامات مٹا دیے ہیں۔ خدا حافظ۔
forget-cancelled = ٹھیک ہے، کچھ بھی نہیں مٹایا گیا۔
