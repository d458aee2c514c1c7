## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = Notizie su { $ref }: { $status ->
        [committed] il Consiglio si è impegnato ad agire
        [declined] il Consiglio ha detto di no
        [in_progress] lavori in corso
       *[done] fatto
    }. Invia NOTIZIE per leggerle.
