//! The outbox: messages that are not a direct reply (Board updates, round
//! announcements, link codes) wait in a durable table; a worker claims them,
//! re-checks opt-out and quiet hours, keeps to the provider's rate, sends,
//! and records what happened.

pub mod console;
pub mod quiet;
pub mod rate;
pub mod whatsapp;
pub mod worker;

pub use console::ConsoleSender;
pub use worker::{Drained, Outcome, Worker, WorkerOptions, nudge};

use crate::domain::Timestamp;
use async_trait::async_trait;
use std::time::Duration;

/// One message for a provider to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    /// The recipient: a phone number in E.164.
    pub to: String,
    pub text: String,
    /// Send this template instead of `text` (WhatsApp outside the 24-hour
    /// window, see [`whatsapp`]); `text` is then what it says, for the log.
    pub template: Option<Template>,
}

/// A pre-approved message template: Twilio's Content API `ContentSid` and
/// its `ContentVariables` (a JSON object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub content_sid: String,
    pub variables: String,
}

/// What the provider said when it accepted a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub provider_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Timeouts, 429, 5xx: try again later.
    #[error("temporary failure: {reason}")]
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// The request may have reached the provider, but its answer was lost
    /// (a timeout after the request went out, a success that could not be
    /// read). Not sent again blind: the claim is left to go stale, and the
    /// worker that takes it over asks the provider first
    /// ([`Sender::already_sent`]). Only for a provider that can answer
    /// that; any other says `Retry`.
    #[error("no answer: {reason}")]
    Unknown { reason: String },
    /// 4xx: trying again would fail the same way.
    #[error("permanent failure: {reason}")]
    Permanent {
        reason: String,
        /// The recipient has unsubscribed at the carrier.
        opted_out: bool,
    },
}

impl SendError {
    /// The same error with every run of 7 or more digits in its reason (a
    /// phone number a provider quoted, `+447700900123`) masked.
    pub fn without_numbers(self) -> SendError {
        match self {
            SendError::Retry { reason, after } => SendError::Retry {
                reason: mask_numbers(&reason),
                after,
            },
            SendError::Unknown { reason } => SendError::Unknown {
                reason: mask_numbers(&reason),
            },
            SendError::Permanent { reason, opted_out } => SendError::Permanent {
                reason: mask_numbers(&reason),
                opted_out,
            },
        }
    }
}

/// Masks every run of 7 or more digits (with a `+` before it, if any) in
/// `text`, as [`crate::domain::phone::mask`] does.
pub fn mask_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let mut j = i;
        if chars[j] == '+' {
            j += 1;
        }
        let digits_from = j;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j - digits_from >= 7 {
            let run: String = chars[start..j].iter().collect();
            out.push_str(&crate::domain::phone::mask(&run));
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A provider that sends text messages (Twilio's REST API, Kannel).
#[async_trait]
pub trait Sender: Send + Sync {
    /// The provider's name, stored with each message (`twilio`, `kannel`).
    fn name(&self) -> &'static str;
    /// The key the rate limit applies to (the sending number).
    fn rate_key(&self) -> String;
    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError>;

    /// Reconciliation after a crash: messages the provider accepted at or
    /// after `since` (our clock; allow for the provider's) that could be
    /// `msg` from an earlier attempt whose outcome was never recorded — same
    /// recipient, same text, from us — oldest first. The worker asks only
    /// for a message it took over from a stale claim, and takes the first
    /// one no other outbox row has claimed, instead of sending again.
    ///
    /// Empty means none, or that this provider cannot tell (the default:
    /// Kannel has no way to look a message up, so it stays at-least-once;
    /// Matrix and Discord deduplicate the send itself). A `Retry` error
    /// means ask again later, never send blind; a `Permanent` one means the
    /// provider cannot answer, and the message is sent again.
    async fn already_sent(
        &self,
        _msg: &Outgoing,
        _since: Timestamp,
    ) -> Result<Vec<Accepted>, SendError> {
        Ok(Vec::new())
    }
}

/// Seconds to wait before try number `attempt` (1-based): 30 s doubling,
/// capped at an hour.
pub fn backoff_secs(attempt: u32) -> i64 {
    let exp = attempt.saturating_sub(1).min(7);
    (30i64 << exp).min(3600)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_caps() {
        let v: Vec<i64> = (1..=9).map(super::backoff_secs).collect();
        assert_eq!(v, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}

#[cfg(test)]
mod mask_tests {
    #[test]
    fn numbers_in_provider_errors_are_masked() {
        assert_eq!(
            super::mask_numbers("The 'To' number +447700900123 is not valid (21211)"),
            "The 'To' number +44*****123 is not valid (21211)"
        );
        assert_eq!(super::mask_numbers("to 447700900123."), "to 447*****123.");
        assert_eq!(super::mask_numbers("HTTP 503 + 20429"), "HTTP 503 + 20429");
    }
}
