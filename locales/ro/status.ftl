## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: ați cerut oprirea, deci nu trimitem nimic. Ca să reveniți, trimiteți START.
    .voice = Ați cerut să nu vă mai contactăm.
stopped-call = Ați oprit mesajele Gather. Trimiteți START ca să reveniți.
    .voice = Ați cerut să nu vă mai contactăm. Ca să reveniți, apăsați 1. Ca să închideți, apăsați 2.
stopped-call-bye = Bine, nu vă vom contacta. La revedere.

vote-closed-soon = Votul din această rundă s-a închis. Vă trimitem rezultatele în curând.

status-issue = { $state ->
        [none] Nu ați semnalat încă o problemă. Trimiteți MENIU ca să semnalați una.
        [unknown] Nu găsim o problemă publică { $ref }. Trimiteți STATUS ca să le vedeți pe ale dvs.
        [hidden] Un moderator a ascuns { $ref }: { $reason ->
            [personal] conținea date personale
            [abuse] încălca regulile de respect
            [offtopic] nu este despre îngrijirea NHS
           *[other] nu respecta regulile
        }.
        [merged] { $ref } a fost unită cu { $into }, care spune același lucru. Trimiteți { $into } pentru noutăți.
       *[found] { $ref } { $title }: { $status ->
            [new] în curs de verificare
           *[approved] deschisă pentru vot
        }. Voturi: { $votes }. { $response ->
            [none] Încă niciun răspuns de la Consiliu.
            [committed] Consiliul s-a angajat să acționeze.
            [declined] Consiliul a refuzat.
            [in_progress] Se lucrează.
           *[done] Gata.
        }
    }

notice-hidden = Un moderator a ascuns problema dvs. { $ref }: { $reason ->
        [personal] conținea date personale
        [abuse] încălca regulile de respect
        [offtopic] nu este despre îngrijirea NHS
       *[other] nu respecta regulile
    }. Trimiteți MENIU ca să semnalați o problemă.
notice-merged = Problema dvs. { $ref } a fost unită cu { $into }, care spune același lucru. Veți primi noutățile despre { $into }.

discord-raise-describe = Care este problema sau ideea?
discord-raise-area = Cod poștal, de ex. SE15 (opțional)
