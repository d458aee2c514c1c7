## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = Nowości w sprawie { $ref }: { $status ->
        [committed] Zarząd obiecał działać
        [declined] Zarząd nie podejmie działań
        [in_progress] prace trwają
       *[done] zrobione
    }. Wyślij NOWOŚCI, aby przeczytać.
