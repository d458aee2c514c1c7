## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = ਫਿਰ ਹੈਸ਼ ਦਬਾਓ।
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] ਸਾਨੂੰ ਕੋਈ ਬਟਨ ਸੁਣਾਈ ਨਹੀਂ ਦਿੱਤਾ, ਇਸ ਲਈ ਅਸੀਂ ਕਾਲ ਖਤਮ ਕਰ ਰਹੇ ਹਾਂ। ਅਲਵਿਦਾ।
       *[other] ਸਾਨੂੰ ਕੋਈ ਬਟਨ ਸੁਣਾਈ ਨਹੀਂ ਦਿੱਤਾ, ਇਸ ਲਈ ਅਸੀਂ ਕਾਲ ਖਤਮ ਕਰ ਰਹੇ ਹਾਂ। ਤੁਸੀਂ ਸਾਨੂੰ { $number } 'ਤੇ ਸੁਨੇਹਾ ਵੀ ਭੇਜ ਸਕਦੇ ਹੋ। ਅਲਵਿਦਾ।
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = ਮਾਫ਼ ਕਰਨਾ, ਅਸੀਂ ਰਿਕਾਰਡਿੰਗ ਨਹੀਂ ਰੱਖ ਸਕੇ। ਕਿਰਪਾ ਕਰਕੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।
