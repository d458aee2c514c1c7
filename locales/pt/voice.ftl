## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = Depois prima cardinal.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] Não ouvimos nenhuma tecla, por isso vamos terminar a chamada. Adeus.
       *[other] Não ouvimos nenhuma tecla, por isso vamos terminar a chamada. Também nos pode enviar um SMS para { $number }. Adeus.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = Lamentamos, não foi possível guardar a gravação. Tente novamente.
