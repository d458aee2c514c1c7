## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = أخبار عن { $ref }: { $status ->
        [committed] التزم المجلس بالعمل
        [declined] رفض المجلس
        [in_progress] العمل جار
       *[done] تم
    }. أرسل «أخبار» لقراءتها.
