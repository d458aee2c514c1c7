//! The outbox on SQLite ([`crate::store::outbox`]). Every write transaction
//! holds SQLite's one write lock (`BEGIN IMMEDIATE`), so two claimers are
//! simply serialised: the second sees the first's rows as `sending`.

use super::lite::Row as SqliteRow;
use super::{SqliteTx, corrupt, db, lite, to_u32};
use crate::domain::{Channel, IdentityKind, Timestamp};
use crate::store::outbox::{
    ClaimCheck, DeliveryStatus, DeliveryTarget, NewOutbound, OutboundKind, OutboxItem, OutboxRow,
    OutboxStatus, OutboxSummary,
};
use crate::store::{PersonId, Result, StoreError};

fn item_from_row(row: &SqliteRow) -> Result<OutboxItem> {
    let channel: String = row.try_get("channel").map_err(db)?;
    let kind: String = row.try_get("kind").map_err(db)?;
    Ok(OutboxItem {
        id: row.try_get("id").map_err(db)?,
        person: row.try_get("person_id").map_err(db)?,
        channel: Channel::parse(&channel).map_err(corrupt)?,
        address: row.try_get("address").map_err(db)?,
        text: row.try_get("text").map_err(db)?,
        kind: OutboundKind::parse(&kind)
            .ok_or_else(|| corrupt(format!("unknown outbound kind {kind:?}")))?,
        attempts: to_u32(row.try_get("attempts").map_err(db)?, "attempts")?,
        next_attempt_at: Timestamp(row.try_get("next_attempt_at").map_err(db)?),
        opted_out: row.try_get("opted_out").map_err(db)?,
        stale_claim: None,
    })
}

fn outbox_row_from(row: &SqliteRow) -> Result<OutboxRow> {
    let kind: String = row.try_get("kind").map_err(db)?;
    let status: String = row.try_get("status").map_err(db)?;
    let segments: Option<i64> = row.try_get("segments").map_err(db)?;
    let sent_at: Option<i64> = row.try_get("sent_at").map_err(db)?;
    Ok(OutboxRow {
        id: row.try_get("id").map_err(db)?,
        person: row.try_get("person_id").map_err(db)?,
        channel: row.try_get("channel").map_err(db)?,
        kind: OutboundKind::parse(&kind)
            .ok_or_else(|| corrupt(format!("unknown outbound kind {kind:?}")))?,
        status: OutboxStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("unknown outbox status {status:?}")))?,
        attempts: to_u32(row.try_get("attempts").map_err(db)?, "attempts")?,
        next_attempt_at: Timestamp(row.try_get("next_attempt_at").map_err(db)?),
        provider: row.try_get("provider").map_err(db)?,
        provider_id: row.try_get("provider_id").map_err(db)?,
        segments: segments.map(|s| to_u32(s, "segments")).transpose()?,
        encoding: row.try_get("encoding").map_err(db)?,
        last_error: row.try_get("last_error").map_err(db)?,
        sent_at: sent_at.map(Timestamp),
        delivery_status: row.try_get("delivery_status").map_err(db)?,
        error_code: row.try_get("error_code").map_err(db)?,
    })
}

impl SqliteTx {
    pub(super) async fn outbox_enqueue(
        &mut self,
        msg: &NewOutbound,
        now: Timestamp,
    ) -> Result<Option<i64>> {
        crate::store::outbox::validate(msg)?;
        let person = match msg.person {
            Some(id) => {
                self.require_person(id).await?;
                Some(id)
            }
            None => lite::query_scalar(
                "SELECT person_id FROM identities WHERE kind = ?1 AND address = ?2",
            )
            .bind(msg.channel.identity_kind().as_str())
            .bind(&msg.address)
            .fetch_optional(self.conn())
            .await
            .map_err(db)?,
        };
        lite::query_scalar(
            "INSERT INTO outbox (person_id, channel, address, text, kind, status, attempts, \
               next_attempt_at, dedupe_key, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', 0, ?6, ?7, ?8) \
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        )
        .bind(person)
        .bind(msg.channel.as_str())
        .bind(&msg.address)
        .bind(&msg.text)
        .bind(msg.kind.as_str())
        .bind(msg.not_before.millis())
        .bind(msg.dedupe_key.as_deref())
        .bind(now.millis())
        .fetch_optional(self.conn())
        .await
        .map_err(db)
    }

    pub(super) async fn outbox_claim(
        &mut self,
        channel: Channel,
        now: Timestamp,
        limit: u32,
        stale_after_ms: i64,
        worker: &str,
    ) -> Result<Vec<OutboxItem>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let stale_before = now.millis().saturating_sub(stale_after_ms.max(0));
        // SQLite's RETURNING sees a row as updated, so what the rows were
        // before (a stale claim, and its time) is read first; the write lock
        // this transaction holds keeps them as read until the UPDATE.
        let chosen: Vec<(i64, Option<i64>)> = lite::query_as(
            "SELECT id, CASE WHEN status = 'sending' THEN claimed_at END FROM outbox \
             WHERE channel = ?1 AND ( \
               (status = 'queued' AND next_attempt_at <= ?2) \
               OR (status = 'sending' AND claimed_at <= ?4)) \
             ORDER BY next_attempt_at, id LIMIT ?3",
        )
        .bind(channel.as_str())
        .bind(now.millis())
        .bind(i64::from(limit))
        .bind(stale_before)
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(&chosen.iter().map(|(id, _)| *id).collect::<Vec<_>>())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let stale: std::collections::HashMap<i64, i64> = chosen
            .iter()
            .filter_map(|(id, at)| at.map(|at| (*id, at)))
            .collect();
        let rows = lite::query(
            "UPDATE outbox SET status = 'sending', claimed_at = ?2, claimed_by = ?3, \
               attempts = attempts + 1 \
             WHERE id IN (SELECT value FROM json_each(?1)) \
             RETURNING id, person_id, channel, address, text, kind, attempts, next_attempt_at, \
               CASE WHEN opt_out_exempt = 1 THEN 0 ELSE \
                 COALESCE((SELECT p.opted_out FROM people p WHERE p.id = outbox.person_id), 0) \
               END AS opted_out",
        )
        .bind(ids)
        .bind(now.millis())
        .bind(worker)
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
        let mut items = rows
            .iter()
            .map(|row| {
                let mut item = item_from_row(row)?;
                item.stale_claim = stale.get(&item.id).copied().map(Timestamp);
                Ok(item)
            })
            .collect::<Result<Vec<_>>>()?;
        items.sort_by_key(|i| (i.next_attempt_at, i.id));
        Ok(items)
    }

    pub(super) async fn outbox_check_claim(
        &mut self,
        id: i64,
        worker: &str,
        attempts: u32,
        now: Timestamp,
    ) -> Result<ClaimCheck> {
        let opted_out: Option<bool> = lite::query_scalar(
            "UPDATE outbox SET claimed_at = ?4 \
             WHERE id = ?1 AND status = 'sending' AND claimed_by = ?2 AND attempts = ?3 \
             RETURNING CASE WHEN opt_out_exempt = 1 THEN 0 ELSE \
               COALESCE((SELECT p.opted_out FROM people p WHERE p.id = outbox.person_id), 0) END",
        )
        .bind(id)
        .bind(worker)
        .bind(i64::from(attempts))
        .bind(now.millis())
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        Ok(match opted_out {
            None => ClaimCheck::Lost,
            Some(true) => ClaimCheck::OptedOut,
            Some(false) => ClaimCheck::Send,
        })
    }

    pub(super) async fn outbox_mark_sent(
        &mut self,
        id: i64,
        provider: &str,
        provider_id: &str,
        segments: Option<u32>,
        encoding: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        let done = lite::query(
            "UPDATE outbox SET status = 'sent', provider = ?2, provider_id = ?3, segments = ?4, \
               encoding = ?5, sent_at = ?6, status_updated_at = ?6, claimed_at = NULL, \
               claimed_by = NULL, last_error = NULL \
             WHERE id = ?1 AND status <> 'sent'",
        )
        .bind(id)
        .bind(provider)
        .bind(provider_id)
        .bind(segments.map(i64::from))
        .bind(encoding)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Ok(());
        }
        // A report that overtook the send.
        let report = lite::query(
            "SELECT status, error_code, updated_at FROM delivery_reports \
             WHERE provider = ?1 AND provider_id = ?2",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        if let Some(report) = report {
            let status: String = report.try_get(0).map_err(db)?;
            let error_code: Option<String> = report.try_get(1).map_err(db)?;
            let updated_at: i64 = report.try_get(2).map_err(db)?;
            lite::query(
                "UPDATE outbox SET delivery_status = ?2, error_code = ?3, \
                   status_updated_at = MAX(status_updated_at, ?4) WHERE id = ?1",
            )
            .bind(id)
            .bind(status)
            .bind(error_code)
            .bind(updated_at)
            .execute(self.conn())
            .await
            .map_err(db)?;
        }
        Ok(())
    }

    /// Whether some outbox row already carries this provider id.
    pub(super) async fn outbox_provider_id_taken(
        &mut self,
        provider: &str,
        provider_id: &str,
    ) -> Result<bool> {
        lite::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE provider = ?1 AND provider_id = ?2)",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_one(self.conn())
        .await
        .map_err(db)
    }

    pub(super) async fn outbox_mark_retry(
        &mut self,
        id: i64,
        error: &str,
        next_attempt_at: Timestamp,
    ) -> Result<()> {
        lite::query(
            "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, last_error = ?3, \
               claimed_at = NULL, claimed_by = NULL \
             WHERE id = ?1 AND status = 'sending'",
        )
        .bind(id)
        .bind(next_attempt_at.millis())
        .bind(error)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    pub(super) async fn outbox_mark_deferred(&mut self, id: i64, until: Timestamp) -> Result<()> {
        lite::query(
            "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, \
               attempts = MAX(attempts - 1, 0), claimed_at = NULL, claimed_by = NULL \
             WHERE id = ?1 AND status = 'sending'",
        )
        .bind(id)
        .bind(until.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    /// Failed or cancelled: from the queue or from a claim.
    pub(super) async fn outbox_finish(
        &mut self,
        id: i64,
        status: OutboxStatus,
        reason: &str,
        now: Timestamp,
    ) -> Result<()> {
        lite::query(
            "UPDATE outbox SET status = ?2, last_error = ?3, status_updated_at = ?4, \
               claimed_at = NULL, claimed_by = NULL \
             WHERE id = ?1 AND status IN ('queued', 'sending')",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(reason)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    pub(super) async fn outbox_record_delivery(
        &mut self,
        provider: &str,
        provider_id: &str,
        status: DeliveryStatus,
        error_code: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<DeliveryTarget>> {
        let inserted = lite::query(
            "INSERT INTO delivery_reports (provider, provider_id, status, error_code, \
               received_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) \
             ON CONFLICT (provider, provider_id) DO NOTHING",
        )
        .bind(provider)
        .bind(provider_id)
        .bind(status.as_str())
        .bind(error_code)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?
        .rows_affected()
            == 1;
        let mut changed = inserted;
        if !inserted {
            let current: String = lite::query_scalar(
                "SELECT status FROM delivery_reports WHERE provider = ?1 AND provider_id = ?2",
            )
            .bind(provider)
            .bind(provider_id)
            .fetch_one(self.conn())
            .await
            .map_err(db)?;
            // An unknown stored word (a newer Gather wrote it) is not
            // overwritten.
            if DeliveryStatus::parse(&current).is_some_and(|c| status.supersedes(c)) {
                lite::query(
                    "UPDATE delivery_reports SET status = ?3, \
                       error_code = COALESCE(?4, error_code), updated_at = ?5 \
                     WHERE provider = ?1 AND provider_id = ?2",
                )
                .bind(provider)
                .bind(provider_id)
                .bind(status.as_str())
                .bind(error_code)
                .bind(now.millis())
                .execute(self.conn())
                .await
                .map_err(db)?;
                changed = true;
            }
        }
        if changed {
            lite::query(
                "UPDATE outbox SET (delivery_status, error_code, status_updated_at) = \
                   (SELECT r.status, r.error_code, r.updated_at FROM delivery_reports r \
                    WHERE r.provider = ?1 AND r.provider_id = ?2) \
                 WHERE provider = ?1 AND provider_id = ?2",
            )
            .bind(provider)
            .bind(provider_id)
            .execute(self.conn())
            .await
            .map_err(db)?;
        }
        let row = lite::query(
            "SELECT id, person_id, address FROM outbox WHERE provider = ?1 AND provider_id = ?2",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        row.map(|r| {
            Ok(DeliveryTarget {
                outbox_id: r.try_get(0).map_err(db)?,
                person: r.try_get(1).map_err(db)?,
                address: r.try_get(2).map_err(db)?,
            })
        })
        .transpose()
    }

    pub(super) async fn outbox_opt_out_address(
        &mut self,
        kind: IdentityKind,
        address: &str,
        now: Timestamp,
    ) -> Result<Option<PersonId>> {
        lite::query_scalar(
            "UPDATE people SET opted_out = 1, opted_out_at = COALESCE(opted_out_at, ?3) \
             WHERE id = (SELECT person_id FROM identities WHERE kind = ?1 AND address = ?2) \
             RETURNING id",
        )
        .bind(kind.as_str())
        .bind(address)
        .bind(now.millis())
        .fetch_optional(self.conn())
        .await
        .map_err(db)
    }

    pub(super) async fn outbox_person_address(
        &mut self,
        person: PersonId,
        kind: IdentityKind,
    ) -> Result<Option<String>> {
        lite::query_scalar(
            "SELECT address FROM identities WHERE person_id = ?1 AND kind = ?2 \
             ORDER BY created_at, address LIMIT 1",
        )
        .bind(person)
        .bind(kind.as_str())
        .fetch_optional(self.conn())
        .await
        .map_err(db)
    }

    pub(super) async fn outbox_row_by_id(&mut self, id: i64) -> Result<Option<OutboxRow>> {
        let row = lite::query(
            "SELECT id, person_id, channel, kind, status, attempts, next_attempt_at, provider, \
               provider_id, segments, encoding, last_error, sent_at, delivery_status, error_code \
             FROM outbox WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        row.as_ref().map(outbox_row_from).transpose()
    }

    pub(super) async fn outbox_summary_counts(&mut self) -> Result<OutboxSummary> {
        let mut summary = OutboxSummary::default();
        let by_status: Vec<(String, i64)> =
            lite::query_as("SELECT status, COUNT(*) FROM outbox GROUP BY status")
                .fetch_all(self.conn())
                .await
                .map_err(db)?;
        for (status, n) in by_status {
            let status = OutboxStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown outbox status {status:?}")))?;
            summary.add(status, n);
        }
        summary.delivery = lite::query_as(
            "SELECT COALESCE(delivery_status, 'unknown') AS s, COUNT(*) FROM outbox \
             WHERE status = 'sent' GROUP BY s ORDER BY s",
        )
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
        let oldest: Option<i64> =
            lite::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'queued'")
                .fetch_one(self.conn())
                .await
                .map_err(db)?;
        summary.oldest_due = oldest.map(Timestamp);
        Ok(summary)
    }
}
