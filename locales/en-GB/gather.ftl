## Gather, British English. Plain words, short sentences: every prompt must fit
## in 2 SMS segments (306 characters in GSM-7). Keep to GSM-7 characters:
## straight quotes and apostrophes, no dashes or ellipses, or the SMS costs double.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = English

## Engine lines

welcome = Welcome to Gather. Tell the NHS what matters to you, vote on what should change, and hear what the Board does.
conversation-expired = It has been a while, so let's start again.
error-generic = Sorry, something went wrong on our side. Send MENU to start again.
offer-help = Send HELP for help or MENU to start again.
    .voice = Press 9 for help or 0 for the menu.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = For { $label }, press { $number }.
skip-hint = Send 0 to skip.
    .voice = Press 0 to skip.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] Please send 1.
       *[other] Please send a number from 1 to { $max }.
    }
    .voice = Please press a key from 1 to { $max }.
reask-choices = Please send up to { $max } numbers from 1 to { $count }, like 1 3.
    .voice = Please press a key from 1 to { $count }.
reask-yes-no = Please send YES or NO.
    .voice = Press 1 for yes or 2 for no.
reask-number = Please send a number from { $min } to { $max }.
reask-text-short = Please tell us a bit more, in a few words.
reask-text-long = That is a lot to read. Please send a shorter version: a few sentences is enough.
reask-postcode = Please send the first part of your postcode, like SE15, or 0 to skip.
    .voice = Please press 0 to skip.
reask-language = Please send the number of your language.
    .voice = Please press the key for your language.
reask-empty = We got an empty message. Send MENU to see what you can do.

## Menu

menu-prompt = What would you like to do? Send a number:
    .voice = What would you like to do?
menu-raise = Raise an issue
menu-vote = Vote
menu-updates = Board updates
menu-language = Change language
menu-help = Help

## Raise an issue

raise-describe = What is the problem or idea? Describe it in your own words.
    .voice = After the tone, say what the problem or idea is. Press hash when you have finished.
raise-noted = Thank you. We will send this to the NHS as a new issue. Two quick questions first.
raise-area = Which area is it about? Send the first part of the postcode, like SE15. Send 0 to skip.
    .voice = Press 0 to skip the area.
raise-involvement = How are you involved? Send a number, or 0 to skip:
    .voice = How are you involved? Press 0 to skip.
involvement-patient = Patient
involvement-carer = Carer or family
involvement-staff = NHS staff
involvement-community = Community group
involvement-other = Other
raise-confirm = You said: "{ $description_short }"{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. Send YES to send it or EDIT to change it.
    .voice = Press 1 to send your issue, or 2 to change it.
raise-fix = What would you like to do?
raise-fix-rewrite = Write it again
raise-fix-cancel = Do not send it
raise-cancelled = OK, nothing was sent. Send MENU to start again.
raise-created = Thank you. Your issue is { $ref }. A moderator will check it before it goes to the vote.
raise-follow = Do you want updates about { $ref }? Send YES or NO.
    .voice = Do you want updates about this issue? Press 1 for yes or 2 for no.
raise-following = You will get updates about { $ref }. Send UPDATES at any time.
raise-not-following = OK. Send MENU to do something else.

## Vote

vote-no-round = There is no vote open now. We will tell you when the next one starts.
vote-already =
    You voted for: { $previous }
    If you vote again, your new vote replaces it.
vote-choose = { $max_choices ->
        [one] { $round_title }: send the number of the issue you choose:
       *[other] { $round_title }: send up to { $max_choices } numbers, like 1 3:
    }
    .voice = { $round_title }. Choose an issue.
vote-confirm =
    Your vote: { $choices }
    Send YES to vote or NO to choose again.
    .voice = You chose { $choices }. Press 1 to vote, or 2 to choose again.
vote-out-of-range = { $count ->
        [one] There is only 1 issue in this vote. Send VOTE 1 to vote for it.
       *[other] There are only { $count } issues in this vote. Send VOTE and a number from 1 to { $count }.
    }
vote-too-many = You can choose up to { $max_choices } in this vote.
vote-round-changed = That vote has closed. Send VOTE to see what is open now.
vote-counted = Thank you, your vote is counted. We will tell you the results.
vote-replaced = Thank you. Your new vote replaces your earlier one. It still counts once.
vote-voted-before = You already voted in this round. Your vote still counts, once.

## Updates from the Board

updates-none = No Board updates yet on issues you raised, voted for or follow.
updates-intro = Latest from the NHS England Board:
updates-item = { $ref } { $title }: { $status ->
        [committed] The Board committed to act.
        [declined] The Board declined.
        [in_progress] Work is in progress{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] Done.
    } { $text }{ $pending ->
        [yes] {" "}(Translation coming soon.)
       *[no] {""}
    }

## Commands that always work

help = Gather: tell the NHS what matters. Send MENU to start, VOTE to vote, UPDATES for news, LANGUAGE to change language, STOP to stop, FORGET to delete your data.
    .voice = Press 0 for the menu. Press star to hear this again.
stop-confirm = You will get no more messages from Gather. Send START to join again.
start-confirm = Welcome back. You will get messages from Gather again.
language-choose = Choose your language. Send a number:
    .voice = Choose your language.
language-set = We will write to you in English. Send LANGUAGE to change it.
    .voice = We will speak to you in English. To change it, press 0 for the menu.
forget-confirm = This deletes your number and messages. Your issues and votes stay, with no name. Send YES to delete or NO to keep.
    .voice = This deletes your number and messages. Press 1 to delete, or 2 to keep them.
forget-done = Done. We deleted your number and messages. Goodbye.
forget-cancelled = OK, nothing was deleted.
