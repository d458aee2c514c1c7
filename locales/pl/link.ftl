# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = POŁĄCZ łączy konto Discord lub Matrix z Twoim telefonem. Wyślij POŁĄCZ do Gather na tym czacie.
link-already = To konto jest już połączone z numerem telefonu.
link-ask-phone = Jaki jest Twój numer komórkowy? Wyślemy na niego 6-cyfrowy kod.
link-phone-invalid = To nie jest numer komórkowy. Wyślij go jeszcze raz, na przykład 07700 900123.
link-ask-code = Wysłaliśmy SMS z 6-cyfrowym kodem. Wpisz go tutaj. Kod działa 10 minut.
link-code-wrong = Ten kod jest błędny. Sprawdź SMS i wyślij 6 cyfr jeszcze raz.
link-code-expired = Ten kod już nie działa. Wyślij POŁĄCZ, aby dostać nowy.
link-done = Gotowe. To konto i Twój telefon to teraz jedno: jeden język, jeden głos.
link-code-sms = Twój kod Gather to { $code }. Działa 10 minut. Jeśli nie prosiłeś o niego, zignoruj tę wiadomość.
