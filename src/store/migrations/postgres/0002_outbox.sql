-- Version 2 for PostgreSQL: the outbox and the providers' delivery reports.
-- The same tables and constraints as migrations/sqlite/0002_outbox.sql; keep
-- the two in step. Times are BIGINT milliseconds.

CREATE TABLE outbox (
    id                BIGSERIAL PRIMARY KEY,
    -- NULL for a number nobody has used yet; FORGET scrubs the row itself.
    person_id         BIGINT  REFERENCES people (id) ON DELETE SET NULL,
    channel           TEXT    NOT NULL,
    address           TEXT    NOT NULL,
    text              TEXT    NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('reply', 'notice')),
    status            TEXT    NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    -- Claims so far (a claim that went stale counts too).
    attempts          BIGINT  NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at   BIGINT  NOT NULL,
    claimed_at        BIGINT,
    claimed_by        TEXT,
    provider          TEXT,
    provider_id       TEXT,
    segments          BIGINT  CHECK (segments IS NULL OR segments >= 0),
    encoding          TEXT,
    last_error        TEXT,
    dedupe_key        TEXT UNIQUE,
    created_at        BIGINT  NOT NULL,
    sent_at           BIGINT,
    status_updated_at BIGINT,
    -- The provider's last word (its status callbacks), and its error code.
    delivery_status   TEXT,
    error_code        TEXT,
    CHECK ((status = 'sending') = (claimed_at IS NOT NULL)),
    CHECK (provider_id IS NULL OR provider IS NOT NULL)
);
CREATE UNIQUE INDEX outbox_provider_id ON outbox (provider, provider_id)
    WHERE provider_id IS NOT NULL;
CREATE INDEX outbox_due ON outbox (channel, next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_claimed ON outbox (channel, claimed_at) WHERE status = 'sending';
CREATE INDEX outbox_person ON outbox (person_id);
CREATE INDEX outbox_address ON outbox (address);

-- Status callbacks by provider message id. Kept apart from the outbox because
-- a callback can arrive before the worker has written the id down; the send
-- then picks the report up. Holds no personal data.
CREATE TABLE delivery_reports (
    provider    TEXT    NOT NULL,
    provider_id TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    error_code  TEXT,
    received_at BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (provider, provider_id)
);
