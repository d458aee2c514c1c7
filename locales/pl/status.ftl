## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: na Twoją prośbę nic nie wysyłamy. Aby wrócić, wyślij START.
    .voice = Na Twoją prośbę nie kontaktujemy się z Tobą.
stopped-call = Wiadomości od Gather są wyłączone. Wyślij START, aby wrócić.
    .voice = Na Twoją prośbę nie kontaktujemy się z Tobą. Aby wrócić, naciśnij 1. Aby zakończyć, naciśnij 2.
stopped-call-bye = Dobrze, nie będziemy się kontaktować. Do widzenia.

vote-closed-soon = Głosowanie w tej turze jest już zamknięte. Wkrótce wyślemy wyniki.

status-issue = { $state ->
        [none] Nie masz jeszcze zgłoszonej sprawy. Wyślij MENU, aby ją zgłosić.
        [unknown] Nie ma publicznej sprawy { $ref }. Wyślij STATUS, aby zobaczyć swoje.
        [hidden] Moderator ukrył sprawę { $ref }: { $reason ->
            [personal] zawierała dane osobowe
            [abuse] łamała zasady kultury
            [offtopic] nie dotyczy opieki NHS
           *[other] nie spełniała zasad
        }.
        [merged] Sprawę { $ref } połączono z { $into }, która mówi to samo. Wyślij { $into }, aby poznać nowości.
       *[found] { $ref } { $title }: { $status ->
            [new] moderator wkrótce ją sprawdzi
           *[approved] otwarta do głosowania
        }. Głosy: { $votes }. { $response ->
            [none] Brak jeszcze odpowiedzi Zarządu.
            [committed] Zarząd obiecał działać.
            [declined] Zarząd nie podejmie działań.
            [in_progress] Prace trwają.
           *[done] Zrobione.
        }
    }

notice-hidden = Moderator ukrył Twoją sprawę { $ref }: { $reason ->
        [personal] zawierała dane osobowe
        [abuse] łamała zasady kultury
        [offtopic] nie dotyczy opieki NHS
       *[other] nie spełniała zasad
    }. Wyślij MENU, aby zgłosić sprawę.
notice-merged = Twoją sprawę { $ref } połączono z { $into }, która mówi to samo. Dostaniesz nowości o { $into }.

discord-raise-describe = Jaki jest problem lub pomysł?
discord-raise-area = Kod pocztowy, np. SE15 (opcjonalnie)
