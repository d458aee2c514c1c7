## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = { $ref }: { $status ->
        [committed] بورڈ نے عمل کا وعدہ کیا
        [declined] بورڈ نے انکار کیا
        [in_progress] کام جاری ہے
       *[done] کام مکمل
    }۔ پڑھنے کو خبریں (UPDATES) بھیجیں۔
