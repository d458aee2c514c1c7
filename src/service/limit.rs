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
//! On SQLite (one instance) the counts live in the memory of the process,
//! off the database's single writer: a restart forgets them. On PostgreSQL,
//! where several instances share the traffic, they live in the database
//! (`rate_counters`, one upsert per message in the message's own
//! transaction), so N instances still allow the setting, not N times it.
//! Identities are kept only as keyed hashes, never as numbers: in memory
//! with a random key per process, in the database with a random key made
//! once per database (`instance_secrets`), and swept a minute after their
//! window ends.
//!
//! Failed organiser logins (the login page and the admin API's bearer
//! token) are counted in the database on both, per client address and for
//! the one organiser account: see [`Gather::login_gate`].

use super::inbound::{InboundMessage, Reply};
use super::{Gather, Result, ServiceError};
use crate::domain::{Channel, Identity, Timestamp};
use crate::engine::{Content, Conversation};
use crate::i18n::{Args, Command};
use crate::store::{Store, Tx};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::Mutex;

/// The default: 20 messages a minute per identity.
pub const DEFAULT_PER_MINUTE: u32 = 20;
const WINDOW_MS: i64 = 60_000;
/// The name of the database's key for counter hashes.
const COUNTER_SECRET: &str = "counters";
/// Store counter keys of inbound messages start with this.
const INBOUND_PREFIX: &str = "in:";
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
    /// Count in the store (PostgreSQL: instances share the counts).
    shared: bool,
    /// The database's key for counter hashes, once read.
    secret: tokio::sync::OnceCell<String>,
    /// When this process last swept old counters from the store.
    last_sweep: std::sync::atomic::AtomicI64,
}

impl InboundLimiter {
    /// `per_minute == 0` allows everything.
    pub fn new(per_minute: u32) -> Self {
        InboundLimiter {
            per_minute,
            hasher: RandomState::new(),
            windows: Mutex::new(HashMap::new()),
            shared: false,
            secret: tokio::sync::OnceCell::new(),
            last_sweep: std::sync::atomic::AtomicI64::new(i64::MIN),
        }
    }

    /// The same limit, counted in the store so that every instance on the
    /// database shares it.
    pub fn shared(per_minute: u32) -> Self {
        InboundLimiter {
            shared: true,
            ..InboundLimiter::new(per_minute)
        }
    }

    /// Whether the counts live in the store.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The database's key for counter hashes (made on first use, in a
    /// transaction of its own: call it while holding no transaction).
    pub async fn secret(&self, store: &dyn Store) -> Result<&str> {
        let s = self
            .secret
            .get_or_try_init(|| async {
                let mut fresh = [0u8; 32];
                getrandom::fill(&mut fresh)
                    .map_err(|e| ServiceError::Unavailable(format!("no randomness: {e}")))?;
                let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
                let mut tx = store.begin().await?;
                let secret = tx.instance_secret(COUNTER_SECRET, &fresh).await?;
                tx.commit().await?;
                Ok::<_, ServiceError>(secret)
            })
            .await?;
        Ok(s.as_str())
    }

    /// Counts one message in the store and says what to do.
    async fn check_shared(
        &self,
        tx: &mut dyn Tx,
        secret: &str,
        identity: &Identity,
        now: Timestamp,
    ) -> Result<Decision> {
        if self.per_minute == 0 {
            return Ok(Decision::Allow);
        }
        let key = format!(
            "{INBOUND_PREFIX}{}",
            keyed_hash(
                secret,
                &format!("{}\0{}", identity.kind.as_str(), identity.address)
            )
        );
        let last = self.last_sweep.load(std::sync::atomic::Ordering::Relaxed);
        if now.0.saturating_sub(last) >= WINDOW_MS
            && self
                .last_sweep
                .compare_exchange(
                    last,
                    now.0,
                    std::sync::atomic::Ordering::Relaxed,
                    std::sync::atomic::Ordering::Relaxed,
                )
                .is_ok()
        {
            tx.sweep_counters(INBOUND_PREFIX, Timestamp(now.0 - WINDOW_MS), now)
                .await?;
        }
        let c = tx.bump_counter(&key, now, WINDOW_MS).await?;
        let limit = i64::from(self.per_minute);
        Ok(if c.count <= limit {
            Decision::Allow
        } else if c.count == limit + 1 {
            Decision::SlowDown
        } else {
            Decision::Silent
        })
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
        secret: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Reply>> {
        if msg.channel == Channel::Voice {
            return Ok(None);
        }
        // STOP, START, HELP and FORGET always work, and do not count.
        if self.always_heard(msg) {
            return Ok(None);
        }
        // `secret` is given exactly when the limit is shared.
        let decision = if let Some(secret) = secret {
            self.inbound_limit
                .check_shared(tx, secret, &msg.identity, now)
                .await?
        } else {
            self.inbound_limit.check(&msg.identity, now)
        };
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

/// HMAC-SHA256 of `data` under `secret`, as hex.
fn keyed_hash(secret: &str, data: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC takes keys of any length; never happens.
        Err(_) => return String::new(),
    };
    mac.update(data.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Failed logins from one address before it is locked out.
pub const LOGIN_FREE_PER_ADDRESS: i64 = 5;
/// Failed logins for the organiser account, from anywhere, before it is
/// locked out (higher: one noisy address should not lock everyone out).
pub const LOGIN_FREE_PER_ACCOUNT: i64 = 20;
/// Failures are counted over this long from the first: an hour.
pub const LOGIN_WINDOW_MS: i64 = 3600 * 1000;
/// The longest lockout: 15 minutes.
pub const LOGIN_MAX_LOCKOUT_MS: i64 = 15 * 60 * 1000;
/// Store counter keys of failed logins start with this.
const LOGIN_PREFIX: &str = "login:";
const LOGIN_ACCOUNT: &str = "login:account";

/// The lockout after `failures` failures when `free` are allowed: none up
/// to `free`, then 1 s, 2 s, 4 s… doubling up to 15 minutes.
pub fn login_lockout_ms(failures: i64, free: i64) -> i64 {
    if failures <= free {
        return 0;
    }
    let doublings = (failures - free - 1).clamp(0, 20);
    (1000i64 << doublings).min(LOGIN_MAX_LOCKOUT_MS)
}

/// Whether a login attempt may be checked now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginGate {
    /// Check the token, then report [`Gather::login_failed`] or
    /// [`Gather::login_succeeded`].
    Open { address_key: String, failures: bool },
    /// Locked out: try again after this many seconds (answer 429).
    Locked { retry_after_secs: u64 },
}

impl Gather {
    /// Before checking an organiser's token from `address` (the client's
    /// IP): locked out, or open. Counted in the store on every database,
    /// so all instances share the count; the address is kept only as a
    /// keyed hash.
    pub async fn login_gate(&self, address: &str) -> Result<LoginGate> {
        let secret = self.inbound_limit.secret(self.store.as_ref()).await?;
        let address_key = format!(
            "{LOGIN_PREFIX}ip:{}",
            keyed_hash(secret, &format!("login\0{address}"))
        );
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let by_address = tx.counter(&address_key).await?;
        let account = tx.counter(LOGIN_ACCOUNT).await?;
        tx.commit().await?;
        let until = [by_address, account]
            .iter()
            .flatten()
            .map(|c| c.locked_until.0)
            .max()
            .unwrap_or(0);
        if until > now.0 {
            let secs = (until - now.0 + 999) / 1000;
            return Ok(LoginGate::Locked {
                retry_after_secs: u64::try_from(secs).unwrap_or(1).max(1),
            });
        }
        Ok(LoginGate::Open {
            failures: by_address.is_some_and(|c| c.count > 0),
            address_key,
        })
    }

    /// A wrong token: counts it for the address and the account, and locks
    /// either out once past its free failures. The lockout now in force,
    /// in seconds, if any.
    pub async fn login_failed(&self, gate: &LoginGate) -> Result<Option<u64>> {
        let LoginGate::Open { address_key, .. } = gate else {
            return Ok(None);
        };
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.sweep_counters(LOGIN_PREFIX, Timestamp(now.0 - LOGIN_WINDOW_MS), now)
            .await?;
        let mut longest = 0;
        for (key, free) in [
            (address_key.as_str(), LOGIN_FREE_PER_ADDRESS),
            (LOGIN_ACCOUNT, LOGIN_FREE_PER_ACCOUNT),
        ] {
            let c = tx.bump_counter(key, now, LOGIN_WINDOW_MS).await?;
            let lock = login_lockout_ms(c.count, free);
            if lock > 0 {
                tx.lock_counter(key, Timestamp(now.0 + lock)).await?;
                longest = longest.max(lock);
            }
        }
        tx.commit().await?;
        tracing::warn!(
            lockout_ms = longest,
            "organiser authentication refused: wrong admin token"
        );
        Ok((longest > 0).then(|| u64::try_from((longest + 999) / 1000).unwrap_or(1)))
    }

    /// The right token: the address's failures are forgiven (the account's
    /// stay until their window ends).
    pub async fn login_succeeded(&self, gate: &LoginGate) -> Result<()> {
        if let LoginGate::Open {
            address_key,
            failures: true,
        } = gate
        {
            let mut tx = self.store.begin().await?;
            tx.clear_counter(address_key).await?;
            tx.commit().await?;
        }
        Ok(())
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
    fn login_lockouts_double_up_to_fifteen_minutes() {
        let free = LOGIN_FREE_PER_ADDRESS;
        assert_eq!(login_lockout_ms(free, free), 0);
        assert_eq!(login_lockout_ms(free + 1, free), 1000);
        assert_eq!(login_lockout_ms(free + 2, free), 2000);
        assert_eq!(login_lockout_ms(free + 5, free), 16_000);
        assert_eq!(login_lockout_ms(free + 100, free), LOGIN_MAX_LOCKOUT_MS);
    }

    #[test]
    fn keyed_hashes_depend_on_the_key() {
        let a = keyed_hash("k1", "sms\0+447700900001");
        assert_eq!(a.len(), 64);
        assert_ne!(a, keyed_hash("k2", "sms\0+447700900001"));
        assert!(!a.contains("447700900001"));
    }

    #[test]
    fn zero_is_off() {
        let l = InboundLimiter::new(0);
        let a = id("+447700900001");
        assert!((0..1000).all(|i| l.check(&a, Timestamp(i)) == Decision::Allow));
    }
}
