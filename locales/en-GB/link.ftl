# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = LINK joins a Discord or Matrix account to your phone. Send LINK to Gather in that chat.
link-already = This account is already linked to a phone number.
link-ask-phone = What is your mobile number? We will text it a 6-digit code.
link-phone-invalid = That is not a mobile number we can text. Please send it again, for example 07700 900123.
link-ask-code = We have texted a 6-digit code to that number. Please send it here. It works for 10 minutes.
link-code-wrong = That code is not right. Please check the text and send the 6 digits again.
link-code-expired = That code no longer works. Send LINK to get a new one.
link-done = Done. This account and your phone are now one: one language, one vote.
link-code-sms = Your Gather code is { $code }. It works for 10 minutes. If you did not ask for it, ignore this text.
