## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: તમારા કહેવાથી અમે કંઈ મોકલતા નથી. ફરી જોડાવા START મોકલો.
    .voice = તમે સંપર્ક બંધ કરવા કહ્યું હતું.
stopped-call = તમે Gather ના મેસેજ બંધ કર્યા છે. ફરી જોડાવા START મોકલો.
    .voice = તમે સંપર્ક બંધ કરવા કહ્યું હતું. ફરી જોડાવા 1 દબાવો. કૉલ પૂરો કરવા 2 દબાવો.
stopped-call-bye = ઠીક છે, અમે સંપર્ક નહીં કરીએ. આવજો.

vote-closed-soon = આ રાઉન્ડનું મતદાન બંધ થઈ ગયું છે. અમે જલદી પરિણામ મોકલીશું.

status-issue = { $state ->
        [none] તમે હજી કોઈ મુદ્દો જણાવ્યો નથી. જણાવવા MENU મોકલો.
        [unknown] { $ref } નંબરનો કોઈ જાહેર મુદ્દો મળ્યો નથી. તમારા મુદ્દા જોવા STATUS મોકલો.
        [hidden] એક મોડરેટરે { $ref } છુપાવ્યો છે: { $reason ->
            [personal] તેમાં અંગત માહિતી હતી
            [abuse] તે આદરના નિયમો વિરુદ્ધ હતો
            [offtopic] તે NHS સેવા વિશે નથી
           *[other] તે નિયમો મુજબ નહોતો
        }.
        [merged] { $ref } ને એ જ વાત કહેતા { $into } સાથે જોડ્યો છે. સમાચાર માટે { $into } મોકલો.
       *[found] { $ref } { $title }: { $status ->
            [new] એક મોડરેટર જલદી તપાસશે
           *[approved] મતદાન માટે ખુલ્લો
        }. મત: { $votes }. { $response ->
            [none] બોર્ડનો જવાબ હજી આવ્યો નથી.
            [committed] બોર્ડે પગલાં લેવાનું વચન આપ્યું.
            [declined] બોર્ડે ના પાડી.
            [in_progress] કામ ચાલુ છે.
           *[done] પૂરું થયું.
        }
    }

notice-hidden = એક મોડરેટરે તમારો મુદ્દો { $ref } છુપાવ્યો છે: { $reason ->
        [personal] તેમાં અંગત માહિતી હતી
        [abuse] તે આદરના નિયમો વિરુદ્ધ હતો
        [offtopic] તે NHS સેવા વિશે નથી
       *[other] તે નિયમો મુજબ નહોતો
    }. નવો મુદ્દો જણાવવા MENU મોકલો.
notice-merged = તમારો મુદ્દો { $ref } એ જ વાત કહેતા { $into } સાથે જોડ્યો છે. તમને { $into } ના સમાચાર મળશે.

discord-raise-describe = સમસ્યા કે વિચાર શું છે?
discord-raise-area = પોસ્ટકોડ, જેમ કે SE15 (વૈકલ્પિક)
