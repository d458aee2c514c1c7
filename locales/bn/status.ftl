## After STOP, late votes and "where is my issue" (issue 16); see
## locales/en-GB/status.ftl for what each message is for. Every message fits
## in 2 SMS segments.

stopped-help = Gather: আপনার কথামতো আমরা কিছু পাঠাই না। আবার যোগ দিতে START পাঠান।
    .voice = আপনি যোগাযোগ বন্ধ করতে বলেছিলেন।
stopped-call = আপনি Gather-এর মেসেজ বন্ধ করেছেন। আবার যোগ দিতে START পাঠান।
    .voice = আপনি যোগাযোগ বন্ধ করতে বলেছিলেন। আবার যোগ দিতে 1 চাপুন। কল শেষ করতে 2 চাপুন।
stopped-call-bye = ঠিক আছে, আমরা যোগাযোগ করব না। বিদায়।

vote-closed-soon = এই পর্বের ভোট বন্ধ হয়ে গেছে। শিগগির ফলাফল পাঠাব।

status-issue = { $state ->
        [none] আপনি এখনও কোনো বিষয় জানাননি। জানাতে MENU পাঠান।
        [unknown] { $ref } নম্বরের কোনো প্রকাশ্য বিষয় পাইনি। আপনার বিষয় দেখতে STATUS পাঠান।
        [hidden] একজন মডারেটর { $ref } লুকিয়েছেন: { $reason ->
            [personal] এতে ব্যক্তিগত তথ্য ছিল
            [abuse] এটি সম্মানের নিয়ম ভেঙেছে
            [offtopic] এটি NHS সেবা নিয়ে নয়
           *[other] এটি নিয়ম মানেনি
        }।
        [merged] { $ref } একই কথার বিষয় { $into }-এর সাথে যুক্ত হয়েছে। খবরের জন্য { $into } পাঠান।
       *[found] { $ref } { $title }: { $status ->
            [new] শিগগির একজন মডারেটর দেখবেন
           *[approved] ভোটের জন্য খোলা
        }। ভোট: { $votes }। { $response ->
            [none] বোর্ডের উত্তর এখনও আসেনি।
            [committed] বোর্ড ব্যবস্থা নেওয়ার কথা দিয়েছে।
            [declined] বোর্ড রাজি হয়নি।
            [in_progress] কাজ চলছে।
           *[done] শেষ হয়েছে।
        }
    }

notice-hidden = একজন মডারেটর আপনার বিষয় { $ref } লুকিয়েছেন: { $reason ->
        [personal] এতে ব্যক্তিগত তথ্য ছিল
        [abuse] এটি সম্মানের নিয়ম ভেঙেছে
        [offtopic] এটি NHS সেবা নিয়ে নয়
       *[other] এটি নিয়ম মানেনি
    }। নতুন বিষয় জানাতে MENU পাঠান।
notice-merged = আপনার বিষয় { $ref } একই কথার বিষয় { $into }-এর সাথে যুক্ত হয়েছে। আপনি { $into }-এর খবর পাবেন।

discord-raise-describe = সমস্যা বা ভাবনাটি কী?
discord-raise-area = পোস্টকোড, যেমন SE15 (ঐচ্ছিক)
