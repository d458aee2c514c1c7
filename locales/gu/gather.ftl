## Gather, Gujarati (ગુજરાતી), Gujarati script. Plain words, short sentences.
## Gujarati text is sent as UCS-2, so one SMS segment holds 67 characters when
## split: every prompt must fit in 2 segments (134 characters).
## Register: respectful તમે forms (મોકલો, દબાવો, તમારો).
## "Issue" is મુદ્દો throughout; "vote" is વોટ, as people say it in England
## (મત also works as a keyword); "news / updates" is સમાચાર.
## Commands in sentences use the Gujarati word from keywords.toml with the
## English word in brackets, for people who type in English letters:
## હા (YES). MENU, STOP and START stay in English.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = ગુજરાતી

## Engine lines

welcome = Gatherમાં સ્વાગત છે: NHSને તમારો મત જણાવો.
conversation-expired = ઘણો સમય થઈ ગયો છે, તો ચાલો ફરીથી શરૂ કરીએ.
error-generic = માફ કરશો, અમારી બાજુએ કંઈક ખોટું થયું. ફરી શરૂ કરવા MENU મોકલો.
offer-help = મદદ માટે મદદ (HELP) મોકલો, અથવા ફરી શરૂ કરવા MENU મોકલો.
    .voice = મદદ માટે 9 દબાવો, અથવા મેનુ માટે 0 દબાવો.
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = { $label } માટે { $number } દબાવો.
skip-hint = છોડવા માટે 0 મોકલો.
    .voice = છોડવા માટે 0 દબાવો.

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] કૃપા કરીને 1 મોકલો.
       *[other] કૃપા કરીને 1 થી { $max } સુધીનો એક નંબર મોકલો.
    }
    .voice = કૃપા કરીને 1 થી { $max } સુધીનું એક બટન દબાવો.
reask-choices = કૃપા કરીને 1 થી { $count } માંથી વધુમાં વધુ { $max } નંબર મોકલો, જેમ કે 1 3.
    .voice = કૃપા કરીને 1 થી { $count } સુધીનું એક બટન દબાવો.
reask-yes-no = કૃપા કરીને હા (YES) અથવા ના (NO) મોકલો.
    .voice = હા માટે 1 દબાવો, ના માટે 2 દબાવો.
reask-number = કૃપા કરીને { $min } થી { $max } સુધીનો એક નંબર મોકલો.
reask-text-short = કૃપા કરીને થોડા શબ્દોમાં થોડું વધુ જણાવો.
reask-text-long = આ ઘણું લાંબું છે. ટૂંકું લખો: થોડાં વાક્યો પૂરતાં છે.
reask-postcode = કૃપા કરીને તમારા પોસ્ટકોડનો પહેલો ભાગ મોકલો, જેમ કે SE15, અથવા છોડવા માટે 0 મોકલો.
    .voice = કૃપા કરીને છોડવા માટે 0 દબાવો.
reask-language = કૃપા કરીને તમારી ભાષાનો નંબર મોકલો.
    .voice = કૃપા કરીને તમારી ભાષાનું બટન દબાવો.
reask-empty = અમને ખાલી મેસેજ મળ્યો. તમે શું કરી શકો, તે જોવા MENU મોકલો.

## Menu

menu-prompt = નંબર મોકલો:
    .voice = તમે શું કરવા માંગો છો?
menu-raise = મુદ્દો જણાવો
menu-vote = વોટ
menu-updates = બોર્ડના સમાચાર
menu-language = ભાષા
menu-help = મદદ

## Raise an issue

raise-describe = સમસ્યા કે સૂચન શું છે? તમારા પોતાના શબ્દોમાં લખો.
    .voice = બીપ પછી કહો કે સમસ્યા કે સૂચન શું છે. વાત પૂરી થાય ત્યારે હેશ બટન દબાવો.
raise-noted = આભાર. અમે આને નવા મુદ્દા તરીકે NHSને મોકલીશું. પહેલાં બે નાના સવાલ.
raise-area = કયો વિસ્તાર? પોસ્ટકોડનો પહેલો ભાગ મોકલો, જેમ કે SE15, અથવા 0.
    .voice = વિસ્તાર છોડવા માટે 0 દબાવો.
raise-involvement = તમારો સંબંધ? નંબર મોકલો, અથવા 0:
    .voice = આ મુદ્દા સાથે તમારો શું સંબંધ છે? છોડવા માટે 0 દબાવો.
involvement-patient = દર્દી
involvement-carer = સંભાળ રાખનાર
involvement-staff = NHS સ્ટાફ
involvement-community = સમુદાય જૂથ
involvement-other = અન્ય
raise-confirm = તમે લખ્યું: "{ $description_short }"{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }. મોકલીએ? હા (YES) કે બદલો.
    .voice = તમારો મુદ્દો મોકલવા 1 દબાવો, અથવા બદલવા 2 દબાવો.
raise-fix = તમે શું કરવા માંગો છો?
raise-fix-rewrite = ફરીથી લખો
raise-fix-cancel = ન મોકલો
raise-cancelled = ઠીક છે, કંઈ મોકલ્યું નથી. ફરી શરૂ કરવા MENU મોકલો.
raise-created = આભાર! નંબર { $ref }, અમે તપાસીશું.
raise-follow = { $ref } ના સમાચાર? YES કે NO મોકલો.
    .voice = શું તમે આ મુદ્દા વિશે સમાચાર મેળવવા માંગો છો? હા માટે 1 દબાવો, ના માટે 2 દબાવો.
raise-following = તમને { $ref } વિશે સમાચાર મળશે. ક્યારેય પણ સમાચાર (UPDATES) મોકલો.
raise-not-following = ઠીક છે. બીજું કંઈ કરવા MENU મોકલો.

## Vote

vote-no-round = હમણાં કોઈ વોટ ખુલ્લો નથી. આગલો વોટ શરૂ થશે ત્યારે અમે તમને જણાવીશું.
vote-already =
    તમારો વોટ: { $previous }
    ફરી વોટ આપશો તો નવો વોટ જૂના વોટની જગ્યા લેશે.
vote-choose = { $max_choices ->
        [one] { $round_title }: તમે પસંદ કરો તે મુદ્દાનો નંબર મોકલો:
       *[other] { $round_title }: વધુમાં વધુ { $max_choices } નંબર મોકલો, જેમ કે 1 3:
    }
    .voice = { $round_title }. એક મુદ્દો પસંદ કરો.
vote-confirm =
    તમારો વોટ: { $choices }
    વોટ આપવા હા (YES), ફરી પસંદ કરવા ના (NO) મોકલો.
    .voice = તમે { $choices } પસંદ કર્યું. વોટ આપવા 1 દબાવો, અથવા ફરી પસંદ કરવા 2 દબાવો.
vote-out-of-range = { $count ->
        [one] આ વોટમાં ફક્ત 1 મુદ્દો છે. તેને વોટ આપવા વોટ 1 (VOTE 1) મોકલો.
       *[other] આ વોટમાં ફક્ત { $count } મુદ્દા છે. વોટ (VOTE) અને 1 થી { $count } સુધીનો એક નંબર મોકલો.
    }
vote-too-many = આ વોટમાં તમે વધુમાં વધુ { $max_choices } પસંદ કરી શકો છો.
vote-round-changed = એ વોટ બંધ થઈ ગયો છે. હમણાં શું ખુલ્લું છે, તે જોવા વોટ (VOTE) મોકલો.
vote-counted = આભાર, તમારો વોટ ગણાઈ ગયો છે. અમે તમને પરિણામ જણાવીશું.
vote-replaced = આભાર. તમારા નવા વોટે જૂના વોટની જગ્યા લીધી છે. તે હજી પણ એક જ વાર ગણાય છે.
vote-voted-before = તમે આ રાઉન્ડમાં પહેલેથી જ વોટ આપ્યો છે. તમારો વોટ હજી પણ ગણાય છે.

## Updates from the Board

updates-none = તમે જણાવેલા, વોટ આપેલા કે ફોલો કરેલા મુદ્દાઓ પર હજી બોર્ડના કોઈ સમાચાર નથી.
updates-intro = NHS England બોર્ડના તાજા સમાચાર:
updates-item = { $ref } { $title }: { $status ->
        [committed] બોર્ડે પગલાં લેવાનું વચન આપ્યું.
        [declined] બોર્ડે ના પાડી.
        [in_progress] કામ ચાલુ છે{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }.
       *[done] કામ પૂરું થયું.
    } { $text }{ $pending ->
        [yes] {" "}(અનુવાદ જલદી આવશે.)
       *[no] {""}
    }

## Commands that always work

help = Gather: NHSને જણાવો શું મહત્વનું છે. મોકલો: MENU, વોટ (VOTE), સમાચાર (UPDATES), ભાષા (LANGUAGE), STOP, ડેટા કાઢવા ભૂલી જાઓ (FORGET).
    .voice = મેનુ માટે 0 દબાવો. ફરી સાંભળવા સ્ટાર દબાવો.
stop-confirm = તમને Gather તરફથી હવે કોઈ મેસેજ નહીં આવે. ફરી જોડાવા START મોકલો.
start-confirm = ફરી સ્વાગત છે. તમને Gather તરફથી ફરી મેસેજ આવશે.
language-choose = તમારી ભાષા પસંદ કરો. એક નંબર મોકલો:
    .voice = તમારી ભાષા પસંદ કરો.
language-set = અમે તમને ગુજરાતીમાં લખીશું. ભાષા બદલવા ભાષા અથવા LANGUAGE મોકલો.
    .voice = અમે તમારી સાથે ગુજરાતીમાં વાત કરીશું. ભાષા બદલવા મેનુ માટે 0 દબાવો.
forget-confirm = આથી તમારો નંબર અને મેસેજ ડિલીટ થશે. તમારા મુદ્દા અને વોટ નામ વગર રહેશે. ડિલીટ કરવા હા (YES), રાખવા ના (NO) મોકલો.
    .voice = આથી તમારો નંબર અને મેસેજ ડિલીટ થશે. ડિલીટ કરવા 1 દબાવો, અથવા રાખવા 2 દબાવો.
forget-done = થઈ ગયું. અમે તમારો નંબર અને મેસેજ ડિલીટ કર્યા છે. આવજો.
forget-cancelled = ઠીક છે, કંઈ ડિલીટ કર્યું નથી.
