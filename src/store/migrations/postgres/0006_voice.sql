-- Phone calls (Twilio Voice); as sqlite/0006_voice.sql.

-- An issue raised by speaking carries its recording until a moderator writes
-- a summary. The URL is the provider's (https only); the duration is seconds.
ALTER TABLE issues ADD COLUMN recording_url TEXT;
ALTER TABLE issues ADD COLUMN recording_secs BIGINT;

-- One row per call: the recording made during it (until it is attached to
-- an issue) and the call's last status (`in-progress`, `completed`,
-- `no-answer`, `failed`, …). A call dropped with an unconfirmed recording
-- becomes a draft issue for the moderators.
CREATE TABLE voice_calls (
    call_sid       TEXT    PRIMARY KEY,
    person_id      BIGINT  REFERENCES people (id) ON DELETE SET NULL,
    recording_url  TEXT,
    recording_secs BIGINT,
    issue_number   BIGINT,
    status         TEXT    NOT NULL,
    updated_at     BIGINT  NOT NULL
);
