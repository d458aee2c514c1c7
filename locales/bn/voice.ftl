## Phone calls (Twilio Voice): sentences only a call says (src/channels/twilio_voice.rs).

# After a list that takes more than one key: finish with the # key.
voice-then-hash = তারপর হ্যাশ চাপুন।
# Nothing pressed three times: a polite goodbye, with the number to text if there is one.
voice-goodbye = { $number ->
        [none] আমরা কোনো বোতাম শুনিনি, তাই কলটি শেষ করছি। বিদায়।
       *[other] আমরা কোনো বোতাম শুনিনি, তাই কলটি শেষ করছি। আপনি আমাদের { $number } নম্বরে মেসেজও পাঠাতে পারেন। বিদায়।
    }
# The recording could not be used (not a secure link, or empty).
voice-recording-failed = দুঃখিত, রেকর্ডিংটি রাখা যায়নি। আবার চেষ্টা করুন।
