## Limits (src/service/limit.rs). Sent once to someone who sends more
## messages in a minute than GATHER_INBOUND_RATE allows; what they send
## after it in that minute gets no answer. Keep it to one SMS segment.

slow-down = ઘણા બધા સંદેશા. કૃપા કરીને એક મિનિટ રાહ જુઓ, પછી ફરી મોકલો.
