## Journeys: an issue kept when something interrupts it, short first texts,
## re-asks that vary, and the question after a safeguarding signpost.
## Plain GSM-7 characters in English (straight quotes).


# A command (VOTE, UPDATES...) came while an issue was not sent yet.
draft-kept = Your issue is not sent yet. We will come back to it after this.
# Before the menu while an issue waits; YES at the menu takes it up.
draft-waiting = You have an issue that is not sent yet. Send YES to finish it.
    .voice = You have an issue that is not sent yet.
# Before the question of the issue taken up again.
draft-resume = Back to your issue, which is not sent yet:
# STOP while an issue was not sent yet (before the STOP confirmation).
draft-dropped = Your issue was not sent.
# A few words at the menu that are not a command or an option.
menu-raise-short = Do you want to raise "{ $description_short }" as an issue? Send YES or NO.
    .voice = Do you want to raise this as an issue? Press 1 for yes or 2 for no.
# Before the whole question again, after several unusable answers.
reask-again = Sorry, we could not use that. Once more:
# Asked after the safeguarding signpost, before anything else.
signposted-continue = Do you want to carry on with Gather now? Send YES or NO.
    .voice = Do you want to carry on? Press 1 for yes or 2 for no.
# NO after the signpost: nothing is sent.
signposted-stopped = OK, we have not sent anything. Take care. Send MENU when you want to start again.
# Options of raise-fix (after NO or EDIT at the read-back).
raise-fix-area = Change the area
raise-fix-involvement = Change how you are involved
