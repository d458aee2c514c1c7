# LINK: joining a Discord or Matrix account to a phone number.

link-chat-only = VINCULAR junta uma conta Discord ou Matrix ao seu telemóvel. Envie VINCULAR ao Gather nesse chat.
link-already = Esta conta já está ligada a um número de telefone.
link-ask-phone = Qual é o seu número de telemóvel? Vamos enviar-lhe um código de 6 dígitos.
link-phone-invalid = Isso não é um número de telemóvel. Envie-o de novo, por exemplo 07700 900123.
link-ask-code = Enviámos um código de 6 dígitos por SMS. Envie-o aqui. É válido durante 10 minutos.
link-code-wrong = Esse código não está certo. Veja a SMS e envie os 6 dígitos de novo.
link-code-expired = Esse código já não é válido. Envie VINCULAR para receber um novo.
link-done = Feito. Esta conta e o seu telemóvel são agora um só: uma língua, um voto.
link-code-sms = O seu código Gather é { $code }. É válido durante 10 minutos. Se não o pediu, ignore esta mensagem.
