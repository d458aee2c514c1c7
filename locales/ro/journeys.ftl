## Journeys (see en-GB/journeys.ftl).


draft-kept = Problema dvs. nu a fost trimisă încă. Revenim la ea după aceasta.
draft-waiting = Aveți o problemă netrimisă. Trimiteți DA ca s-o terminați.
    .voice = Aveți o problemă netrimisă.
draft-resume = Înapoi la problema dvs. netrimisă:
draft-dropped = Problema dvs. nu a fost trimisă.
menu-raise-short = Doriți să trimiteți „{ $description_short }” ca problemă? Trimiteți DA sau NU.
    .voice = Doriți să trimiteți asta ca problemă? Apăsați 1 pentru da sau 2 pentru nu.
reask-again = Ne pare rău, nu am înțeles. Încă o dată:
signposted-continue = Doriți să continuați acum cu Gather? Trimiteți DA sau NU.
    .voice = Doriți să continuați? Apăsați 1 pentru da sau 2 pentru nu.
signposted-stopped = Bine, nu am trimis nimic. Aveți grijă de dvs. Trimiteți MENIU când doriți să reîncepeți.
raise-fix-area = Schimbați zona
raise-fix-involvement = Schimbați legătura cu problema
