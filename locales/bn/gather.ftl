## Gather, Bengali (বাংলা), Bengali script. Plain words, short sentences.
## Bengali text is sent as UCS-2, so one SMS segment holds 67 characters when
## split: every prompt must fit in 2 segments (134 characters).
## Register: respectful আপনি forms (পাঠান, চাপুন, আপনার).
## "Issue" is বিষয় throughout; "news / updates" is খবর.
## Commands in sentences use the Bengali word from keywords.toml with the
## English word in brackets, for people who type in English letters:
## হ্যাঁ (YES). MENU, STOP and START stay in English.
## `.voice` is what a phone call says instead, where the text does not work spoken.

# The name of this language, in this language (for the LANGUAGE menu).
language-name = বাংলা

## Engine lines

welcome = Gather-এ স্বাগতম: NHS-কে আপনার মত জানান।
conversation-expired = অনেকক্ষণ হয়ে গেছে, তাই আবার শুরু করা যাক।
error-generic = দুঃখিত, আমাদের দিকে কিছু ভুল হয়েছে। আবার শুরু করতে MENU পাঠান।
offer-help = সাহায্যের জন্য সাহায্য (HELP) পাঠান, বা আবার শুরু করতে MENU পাঠান।
    .voice = সাহায্যের জন্য 9 চাপুন, বা মেনুর জন্য 0 চাপুন।
# One numbered option in a list.
option-line = { $number } { $label }
    .voice = { $label }: { $number } চাপুন।
skip-hint = বাদ দিতে 0 পাঠান।
    .voice = বাদ দিতে 0 চাপুন।

## Re-asking after an answer Gather could not use

reask-choice = { $max ->
        [one] দয়া করে 1 পাঠান।
       *[other] দয়া করে 1 থেকে { $max } পর্যন্ত একটি নম্বর পাঠান।
    }
    .voice = দয়া করে 1 থেকে { $max } পর্যন্ত একটি বোতাম চাপুন।
reask-choices = দয়া করে 1 থেকে { $count } এর মধ্যে { $max }টি পর্যন্ত নম্বর পাঠান, যেমন 1 3।
    .voice = দয়া করে 1 থেকে { $count } পর্যন্ত একটি বোতাম চাপুন।
reask-yes-no = দয়া করে হ্যাঁ (YES) বা না (NO) পাঠান।
    .voice = হ্যাঁ হলে 1 চাপুন, না হলে 2 চাপুন।
reask-number = দয়া করে { $min } থেকে { $max } পর্যন্ত একটি নম্বর পাঠান।
reask-text-short = দয়া করে কয়েকটি কথায় আরেকটু বলুন।
reask-text-long = এটা অনেক লম্বা। ছোট করে লিখুন: কয়েকটি বাক্যই যথেষ্ট।
reask-postcode = দয়া করে আপনার পোস্টকোডের প্রথম অংশ পাঠান, যেমন SE15, বা বাদ দিতে 0 পাঠান।
    .voice = দয়া করে বাদ দিতে 0 চাপুন।
reask-language = দয়া করে আপনার ভাষার নম্বর পাঠান।
    .voice = দয়া করে আপনার ভাষার বোতাম চাপুন।
reask-empty = আমরা একটি খালি মেসেজ পেয়েছি। আপনি কী করতে পারেন, দেখতে MENU পাঠান।

## Menu

menu-prompt = নম্বর পাঠান:
    .voice = আপনি কী করতে চান?
menu-raise = বিষয় জানান
menu-vote = ভোট
menu-updates = বোর্ডের খবর
menu-language = ভাষা
menu-help = সাহায্য

## Raise an issue

raise-describe = সমস্যা বা পরামর্শটি কী? নিজের কথায় লিখুন।
    .voice = বিপ শব্দের পর বলুন, সমস্যা বা পরামর্শটি কী। কথা শেষ হলে হ্যাশ বোতাম চাপুন।
raise-noted = ধন্যবাদ। আমরা এটি নতুন বিষয় হিসেবে NHS-কে পাঠাব। আগে দুটি ছোট প্রশ্ন।
raise-area = কোন এলাকা? পোস্টকোডের প্রথম অংশ পাঠান, যেমন SE15, বা 0।
    .voice = এলাকা বাদ দিতে 0 চাপুন।
raise-involvement = আপনার সম্পর্ক? নম্বর পাঠান, বা 0:
    .voice = এই বিষয়ের সাথে আপনার সম্পর্ক কী? বাদ দিতে 0 চাপুন।
involvement-patient = রোগী
involvement-carer = দেখাশোনাকারী
involvement-staff = NHS কর্মী
involvement-community = কমিউনিটি দল
involvement-other = অন্যান্য
raise-confirm = আপনি লিখেছেন: "{ $description_short }"{ $area ->
        [none] { $involvement ->
            [none] {""}
           *[other] {" "}({ $involvement_label })
        }
       *[other] { $involvement ->
            [none] {" "}({ $area })
           *[other] {" "}({ $area }, { $involvement_label })
        }
    }। পাঠাব? হ্যাঁ বা বদলান।
    .voice = আপনার বিষয়টি পাঠাতে 1 চাপুন, বা বদলাতে 2 চাপুন।
raise-fix = আপনি কী করতে চান?
raise-fix-rewrite = আবার লিখুন
raise-fix-cancel = পাঠাবেন না
raise-cancelled = ঠিক আছে, কিছু পাঠানো হয়নি। আবার শুরু করতে MENU পাঠান।
raise-created = ধন্যবাদ। নম্বর { $ref }, আমরা দেখে নেব।
raise-follow = { $ref }-এর খবর? YES বা NO পাঠান।
    .voice = এই বিষয় নিয়ে খবর পেতে চান? হ্যাঁ হলে 1 চাপুন, না হলে 2 চাপুন।
raise-following = আপনি { $ref } নিয়ে খবর পাবেন। যেকোনো সময় খবর (UPDATES) পাঠান।
raise-not-following = ঠিক আছে। অন্য কিছু করতে MENU পাঠান।

## Vote

vote-no-round = এখন কোনো ভোট খোলা নেই। পরের ভোট শুরু হলে আমরা আপনাকে জানাব।
vote-already =
    আপনার ভোট: { $previous }
    আবার ভোট দিলে নতুন ভোটটি আগেরটির জায়গা নেবে।
vote-choose = { $max_choices ->
        [one] { $round_title }: যে বিষয়টি বেছে নিচ্ছেন, তার নম্বর পাঠান:
       *[other] { $round_title }: { $max_choices }টি পর্যন্ত নম্বর পাঠান, যেমন 1 3:
    }
    .voice = { $round_title }। একটি বিষয় বেছে নিন।
vote-confirm =
    আপনার ভোট: { $choices }
    ভোট দিতে হ্যাঁ (YES), আবার বাছতে না (NO) পাঠান।
    .voice = আপনি { $choices } বেছে নিয়েছেন। ভোট দিতে 1 চাপুন, বা আবার বাছতে 2 চাপুন।
vote-out-of-range = { $count ->
        [one] এই ভোটে মাত্র 1টি বিষয় আছে। এতে ভোট দিতে ভোট 1 (VOTE 1) পাঠান।
       *[other] এই ভোটে মাত্র { $count }টি বিষয় আছে। ভোট (VOTE) আর 1 থেকে { $count } পর্যন্ত একটি নম্বর পাঠান।
    }
vote-too-many = এই ভোটে আপনি { $max_choices }টি পর্যন্ত বেছে নিতে পারেন।
vote-round-changed = সেই ভোট বন্ধ হয়ে গেছে। এখন কী খোলা আছে, দেখতে ভোট (VOTE) পাঠান।
vote-counted = ধন্যবাদ, আপনার ভোট গোনা হয়েছে। আমরা আপনাকে ফলাফল জানাব।
vote-replaced = ধন্যবাদ। আপনার নতুন ভোট আগেরটির জায়গা নিয়েছে। এটি এখনও একবারই গোনা হবে।
vote-voted-before = আপনি এই দফায় আগেই ভোট দিয়েছেন। আপনার ভোট এখনও গোনা হচ্ছে।

## Updates from the Board

updates-none = আপনার তোলা, ভোট দেওয়া বা ফলো করা বিষয়ে বোর্ডের এখনও কোনো খবর নেই।
updates-intro = NHS England বোর্ডের সর্বশেষ খবর:
updates-item = { $ref } { $title }: { $status ->
        [committed] বোর্ড ব্যবস্থা নেওয়ার কথা দিয়েছে।
        [declined] বোর্ড রাজি হয়নি।
        [in_progress] কাজ চলছে{ $progress ->
            [none] {""}
           *[other] {" "}({ $progress }%)
        }।
       *[done] কাজ শেষ হয়েছে।
    } { $text }{ $pending ->
        [yes] {" "}(অনুবাদ শিগগিরই আসছে।)
       *[no] {""}
    }

## Commands that always work

help = Gather: NHS-কে বলুন কী জরুরি। পাঠান: MENU, ভোট (VOTE), খবর (UPDATES), ভাষা (LANGUAGE), থামাতে STOP, তথ্য মুছতে ভুলে যান (FORGET)।
    .voice = মেনুর জন্য 0 চাপুন। আবার শুনতে স্টার চাপুন।
stop-confirm = আপনি Gather থেকে আর কোনো মেসেজ পাবেন না। আবার যোগ দিতে START পাঠান।
start-confirm = আবার স্বাগতম। আপনি আবার Gather থেকে মেসেজ পাবেন।
language-choose = আপনার ভাষা বেছে নিন। একটি নম্বর পাঠান:
    .voice = আপনার ভাষা বেছে নিন।
language-set = আমরা আপনাকে বাংলায় লিখব। ভাষা বদলাতে ভাষা বা LANGUAGE পাঠান।
    .voice = আমরা আপনার সাথে বাংলায় কথা বলব। ভাষা বদলাতে মেনুর জন্য 0 চাপুন।
forget-confirm = এতে আপনার নম্বর আর মেসেজ মুছে যাবে। আপনার বিষয় ও ভোট নাম ছাড়া থাকবে। মুছতে হ্যাঁ (YES), রাখতে না (NO) পাঠান।
    .voice = এতে আপনার নম্বর আর মেসেজ মুছে যাবে। মুছতে 1 চাপুন, বা রাখতে 2 চাপুন।
forget-done = হয়ে গেছে। আমরা আপনার নম্বর আর মেসেজ মুছে দিয়েছি। বিদায়।
forget-cancelled = ঠিক আছে, কিছুই মোছা হয়নি।
