## Gather, Romanian (română). Plain words, short sentences. Romanian letters
## (ă, â, î, ș, ț) make the SMS UCS-2, so one segment holds 67 characters when
## split: every prompt must fit in 2 segments (134 characters).
## Register: polite plural forms (Trimiteți, Apăsați, dvs.), as Romanian public
## services write. No adjectives or past participles aimed at the reader, so
## nothing depends on the reader's gender.
## Use ș and ț with a comma below (U+0219, U+021B), not a cedilla.
## Commands in sentences use the Romanian words from keywords.toml. STOP and
## START stay in English: phone networks know them.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = Română

## Engine lines

welcome = Bun venit la Gather. Spuneți NHS ce contează pentru dvs., votați ce trebuie schimbat și aflați ce face Consiliul NHS.
conversation-expired = A trecut ceva timp, așa că o luăm de la capăt.
error-generic = Ne pare rău, ceva nu a mers bine la noi. Trimiteți MENIU ca să începeți din nou.
offer-help = Trimiteți AJUTOR pentru ajutor sau MENIU ca să începeți din nou.
    .voice = Apăsați 9 pentru ajutor sau 0 pentru meniu.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = Pentru { $label }, apăsați { $number }.
skip-hint = Trimiteți 0 ca să săriți peste.
    .voice = Apăsați 0 ca să săriți peste.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] Trimiteți 1.
        [few] Trimiteți un număr de la 1 la { $max }.
       *[other] Trimiteți un număr de la 1 la { $max }.
    }
    .voice = Apăsați o tastă de la 1 la { $max }.
reask-choices = Trimiteți numere de la 1 la { $count }, de ex. 1 3. Puteți alege cel mult { $max }.
    .voice = Apăsați o tastă de la 1 la { $count }.
reask-yes-no = Trimiteți DA sau NU.
    .voice = Apăsați 1 pentru da sau 2 pentru nu.
reask-number = Trimiteți un număr de la { $min } la { $max }.
reask-text-short = Vă rugăm să ne spuneți puțin mai mult, în câteva cuvinte.
reask-text-long = Este mult de citit. Trimiteți o variantă mai scurtă: câteva propoziții sunt de ajuns.
reask-postcode = Trimiteți prima parte a codului poștal, de ex. SE15, sau 0 ca să săriți peste.
    .voice = Apăsați 0 ca să săriți peste.
reask-language = Trimiteți numărul limbii dvs.
    .voice = Apăsați tasta pentru limba dvs.
reask-empty = Am primit un mesaj gol. Trimiteți MENIU ca să vedeți ce puteți face.

## Menu

menu-prompt = Ce doriți să faceți? Trimiteți un număr:
    .voice = Ce doriți să faceți?
menu-raise = Semnalați o problemă
menu-vote = Votați
menu-updates = Noutăți de la Consiliu
menu-language = Schimbați limba
menu-help = Ajutor

## Raise an issue

raise-describe = Care este problema sau ideea? Descrieți-o cu cuvintele dvs.
    .voice = După semnal, spuneți care este problema sau ideea. Apăsați diez când ați terminat.
raise-noted = Vă mulțumim. O vom trimite la NHS ca problemă nouă. Mai întâi, două întrebări scurte.
raise-area = Despre ce zonă este vorba? Trimiteți prima parte a codului poștal, de ex. SE15. Trimiteți 0 ca să săriți peste.
    .voice = Apăsați 0 ca să săriți peste zonă.
raise-involvement = Ce legătură aveți cu problema? Trimiteți un număr sau 0 ca să săriți peste:
    .voice = Ce legătură aveți cu problema? Apăsați 0 ca să săriți peste.
involvement-patient = Pacient
involvement-carer = Îngrijitor sau familie
involvement-staff = Personal NHS
involvement-community = Grup comunitar
involvement-other = Altceva
raise-confirm = Ați scris: „{ $description_short }”{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. Trimitem? DA sau MODIFICĂ.
    .voice = Apăsați 1 ca să trimiteți problema sau 2 ca s-o schimbați.
raise-fix = Ce doriți să faceți?
raise-fix-rewrite = Scrieți din nou
raise-fix-cancel = Nu o trimiteți
raise-cancelled = Bine, nu am trimis nimic. Trimiteți MENIU ca să începeți din nou.
raise-created = Vă mulțumim. Problema dvs. are numărul { $ref }. Un moderator o va verifica înainte de vot.
raise-follow = Doriți noutăți despre { $ref }? Trimiteți DA sau NU.
    .voice = Doriți noutăți despre această problemă? Apăsați 1 pentru da sau 2 pentru nu.
raise-following = Veți primi noutăți despre { $ref }. Trimiteți NOUTĂȚI oricând.
raise-not-following = Bine. Trimiteți MENIU ca să faceți altceva.

## Vote

vote-no-round = Acum nu este niciun vot deschis. Vă anunțăm când începe următorul.
vote-already =
    Votul dvs. de acum: { $previous }
    Dacă votați din nou, noul vot îl înlocuiește.
vote-choose = { $max_choices ->
        [one] { $round_title }: trimiteți numărul problemei alese:
        [few] { $round_title }: trimiteți cel mult { $max_choices } numere, de ex. 1 3:
       *[other] { $round_title }: trimiteți cel mult { $max_choices } de numere, de ex. 1 3:
    }
    .voice = { $round_title }. Alegeți o problemă.
vote-confirm =
    Votul dvs.: { $choices }
    Trimiteți DA ca să votați sau NU ca să alegeți din nou.
    .voice = Ați ales { $choices }. Apăsați 1 ca să votați sau 2 ca să alegeți din nou.
vote-out-of-range = { $count ->
        [one] În acest vot este o singură problemă. Trimiteți VOT 1 ca să votați pentru ea.
        [few] În acest vot sunt doar { $count } probleme. Trimiteți VOT și un număr de la 1 la { $count }.
       *[other] În acest vot sunt doar { $count } de probleme. Trimiteți VOT și un număr de la 1 la { $count }.
    }
vote-too-many = În acest vot puteți alege cel mult { $max_choices }.
vote-round-changed = Acel vot s-a închis. Trimiteți VOT ca să vedeți ce este deschis acum.
vote-counted = Vă mulțumim, votul dvs. a fost numărat. Vă vom anunța rezultatele.
vote-replaced = Vă mulțumim. Noul vot îl înlocuiește pe cel vechi. Contează tot o singură dată.
vote-voted-before = Ați votat deja în această rundă. Votul dvs. contează în continuare.

## Updates from the Board

updates-none = Încă nu sunt noutăți de la Consiliu despre problemele pe care le-ați semnalat, votat sau urmărit.
updates-intro = Ultimele noutăți de la Consiliul NHS England:
updates-item = { $ref } { $title }: { $status ->
        [committed] Consiliul s-a angajat să acționeze.
        [declined] Consiliul a refuzat.
        [in_progress] Se lucrează{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] Rezolvat.
    } { $text }{ $pending ->
        [yes] {" "}(Traducerea vine în curând.)
       *[no] {""}
    }

## Commands that always work

help = Gather: spuneți NHS ce contează. Trimiteți MENIU, VOT, NOUTĂȚI, LIMBĂ, STOP (dezabonare) sau ȘTERGE (ștergerea datelor).
    .voice = Apăsați 0 pentru meniu. Apăsați steluța ca să auziți din nou.
stop-confirm = Nu veți mai primi mesaje de la Gather. Trimiteți START ca să reveniți.
start-confirm = Bine ați revenit. Veți primi din nou mesaje de la Gather.
language-choose = Alegeți limba. Trimiteți un număr:
    .voice = Alegeți limba.
language-set = Vă vom scrie în română. Ca să schimbați limba, trimiteți LIMBĂ sau LANGUAGE.
    .voice = Vă vom vorbi în română. Ca să schimbați limba, apăsați 0 pentru meniu.
forget-confirm = Vom șterge numărul și mesajele dvs. Problemele și voturile rămân, fără nume. Trimiteți DA ca să ștergem sau NU ca să le păstrăm.
    .voice = Vom șterge numărul și mesajele dvs. Apăsați 1 ca să le ștergem sau 2 ca să le păstrăm.
forget-done = Gata. Am șters numărul și mesajele dvs. La revedere.
forget-cancelled = Bine, nu am șters nimic.
