//! What FORGET erases beyond the person's own rows, the recordings it asks
//! the provider to delete, and the LINK limits (codes texted per number and
//! per requester), kept in the store so they hold across instances.

use crate::domain::Timestamp;

/// FORGET's steps for the recordings, LINK codes and chat bookkeeping of
/// person `$1`, the same statements on SQLite and PostgreSQL. They run
/// before the person's identities go (they find the rows by them).
pub(crate) const FORGET_SQL: &[&str] = &[
    // Recordings of their calls and of issues they raised by speaking: to
    // be deleted at the provider (a job, see `channels::twilio_recordings`).
    "INSERT INTO recording_deletions (url, next_attempt_at) \
       SELECT recording_url, 0 FROM issues WHERE raised_by = $1 AND recording_url IS NOT NULL \
       ON CONFLICT (url) DO NOTHING",
    "INSERT INTO recording_deletions (url, next_attempt_at) \
       SELECT recording_url, 0 FROM voice_calls WHERE person_id = $1 AND recording_url IS NOT NULL \
       ON CONFLICT (url) DO NOTHING",
    // The issue stays (a moderator's summary, if any, is its text); the
    // recording goes from it and from the /admin player.
    "UPDATE issues SET recording_url = NULL, recording_secs = NULL \
       WHERE raised_by = $1 AND recording_url IS NOT NULL",
    "DELETE FROM voice_calls WHERE person_id = $1",
    // WhatsApp: a voice note not yet an issue's (deleted at Twilio like a
    // call's recording), the window and the channel chosen.
    "INSERT INTO recording_deletions (url, next_attempt_at) \
       SELECT media_url, 0 FROM whatsapp_voice_notes WHERE person_id = $1 \
       ON CONFLICT (url) DO NOTHING",
    "DELETE FROM whatsapp_voice_notes WHERE person_id = $1",
    "DELETE FROM whatsapp_contacts WHERE person_id = $1",
    // LINK codes they asked for, and codes texted to their number.
    "DELETE FROM link_codes WHERE person_id = $1 OR phone IN \
       (SELECT address FROM identities WHERE person_id = $1 AND kind = 'phone')",
    // The chat channels' direct rooms with them (`matrix:dm:@user:server`,
    // `discord:dm:1234`).
    "DELETE FROM chat_state WHERE key IN \
       (SELECT kind || ':dm:' || address FROM identities \
         WHERE person_id = $1 AND kind IN ('discord', 'matrix'))",
    // A provider's error about a message to them can quote the number.
    "UPDATE outbox SET last_error = NULL WHERE last_error IS NOT NULL AND (person_id = $1 \
       OR address IN (SELECT address FROM identities WHERE person_id = $1))",
];

/// One recording waiting to be deleted at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingDeletion {
    pub id: i64,
    /// The provider's URL of the recording.
    pub url: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// The window the LINK limits count over: one hour.
pub const LINK_WINDOW_MS: i64 = 60 * 60 * 1000;
/// LINK codes texted to one number per window.
pub const MAX_CODES_PER_NUMBER: u32 = 3;
/// LINK codes one chat account may have texted per window.
pub const MAX_CODES_PER_REQUESTER: u32 = 5;

/// The stored form of a LINK limit's key (a number, or a chat identity as
/// `discord:1234`): hex SHA-1 with a label, so the table never holds the
/// number or the handle. Rows live one hour.
pub fn link_key(label: &str, value: &str) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(format!("gather-link-limit:{label}:{value}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// When a failed deletion is tried again: 1, 2, 4 … minutes after the
/// attempt, at most six hours.
pub fn deletion_retry_at(now: Timestamp, attempts: u32) -> Timestamp {
    let minutes = 1i64 << attempts.min(9);
    Timestamp(now.0 + minutes.min(360) * 60_000)
}
