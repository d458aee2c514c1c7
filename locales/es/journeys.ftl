## Journeys (see en-GB/journeys.ftl).


draft-kept = Su tema aún no se ha enviado. Volveremos a él después de esto.
draft-waiting = Tiene un tema sin enviar. Envíe SÍ para terminarlo.
    .voice = Tiene un tema sin enviar.
draft-resume = Volvemos a su tema sin enviar:
draft-dropped = Su tema no se ha enviado.
menu-raise-short = ¿Quiere enviar «{ $description_short }» como tema? Envíe SÍ o NO.
    .voice = ¿Quiere enviar esto como tema? Pulse 1 para sí o 2 para no.
reask-again = Lo sentimos, no lo hemos entendido. Otra vez:
signposted-continue = ¿Quiere seguir ahora con Gather? Envíe SÍ o NO.
    .voice = ¿Quiere seguir? Pulse 1 para sí o 2 para no.
signposted-stopped = De acuerdo, no hemos enviado nada. Cuídese. Envíe MENÚ cuando quiera empezar de nuevo.
raise-fix-area = Cambiar la zona
raise-fix-involvement = Cambiar su relación con el tema
