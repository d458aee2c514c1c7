## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = { $ref }: { $status ->
        [committed] ਬੋਰਡ ਨੇ ਕਾਰਵਾਈ ਦਾ ਵਾਅਦਾ ਕੀਤਾ
        [declined] ਬੋਰਡ ਨੇ ਨਾਂਹ ਕੀਤੀ
        [in_progress] ਕੰਮ ਚੱਲ ਰਿਹਾ ਹੈ
       *[done] ਕੰਮ ਪੂਰਾ
    }। ਪੜ੍ਹਨ ਲਈ ਖ਼ਬਰਾਂ (UPDATES) ਭੇਜੋ।
