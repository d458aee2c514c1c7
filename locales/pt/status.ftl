## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: pediu para parar, por isso não enviamos nada. Para voltar, envie START.
    .voice = Pediu-nos para não o contactarmos.
stopped-call = Pediu ao Gather para parar. Envie START para voltar.
    .voice = Pediu-nos para não o contactarmos. Para voltar, prima 1. Para terminar a chamada, prima 2.
stopped-call-bye = Muito bem, não o vamos contactar. Adeus.

vote-closed-soon = A votação desta ronda já fechou. Vamos enviar-lhe os resultados em breve.

status-issue = { $state ->
        [none] Ainda não apresentou nenhum assunto. Envie MENU para apresentar um.
        [unknown] Não encontramos o assunto público { $ref }. Envie STATUS para ver os seus.
        [hidden] Um moderador ocultou o assunto { $ref }: { $reason ->
            [personal] tinha dados pessoais
            [abuse] não respeitava as regras de respeito
            [offtopic] não é sobre cuidados do NHS
           *[other] não cumpria as regras
        }.
        [merged] O assunto { $ref } foi juntado ao { $into }, que diz o mesmo. Envie { $into } para ver as novidades.
       *[found] { $ref } { $title }: { $status ->
            [new] a aguardar verificação
           *[approved] aberto para votação
        }. Votos: { $votes }. { $response ->
            [none] Ainda sem resposta do Conselho.
            [committed] O Conselho comprometeu-se a agir.
            [declined] O Conselho recusou.
            [in_progress] Trabalho em curso.
           *[done] Concluído.
        }
    }

notice-hidden = Um moderador ocultou o seu assunto { $ref }: { $reason ->
        [personal] tinha dados pessoais
        [abuse] não respeitava as regras de respeito
        [offtopic] não é sobre cuidados do NHS
       *[other] não cumpria as regras
    }. Envie MENU para apresentar um assunto.
notice-merged = O seu assunto { $ref } foi juntado ao { $into }, que diz o mesmo. Vai receber as novidades do { $into }.

discord-raise-describe = Qual é o problema ou a ideia?
discord-raise-area = Código postal, ex. SE15 (opcional)
