## Short notices by SMS: the news in one message, the full text on UPDATES,
## in chat and on the public page (see docs/sms-cost.md). Keep each under
## one segment where the script allows.

# A Board response, pushed by SMS to everyone who raised, voted for or
# follows the issue.
update-notice = Novedades sobre el { $ref }: { $status ->
        [committed] la Junta se ha comprometido a actuar
        [declined] la Junta lo ha rechazado
        [in_progress] trabajo en curso
       *[done] hecho
    }. Envíe NOVEDADES para leerlo.
