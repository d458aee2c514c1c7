## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = Then press hash.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] We did not hear a key, so we will end the call. Goodbye.
       *[other] We did not hear a key, so we will end the call. You can also text us on { $number }. Goodbye.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = Sorry, we could not keep that recording. Please try again.
