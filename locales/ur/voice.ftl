## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = پھر ہیش دبائیں۔
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] ہمیں کوئی بٹن سنائی نہیں دیا، اس لیے ہم کال ختم کر رہے ہیں۔ خدا حافظ۔
       *[other] ہمیں کوئی بٹن سنائی نہیں دیا، اس لیے ہم کال ختم کر رہے ہیں۔ آپ ہمیں { $number } پر پیغام بھی بھیج سکتے ہیں۔ خدا حافظ۔
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = معذرت، ہم یہ ریکارڈنگ محفوظ نہیں کر سکے۔ براہ کرم دوبارہ کوشش کریں۔
