//! The outbox's rows and the provider's delivery reports: the types shared
//! by both backends (the SQL lives in `sqlite/outbox.rs` and
//! `postgres/outbox.rs`).
//!
//! Two statuses per message, kept apart on purpose:
//! * [`OutboxStatus`] is ours: queued → sending (claimed by a worker) → sent
//!   (the provider accepted it), failed or cancelled.
//! * [`DeliveryStatus`] is the provider's, from its status callbacks
//!   (queued, sent, delivered, undelivered, …). It only moves forward.

use super::{PersonId, StoreError};
use crate::domain::{Channel, Timestamp};
use serde::Serialize;

/// A direct reply never waits for quiet hours; a notice (Board update, round
/// opening, reminder) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboundKind {
    Reply,
    Notice,
}

impl OutboundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboundKind::Reply => "reply",
            OutboundKind::Notice => "notice",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "reply" => Some(OutboundKind::Reply),
            "notice" => Some(OutboundKind::Notice),
            _ => None,
        }
    }
}

/// Where a message is in *our* hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for its `next_attempt_at`.
    Queued,
    /// Claimed by a worker; re-claimed if the claim goes stale.
    Sending,
    /// Accepted by the provider (its id is stored).
    Sent,
    /// Given up: a permanent error, or too many attempts.
    Failed,
    /// Not sent on purpose (the person opted out).
    Cancelled,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 5] = [
        OutboxStatus::Queued,
        OutboxStatus::Sending,
        OutboxStatus::Sent,
        OutboxStatus::Failed,
        OutboxStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What the provider says happened to a message after accepting it
/// (Twilio's `MessageStatus`; Kannel's DLR types map onto it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Accepted,
    Scheduled,
    Queued,
    Sending,
    Sent,
    PartiallyDelivered,
    Delivered,
    Read,
    Undelivered,
    Failed,
    Canceled,
}

impl DeliveryStatus {
    const ALL: [DeliveryStatus; 11] = [
        DeliveryStatus::Accepted,
        DeliveryStatus::Scheduled,
        DeliveryStatus::Queued,
        DeliveryStatus::Sending,
        DeliveryStatus::Sent,
        DeliveryStatus::PartiallyDelivered,
        DeliveryStatus::Delivered,
        DeliveryStatus::Read,
        DeliveryStatus::Undelivered,
        DeliveryStatus::Failed,
        DeliveryStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Accepted => "accepted",
            DeliveryStatus::Scheduled => "scheduled",
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::PartiallyDelivered => "partially_delivered",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Undelivered => "undelivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Canceled => "canceled",
        }
    }

    /// Twilio's spelling (any case). Inbound-only statuses (`receiving`,
    /// `received`) and unknown words are `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        let s = if s == "cancelled" { "canceled" } else { &s };
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The message will not be delivered: nothing changes it afterwards.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Undelivered | DeliveryStatus::Failed | DeliveryStatus::Canceled
        )
    }

    /// How far along a message is. Callbacks arrive out of order, so a
    /// status replaces the stored one only if it ranks higher; outcomes
    /// (delivered or a failure) rank alike, so the first one stays.
    fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Accepted | DeliveryStatus::Scheduled | DeliveryStatus::Queued => 1,
            DeliveryStatus::Sending => 2,
            DeliveryStatus::Sent => 3,
            DeliveryStatus::PartiallyDelivered => 4,
            DeliveryStatus::Delivered
            | DeliveryStatus::Undelivered
            | DeliveryStatus::Failed
            | DeliveryStatus::Canceled => 5,
            DeliveryStatus::Read => 6,
        }
    }

    /// Whether `self` may replace `current`: only forward, and never away
    /// from a failure.
    pub fn supersedes(self, current: DeliveryStatus) -> bool {
        !current.is_failure() && self.rank() > current.rank()
    }
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutbound {
    pub person: Option<PersonId>,
    pub channel: Channel,
    /// Where the provider sends it: a phone number in E.164, a chat id.
    pub address: String,
    pub text: String,
    pub kind: OutboundKind,
    /// Not sent before this time.
    pub not_before: Timestamp,
    /// Enqueueing twice with the same key queues once (a fan-out that is
    /// run again, a retried request). Must not carry personal data: it
    /// outlives FORGET on messages already sent.
    pub dedupe_key: Option<String>,
}

/// The longest text the outbox takes: ten SMS segments of GSM-7, more than
/// any provider concatenates.
pub const MAX_TEXT_CHARS: usize = 1600;

/// Checks a message before it is queued.
pub(crate) fn validate(msg: &NewOutbound) -> Result<(), StoreError> {
    if msg.address.trim().is_empty() {
        return Err(StoreError::Invalid(
            "an outbound message needs an address".into(),
        ));
    }
    if msg.text.trim().is_empty() {
        return Err(StoreError::Invalid(
            "an outbound message needs a text".into(),
        ));
    }
    if msg.text.chars().count() > MAX_TEXT_CHARS {
        return Err(StoreError::Invalid(format!(
            "an outbound message is at most {MAX_TEXT_CHARS} characters"
        )));
    }
    if msg
        .dedupe_key
        .as_deref()
        .is_some_and(|k| k.is_empty() || k.len() > 200)
    {
        return Err(StoreError::Invalid(
            "a dedupe key is 1 to 200 bytes long".into(),
        ));
    }
    Ok(())
}

/// A claimed message, as a worker sees it.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub person: Option<PersonId>,
    pub channel: Channel,
    pub address: String,
    pub text: String,
    pub kind: OutboundKind,
    /// Claims so far, this one included.
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    /// The person has opted out (as of the claim).
    pub opted_out: bool,
    /// Set when this claim took the message over from an earlier claim that
    /// went stale (`status = 'sending'` at the claim): that claim's last
    /// renewal. Its worker stopped without recording an outcome, so the
    /// provider may have accepted the message already; the worker asks the
    /// provider before sending it again (see `Sender::already_sent`).
    pub stale_claim: Option<Timestamp>,
}

impl std::fmt::Debug for OutboxItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxItem")
            .field("id", &self.id)
            .field("person", &self.person)
            .field("channel", &self.channel)
            .field("address", &crate::domain::phone::mask(&self.address))
            .field("text_chars", &self.text.chars().count())
            .field("kind", &self.kind)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("opted_out", &self.opted_out)
            .field("stale_claim", &self.stale_claim)
            .finish()
    }
}

/// The worker's look at its claim just before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimCheck {
    /// Still ours; the claim time is renewed.
    Send,
    /// Still ours, but the person has opted out (or was forgotten).
    OptedOut,
    /// No longer ours: re-claimed by another worker after going stale,
    /// cancelled or erased. Do not send.
    Lost,
}

/// One outbox row, for listings and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub person: Option<PersonId>,
    pub channel: String,
    pub kind: OutboundKind,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub provider: Option<String>,
    pub provider_id: Option<String>,
    pub segments: Option<u32>,
    pub encoding: Option<String>,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub delivery_status: Option<String>,
    pub error_code: Option<String>,
}

/// Counts for `gather outbox status` and the metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxSummary {
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    /// Of the sent: what the providers reported last, by delivery status
    /// (`unknown` before the first report).
    pub delivery: Vec<(String, i64)>,
    /// When the oldest queued message became due.
    pub oldest_due: Option<Timestamp>,
}

impl OutboxSummary {
    pub fn add(&mut self, status: OutboxStatus, n: i64) {
        let slot = match status {
            OutboxStatus::Queued => &mut self.queued,
            OutboxStatus::Sending => &mut self.sending,
            OutboxStatus::Sent => &mut self.sent,
            OutboxStatus::Failed => &mut self.failed,
            OutboxStatus::Cancelled => &mut self.cancelled,
        };
        *slot += n;
    }
}

/// What a delivery report matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryTarget {
    pub outbox_id: i64,
    pub person: Option<PersonId>,
    pub address: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_status_only_moves_forward() {
        use DeliveryStatus::*;
        assert!(Sent.supersedes(Queued));
        assert!(Delivered.supersedes(Sent));
        assert!(!Sent.supersedes(Delivered));
        assert!(!Queued.supersedes(Queued));
        assert!(Failed.supersedes(Sent));
        assert!(!Delivered.supersedes(Failed));
        assert!(!Failed.supersedes(Delivered), "the first outcome stays");
        assert!(!Read.supersedes(Undelivered));
        assert!(Read.supersedes(Delivered));
    }

    #[test]
    fn parse_names() {
        assert_eq!(
            DeliveryStatus::parse("Delivered"),
            Some(DeliveryStatus::Delivered)
        );
        assert_eq!(
            DeliveryStatus::parse("cancelled"),
            Some(DeliveryStatus::Canceled)
        );
        assert_eq!(DeliveryStatus::parse("received"), None);
        for s in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OutboundKind::parse("notice"), Some(OutboundKind::Notice));
    }
}
