-- FORGET everywhere, and LINK codes that cannot be used to flood a phone.

-- Recordings to delete at the provider (Twilio's REST API) after a FORGET:
-- queued in the FORGET's own transaction, so a crash cannot lose them, and
-- deleted by a job until the provider says done (204) or gone (404). Holds
-- the recording's URL only; the row goes once the recording is deleted.
CREATE TABLE recording_deletions (
    id              INTEGER PRIMARY KEY,
    url             TEXT    NOT NULL UNIQUE,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT
);
CREATE INDEX recording_deletions_due ON recording_deletions (next_attempt_at);

-- LINK codes texted in the last hour, for the limits per number and per
-- requester. Both are hashes (never the number or the chat handle); rows
-- older than an hour are deleted.
CREATE TABLE link_requests (
    target     TEXT    NOT NULL,
    requester  TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX link_requests_target ON link_requests (target, created_at);
CREATE INDEX link_requests_requester ON link_requests (requester, created_at);
CREATE INDEX link_requests_created ON link_requests (created_at);
