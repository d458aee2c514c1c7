## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = Apoi apăsați diez.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] Nu am auzit nicio tastă, așa că încheiem apelul. La revedere.
       *[other] Nu am auzit nicio tastă, așa că încheiem apelul. Ne puteți trimite și un SMS la { $number }. La revedere.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = Ne pare rău, nu am putut păstra înregistrarea. Vă rugăm să încercați din nou.
