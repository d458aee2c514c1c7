## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = ثم اضغط على المربع.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] لم نسمع أي زر، لذلك سننهي المكالمة. مع السلامة.
       *[other] لم نسمع أي زر، لذلك سننهي المكالمة. يمكنك أيضًا مراسلتنا على { $number }. مع السلامة.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = عذرًا، لم نتمكن من حفظ التسجيل. يرجى المحاولة مرة أخرى.
