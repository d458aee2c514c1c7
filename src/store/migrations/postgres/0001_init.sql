-- Gather schema, version 1, for PostgreSQL. The same tables and constraints as
-- migrations/sqlite/0001_init.sql; keep the two in step. Times are BIGINT
-- milliseconds since the Unix epoch; every integer is BIGINT so it reads back
-- as i64 like on SQLite.

CREATE TABLE people (
    id           BIGSERIAL PRIMARY KEY,
    language     TEXT      NOT NULL,
    opted_out    BOOLEAN   NOT NULL DEFAULT false,
    opted_out_at BIGINT,
    created_at   BIGINT    NOT NULL
);

-- How a person is reached: a phone number, Discord or Matrix user id.
CREATE TABLE identities (
    kind       TEXT   NOT NULL CHECK (kind IN ('phone', 'discord', 'matrix')),
    address    TEXT   NOT NULL,
    person_id  BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, address)
);
CREATE INDEX identities_person ON identities (person_id);

-- Where a person is in a multi-step conversation (serialised by the engine).
CREATE TABLE conversations (
    person_id  BIGINT PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    state      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE issues (
    number        BIGINT PRIMARY KEY CHECK (number > 0),
    description   TEXT   NOT NULL,
    title         TEXT   NOT NULL,
    area          TEXT,
    involvement   TEXT,
    language      TEXT   NOT NULL,
    channel       TEXT   NOT NULL,
    status        TEXT   NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new', 'approved', 'hidden', 'merged')),
    hidden_reason TEXT,
    merged_into   BIGINT REFERENCES issues (number),
    raised_by     BIGINT REFERENCES people (id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL,
    CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
    CHECK (merged_into IS NULL OR merged_into <> number)
);
CREATE INDEX issues_status ON issues (status, number);
CREATE INDEX issues_raised_by ON issues (raised_by);
CREATE INDEX issues_merged_into ON issues (merged_into);

CREATE TABLE rounds (
    id          BIGSERIAL PRIMARY KEY,
    title       TEXT   NOT NULL,
    max_choices BIGINT NOT NULL CHECK (max_choices >= 1),
    status      TEXT   NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    closes_at   BIGINT,
    opened_at   BIGINT,
    closed_at   BIGINT,
    created_at  BIGINT NOT NULL
);
-- At most one round is open at any time.
CREATE UNIQUE INDEX rounds_one_open ON rounds (status) WHERE status = 'open';

CREATE TABLE round_items (
    round_id     BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL CHECK (position >= 1),
    issue_number BIGINT NOT NULL REFERENCES issues (number),
    PRIMARY KEY (round_id, position),
    UNIQUE (round_id, issue_number)
);
CREATE INDEX round_items_issue ON round_items (issue_number);

-- One person, one ballot per round. A forgotten person's ballot keeps
-- counting with person_id NULL (NULLs never collide in a UNIQUE constraint).
CREATE TABLE ballots (
    id         BIGSERIAL PRIMARY KEY,
    round_id   BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    person_id  BIGINT REFERENCES people (id) ON DELETE SET NULL,
    channel    TEXT   NOT NULL,
    cast_at    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (round_id, person_id)
);
CREATE INDEX ballots_person ON ballots (person_id);

CREATE TABLE ballot_choices (
    ballot_id    BIGINT NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    issue_number BIGINT NOT NULL REFERENCES issues (number),
    PRIMARY KEY (ballot_id, issue_number)
);
CREATE INDEX ballot_choices_issue ON ballot_choices (issue_number);

-- Results frozen when a round closes.
CREATE TABLE round_results (
    round_id     BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    issue_number BIGINT NOT NULL REFERENCES issues (number),
    position     BIGINT NOT NULL,
    votes        BIGINT NOT NULL CHECK (votes >= 0),
    rank         BIGINT NOT NULL CHECK (rank >= 1),
    PRIMARY KEY (round_id, position)
);

CREATE TABLE follows (
    person_id    BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    issue_number BIGINT NOT NULL REFERENCES issues (number),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (person_id, issue_number)
);
CREATE INDEX follows_issue ON follows (issue_number);

-- The Board's responses ("account" step) and their translations.
CREATE TABLE responses (
    id           BIGSERIAL PRIMARY KEY,
    issue_number BIGINT NOT NULL REFERENCES issues (number),
    status       TEXT   NOT NULL CHECK (status IN ('committed', 'declined', 'in_progress', 'done')),
    progress     BIGINT CHECK (progress IS NULL OR (progress >= 0 AND progress <= 100)),
    created_at   BIGINT NOT NULL
);
CREATE INDEX responses_issue ON responses (issue_number, created_at);

CREATE TABLE response_texts (
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    language    TEXT   NOT NULL,
    text        TEXT   NOT NULL,
    PRIMARY KEY (response_id, language)
);

-- The message log. Rows go when their person is forgotten.
CREATE TABLE messages (
    id         BIGSERIAL PRIMARY KEY,
    person_id  BIGINT REFERENCES people (id) ON DELETE CASCADE,
    direction  TEXT   NOT NULL CHECK (direction IN ('in', 'out')),
    channel    TEXT   NOT NULL,
    text       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_person ON messages (person_id, created_at);

-- Provider message ids already handled, with the reply sent, so a provider's
-- retry is answered again without acting twice.
CREATE TABLE inbound_dedupe (
    provider    TEXT   NOT NULL,
    provider_id TEXT   NOT NULL,
    person_id   BIGINT REFERENCES people (id) ON DELETE SET NULL,
    reply       TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (provider, provider_id)
);
CREATE INDEX inbound_dedupe_person ON inbound_dedupe (person_id);
CREATE INDEX inbound_dedupe_created ON inbound_dedupe (created_at);

-- Distinct supporters of each issue: whoever raised it, follows it or chose it
-- on a ballot. An unlinked (forgotten) ballot counts as its own supporter.
CREATE VIEW issue_supporters AS
    SELECT number AS issue_number, raised_by AS supporter
      FROM issues WHERE raised_by IS NOT NULL
    UNION
    SELECT issue_number, person_id FROM follows
    UNION
    SELECT c.issue_number, COALESCE(b.person_id, -b.id)
      FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id;
