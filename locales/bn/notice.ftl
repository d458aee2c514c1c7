## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = { $ref }: { $status ->
        [committed] বোর্ড ব্যবস্থার কথা দিয়েছে
        [declined] বোর্ড রাজি হয়নি
        [in_progress] কাজ চলছে
       *[done] কাজ শেষ
    }। পড়তে খবর (UPDATES) পাঠান।
