## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = Potem naciśnij krzyżyk.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] Nie usłyszeliśmy żadnego klawisza, więc kończymy połączenie. Do widzenia.
       *[other] Nie usłyszeliśmy żadnego klawisza, więc kończymy połączenie. Możesz też napisać SMS na numer { $number }. Do widzenia.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = Przepraszamy, nie udało się zapisać nagrania. Spróbuj jeszcze raz.
