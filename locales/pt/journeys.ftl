## Journeys (see en-GB/journeys.ftl).


draft-kept = O seu assunto ainda não foi enviado. Voltamos a ele depois disto.
draft-waiting = Tem um assunto por enviar. Envie SIM para o terminar.
    .voice = Tem um assunto por enviar.
draft-resume = De volta ao seu assunto por enviar:
draft-dropped = O seu assunto não foi enviado.
menu-raise-short = Quer enviar «{ $description_short }» como assunto? Envie SIM ou NÃO.
    .voice = Quer enviar isto como assunto? Prima 1 para sim ou 2 para não.
reask-again = Desculpe, não percebemos. Mais uma vez:
signposted-continue = Quer continuar agora com o Gather? Envie SIM ou NÃO.
    .voice = Quer continuar? Prima 1 para sim ou 2 para não.
signposted-stopped = Muito bem, não enviámos nada. Cuide-se. Envie MENU quando quiser recomeçar.
raise-fix-area = Alterar a zona
raise-fix-involvement = Alterar a sua ligação
