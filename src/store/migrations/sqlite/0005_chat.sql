-- Community chat channels (Matrix, Discord) and LINK.

-- Small per-channel bookkeeping: the Matrix sync token, which rooms a
-- round's shortlist was posted to and whether its results were posted.
-- Keys name a channel first (`matrix:since`); values hold no personal data.
CREATE TABLE chat_state (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A pending LINK: the code texted to `phone` for the chat person `person_id`.
-- Only a hash of the code is kept. Goes with its person (FORGET).
CREATE TABLE link_codes (
    person_id  INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    phone      TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
    created_at INTEGER NOT NULL
);
