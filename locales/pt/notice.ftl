## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = Novidades sobre o { $ref }: { $status ->
        [committed] o Conselho comprometeu-se a agir
        [declined] o Conselho recusou
        [in_progress] trabalho em curso
       *[done] concluído
    }. Envie NOVIDADES para ler.
