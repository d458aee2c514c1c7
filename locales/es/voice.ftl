## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = Después pulse almohadilla.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] No hemos oído ninguna tecla, así que terminamos la llamada. Adiós.
       *[other] No hemos oído ninguna tecla, así que terminamos la llamada. También puede enviarnos un SMS al { $number }. Adiós.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = Lo sentimos, no pudimos guardar la grabación. Inténtelo de nuevo.
