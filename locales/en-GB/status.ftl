## After STOP, late votes and "where is my issue" (issue 16). Short: every
## message fits in 2 SMS segments. GSM-7 characters only.

# HELP after STOP: say how to come back.
stopped-help = Gather: you asked us to stop, so we send you nothing. To join again, send START.
    .voice = You asked us to stop contacting you.
# A call from someone who sent STOP (yes/no: 1 opts back in).
stopped-call = You asked Gather to stop. Send START to join again.
    .voice = You asked us to stop contacting you. To join again, press 1. To end the call, press 2.
stopped-call-bye = OK, we will not contact you. Goodbye.

# A vote after the round's closing time, before the results are out.
vote-closed-soon = Voting in this round has closed. We will send you the results soon.

# STATUS G-1001, or just G-1001; STATUS alone lists the person's own issues.
status-issue = { $state ->
        [none] You have not raised an issue yet. Send MENU to raise one.
        [unknown] We cannot find a public issue { $ref }. Send STATUS to see your own issues.
        [hidden] { $ref } was hidden by a moderator: { $reason ->
            [personal] it had personal details in it
            [abuse] it broke the rules on respectful language
            [offtopic] it is not about NHS care
           *[other] it did not meet the rules
        }.
        [merged] { $ref } was joined with { $into }, which says the same. Send { $into } for its news.
       *[found] { $ref } { $title }: { $status ->
            [new] a moderator will check it soon
           *[approved] open for the vote
        }. Votes: { $votes }. { $response ->
            [none] No Board response yet.
            [committed] The Board committed to act.
            [declined] The Board declined.
            [in_progress] Work is in progress.
           *[done] Done.
        }
    }

# To the raiser, when a moderator hides or merges their issue.
notice-hidden = Your issue { $ref } was hidden by a moderator: { $reason ->
        [personal] it had personal details in it
        [abuse] it broke the rules on respectful language
        [offtopic] it is not about NHS care
       *[other] it did not meet the rules
    }. Send MENU to raise an issue.
notice-merged = Your issue { $ref } was joined with { $into }, which says the same. Your support counts for { $into } and you will get its news.

# Discord: the /raise form's two fields (at most 45 characters each).
discord-raise-describe = What is the problem or idea?
discord-raise-area = Postcode area, like SE15 (optional)
