## Gather, Spanish (español). Plain words, short sentences. Spanish accents
## (á, í, ó, ú) make the SMS UCS-2, so one segment holds 67 characters when
## split: every prompt must fit in 2 segments (134 characters).
## Register: "usted" (Envíe, Pulse, su), respectful and understood by speakers
## from Spain and Latin America alike. No adjectives aimed at the reader, so
## nothing depends on the reader's gender ("Le damos la bienvenida", not
## "Bienvenido").
## Commands in sentences use the Spanish words from keywords.toml. STOP and
## START stay in English: phone networks know them.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = Español

## Engine lines

welcome = Le damos la bienvenida a Gather. Diga al NHS lo que le importa, vote lo que debe cambiar y sepa qué hace la Junta del NHS.
conversation-expired = Ha pasado un tiempo, así que empezamos de nuevo.
error-generic = Lo sentimos, algo ha fallado por nuestra parte. Envíe MENÚ para empezar de nuevo.
offer-help = Envíe AYUDA para recibir ayuda o MENÚ para empezar de nuevo.
    .voice = Pulse 9 para ayuda o 0 para el menú.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = Para { $label }, pulse { $number }.
skip-hint = Envíe 0 para saltar.
    .voice = Pulse 0 para saltar.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] Envíe 1.
       *[other] Envíe un número del 1 al { $max }.
    }
    .voice = Pulse una tecla del 1 al { $max }.
reask-choices = Envíe hasta { $max } números del 1 al { $count }, por ejemplo 1 3.
    .voice = Pulse una tecla del 1 al { $count }.
reask-yes-no = Envíe SÍ o NO.
    .voice = Pulse 1 para sí o 2 para no.
reask-number = Envíe un número del { $min } al { $max }.
reask-text-short = Cuéntenos un poco más, en pocas palabras.
reask-text-long = Es mucho texto. Envíe una versión más corta: bastan unas frases.
reask-postcode = Envíe la primera parte de su código postal, por ejemplo SE15, o 0 para saltar.
    .voice = Pulse 0 para saltar.
reask-language = Envíe el número de su idioma.
    .voice = Pulse la tecla de su idioma.
reask-empty = Hemos recibido un mensaje vacío. Envíe MENÚ para ver lo que puede hacer.

## Menu

menu-prompt = ¿Qué quiere hacer? Envíe un número:
    .voice = ¿Qué quiere hacer?
menu-raise = Plantear un tema
menu-vote = Votar
menu-updates = Novedades de la Junta
menu-language = Cambiar de idioma
menu-help = Ayuda

## Raise an issue

raise-describe = ¿Cuál es el problema o la idea? Descríbalo con sus propias palabras.
    .voice = Después del tono, diga cuál es el problema o la idea. Pulse la tecla almohadilla al terminar.
raise-noted = Gracias. Enviaremos esto al NHS como un tema nuevo. Antes, dos preguntas rápidas.
raise-area = ¿De qué zona se trata? Envíe la primera parte del código postal, por ejemplo SE15. Envíe 0 para saltar.
    .voice = Pulse 0 para saltar la zona.
raise-involvement = ¿Qué relación tiene con el tema? Envíe un número, o 0 para saltar:
    .voice = ¿Qué relación tiene con el tema? Pulse 0 para saltar.
involvement-patient = Paciente
involvement-carer = Cuidador o familia
involvement-staff = Personal del NHS
involvement-community = Grupo comunitario
involvement-other = Otro
raise-confirm = Ha escrito: «{ $description_short }»{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. ¿Lo enviamos? SÍ o EDITAR.
    .voice = Pulse 1 para enviar su tema, o 2 para cambiarlo.
raise-fix = ¿Qué quiere hacer?
raise-fix-rewrite = Escribirlo de nuevo
raise-fix-cancel = No enviarlo
raise-cancelled = De acuerdo, no se ha enviado nada. Envíe MENÚ para empezar de nuevo.
raise-created = Gracias. Su tema es el { $ref }. Un moderador lo revisará antes de que pase a votación.
raise-follow = ¿Quiere recibir novedades sobre el { $ref }? Envíe SÍ o NO.
    .voice = ¿Quiere recibir novedades sobre este tema? Pulse 1 para sí o 2 para no.
raise-following = Recibirá novedades sobre el { $ref }. Envíe NOVEDADES cuando quiera.
raise-not-following = De acuerdo. Envíe MENÚ para hacer otra cosa.

## Vote

vote-no-round = Ahora no hay ninguna votación abierta. Le avisaremos cuando empiece la próxima.
vote-already =
    Su voto actual: { $previous }
    Si vota otra vez, el nuevo voto sustituye a este.
vote-choose = { $max_choices ->
        [one] { $round_title }: envíe el número del tema que elige:
       *[other] { $round_title }: envíe hasta { $max_choices } números, por ejemplo 1 3:
    }
    .voice = { $round_title }. Elija un tema.
vote-confirm =
    Su voto: { $choices }
    Envíe SÍ para votar o NO para elegir de nuevo.
    .voice = Ha elegido { $choices }. Pulse 1 para votar, o 2 para elegir de nuevo.
vote-out-of-range = { $count ->
        [one] Solo hay 1 tema en esta votación. Envíe VOTAR 1 para votarlo.
       *[other] Solo hay { $count } temas en esta votación. Envíe VOTAR y un número del 1 al { $count }.
    }
vote-too-many = En esta votación puede elegir hasta { $max_choices }.
vote-round-changed = Esa votación ya ha cerrado. Envíe VOTAR para ver lo que está abierto ahora.
vote-counted = Gracias, su voto se ha contado. Le diremos los resultados.
vote-replaced = Gracias. Su nuevo voto sustituye al anterior. Sigue contando una sola vez.
vote-voted-before = Ya ha votado en esta ronda. Su voto sigue contando.

## Updates from the Board

updates-none = Aún no hay novedades de la Junta sobre temas que ha planteado, votado o sigue.
updates-intro = Lo último de la Junta del NHS England:
updates-item = { $ref } { $title }: { $status ->
        [committed] La Junta se ha comprometido a actuar.
        [declined] La Junta lo ha rechazado.
        [in_progress] Trabajo en curso{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] Hecho.
    } { $text }{ $pending ->
        [yes] {" "}(Traducción próximamente.)
       *[no] {""}
    }

## Commands that always work

help = Gather: diga al NHS lo que importa. Envíe MENÚ, VOTAR, NOVEDADES, IDIOMA, STOP (dejar de recibir) o BORRAR (borrar sus datos).
    .voice = Pulse 0 para el menú. Pulse asterisco para oír esto otra vez.
stop-confirm = Ya no recibirá más mensajes de Gather. Envíe START para volver.
start-confirm = Hola de nuevo. Volverá a recibir mensajes de Gather.
language-choose = Elija su idioma. Envíe un número:
    .voice = Elija su idioma.
language-set = Le escribiremos en español. Para cambiarlo, envíe IDIOMA o LANGUAGE.
    .voice = Le hablaremos en español. Para cambiarlo, pulse 0 para el menú.
forget-confirm = Esto borra su número y sus mensajes. Sus temas y votos se quedan, sin nombre. Envíe SÍ para borrar o NO para conservar.
    .voice = Esto borra su número y sus mensajes. Pulse 1 para borrar, o 2 para conservarlos.
forget-done = Hecho. Hemos borrado su número y sus mensajes. Adiós.
forget-cancelled = De acuerdo, no se ha borrado nada.
