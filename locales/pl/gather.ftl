## Gather, Polish (polski). Plain words, short sentences. Polish text is sent
## as UCS-2, so one SMS segment holds 67 characters when split: every prompt
## must fit in 2 segments (134 characters).
## Register: informal-polite "Ty" forms (Wyślij, Twój, Ci), capitalised as in
## letters. Avoid gendered past tense (zagłosowałeś/aś): use present, future or
## "we" forms instead.
## Commands in sentences use the Polish words from keywords.toml. STOP and
## START stay in English: phone networks know them.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = Polski

## Engine lines

welcome = Witaj w Gather. Powiedz NHS, co jest dla Ciebie ważne, głosuj na zmiany i sprawdzaj, co robi Zarząd NHS.
conversation-expired = Minęło trochę czasu, więc zacznijmy od nowa.
error-generic = Przepraszamy, coś poszło nie tak po naszej stronie. Wyślij MENU, aby zacząć od nowa.
offer-help = Wyślij POMOC, aby dostać pomoc, lub MENU, aby zacząć od nowa.
    .voice = Naciśnij 9, aby dostać pomoc, lub 0, aby przejść do menu.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = { $label }: naciśnij { $number }.
skip-hint = Wyślij 0, aby pominąć.
    .voice = Naciśnij 0, aby pominąć.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] Wyślij 1.
       *[other] Wyślij numer od 1 do { $max }.
    }
    .voice = Naciśnij klawisz od 1 do { $max }.
reask-choices = Wyślij numery od 1 do { $count }, np. 1 3. Możesz wybrać najwyżej { $max }.
    .voice = Naciśnij klawisz od 1 do { $count }.
reask-yes-no = Wyślij TAK lub NIE.
    .voice = Tak: naciśnij 1. Nie: naciśnij 2.
reask-number = Wyślij liczbę od { $min } do { $max }.
reask-text-short = Napisz trochę więcej, w kilku słowach.
reask-text-long = To dużo tekstu. Napisz krócej: wystarczy kilka zdań.
reask-postcode = Wyślij pierwszą część kodu pocztowego, np. SE15, lub 0, aby pominąć.
    .voice = Naciśnij 0, aby pominąć.
reask-language = Wyślij numer swojego języka.
    .voice = Naciśnij klawisz swojego języka.
reask-empty = Wiadomość była pusta. Wyślij MENU, aby zobaczyć, co możesz zrobić.

## Menu

menu-prompt = Co chcesz zrobić? Wyślij numer:
    .voice = Co chcesz zrobić?
menu-raise = Zgłoś sprawę
menu-vote = Głosuj
menu-updates = Nowości od Zarządu
menu-language = Zmień język
menu-help = Pomoc

## Raise an issue

raise-describe = Jaki jest problem lub pomysł? Opisz go własnymi słowami.
    .voice = Po sygnale powiedz, jaki jest problem lub pomysł. Na koniec naciśnij krzyżyk.
raise-noted = Dziękujemy. Wyślemy to do NHS jako nową sprawę. Najpierw dwa krótkie pytania.
raise-area = Jakiej okolicy to dotyczy? Wyślij pierwszą część kodu pocztowego, np. SE15. Wyślij 0, aby pominąć.
    .voice = Aby pominąć okolicę, naciśnij 0.
raise-involvement = Kim jesteś w tej sprawie? Wyślij numer lub 0, aby pominąć:
    .voice = Kim jesteś w tej sprawie? Naciśnij 0, aby pominąć.
involvement-patient = Pacjent
involvement-carer = Opiekun lub rodzina
involvement-staff = Personel NHS
involvement-community = Grupa lokalna
involvement-other = Inne
raise-confirm = Zgłaszasz: „{ $description_short }”{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. Wysłać? TAK lub ZMIEŃ.
    .voice = Naciśnij 1, aby wysłać zgłoszenie, lub 2, aby je zmienić.
raise-fix = Co chcesz zrobić?
raise-fix-rewrite = Napisz od nowa
raise-fix-cancel = Nie wysyłaj
raise-cancelled = Dobrze, nic nie wysłaliśmy. Wyślij MENU, aby zacząć od nowa.
raise-created = Dziękujemy. Twoja sprawa ma numer { $ref }. Sprawdzimy ją, zanim trafi do głosowania.
raise-follow = Chcesz dostawać nowości w sprawie { $ref }? Wyślij TAK lub NIE.
    .voice = Chcesz dostawać nowości w tej sprawie? Tak: naciśnij 1. Nie: naciśnij 2.
raise-following = Będziesz dostawać nowości w sprawie { $ref }. W każdej chwili możesz wysłać NOWOŚCI.
raise-not-following = Dobrze. Wyślij MENU, aby zrobić coś innego.

## Vote

vote-no-round = Teraz nie ma otwartego głosowania. Damy znać, gdy zacznie się następne.
vote-already =
    Twój obecny głos: { $previous }
    Jeśli zagłosujesz znowu, nowy głos go zastąpi.
vote-choose = { $max_choices ->
        [one] { $round_title }: wyślij numer sprawy, którą wybierasz:
        [few] { $round_title }: wybierz najwyżej { $max_choices } sprawy. Wyślij numery, np. 1 3:
        [many] { $round_title }: wybierz najwyżej { $max_choices } spraw. Wyślij numery, np. 1 3:
       *[other] { $round_title }: wybierz najwyżej { $max_choices } sprawy. Wyślij numery, np. 1 3:
    }
    .voice = { $round_title }. Wybierz sprawę.
vote-confirm =
    Twój głos: { $choices }
    Wyślij TAK, aby zagłosować, lub NIE, aby wybrać od nowa.
    .voice = Twój wybór: { $choices }. Naciśnij 1, aby zagłosować, lub 2, aby wybrać od nowa.
vote-out-of-range = { $count ->
        [one] W tym głosowaniu jest tylko 1 sprawa. Wyślij GŁOSUJ 1, aby na nią zagłosować.
       *[other] W tym głosowaniu są tylko sprawy od 1 do { $count }. Wyślij GŁOSUJ i numer od 1 do { $count }.
    }
vote-too-many = W tym głosowaniu możesz wybrać najwyżej { $max_choices }.
vote-round-changed = To głosowanie jest już zamknięte. Wyślij GŁOSUJ, aby zobaczyć, co jest teraz otwarte.
vote-counted = Dziękujemy, Twój głos jest policzony. Damy Ci znać o wynikach.
vote-replaced = Dziękujemy. Nowy głos zastąpił poprzedni. Nadal liczy się tylko raz.
vote-voted-before = Już oddano głos w tym głosowaniu. Nadal liczy się raz.

## Updates from the Board

updates-none = Na razie Zarząd nie ma nowości o sprawach, które zgłaszasz, popierasz lub obserwujesz.
updates-intro = Nowości od Zarządu NHS England:
updates-item = { $ref } { $title }: { $status ->
        [committed] Zarząd obiecał działać.
        [declined] Zarząd nie podejmie działań.
        [in_progress] Prace trwają{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] Zrobione.
    } { $text }{ $pending ->
        [yes] {" "}(Tłumaczenie wkrótce.)
       *[no] {""}
    }

## Commands that always work

help = Gather: powiedz NHS, co jest ważne. Wyślij MENU, GŁOSUJ, NOWOŚCI, JĘZYK, STOP (wypisanie się) lub ZAPOMNIJ (usunięcie danych).
    .voice = Naciśnij 0, aby przejść do menu. Naciśnij gwiazdkę, aby usłyszeć to jeszcze raz.
stop-confirm = Nie będziesz już dostawać wiadomości od Gather. Wyślij START, aby wrócić.
start-confirm = Witaj ponownie. Znowu będziesz dostawać wiadomości od Gather.
language-choose = Wybierz język. Wyślij numer:
    .voice = Wybierz język.
language-set = Będziemy pisać do Ciebie po polsku. Aby zmienić język, wyślij JĘZYK lub LANGUAGE.
    .voice = Będziemy mówić do Ciebie po polsku. Aby zmienić język, naciśnij 0, aby przejść do menu.
forget-confirm = To usunie Twój numer i wiadomości. Twoje sprawy i głosy zostaną, ale anonimowo. Wyślij TAK, aby usunąć, lub NIE, aby zachować.
    .voice = To usunie Twój numer i wiadomości. Naciśnij 1, aby usunąć, lub 2, aby je zachować.
forget-done = Gotowe. Usunęliśmy Twój numer i wiadomości. Do widzenia.
forget-cancelled = Dobrze, niczego nie usunęliśmy.
