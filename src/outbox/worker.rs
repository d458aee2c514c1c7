//! The outbox worker: claims due messages for one channel, re-checks each
//! just before sending, keeps to the provider's rate, sends, and records
//! what happened. One worker per channel and provider; any [`Sender`] will
//! do (Twilio's REST API, Kannel, the console).
//!
//! A message goes through, in order:
//! 1. **claim** (one short transaction): due rows and stale claims become
//!    `sending`, each with whether its person has opted out;
//! 2. taken over from a **stale claim**, the provider is asked first
//!    ([`Sender::already_sent`]): the stale claim's worker may have sent it
//!    and died before recording that. A copy the provider accepted is
//!    recorded as the send (**sent**, not sent again); a look-up that fails
//!    leaves the claim to go stale and be asked about again (never a blind
//!    send);
//! 3. opted out → **cancelled**, never sent;
//! 4. a notice inside quiet hours → **deferred** to when they end (direct
//!    replies are never delayed);
//! 5. **check** (one short transaction): the claim is still ours and the
//!    person has not opted out since the claim; renews the claim;
//! 6. wait for a **rate** slot, **send**;
//! 7. **record** at once: sent (with the provider's id, segments and
//!    encoding), retry later with backoff, or failed with the reason; no
//!    answer at all (a timeout after the request went out) leaves the claim
//!    to go stale, so step 2 asks the provider before it is sent again.
//!
//! See docs/design.md ("Outbox") for why a message cannot be lost and when,
//! exactly, it could be sent twice.

use super::quiet::QuietHours;
use super::rate::RateLimiter;
use super::{Outgoing, SendError, Sender, backoff_secs};
use crate::clock::Clock;
use crate::domain::{Channel, Timestamp, phone::mask};
use crate::i18n::segments;
use crate::store::{ClaimCheck, Direction, OutboundKind, OutboxItem, Store, StoreError, Tx};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How long a claim may go without being renewed before another worker takes
/// the message over. Must exceed one send (the HTTP timeout plus a rate
/// slot) by a wide margin: a message still being sent when its claim goes
/// stale could be sent twice.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(300);
/// How often an idle worker looks for due messages (an in-process enqueue
/// wakes it sooner).
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(500);
/// The longest wait a provider's `Retry-After` can ask for.
const MAX_RETRY_AFTER_SECS: i64 = 3600;
/// Writes after the provider accepted a message are retried this often
/// before giving up (see [`Worker::record`]).
const RECORD_TRIES: u32 = 6;

/// How a worker behaves; [`Default`] is production's.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Messages a second per rate key (sending number).
    pub rate_per_second: f64,
    /// When notices wait; `None` for never.
    pub quiet_hours: Option<QuietHours>,
    /// Tries before a message is given up (temporary failures only).
    pub max_attempts: u32,
    pub stale_after: Duration,
    pub poll_interval: Duration,
    /// Messages claimed at once; `None` picks about two seconds' worth at
    /// the rate, so claims stay fresh and a STOP takes effect quickly.
    pub batch: Option<u32>,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            rate_per_second: 1.0,
            quiet_hours: None,
            max_attempts: 8,
            stale_after: DEFAULT_STALE_AFTER,
            poll_interval: DEFAULT_POLL_INTERVAL,
            batch: None,
        }
    }
}

/// What happened to one claimed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A temporary failure; queued again for later.
    Retry,
    Failed,
    /// The person opted out: never sent.
    Cancelled,
    /// A notice in quiet hours: queued again for the morning.
    Deferred,
    /// Another worker has the message now (our claim went stale).
    Lost,
    /// Handed back unsent because the worker is stopping.
    Released,
    /// A WhatsApp message outside the window, handed to the SMS worker.
    Rerouted,
    /// A WhatsApp message outside the window with no template and no SMS:
    /// not sent (cancelled, with the reason).
    Held,
}

/// What one [`Worker::drain_once`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drained {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub deferred: usize,
    pub lost: usize,
    pub released: usize,
    pub rerouted: usize,
    pub held: usize,
}

impl Drained {
    fn count(&mut self, outcome: Outcome) {
        let slot = match outcome {
            Outcome::Sent => &mut self.sent,
            Outcome::Retry => &mut self.retried,
            Outcome::Failed => &mut self.failed,
            Outcome::Cancelled => &mut self.cancelled,
            Outcome::Deferred => &mut self.deferred,
            Outcome::Lost => &mut self.lost,
            Outcome::Released => &mut self.released,
            Outcome::Rerouted => &mut self.rerouted,
            Outcome::Held => &mut self.held,
        };
        *slot += 1;
    }

    fn add(&mut self, other: &Drained) {
        self.claimed += other.claimed;
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.cancelled += other.cancelled;
        self.deferred += other.deferred;
        self.lost += other.lost;
        self.released += other.released;
        self.rerouted += other.rerouted;
        self.held += other.held;
    }
}

/// Wakes every worker waiting on `wake`, and leaves a permit for one that
/// is busy (it would otherwise only notice at its next poll).
pub fn nudge(wake: &Notify) {
    wake.notify_waiters();
    wake.notify_one();
}

pub struct Worker {
    store: Arc<dyn Store>,
    sender: Arc<dyn Sender>,
    channel: Channel,
    clock: Arc<dyn Clock>,
    rate: RateLimiter,
    quiet: Option<QuietHours>,
    max_attempts: u32,
    stale_after: Duration,
    poll_interval: Duration,
    batch: u32,
    /// Names this worker's claims.
    id: String,
    wake: Arc<Notify>,
    /// WhatsApp's window and templates (a WhatsApp worker only).
    whatsapp: Option<super::whatsapp::Policy>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("id", &self.id)
            .field("provider", &self.sender.name())
            .field("channel", &self.channel)
            .field("rate_interval", &self.rate.interval())
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl Worker {
    pub fn new(
        store: Arc<dyn Store>,
        sender: Arc<dyn Sender>,
        channel: Channel,
        clock: Arc<dyn Clock>,
        options: WorkerOptions,
    ) -> Worker {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let rate_per_second =
            if options.rate_per_second.is_finite() && options.rate_per_second > 0.0 {
                options.rate_per_second
            } else {
                1.0
            };
        let batch = options.batch.unwrap_or_else(|| {
            // Saturating float-to-int conversion; the clamp keeps it sane.
            ((rate_per_second * 2.0).ceil() as u32).clamp(1, 100)
        });
        let id = format!(
            "{}-{}-{}-{}",
            sender.name(),
            std::process::id(),
            chrono::Utc::now().timestamp_millis(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Worker {
            store,
            sender,
            channel,
            clock,
            rate: RateLimiter::new(rate_per_second),
            quiet: options.quiet_hours,
            max_attempts: options.max_attempts.max(1),
            stale_after: options.stale_after,
            poll_interval: options.poll_interval,
            batch: batch.max(1),
            id,
            wake: Arc::new(Notify::new()),
            whatsapp: None,
        }
    }

    /// Sends by WhatsApp's rules: free-form inside the 24-hour window, else
    /// a template, an SMS or nothing (see [`super::whatsapp`]).
    pub fn with_whatsapp(mut self, policy: super::whatsapp::Policy) -> Worker {
        self.whatsapp = Some(policy);
        self
    }

    /// Wakes this worker early when `wake` is nudged (see [`nudge`]);
    /// [`crate::service::Gather`] nudges its `outbox_wake` on every enqueue.
    pub fn with_wake(mut self, wake: Arc<Notify>) -> Worker {
        self.wake = wake;
        self
    }

    /// The name on this worker's claims.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    pub fn provider(&self) -> &'static str {
        self.sender.name()
    }

    /// Works until `shutdown` turns true (or its sender goes away). A send in
    /// flight is finished and recorded; messages claimed but not yet started
    /// go back to the queue at once.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        self.work(shutdown).await
    }

    /// [`Worker::run`] on a shared worker, so a supervisor can start it
    /// again after a panic.
    pub async fn work(&self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(
            worker = %self.id,
            provider = self.sender.name(),
            channel = %self.channel,
            per_second = 1.0 / self.rate.interval().as_secs_f64(),
            "outbox worker started"
        );
        let mut failures: u32 = 0;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let wait = match self.drain_batch(Some(&shutdown)).await {
                // There may be more due right now.
                Ok(d) if d.claimed > 0 => {
                    failures = 0;
                    continue;
                }
                Ok(_) => {
                    failures = 0;
                    self.poll_interval
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::error!(worker = %self.id, error = %e, "outbox: store error");
                    // Back off while the database is unwell: up to 30 s.
                    self.poll_interval
                        .saturating_mul(2u32.saturating_pow(failures.min(6)))
                        .min(Duration::from_secs(30))
                }
            };
            tokio::select! {
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        tracing::info!(worker = %self.id, "outbox worker stopped");
    }

    /// Claims one batch and works through it. For tests and tools; the
    /// server runs [`Worker::run`].
    pub async fn drain_once(&self) -> Result<Drained, StoreError> {
        self.drain_batch(None).await
    }

    /// Drains until nothing is due at the worker's clock (retries and
    /// deferred notices wait for their time).
    pub async fn drain_until_idle(&self) -> Result<Drained, StoreError> {
        let mut total = Drained::default();
        loop {
            let d = self.drain_once().await?;
            total.add(&d);
            if d.claimed == 0 {
                return Ok(total);
            }
        }
    }

    /// Claims a batch; commits the claim before sending anything, so no
    /// database lock is held across a network call.
    pub async fn claim(&self) -> Result<Vec<OutboxItem>, StoreError> {
        let stale_ms = i64::try_from(self.stale_after.as_millis()).unwrap_or(i64::MAX);
        let mut tx = self.store.begin().await?;
        let items = tx
            .claim_outbox(
                self.channel,
                self.clock.now(),
                self.batch,
                stale_ms,
                &self.id,
            )
            .await?;
        tx.commit().await?;
        Ok(items)
    }

    async fn drain_batch(
        &self,
        shutdown: Option<&watch::Receiver<bool>>,
    ) -> Result<Drained, StoreError> {
        let items = self.claim().await?;
        let mut drained = Drained {
            claimed: items.len(),
            ..Drained::default()
        };
        let mut items = items.into_iter();
        while let Some(item) = items.next() {
            if shutdown.is_some_and(|s| *s.borrow()) {
                // Hand the rest back now rather than after stale_after.
                let now = self.clock.now();
                let mut tx = self.store.begin().await?;
                for rest in std::iter::once(item).chain(items.by_ref()) {
                    // A taken-over claim stays claimed: back in the queue
                    // it would lose the mark that the provider must be
                    // asked before it is sent.
                    if rest.stale_claim.is_none() {
                        tx.mark_deferred(rest.id, now).await?;
                    }
                    drained.count(Outcome::Released);
                }
                tx.commit().await?;
                break;
            }
            let outcome = self.process(item).await?;
            drained.count(outcome);
        }
        Ok(drained)
    }

    /// One claimed message, start to finish.
    pub async fn process(&self, item: OutboxItem) -> Result<Outcome, StoreError> {
        if let Some(stale_claim) = item.stale_claim
            && let Some(outcome) = self.reconcile(&item, stale_claim).await?
        {
            return Ok(outcome);
        }
        let now = self.clock.now();
        if item.opted_out {
            return self.cancel(&item, now).await;
        }
        if item.kind == OutboundKind::Notice
            && let Some(until) = self.quiet.and_then(|q| q.next_allowed(now))
        {
            let mut tx = self.store.begin().await?;
            tx.mark_deferred(item.id, until).await?;
            tx.commit().await?;
            tracing::debug!(id = item.id, until = ?until, "outbox: quiet hours, deferred");
            return Ok(Outcome::Deferred);
        }

        // The last look before sending: a STOP committed before this point
        // stops the message. WhatsApp's window is judged in the same
        // transaction, and its decision stored with the message.
        let mut tx = self.store.begin().await?;
        let check = tx
            .check_claim(item.id, &self.id, item.attempts, now)
            .await?;
        let decision = match (&check, &self.whatsapp) {
            (ClaimCheck::Send, Some(policy)) => Some(policy.decide(&mut *tx, &item, now).await?),
            _ => None,
        };
        tx.commit().await?;
        match check {
            ClaimCheck::Send => {}
            ClaimCheck::OptedOut => return self.cancel(&item, now).await,
            ClaimCheck::Lost => {
                tracing::warn!(
                    id = item.id,
                    "outbox: claim lost to another worker; not sent"
                );
                return Ok(Outcome::Lost);
            }
        }
        let mut message = outgoing(&item);
        let mut item = item;
        match decision {
            None | Some(super::whatsapp::Decision::Session) => {}
            Some(super::whatsapp::Decision::Template { template, text }) => {
                message.template = Some(template);
                // What is logged is what the person is sent.
                item.text = text;
            }
            Some(super::whatsapp::Decision::Sms { text }) => {
                return self.reroute(&item, &text, now).await;
            }
            Some(super::whatsapp::Decision::Hold { reason }) => {
                let mut tx = self.store.begin().await?;
                tx.mark_cancelled(item.id, &reason, now).await?;
                tx.commit().await?;
                crate::metrics::OUTBOX_CANCELLED.inc();
                tracing::info!(id = item.id, reason = %reason, "outbox: WhatsApp message held");
                return Ok(Outcome::Held);
            }
        }

        self.rate.acquire(&self.sender.rate_key()).await;
        // A provider's error can quote the number: masked before it is
        // logged or stored.
        let result = self
            .sender
            .send(&message)
            .await
            .map_err(SendError::without_numbers);
        // Times recorded below are when the provider answered.
        let now = self.clock.now();
        match result {
            Ok(accepted) => {
                let provider = self.sender.name();
                self.record(&item, &self.sent(&item, &accepted.provider_id), now)
                    .await?;
                crate::metrics::OUTBOX_SENT.inc();
                tracing::info!(
                    id = item.id,
                    to = %mask(&item.address),
                    provider,
                    provider_id = %accepted.provider_id,
                    attempt = item.attempts,
                    "outbox: sent"
                );
                Ok(Outcome::Sent)
            }
            Err(SendError::Retry { reason, after }) => {
                if self.gave_up(&item, &reason, now).await? {
                    return Ok(Outcome::Failed);
                }
                let wait = after
                    .map(|d| i64::try_from(d.as_secs()).unwrap_or(MAX_RETRY_AFTER_SECS))
                    .map(|s| s.clamp(1, MAX_RETRY_AFTER_SECS))
                    .unwrap_or_else(|| backoff_secs(item.attempts));
                let next = now.plus_secs(wait);
                self.record(
                    &item,
                    &Record::Retry {
                        error: &reason,
                        next,
                    },
                    now,
                )
                .await?;
                crate::metrics::OUTBOX_RETRIED.inc();
                tracing::warn!(
                    id = item.id,
                    to = %mask(&item.address),
                    attempt = item.attempts,
                    retry_in_secs = wait,
                    reason = %reason,
                    "outbox: temporary failure"
                );
                Ok(Outcome::Retry)
            }
            Err(SendError::Unknown { reason }) => {
                if self.gave_up(&item, &reason, now).await? {
                    return Ok(Outcome::Failed);
                }
                // The provider may have it. Queued again, it would be sent
                // blind; left claimed, it goes stale, and the worker that
                // takes it over asks the provider first.
                crate::metrics::OUTBOX_RETRIED.inc();
                tracing::warn!(
                    id = item.id,
                    to = %mask(&item.address),
                    attempt = item.attempts,
                    reason = %reason,
                    "outbox: no answer from the provider; it is asked whether it has the \
                     message once the claim goes stale"
                );
                Ok(Outcome::Retry)
            }
            Err(SendError::Permanent { reason, opted_out }) => {
                self.fail(&item, &reason, opted_out, now).await?;
                Ok(Outcome::Failed)
            }
        }
    }

    /// A message taken over from a stale claim: did the provider accept it
    /// from the worker that held that claim? `Some` when that settles what
    /// happens to the message now (it was, or the provider cannot say yet);
    /// `None` to go on and send it.
    async fn reconcile(
        &self,
        item: &OutboxItem,
        stale_claim: Timestamp,
    ) -> Result<Option<Outcome>, StoreError> {
        // Every claim since the message's last recorded outcome came at or
        // after `next_attempt_at` (a queued row is claimed once due, and
        // taking over a stale claim leaves it alone), so asking from there
        // also covers a chain of workers that each died in turn, not only
        // the last one.
        let since = item.next_attempt_at.min(stale_claim);
        let provider = self.sender.name();
        let mut message = outgoing(item);
        if self.whatsapp.is_some() {
            let mut tx = self.store.begin().await?;
            let facts = tx.whatsapp().route_facts(item.id).await?;
            tx.commit().await?;
            if let Some(crate::store::whatsapp::Route::Template {
                content_sid,
                variables,
            }) = facts.and_then(|f| f.decided)
            {
                message.template = Some(super::Template {
                    content_sid,
                    variables,
                });
            }
        }
        let found = match self
            .sender
            .already_sent(&message, since)
            .await
            .map_err(SendError::without_numbers)
        {
            Ok(found) => found,
            Err(SendError::Retry { reason, .. } | SendError::Unknown { reason }) => {
                let reason = format!("cannot tell whether it was sent before: {reason}");
                if self.gave_up(item, &reason, self.clock.now()).await? {
                    return Ok(Some(Outcome::Failed));
                }
                // Not sent blind, and not queued again either (that would
                // forget that the provider must be asked): the claim is left
                // to go stale, and whoever takes it over asks again.
                crate::metrics::OUTBOX_RETRIED.inc();
                tracing::warn!(
                    id = item.id,
                    to = %mask(&item.address),
                    provider,
                    attempt = item.attempts,
                    reason = %reason,
                    "outbox: taken over from a stale claim, and the provider cannot say \
                     yet whether it has it; asking again later"
                );
                return Ok(Some(Outcome::Retry));
            }
            Err(SendError::Permanent { reason, .. }) => {
                tracing::warn!(
                    id = item.id,
                    to = %mask(&item.address),
                    provider,
                    reason = %reason,
                    "outbox: taken over from a stale claim, and the provider cannot look \
                     messages up; sending again (it may arrive twice)"
                );
                return Ok(None);
            }
        };
        if found.is_empty() {
            tracing::info!(
                id = item.id,
                to = %mask(&item.address),
                provider,
                "outbox: taken over from a stale claim; the provider has no earlier copy"
            );
            return Ok(None);
        }
        // One transaction: the claim is still ours, and the copy is not
        // another message's (two identical texts to one person are two
        // messages).
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if tx
            .check_claim(item.id, &self.id, item.attempts, now)
            .await?
            == ClaimCheck::Lost
        {
            tx.commit().await?;
            return Ok(Some(Outcome::Lost));
        }
        let mut copy = None;
        for accepted in found {
            if !tx
                .provider_id_taken(provider, &accepted.provider_id)
                .await?
            {
                copy = Some(accepted);
                break;
            }
        }
        let Some(accepted) = copy else {
            tx.commit().await?;
            tracing::info!(
                id = item.id,
                to = %mask(&item.address),
                provider,
                "outbox: taken over from a stale claim; the provider's copies are other \
                 messages'"
            );
            return Ok(None);
        };
        self.apply(&mut *tx, item, &self.sent(item, &accepted.provider_id), now)
            .await?;
        tx.commit().await?;
        crate::metrics::OUTBOX_SENT.inc();
        tracing::info!(
            id = item.id,
            to = %mask(&item.address),
            provider,
            provider_id = %accepted.provider_id,
            attempt = item.attempts,
            "outbox: the provider accepted it before the claim went stale; recorded as \
             sent, not sent again"
        );
        Ok(Some(Outcome::Sent))
    }

    /// What is recorded for a message the provider accepted.
    fn sent<'a>(&self, item: &OutboxItem, provider_id: &'a str) -> Record<'a> {
        let info = (self.channel == Channel::Sms).then(|| segments::count(&item.text));
        Record::Sent {
            provider: self.sender.name(),
            provider_id,
            segments: info.map(|i| u32::try_from(i.segments).unwrap_or(u32::MAX)),
            encoding: info.map(|i| i.encoding.as_str()),
        }
    }

    /// After the last allowed attempt, records the message as failed
    /// ("gave up after N attempts: …") and says so.
    async fn gave_up(
        &self,
        item: &OutboxItem,
        reason: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        if item.attempts < self.max_attempts {
            return Ok(false);
        }
        let why = format!("gave up after {} attempts: {reason}", item.attempts);
        self.fail(item, &why, false, now).await?;
        Ok(true)
    }

    /// A WhatsApp message that goes by SMS instead: handed to the SMS
    /// worker (the same row, so its dedupe key and fan-out stay).
    async fn reroute(
        &self,
        item: &OutboxItem,
        text: &str,
        now: Timestamp,
    ) -> Result<Outcome, StoreError> {
        let mut tx = self.store.begin().await?;
        let moved = tx
            .whatsapp()
            .reroute_to_sms(item.id, &self.id, item.attempts, text, now)
            .await?;
        tx.commit().await?;
        if !moved {
            return Ok(Outcome::Lost);
        }
        nudge(&self.wake);
        tracing::info!(
            id = item.id,
            to = %mask(&item.address),
            "outbox: outside WhatsApp's window, no template; sent by SMS instead"
        );
        Ok(Outcome::Rerouted)
    }

    async fn cancel(&self, item: &OutboxItem, now: Timestamp) -> Result<Outcome, StoreError> {
        let mut tx = self.store.begin().await?;
        tx.mark_cancelled(item.id, "opted out", now).await?;
        tx.commit().await?;
        crate::metrics::OUTBOX_CANCELLED.inc();
        tracing::debug!(id = item.id, "outbox: opted out, cancelled");
        Ok(Outcome::Cancelled)
    }

    async fn fail(
        &self,
        item: &OutboxItem,
        reason: &str,
        opted_out: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.record(
            item,
            &Record::Failed {
                error: reason,
                opted_out,
            },
            now,
        )
        .await?;
        crate::metrics::OUTBOX_FAILED.inc();
        tracing::warn!(
            id = item.id,
            to = %mask(&item.address),
            attempt = item.attempts,
            opted_out,
            reason = %reason,
            "outbox: failed"
        );
        Ok(())
    }

    /// Records what the provider said, retrying for a few seconds if the
    /// database is unwell: the provider has acted, and a lost write would
    /// leave the claim to go stale and the message to be sent again.
    async fn record(
        &self,
        item: &OutboxItem,
        record: &Record<'_>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut delay = Duration::from_millis(100);
        let mut tries = 0;
        loop {
            tries += 1;
            match self.write(item, record, now).await {
                Ok(()) => return Ok(()),
                Err(e) if tries < RECORD_TRIES => {
                    tracing::warn!(id = item.id, error = %e, "outbox: cannot record the outcome yet; trying again");
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                }
                Err(e) => {
                    tracing::error!(id = item.id, error = %e, "outbox: cannot record the outcome");
                    return Err(e);
                }
            }
        }
    }

    async fn write(
        &self,
        item: &OutboxItem,
        record: &Record<'_>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.store.begin().await?;
        self.apply(&mut *tx, item, record, now).await?;
        tx.commit().await
    }

    /// The writes for one outcome, inside the caller's transaction.
    async fn apply(
        &self,
        tx: &mut dyn Tx,
        item: &OutboxItem,
        record: &Record<'_>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        match *record {
            Record::Sent {
                provider,
                provider_id,
                segments,
                encoding,
            } => {
                tx.mark_sent(item.id, provider, provider_id, segments, encoding, now)
                    .await?;
                // Direct replies were logged with the step that produced
                // them; notices are logged when they go.
                if item.kind == OutboundKind::Notice {
                    tx.log_message(item.person, Direction::Out, item.channel, &item.text, now)
                        .await?;
                }
            }
            Record::Retry { error, next } => tx.mark_retry(item.id, error, next).await?,
            Record::Failed { error, opted_out } => {
                tx.mark_failed(item.id, error, now).await?;
                if opted_out {
                    // The carrier says they unsubscribed: nothing else
                    // queued for them goes either.
                    tx.opt_out_address(item.channel.identity_kind(), &item.address, now)
                        .await?;
                }
            }
        }
        Ok(())
    }
}

/// The message as the provider gets it.
fn outgoing(item: &OutboxItem) -> Outgoing {
    Outgoing {
        id: item.id,
        to: item.address.clone(),
        text: item.text.clone(),
        template: None,
    }
}

/// The write that follows a send.
enum Record<'a> {
    Sent {
        provider: &'static str,
        provider_id: &'a str,
        segments: Option<u32>,
        encoding: Option<&'static str>,
    },
    Retry {
        error: &'a str,
        next: Timestamp,
    },
    Failed {
        error: &'a str,
        opted_out: bool,
    },
}
