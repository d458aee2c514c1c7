//! What bounds abuse and must be shared by every instance on one database
//! (issue 17): idempotency keys of the admin API, fixed-window counters
//! (inbound messages per sender on PostgreSQL, failed organiser logins) and
//! organiser sessions. The SQL is in `sqlite/guard_sql.rs` and
//! `postgres/guard_sql.rs`; the tables in migration 0011.

use crate::domain::Timestamp;

/// How long an idempotency key's stored response is kept: 24 hours.
pub const IDEMPOTENCY_KEEP_MS: i64 = 24 * 3600 * 1000;

/// What an idempotency key says about the request that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// First use (or the stored one expired): act, then
    /// [`super::Tx::finish_idempotency`] in the same transaction.
    Fresh,
    /// Already acted on with the same body: answer this.
    Replay { status: u16, body: String },
    /// The key was used with a different body.
    Mismatch,
}

/// One fixed-window counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub window_start: Timestamp,
    pub count: i64,
    /// A lockout's end (0: none).
    pub locked_until: Timestamp,
}

/// An organiser session as stored. `data` is the session's form nonces
/// and flash messages (JSON, see `http::web::session`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub csrf: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
    pub data: String,
}
