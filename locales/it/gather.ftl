## Gather, Italian (italiano). Plain words, short sentences. Keep to GSM-7
## characters: lower-case à, è, é, ì, ò, ù are fine, but capital È, À, Ì and
## curly quotes or apostrophes are not, and one of them makes the whole SMS
## UCS-2 (134 characters for 2 segments instead of 306). So: "SI" in capitals
## for the keyword, straight ' and " only, and no sentence starts with "È".
## Register: informal-polite "tu" (Invia, Premi, il tuo), as Italian SMS
## services write. No adjectives aimed at the reader, so nothing depends on
## the reader's gender ("Ti diamo il benvenuto", not "Benvenuto").
## Commands in sentences use the Italian words from keywords.toml. STOP and
## START stay in English: phone networks know them.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = Italiano

## Engine lines

welcome = Ti diamo il benvenuto in Gather. Di' all'NHS cosa conta per te, vota cosa deve cambiare e scopri cosa fa il Consiglio dell'NHS.
conversation-expired = Ricominciamo da capo: è passato un po' di tempo.
error-generic = Ci scusiamo, qualcosa non ha funzionato da parte nostra. Invia MENU per ricominciare.
offer-help = Invia AIUTO per avere aiuto o MENU per ricominciare.
    .voice = Premi 9 per l'aiuto o 0 per il menu.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = Per { $label }, premi { $number }.
skip-hint = Invia 0 per saltare.
    .voice = Premi 0 per saltare.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] Invia 1.
       *[other] Invia un numero da 1 a { $max }.
    }
    .voice = Premi un tasto da 1 a { $max }.
reask-choices = Invia fino a { $max } numeri da 1 a { $count }, per esempio 1 3.
    .voice = Premi un tasto da 1 a { $count }.
reask-yes-no = Invia SI o NO.
    .voice = Premi 1 per sì o 2 per no.
reask-number = Invia un numero da { $min } a { $max }.
reask-text-short = Raccontaci qualcosa in più, in poche parole.
reask-text-long = È un testo lungo. Invia una versione più breve: bastano poche frasi.
reask-postcode = Invia la prima parte del tuo codice postale, per esempio SE15, o 0 per saltare.
    .voice = Premi 0 per saltare.
reask-language = Invia il numero della tua lingua.
    .voice = Premi il tasto della tua lingua.
reask-empty = Abbiamo ricevuto un messaggio vuoto. Invia MENU per vedere cosa puoi fare.

## Menu

menu-prompt = Cosa vuoi fare? Invia un numero:
    .voice = Cosa vuoi fare?
menu-raise = Solleva una questione
menu-vote = Vota
menu-updates = Notizie dal Consiglio
menu-language = Cambia lingua
menu-help = Aiuto

## Raise an issue

raise-describe = Qual è il problema o l'idea? Descrivilo con parole tue.
    .voice = Dopo il segnale, di' qual è il problema o l'idea. Premi cancelletto quando hai finito.
raise-noted = Grazie. Lo invieremo all'NHS come nuova questione. Prima, due domande veloci.
raise-area = Di quale zona si tratta? Invia la prima parte del codice postale, per esempio SE15. Invia 0 per saltare.
    .voice = Premi 0 per saltare la zona.
raise-involvement = Qual è il tuo ruolo? Invia un numero, o 0 per saltare:
    .voice = Qual è il tuo ruolo? Premi 0 per saltare.
involvement-patient = Paziente
involvement-carer = Familiare o assistente
involvement-staff = Personale NHS
involvement-community = Gruppo di comunità
involvement-other = Altro
raise-confirm = Hai scritto: "{ $description_short }"{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. Invia SI per inviarla o MODIFICA per cambiarla.
    .voice = Premi 1 per inviare la questione, o 2 per cambiarla.
raise-fix = Cosa vuoi fare?
raise-fix-rewrite = Scrivi di nuovo
raise-fix-cancel = Non inviare
raise-cancelled = Va bene, non abbiamo inviato nulla. Invia MENU per ricominciare.
raise-created = Grazie. La tua questione ha il numero { $ref }. Un moderatore la controllerà prima del voto.
raise-follow = Vuoi ricevere notizie su { $ref }? Invia SI o NO.
    .voice = Vuoi ricevere notizie su questa questione? Premi 1 per sì o 2 per no.
raise-following = Riceverai notizie su { $ref }. Invia NOTIZIE quando vuoi.
raise-not-following = Va bene. Invia MENU per fare altro.

## Vote

vote-no-round = Ora non ci sono votazioni aperte. Ti avviseremo quando inizia la prossima.
vote-already =
    Il tuo voto attuale: { $previous }
    Se voti di nuovo, il nuovo voto sostituisce questo.
vote-choose = { $max_choices ->
        [one] { $round_title }: invia il numero della questione che scegli:
       *[other] { $round_title }: invia fino a { $max_choices } numeri, per esempio 1 3:
    }
    .voice = { $round_title }. Scegli una questione.
vote-confirm =
    Il tuo voto: { $choices }
    Invia SI per votare o NO per scegliere di nuovo.
    .voice = Hai scelto { $choices }. Premi 1 per votare, o 2 per scegliere di nuovo.
vote-out-of-range = { $count ->
        [one] C'è solo 1 questione in questa votazione. Invia VOTA 1 per votarla.
       *[other] Ci sono solo { $count } questioni in questa votazione. Invia VOTA e un numero da 1 a { $count }.
    }
vote-too-many = In questa votazione puoi sceglierne fino a { $max_choices }.
vote-round-changed = Quella votazione è chiusa. Invia VOTA per vedere cosa è aperto ora.
vote-counted = Grazie, il tuo voto è stato contato. Ti diremo i risultati.
vote-replaced = Grazie. Il nuovo voto sostituisce quello di prima. Conta sempre una volta sola.
vote-voted-before = Hai già votato in questo turno. Il tuo voto conta ancora.

## Updates from the Board

updates-none = Ancora nessuna notizia dal Consiglio sulle questioni che hai sollevato, votato o segui.
updates-intro = Le ultime dal Consiglio dell'NHS England:
updates-item = { $ref } { $title }: { $status ->
        [committed] Il Consiglio si è impegnato ad agire.
        [declined] Il Consiglio ha detto di no.
        [in_progress] Lavori in corso{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] Fatto.
    } { $text }{ $pending ->
        [yes] {" "}(Traduzione in arrivo.)
       *[no] {""}
    }

## Commands that always work

help = Gather: di' all'NHS cosa conta. Invia MENU, VOTA, NOTIZIE, LINGUA, STOP (non ricevere più messaggi) o ELIMINA (cancella i tuoi dati).
    .voice = Premi 0 per il menu. Premi asterisco per riascoltare.
stop-confirm = Non riceverai più messaggi da Gather. Invia START per tornare.
start-confirm = Ti diamo di nuovo il benvenuto. Riceverai ancora i messaggi di Gather.
language-choose = Scegli la tua lingua. Invia un numero:
    .voice = Scegli la tua lingua.
language-set = Ti scriveremo in italiano. Per cambiare, invia LINGUA o LANGUAGE.
    .voice = Parleremo con te in italiano. Per cambiare lingua, premi 0 per il menu.
forget-confirm = Questo cancella il tuo numero e i tuoi messaggi. Questioni e voti restano, senza nome. Invia SI per cancellare o NO per tenerli.
    .voice = Questo cancella il tuo numero e i tuoi messaggi. Premi 1 per cancellare, o 2 per tenerli.
forget-done = Fatto. Abbiamo cancellato il tuo numero e i tuoi messaggi. Arrivederci.
forget-cancelled = Va bene, non abbiamo cancellato nulla.
