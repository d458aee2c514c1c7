## Journeys (see en-GB/journeys.ftl).


draft-kept = Twoja sprawa nie jest jeszcze wysłana. Wrócimy do niej później.
draft-waiting = Masz niewysłaną sprawę. Wyślij TAK, aby ją dokończyć.
    .voice = Masz niewysłaną sprawę.
draft-resume = Wracamy do Twojej niewysłanej sprawy:
draft-dropped = Twoja sprawa nie została wysłana.
menu-raise-short = Czy zgłosić „{ $description_short }” jako sprawę? Wyślij TAK lub NIE.
    .voice = Czy zgłosić to jako sprawę? Tak: naciśnij 1. Nie: naciśnij 2.
reask-again = Niestety, nie rozumiemy. Jeszcze raz:
signposted-continue = Czy chcesz teraz kontynuować w Gather? Wyślij TAK lub NIE.
    .voice = Czy chcesz kontynuować? Tak: naciśnij 1. Nie: naciśnij 2.
signposted-stopped = Dobrze, niczego nie wysłaliśmy. Trzymaj się. Wyślij MENU, gdy zechcesz zacząć od nowa.
raise-fix-area = Zmień okolicę
raise-fix-involvement = Zmień, kim jesteś w sprawie
