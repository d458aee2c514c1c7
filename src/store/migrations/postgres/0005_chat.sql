-- Community chat channels (Matrix, Discord) and LINK; as sqlite/0005_chat.sql.

-- Small per-channel bookkeeping: the Matrix sync token, which rooms a
-- round's shortlist was posted to and whether its results were posted.
-- Keys name a channel first (`matrix:since`); values hold no personal data.
CREATE TABLE chat_state (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- A pending LINK: the code texted to `phone` for the chat person `person_id`.
-- Only a hash of the code is kept. Goes with its person (FORGET).
CREATE TABLE link_codes (
    person_id  BIGINT  PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    phone      TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL,
    tries      BIGINT  NOT NULL DEFAULT 0 CHECK (tries >= 0),
    created_at BIGINT  NOT NULL
);
