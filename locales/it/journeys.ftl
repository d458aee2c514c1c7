## Journeys (see en-GB/journeys.ftl).


draft-kept = La tua questione non è ancora stata inviata. Ci torniamo dopo.
draft-waiting = Hai una questione non inviata. Invia SI per completarla.
    .voice = Hai una questione non inviata.
draft-resume = Torniamo alla tua questione non inviata:
draft-dropped = La tua questione non è stata inviata.
menu-raise-short = Vuoi inviare "{ $description_short }" come questione? Invia SI o NO.
    .voice = Vuoi inviarlo come questione? Premi 1 per sì o 2 per no.
reask-again = Scusa, non abbiamo capito. Ancora una volta:
signposted-continue = Vuoi continuare ora con Gather? Invia SI o NO.
    .voice = Vuoi continuare? Premi 1 per sì o 2 per no.
signposted-stopped = Va bene, non abbiamo inviato nulla. Abbi cura di te. Invia MENU quando vuoi ricominciare.
raise-fix-area = Cambia la zona
raise-fix-involvement = Cambia il tuo ruolo
