## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = પછી હેશ દબાવો.
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] અમને કોઈ બટન સંભળાયું નહીં, તેથી અમે કૉલ પૂરો કરીએ છીએ. આવજો.
       *[other] અમને કોઈ બટન સંભળાયું નહીં, તેથી અમે કૉલ પૂરો કરીએ છીએ. તમે અમને { $number } પર મેસેજ પણ મોકલી શકો છો. આવજો.
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = માફ કરશો, અમે રેકોર્ડિંગ સાચવી શક્યા નહીં. ફરી પ્રયાસ કરો.
