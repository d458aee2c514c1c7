-- WhatsApp (issue 22). A WhatsApp number is a `phone` identity: the same
-- person as by SMS and by phone. What WhatsApp adds is kept here, and
-- FORGET erases all of it (store/forget.rs).

-- Per person who has used WhatsApp or chosen a channel: when they last
-- wrote on WhatsApp (the 24-hour window), the channel notices go to (their
-- last-used one, or the one they chose with SMS / WHATSAPP), and whether
-- they agreed to SMS (they texted, called or chose SMS), which allows an
-- SMS instead of a template outside the window.
CREATE TABLE whatsapp_contacts (
    person_id       INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    last_inbound_at INTEGER,
    channel         TEXT    NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
    chosen          INTEGER NOT NULL DEFAULT 0 CHECK (chosen IN (0, 1)),
    sms_ok          INTEGER NOT NULL DEFAULT 0 CHECK (sms_ok IN (0, 1)),
    updated_at      INTEGER NOT NULL
);
CREATE INDEX whatsapp_contacts_channel ON whatsapp_contacts (channel, person_id);

-- A voice note sent as an issue's description, until the issue is raised
-- (then it is the issue's recording) or replaced (then it is deleted at
-- Twilio, through recording_deletions).
CREATE TABLE whatsapp_voice_notes (
    person_id    INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    media_url    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

-- How a WhatsApp outbox message is sent, decided before the send and kept
-- with it: free-form inside the window (`session`), or a template
-- (`template`, Twilio Content API: ContentSid and ContentVariables). A
-- worker that takes a stale claim over looks for the copy it decided on.
-- Holds no personal data (template variables are references).
CREATE TABLE whatsapp_routes (
    outbox_id   INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    route       TEXT    NOT NULL CHECK (route IN ('session', 'template')),
    content_sid TEXT,
    variables   TEXT,
    decided_at  INTEGER NOT NULL
);
