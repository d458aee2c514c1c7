## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = News on { $ref }: { $status ->
        [committed] the Board committed to act
        [declined] the Board declined
        [in_progress] work is in progress
       *[done] done
    }. Send UPDATES to read it.
