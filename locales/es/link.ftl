# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = VINCULAR une una cuenta de Discord o Matrix a su móvil. Envíe VINCULAR a Gather en ese chat.
link-already = Esta cuenta ya está vinculada a un número de teléfono.
link-ask-phone = ¿Cuál es su número de móvil? Le enviaremos un código de 6 cifras.
link-phone-invalid = Eso no es un número de móvil. Envíelo otra vez, por ejemplo 07700 900123.
link-ask-code = Le hemos enviado un código de 6 cifras por SMS. Envíelo aquí. Sirve durante 10 minutos.
link-code-wrong = Ese código no es correcto. Mire el SMS y envíe las 6 cifras otra vez.
link-code-expired = Ese código ya no sirve. Envíe VINCULAR para recibir uno nuevo.
link-done = Hecho. Esta cuenta y su móvil son ahora uno: un idioma, un voto.
link-code-sms = Su código de Gather es { $code }. Sirve durante 10 minutos. Si no lo pidió, ignore este mensaje.
