## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = Noutăți despre { $ref }: { $status ->
        [committed] Consiliul s-a angajat să acționeze
        [declined] Consiliul a refuzat
        [in_progress] se lucrează
       *[done] rezolvat
    }. Trimiteți NOUTĂȚI ca să citiți.
