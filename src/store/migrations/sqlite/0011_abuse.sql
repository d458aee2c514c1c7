-- Abuse bounds shared by every instance (issue 17: items 10, 11, 14).

-- Admin API POSTs sent with an `Idempotency-Key`: the first request's
-- response, stored in the transaction that acted, so a retry gets it back
-- instead of acting again. `key_hash` is SHA-256 of the token's hash, the
-- route and the key; `request_hash` of the body. Kept 24 hours.
CREATE TABLE idempotency_keys (
    key_hash     TEXT    PRIMARY KEY,
    request_hash TEXT    NOT NULL,
    status       INTEGER,
    body         TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Fixed-window counters: inbound messages per sender a minute, failed
-- organiser logins per address and for the account. Keys are keyed hashes,
-- never numbers or addresses. `locked_until` is a login lockout's end.
CREATE TABLE rate_counters (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL CHECK (count >= 0),
    locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);

-- Organiser sessions (PostgreSQL deployments keep them here so every
-- instance knows them). `id_hash` is SHA-256 of the cookie's value; `data`
-- holds the session's form nonces and flash messages as JSON.
CREATE TABLE organiser_sessions (
    id_hash    TEXT    PRIMARY KEY,
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX organiser_sessions_seen ON organiser_sessions (last_seen);

-- Random keys made once per database and shared by its instances (the
-- key of the counters' hashes). Never leaves the database.
CREATE TABLE instance_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
