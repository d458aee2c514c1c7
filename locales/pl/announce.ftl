## Round results, sent to the people who voted when organisers announce them.

round-results = Wyniki: { $round_title }
# One line per issue: its rank, short title and votes. Numbers only, so the
# same in every language.
round-results-line = { $rank }. { $title } ({ $votes })
