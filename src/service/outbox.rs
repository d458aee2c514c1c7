//! Queueing messages for the outbox, and what providers report back.

use super::{Gather, Result, ServiceError};
use crate::domain::{Channel, Identity, Timestamp};
use crate::store::{DeliveryStatus, NewOutbound, OutboundKind, OutboxSummary, PersonId};

/// What a delivery report changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecorded {
    /// The report matched a message we have sent (else it is kept for when
    /// the send is recorded).
    pub known: bool,
    /// The person opted out because the carrier said they unsubscribed.
    pub opted_out: Option<PersonId>,
}

impl Gather {
    /// Queues `text` for `person` on `channel` (to their address of that
    /// kind). `None` if `dedupe_key` was queued before.
    pub async fn queue_notice(
        &self,
        person: PersonId,
        channel: Channel,
        text: &str,
        dedupe_key: Option<String>,
    ) -> Result<Option<i64>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let address = tx
            .person_address(person, channel.identity_kind())
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "person {person} has no {} address",
                    channel.identity_kind().as_str()
                ))
            })?;
        let id = tx
            .enqueue(
                &NewOutbound {
                    person: Some(person),
                    channel,
                    address,
                    text: text.to_string(),
                    kind: OutboundKind::Notice,
                    not_before: now,
                    dedupe_key,
                },
                now,
            )
            .await?;
        tx.commit().await?;
        crate::outbox::nudge(&self.outbox_wake);
        Ok(id)
    }

    /// Queues `text` for an address (a phone number on SMS), whoever it
    /// belongs to: `gather send`. A notice waits for quiet hours to end; a
    /// reply does not.
    pub async fn queue_to(
        &self,
        channel: Channel,
        to: &Identity,
        text: &str,
        kind: OutboundKind,
        not_before: Option<Timestamp>,
    ) -> Result<i64> {
        if to.kind != channel.identity_kind() {
            return Err(ServiceError::Invalid(format!(
                "a {} address cannot be reached on {channel}",
                to.kind.as_str()
            )));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let id = tx
            .enqueue(
                &NewOutbound {
                    person: None,
                    channel,
                    address: to.address.clone(),
                    text: text.to_string(),
                    kind,
                    not_before: not_before.unwrap_or(now),
                    dedupe_key: None,
                },
                now,
            )
            .await?
            .ok_or_else(|| {
                ServiceError::Internal("a message without a dedupe key was deduplicated".into())
            })?;
        tx.commit().await?;
        crate::outbox::nudge(&self.outbox_wake);
        Ok(id)
    }

    /// Records a provider's delivery report (idempotent; statuses only move
    /// forward). `unsubscribed` — the carrier says the recipient opted out
    /// (Twilio's error 21610) — opts out the person the message went to,
    /// found by the message or else by `to`.
    pub async fn record_delivery(
        &self,
        provider: &str,
        provider_id: &str,
        status: DeliveryStatus,
        error_code: Option<&str>,
        unsubscribed: bool,
        to: Option<&Identity>,
    ) -> Result<DeliveryRecorded> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let target = tx
            .record_delivery_status(provider, provider_id, status, error_code, now)
            .await?;
        let mut opted_out = None;
        if unsubscribed {
            opted_out = match (target.as_ref().and_then(|t| t.person), to) {
                (Some(person), _) => {
                    tx.set_opted_out(person, true, now).await?;
                    Some(person)
                }
                (None, Some(identity)) => {
                    tx.opt_out_address(identity.kind, &identity.address, now)
                        .await?
                }
                (None, None) => None,
            };
        }
        tx.commit().await?;
        crate::metrics::DELIVERY_REPORTS.inc();
        Ok(DeliveryRecorded {
            known: target.is_some(),
            opted_out,
        })
    }

    /// Counts by status, for `gather outbox status`.
    pub async fn outbox_summary(&self) -> Result<OutboxSummary> {
        let mut tx = self.store.begin().await?;
        let summary = tx.outbox_summary().await?;
        tx.commit().await?;
        Ok(summary)
    }
}
