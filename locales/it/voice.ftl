## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = Poi premi cancelletto.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] Non abbiamo sentito nessun tasto, quindi chiudiamo la chiamata. Arrivederci.
       *[other] Non abbiamo sentito nessun tasto, quindi chiudiamo la chiamata. Puoi anche scriverci un SMS al { $number }. Arrivederci.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = Ci dispiace, non siamo riusciti a salvare la registrazione. Riprova.
