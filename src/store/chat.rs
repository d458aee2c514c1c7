//! Store support for the community chat channels: a small key–value table
//! for channel bookkeeping (the Matrix sync token, posted rounds) and LINK's
//! pending codes and merge of two people into one.

use crate::domain::Timestamp;
use crate::store::PersonId;

/// A pending LINK code for a chat person.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkCode {
    pub person: PersonId,
    /// The phone number (E.164) the code was texted to.
    pub phone: String,
    /// Hex SHA-1 of the person id and the code (never the code itself).
    pub code_hash: String,
    pub expires_at: Timestamp,
    /// Wrong codes entered so far.
    pub tries: u32,
}

impl std::fmt::Debug for LinkCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkCode")
            .field("person", &self.person)
            .field("phone", &crate::domain::phone::mask(&self.phone))
            .field("expires_at", &self.expires_at)
            .field("tries", &self.tries)
            .finish()
    }
}

/// The stored form of a LINK code: hex SHA-1 of the person id and the code.
pub fn code_hash(person: PersonId, code: &str) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(format!("gather-link:{person}:{code}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// How many wrong codes a pending LINK code survives.
pub const MAX_TRIES: u32 = 5;
/// How long a LINK code works, in milliseconds (10 minutes).
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;

/// Moves everything of person `$1` to person `$2`, then deletes `$1`; the
/// same statements on SQLite and PostgreSQL. Where both voted in a round
/// the more recent ballot is kept, so the person still counts once. `$2`
/// keeps its language and opt-out.
pub(crate) const MERGE_SQL: &[&str] = &[
    "DELETE FROM ballots WHERE id IN ( \
       SELECT CASE WHEN f.updated_at >= i.updated_at THEN i.id ELSE f.id END \
         FROM ballots f JOIN ballots i ON i.round_id = f.round_id \
        WHERE f.person_id = $1 AND i.person_id = $2)",
    "UPDATE ballots SET person_id = $2 WHERE person_id = $1",
    "INSERT INTO follows (person_id, issue_number, created_at) \
       SELECT $2, issue_number, created_at FROM follows WHERE person_id = $1 \
       ON CONFLICT DO NOTHING",
    "DELETE FROM follows WHERE person_id = $1 AND $2 = $2",
    "UPDATE issues SET raised_by = $2 WHERE raised_by = $1",
    "UPDATE identities SET person_id = $2 WHERE person_id = $1",
    "UPDATE messages SET person_id = $2 WHERE person_id = $1",
    "UPDATE inbound_dedupe SET person_id = $2 WHERE person_id = $1",
    "UPDATE outbox SET person_id = $2 WHERE person_id = $1",
    "DELETE FROM link_codes WHERE person_id = $1 OR person_id = $2",
    "DELETE FROM conversations WHERE person_id = $1 AND $2 = $2",
    "DELETE FROM people WHERE id = $1 AND $2 = $2",
];
