## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: hai chiesto di smettere, quindi non inviamo nulla. Per tornare, invia START.
    .voice = Hai chiesto di non essere più contattato.
stopped-call = Hai chiesto a Gather di smettere. Invia START per tornare.
    .voice = Hai chiesto di non essere più contattato. Per tornare, premi 1. Per chiudere la chiamata, premi 2.
stopped-call-bye = Va bene, non ti contatteremo. Arrivederci.

vote-closed-soon = La votazione di questo turno è chiusa. Ti invieremo presto i risultati.

status-issue = { $state ->
        [none] Non hai ancora sollevato una questione. Invia MENU per farlo.
        [unknown] Non troviamo una questione pubblica { $ref }. Invia STATUS per vedere le tue.
        [hidden] Un moderatore ha nascosto { $ref }: { $reason ->
            [personal] conteneva dati personali
            [abuse] non rispettava le regole di rispetto
            [offtopic] non riguarda le cure del NHS
           *[other] non rispettava le regole
        }.
        [merged] { $ref } è stata unita a { $into }, che dice la stessa cosa. Invia { $into } per le novità.
       *[found] { $ref } { $title }: { $status ->
            [new] un moderatore la controllerà presto
           *[approved] aperta al voto
        }. Voti: { $votes }. { $response ->
            [none] Ancora nessuna risposta del Consiglio.
            [committed] Il Consiglio si è impegnato ad agire.
            [declined] Il Consiglio ha detto di no.
            [in_progress] Lavori in corso.
           *[done] Fatto.
        }
    }

notice-hidden = Un moderatore ha nascosto la tua questione { $ref }: { $reason ->
        [personal] conteneva dati personali
        [abuse] non rispettava le regole di rispetto
        [offtopic] non riguarda le cure del NHS
       *[other] non rispettava le regole
    }. Invia MENU per sollevare una questione.
notice-merged = La tua questione { $ref } è stata unita a { $into }, che dice la stessa cosa. Riceverai le novità su { $into }.

discord-raise-describe = Qual è il problema o l'idea?
discord-raise-area = CAP, ad es. SE15 (facoltativo)
