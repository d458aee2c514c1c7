//! The per-sender inbound rate limit (`GATHER_INBOUND_RATE`, messages a
//! minute per identity; default 20, 0 turns it off).
//!
//! Someone (or something) sending more than that in a minute gets one
//! `slow-down` reply and then silence until the minute is over; everyone
//! else is unaffected. The check runs in the service before the engine, so
//! a flood costs one small transaction a message (the dedupe record, so a
//! provider's retry gets the same answer) and never an engine step, a
//! conversation write or a reply. (The text's analysis, language and
//! safeguarding, runs before the limit is known: it is done outside the
//! write lock, and a limited message's analysis is thrown away.)
//!
//! STOP (and every other opt-out word), START, HELP and FORGET, and the
//! answer to FORGET's question, are never limited: they are recognised
//! before the limit and always handled.
//!
//! The counts live in the memory of the process: a restart forgets them,
//! and behind a load balancer each instance counts only what it saw (so the
//! effective limit is N times the setting for N instances that share the
//! traffic). Identities are kept only as keyed hashes (random key per
//! process), never as numbers.

use super::inbound::{InboundMessage, Reply};
use super::{Gather, Result, ServiceError};
use crate::domain::{Channel, Identity, Timestamp};
use crate::engine::{Content, Conversation};
use crate::i18n::{Args, Command};
use crate::store::Tx;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::Mutex;

/// The default: 20 messages a minute per identity.
pub const DEFAULT_PER_MINUTE: u32 = 20;
const WINDOW_MS: i64 = 60_000;
/// Above this many identities in memory, windows that are over are swept.
const SWEEP_AT: usize = 50_000;

/// What to do with one inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Within the limit: handle it.
    Allow,
    /// The first message over the limit this minute: answer `slow-down`.
    SlowDown,
    /// Over the limit and already told: no answer.
    Silent,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    count: u32,
    warned: bool,
}

/// Fixed one-minute windows per identity, from each identity's first
/// message.
#[derive(Debug)]
pub struct InboundLimiter {
    per_minute: u32,
    hasher: RandomState,
    windows: Mutex<HashMap<u64, Window>>,
}

impl InboundLimiter {
    /// `per_minute == 0` allows everything.
    pub fn new(per_minute: u32) -> Self {
        InboundLimiter {
            per_minute,
            hasher: RandomState::new(),
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    fn key(&self, identity: &Identity) -> u64 {
        let mut h = self.hasher.build_hasher();
        identity.kind.as_str().hash(&mut h);
        identity.address.hash(&mut h);
        h.finish()
    }

    /// Counts one message from `identity` at `now` and says what to do.
    pub fn check(&self, identity: &Identity, now: Timestamp) -> Decision {
        if self.per_minute == 0 {
            return Decision::Allow;
        }
        let key = self.key(identity);
        let now = now.0;
        // A poisoned lock only means another request panicked mid-update of
        // a counter: the counts are still usable.
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, w| now - w.start < WINDOW_MS);
        }
        let w = windows.entry(key).or_insert(Window {
            start: now,
            count: 0,
            warned: false,
        });
        if now - w.start >= WINDOW_MS || now < w.start {
            *w = Window {
                start: now,
                count: 0,
                warned: false,
            };
        }
        w.count = w.count.saturating_add(1);
        if w.count <= self.per_minute {
            Decision::Allow
        } else if !w.warned {
            w.warned = true;
            Decision::SlowDown
        } else {
            Decision::Silent
        }
    }
}

impl Gather {
    /// The rate limit, before the engine: `None` to go on, or the answer
    /// for a message over the limit (`slow-down` once, then nothing). A
    /// limited message is recorded as seen, so a provider's retry gets the
    /// same answer; its text is not kept. Calls are not limited here.
    pub(super) async fn rate_limited(
        &self,
        tx: &mut dyn Tx,
        msg: &InboundMessage,
        now: Timestamp,
    ) -> Result<Option<Reply>> {
        if msg.channel == Channel::Voice {
            return Ok(None);
        }
        // STOP, START, HELP and FORGET always work, and do not count.
        if self.always_heard(msg) {
            return Ok(None);
        }
        let decision = self.inbound_limit.check(&msg.identity, now);
        if decision == Decision::Allow {
            return Ok(None);
        }
        // Nor does the YES or NO that answers FORGET's question.
        if self.answers_forget(tx, msg).await? {
            return Ok(None);
        }
        let locales = self.engine.locales();
        let person = tx.person_by_identity(&msg.identity).await?;
        let language = person
            .as_ref()
            .map(|p| p.language.clone())
            .filter(|l| locales.has_language(l))
            .unwrap_or_else(|| locales.default_language().clone());
        // Nothing at all to someone who has opted out (carriers forbid it).
        let opted_out = person.as_ref().is_some_and(|p| p.opted_out);
        let messages = if decision == Decision::SlowDown && !opted_out {
            vec![locales.format(&language, "slow-down", &Args::new())]
        } else {
            Vec::new()
        };
        tracing::warn!(
            identity = ?msg.identity,
            decision = ?decision,
            per_minute = self.inbound_limit.per_minute(),
            "inbound rate limit"
        );
        let reply = Reply {
            language,
            messages,
            duplicate: false,
            events: Vec::new(),
            opt_out_exempt: false,
        };
        if let Some((provider, id)) = &msg.provider_id {
            let stored = serde_json::to_string(&reply)
                .map_err(|e| ServiceError::Internal(format!("reply: {e}")))?;
            tx.record_inbound(provider, id, None, &stored, now).await?;
        }
        Ok(Some(reply))
    }
}

/// The commands no limit ever holds back: opting out (carriers require it
/// to work at once, every time), opting back in, HELP, and erasure.
const ALWAYS_HEARD: [Command; 4] = [
    Command::Stop,
    Command::Start,
    Command::Help,
    Command::Forget,
];

impl Gather {
    /// The message is one of [`ALWAYS_HEARD`], in any language.
    fn always_heard(&self, msg: &InboundMessage) -> bool {
        let Content::Text(text) = &msg.content else {
            return false;
        };
        self.engine
            .locales()
            .keywords()
            .command(text)
            .is_some_and(|(c, _)| ALWAYS_HEARD.contains(&c))
    }

    /// The sender's conversation is waiting in FORGET's flow (its "delete?"
    /// question): the answer is heard whatever the limit says.
    async fn answers_forget(&self, tx: &mut dyn Tx, msg: &InboundMessage) -> Result<bool> {
        let Some(spec) = self.engine.flows().command(Command::Forget.name()) else {
            return Ok(false);
        };
        let Some(person) = tx.person_by_identity(&msg.identity).await? else {
            return Ok(false);
        };
        let Some(state) = tx.conversation(person.id).await? else {
            return Ok(false);
        };
        Ok(serde_json::from_str::<Conversation>(&state).is_ok_and(|c| c.flow == spec.flow))
    }
}

impl Default for InboundLimiter {
    fn default() -> Self {
        InboundLimiter::new(DEFAULT_PER_MINUTE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PhoneNumber;

    fn id(n: &str) -> Identity {
        Identity::phone(&PhoneNumber::parse(n).unwrap())
    }

    #[test]
    fn one_slow_down_then_silence_then_a_new_minute() {
        let l = InboundLimiter::new(3);
        let a = id("+447700900001");
        let b = id("+447700900002");
        let t = |ms| Timestamp(ms);
        let got: Vec<_> = (0..6).map(|i| l.check(&a, t(i * 1000))).collect();
        assert_eq!(
            got,
            [
                Decision::Allow,
                Decision::Allow,
                Decision::Allow,
                Decision::SlowDown,
                Decision::Silent,
                Decision::Silent
            ]
        );
        assert_eq!(l.check(&b, t(6000)), Decision::Allow, "others unaffected");
        assert_eq!(l.check(&a, t(60_000)), Decision::Allow, "a new minute");
    }

    #[test]
    fn zero_is_off() {
        let l = InboundLimiter::new(0);
        let a = id("+447700900001");
        assert!((0..1000).all(|i| l.check(&a, Timestamp(i)) == Decision::Allow));
    }
}
