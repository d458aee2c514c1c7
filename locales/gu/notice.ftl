## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = { $ref }: { $status ->
        [committed] બોર્ડે પગલાંનું વચન આપ્યું
        [declined] બોર્ડે ના પાડી
        [in_progress] કામ ચાલુ છે
       *[done] કામ પૂરું થયું
    }. વાંચવા સમાચાર (UPDATES) મોકલો.
