## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: آپ کے کہنے پر ہم کچھ نہیں بھیجتے۔ دوبارہ شامل ہونے کے لیے START بھیجیں۔
    .voice = آپ نے ہم سے رابطہ بند کرنے کو کہا تھا۔
stopped-call = آپ نے Gather کے پیغامات بند کیے ہیں۔ دوبارہ شامل ہونے کے لیے START بھیجیں۔
    .voice = آپ نے ہم سے رابطہ بند کرنے کو کہا تھا۔ دوبارہ شامل ہونے کے لیے 1 دبائیں۔ کال ختم کرنے کے لیے 2 دبائیں۔
stopped-call-bye = ٹھیک ہے، ہم آپ سے رابطہ نہیں کریں گے۔ خدا حافظ۔

vote-closed-soon = اس مرحلے کی ووٹنگ بند ہو چکی ہے۔ ہم جلد نتائج بھیجیں گے۔

status-issue = { $state ->
        [none] آپ نے ابھی کوئی مسئلہ نہیں بتایا۔ مسئلہ بتانے کے لیے MENU بھیجیں۔
        [unknown] ہمیں { $ref } کا کوئی عوامی مسئلہ نہیں ملا۔ اپنے مسائل دیکھنے کے لیے STATUS بھیجیں۔
        [hidden] ایک ماڈریٹر نے { $ref } چھپا دیا: { $reason ->
            [personal] اس میں ذاتی معلومات تھیں
            [abuse] یہ احترام کے اصولوں کے خلاف تھا
            [offtopic] یہ NHS کی دیکھ بھال کے بارے میں نہیں
           *[other] یہ اصولوں کے مطابق نہیں تھا
        }۔
        [merged] { $ref } کو { $into } سے ملا دیا گیا، جو یہی بات کہتا ہے۔ خبروں کے لیے { $into } بھیجیں۔
       *[found] { $ref } { $title }: { $status ->
            [new] ایک ماڈریٹر جلد اسے دیکھے گا
           *[approved] ووٹ کے لیے کھلا ہے
        }۔ ووٹ: { $votes }۔ { $response ->
            [none] ابھی بورڈ کا کوئی جواب نہیں۔
            [committed] بورڈ نے عمل کرنے کا وعدہ کیا۔
            [declined] بورڈ نے انکار کر دیا۔
            [in_progress] کام جاری ہے۔
           *[done] مکمل۔
        }
    }

notice-hidden = ایک ماڈریٹر نے آپ کا مسئلہ { $ref } چھپا دیا: { $reason ->
        [personal] اس میں ذاتی معلومات تھیں
        [abuse] یہ احترام کے اصولوں کے خلاف تھا
        [offtopic] یہ NHS کی دیکھ بھال کے بارے میں نہیں
       *[other] یہ اصولوں کے مطابق نہیں تھا
    }۔ مسئلہ بتانے کے لیے MENU بھیجیں۔
notice-merged = آپ کا مسئلہ { $ref } اسی بات والے { $into } سے ملا دیا گیا۔ آپ کو { $into } کی خبریں ملیں گی۔

discord-raise-describe = مسئلہ یا خیال کیا ہے؟
discord-raise-area = پوسٹ کوڈ، جیسے SE15 (اختیاری)
