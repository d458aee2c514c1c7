# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = ربط يضم حساب Discord أو Matrix إلى هاتفك. أرسل ربط إلى Gather في تلك المحادثة.
link-already = هذا الحساب مربوط برقم هاتف من قبل.
link-ask-phone = ما رقم هاتفك المحمول؟ سنرسل إليه رمزاً من 6 أرقام.
link-phone-invalid = هذا ليس رقم هاتف محمول. أرسله مرة أخرى، مثلاً 07700 900123
link-ask-code = أرسلنا رمزاً من 6 أرقام برسالة SMS. أرسله هنا. يعمل لمدة 10 دقائق.
link-code-wrong = هذا الرمز غير صحيح. راجع الرسالة وأرسل الأرقام الستة مرة أخرى.
link-code-expired = هذا الرمز لم يعد يعمل. أرسل ربط لتحصل على رمز جديد.
link-done = تم. هذا الحساب وهاتفك الآن واحد: لغة واحدة، صوت واحد.
link-code-sms = رمزك في Gather هو { $code }. يعمل لمدة 10 دقائق. إن لم تطلبه فتجاهل هذه الرسالة.
