## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: nos pidió parar, así que no le enviamos nada. Para volver, envíe START.
    .voice = Nos pidió que no le contactemos.
stopped-call = Pidió a Gather que parara. Envíe START para volver.
    .voice = Nos pidió que no le contactemos. Para volver, pulse 1. Para terminar la llamada, pulse 2.
stopped-call-bye = De acuerdo, no le contactaremos. Adiós.

vote-closed-soon = La votación de esta ronda ya ha cerrado. Le enviaremos los resultados pronto.

status-issue = { $state ->
        [none] Aún no ha planteado ningún tema. Envíe MENÚ para plantear uno.
        [unknown] No encontramos un tema público { $ref }. Envíe STATUS para ver los suyos.
        [hidden] Un moderador ocultó el tema { $ref }: { $reason ->
            [personal] tenía datos personales
            [abuse] no respetaba las normas de respeto
            [offtopic] no trata de la atención del NHS
           *[other] no cumplía las normas
        }.
        [merged] El tema { $ref } se unió al { $into }, que dice lo mismo. Envíe { $into } para ver sus novedades.
       *[found] { $ref } { $title }: { $status ->
            [new] pendiente de revisión
           *[approved] abierto a votación
        }. Votos: { $votes }. { $response ->
            [none] Aún no hay respuesta de la Junta.
            [committed] La Junta se ha comprometido a actuar.
            [declined] La Junta lo ha rechazado.
            [in_progress] Trabajo en curso.
           *[done] Hecho.
        }
    }

notice-hidden = Un moderador ocultó su tema { $ref }: { $reason ->
        [personal] tenía datos personales
        [abuse] no respetaba las normas de respeto
        [offtopic] no trata de la atención del NHS
       *[other] no cumplía las normas
    }. Envíe MENÚ para plantear un tema.
notice-merged = Su tema { $ref } se unió al { $into }, que dice lo mismo. Recibirá las novedades del { $into }.

discord-raise-describe = ¿Cuál es el problema o la idea?
discord-raise-area = Código postal, p. ej. SE15 (opcional)
