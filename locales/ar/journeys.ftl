## Journeys (see en-GB/journeys.ftl).


draft-kept = لم تُرسل قضيتك بعد. سنعود إليها بعد هذا.
draft-waiting = لديك قضية لم تُرسل بعد. أرسل «نعم» لإكمالها.
    .voice = لديك قضية لم تُرسل بعد.
draft-resume = نعود إلى قضيتك التي لم تُرسل:
draft-dropped = لم تُرسل قضيتك.
menu-raise-short = هل تريد إرسال «{ $description_short }» كقضية؟ أرسل «نعم» أو «لا».
    .voice = هل تريد إرسال هذا كقضية؟ نعم: اضغط 1. لا: اضغط 2.
reask-again = عذرا، لم نفهم ذلك. مرة أخرى:
signposted-continue = هل تريد المتابعة مع Gather الآن؟ أرسل «نعم» أو «لا».
    .voice = هل تريد المتابعة؟ نعم: اضغط 1. لا: اضغط 2.
signposted-stopped = حسنا، لم نرسل شيئا. اعتن بنفسك. أرسل «قائمة» متى أردت البدء من جديد.
raise-fix-area = تغيير المنطقة
raise-fix-involvement = تغيير علاقتك بالقضية
