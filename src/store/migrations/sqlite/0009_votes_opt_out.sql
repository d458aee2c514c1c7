-- Version 9: one vote per identity per round, also across FORGET; and the
-- outbox messages that go even to someone who has opted out.

-- Keyed hashes (HMAC-SHA256 with the vote secret) of each identity that
-- voted in a round: the number or chat id cannot be read back from them,
-- but the same identity voting again after FORGET is recognised. No link to
-- the ballot, so they do not tell how anyone voted.
CREATE TABLE round_voters (
    round_id      INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    identity_hash TEXT    NOT NULL,
    PRIMARY KEY (round_id, identity_hash)
);

-- Secrets Gather makes itself when none is configured (the vote secret):
-- made once, on first use, and shared by every instance of the database.
CREATE TABLE server_secrets (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- The one confirmation of an opt-out and HELP replies after it: sent even
-- though the person has opted out (carriers require both).
ALTER TABLE outbox ADD COLUMN opt_out_exempt INTEGER NOT NULL DEFAULT 0
    CHECK (opt_out_exempt IN (0, 1));
