## Gather, European Portuguese (português europeu), for the Portuguese
## community in England. Plain words, short sentences. Portuguese letters
## (ã, ç, é, ê, ...) make the SMS UCS-2, so one segment holds 67 characters
## when split: every prompt must fit in 2 segments (134 characters).
## Register: polite third person without "você" (Envie, Prima, o seu, para si),
## as public services in Portugal write. European words: "prima" (press),
## "cardinal" (#), "utente", "telemóvel". No adjectives aimed at the reader, so
## nothing depends on the reader's gender ("Boas-vindas", not "Bem-vindo").
## Commands in sentences use the Portuguese words from keywords.toml. STOP and
## START stay in English: phone networks know them.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = Português

## Engine lines

welcome = Boas-vindas ao Gather. Diga ao NHS o que é importante para si, vote no que deve mudar e saiba o que faz o Conselho do NHS.
conversation-expired = Já passou algum tempo, por isso vamos recomeçar.
error-generic = Lamentamos, algo correu mal do nosso lado. Envie MENU para recomeçar.
offer-help = Envie AJUDA para obter ajuda ou MENU para recomeçar.
    .voice = Prima 9 para ajuda ou 0 para o menu.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = Para { $label }, prima { $number }.
skip-hint = Envie 0 para saltar.
    .voice = Prima 0 para saltar.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] Envie 1.
       *[other] Envie um número de 1 a { $max }.
    }
    .voice = Prima uma tecla de 1 a { $max }.
reask-choices = Envie até { $max } números de 1 a { $count }, por exemplo 1 3.
    .voice = Prima uma tecla de 1 a { $count }.
reask-yes-no = Envie SIM ou NÃO.
    .voice = Prima 1 para sim ou 2 para não.
reask-number = Envie um número de { $min } a { $max }.
reask-text-short = Conte-nos um pouco mais, em poucas palavras.
reask-text-long = É muito texto. Envie uma versão mais curta: algumas frases chegam.
reask-postcode = Envie a primeira parte do código postal, por exemplo SE15, ou 0 para saltar.
    .voice = Prima 0 para saltar.
reask-language = Envie o número do seu idioma.
    .voice = Prima a tecla do seu idioma.
reask-empty = Recebemos uma mensagem vazia. Envie MENU para ver o que pode fazer.

## Menu

menu-prompt = O que deseja fazer? Envie um número:
    .voice = O que deseja fazer?
menu-raise = Apresentar um assunto
menu-vote = Votar
menu-updates = Novidades do Conselho
menu-language = Mudar de idioma
menu-help = Ajuda

## Raise an issue

raise-describe = Qual é o problema ou a ideia? Descreva-o por palavras suas.
    .voice = Depois do sinal, diga qual é o problema ou a ideia. Prima cardinal quando terminar.
raise-noted = Obrigado. Vamos enviar isto ao NHS como um novo assunto. Antes, duas perguntas rápidas.
raise-area = De que zona se trata? Envie a primeira parte do código postal, por exemplo SE15. Envie 0 para saltar.
    .voice = Prima 0 para saltar a zona.
raise-involvement = Qual é a sua ligação ao assunto? Envie um número, ou 0 para saltar:
    .voice = Qual é a sua ligação ao assunto? Prima 0 para saltar.
involvement-patient = Utente
involvement-carer = Cuidador ou família
involvement-staff = Profissional do NHS
involvement-community = Grupo comunitário
involvement-other = Outro
raise-confirm = Escreveu: «{ $description_short }»{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. Enviamos? SIM ou EDITAR.
    .voice = Prima 1 para enviar o seu assunto, ou 2 para o alterar.
raise-fix = O que deseja fazer?
raise-fix-rewrite = Escrever de novo
raise-fix-cancel = Não enviar
raise-cancelled = Muito bem, não foi enviado nada. Envie MENU para recomeçar.
raise-created = Obrigado. O seu assunto é o { $ref }. Um moderador vai verificá-lo antes de ir a votos.
raise-follow = Quer receber novidades sobre o { $ref }? Envie SIM ou NÃO.
    .voice = Quer receber novidades sobre este assunto? Prima 1 para sim ou 2 para não.
raise-following = Vai receber novidades sobre o { $ref }. Envie NOVIDADES quando quiser.
raise-not-following = Muito bem. Envie MENU para fazer outra coisa.

## Vote

vote-no-round = Agora não há nenhuma votação aberta. Avisamos quando começar a próxima.
vote-already =
    O seu voto atual: { $previous }
    Se votar outra vez, o novo voto substitui este.
vote-choose = { $max_choices ->
        [one] { $round_title }: envie o número do assunto que escolhe:
       *[other] { $round_title }: envie até { $max_choices } números, por exemplo 1 3:
    }
    .voice = { $round_title }. Escolha um assunto.
vote-confirm =
    O seu voto: { $choices }
    Envie SIM para votar ou NÃO para escolher de novo.
    .voice = Escolheu { $choices }. Prima 1 para votar, ou 2 para escolher de novo.
vote-out-of-range = { $count ->
        [one] Só há 1 assunto nesta votação. Envie VOTAR 1 para votar nele.
       *[other] Só há { $count } assuntos nesta votação. Envie VOTAR e um número de 1 a { $count }.
    }
vote-too-many = Nesta votação pode escolher até { $max_choices }.
vote-round-changed = Essa votação já fechou. Envie VOTAR para ver o que está aberto agora.
vote-counted = Obrigado, o seu voto foi contado. Avisamos quando houver resultados.
vote-replaced = Obrigado. O novo voto substitui o anterior. Continua a contar só uma vez.
vote-voted-before = Já votou nesta ronda. O seu voto continua a contar.

## Updates from the Board

updates-none = Ainda não há novidades do Conselho sobre assuntos que apresentou, votou ou segue.
updates-intro = Últimas do Conselho do NHS England:
updates-item = { $ref } { $title }: { $status ->
        [committed] O Conselho comprometeu-se a agir.
        [declined] O Conselho recusou.
        [in_progress] Trabalho em curso{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] Concluído.
    } { $text }{ $pending ->
        [yes] {" "}(Tradução em breve.)
       *[no] {""}
    }

## Commands that always work

help = Gather: diga ao NHS o que é importante. Envie MENU, VOTAR, NOVIDADES, IDIOMA, STOP (parar) ou APAGAR (apagar os seus dados).
    .voice = Prima 0 para o menu. Prima asterisco para ouvir isto de novo.
stop-confirm = Não vai receber mais mensagens do Gather. Envie START para voltar.
start-confirm = Olá de novo. Vai voltar a receber mensagens do Gather.
language-choose = Escolha o seu idioma. Envie um número:
    .voice = Escolha o seu idioma.
language-set = Vamos escrever-lhe em português. Para mudar, envie IDIOMA ou LANGUAGE.
    .voice = Vamos falar consigo em português. Para mudar, prima 0 para o menu.
forget-confirm = Isto apaga o seu número e as suas mensagens. Os seus assuntos e votos ficam, sem nome. Envie SIM para apagar ou NÃO para manter.
    .voice = Isto apaga o seu número e as suas mensagens. Prima 1 para apagar, ou 2 para manter.
forget-done = Feito. Apagámos o seu número e as suas mensagens. Adeus.
forget-cancelled = Muito bem, não foi apagado nada.
