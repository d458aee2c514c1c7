//! The outbox on PostgreSQL ([`crate::store::outbox`]); the semantics of
//! `sqlite/outbox_sql.rs`. Claims use `FOR UPDATE SKIP LOCKED`, so workers
//! on several instances take disjoint rows without waiting for each other.

use super::{PgTx, corrupt, db, to_u32};
use crate::domain::{Channel, IdentityKind, Timestamp};
use crate::store::outbox::{
    ClaimCheck, DeliveryStatus, DeliveryTarget, NewOutbound, OutboundKind, OutboxItem, OutboxRow,
    OutboxStatus, OutboxSummary,
};
use crate::store::{PersonId, Result, StoreError};
use sqlx::Row;
use sqlx::postgres::PgRow;

fn item_from_row(row: &PgRow) -> Result<OutboxItem> {
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

fn outbox_row_from(row: &PgRow) -> Result<OutboxRow> {
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

impl PgTx {
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
            None => sqlx::query_scalar(
                "SELECT person_id FROM identities WHERE kind = $1 AND address = $2",
            )
            .bind(msg.channel.identity_kind().as_str())
            .bind(&msg.address)
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))?,
        };
        sqlx::query_scalar(
            "INSERT INTO outbox (person_id, channel, address, text, kind, status, attempts, \
               next_attempt_at, dedupe_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8) \
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
        .map_err(|e| self.fail(e))
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
        let rows = sqlx::query(
            // The CTE locks the chosen rows and skips rows another claimer
            // holds; once that one commits, its rows are `sending` with a
            // fresh claim and no longer match.
            // It also carries what each row was before: a stale claim, and
            // its time (RETURNING may name the CTE's columns).
            "WITH due AS ( \
               SELECT id, status AS was_status, claimed_at AS was_claimed_at \
               FROM outbox WHERE channel = $1 AND ( \
                 (status = 'queued' AND next_attempt_at <= $2) \
                 OR (status = 'sending' AND claimed_at <= $4)) \
               ORDER BY next_attempt_at, id LIMIT $3 \
               FOR UPDATE SKIP LOCKED) \
             UPDATE outbox SET status = 'sending', claimed_at = $2, claimed_by = $5, \
               attempts = outbox.attempts + 1 \
             FROM due WHERE outbox.id = due.id \
             RETURNING outbox.id, outbox.person_id, outbox.channel, outbox.address, \
               outbox.text, outbox.kind, outbox.attempts, outbox.next_attempt_at, \
               CASE WHEN outbox.opt_out_exempt THEN false ELSE \
                 COALESCE((SELECT p.opted_out FROM people p WHERE p.id = outbox.person_id), false) \
               END AS opted_out, \
               CASE WHEN due.was_status = 'sending' THEN due.was_claimed_at END AS stale_claim",
        )
        .bind(channel.as_str())
        .bind(now.millis())
        .bind(i64::from(limit))
        .bind(stale_before)
        .bind(worker)
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        let mut items = rows
            .iter()
            .map(|row| {
                let mut item = item_from_row(row)?;
                let stale: Option<i64> = row.try_get("stale_claim").map_err(db)?;
                item.stale_claim = stale.map(Timestamp);
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
        let opted_out: Option<bool> = sqlx::query_scalar(
            "UPDATE outbox SET claimed_at = $4 \
             WHERE id = $1 AND status = 'sending' AND claimed_by = $2 AND attempts = $3 \
             RETURNING CASE WHEN opt_out_exempt THEN false ELSE \
               COALESCE((SELECT p.opted_out FROM people p WHERE p.id = outbox.person_id), false) END",
        )
        .bind(id)
        .bind(worker)
        .bind(i64::from(attempts))
        .bind(now.millis())
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
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
        let done = sqlx::query(
            "UPDATE outbox SET status = 'sent', provider = $2, provider_id = $3, segments = $4, \
               encoding = $5, sent_at = $6, status_updated_at = $6, claimed_at = NULL, \
               claimed_by = NULL, last_error = NULL \
             WHERE id = $1 AND status <> 'sent'",
        )
        .bind(id)
        .bind(provider)
        .bind(provider_id)
        .bind(segments.map(i64::from))
        .bind(encoding)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            return Ok(());
        }
        // A report that overtook the send.
        let report = sqlx::query(
            "SELECT status, error_code, updated_at FROM delivery_reports \
             WHERE provider = $1 AND provider_id = $2",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        if let Some(report) = report {
            let status: String = report.try_get(0).map_err(db)?;
            let error_code: Option<String> = report.try_get(1).map_err(db)?;
            let updated_at: i64 = report.try_get(2).map_err(db)?;
            sqlx::query(
                "UPDATE outbox SET delivery_status = $2, error_code = $3, \
                   status_updated_at = GREATEST(status_updated_at, $4) WHERE id = $1",
            )
            .bind(id)
            .bind(status)
            .bind(error_code)
            .bind(updated_at)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    /// Whether some outbox row already carries this provider id.
    pub(super) async fn outbox_provider_id_taken(
        &mut self,
        provider: &str,
        provider_id: &str,
    ) -> Result<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE provider = $1 AND provider_id = $2)",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_one(self.conn())
        .await
        .map_err(|e| self.fail(e))
    }

    pub(super) async fn outbox_mark_retry(
        &mut self,
        id: i64,
        error: &str,
        next_attempt_at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'queued', next_attempt_at = $2, last_error = $3, \
               claimed_at = NULL, claimed_by = NULL \
             WHERE id = $1 AND status = 'sending'",
        )
        .bind(id)
        .bind(next_attempt_at.millis())
        .bind(error)
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    pub(super) async fn outbox_mark_deferred(&mut self, id: i64, until: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'queued', next_attempt_at = $2, \
               attempts = GREATEST(attempts - 1, 0), claimed_at = NULL, claimed_by = NULL \
             WHERE id = $1 AND status = 'sending'",
        )
        .bind(id)
        .bind(until.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
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
        sqlx::query(
            "UPDATE outbox SET status = $2, last_error = $3, status_updated_at = $4, \
               claimed_at = NULL, claimed_by = NULL \
             WHERE id = $1 AND status IN ('queued', 'sending')",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(reason)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
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
        let inserted = sqlx::query(
            "INSERT INTO delivery_reports (provider, provider_id, status, error_code, \
               received_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (provider, provider_id) DO NOTHING",
        )
        .bind(provider)
        .bind(provider_id)
        .bind(status.as_str())
        .bind(error_code)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?
        .rows_affected()
            == 1;
        let mut changed = inserted;
        if !inserted {
            let current: String = sqlx::query_scalar(
                "SELECT status FROM delivery_reports WHERE provider = $1 AND provider_id = $2 \
                 FOR UPDATE",
            )
            .bind(provider)
            .bind(provider_id)
            .fetch_one(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
            // (Locked: two callbacks for one message at once apply in turn.)
            // An unknown stored word (a newer Gather wrote it) is not
            // overwritten.
            if DeliveryStatus::parse(&current).is_some_and(|c| status.supersedes(c)) {
                sqlx::query(
                    "UPDATE delivery_reports SET status = $3, \
                       error_code = COALESCE($4, error_code), updated_at = $5 \
                     WHERE provider = $1 AND provider_id = $2",
                )
                .bind(provider)
                .bind(provider_id)
                .bind(status.as_str())
                .bind(error_code)
                .bind(now.millis())
                .execute(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
                changed = true;
            }
        }
        if changed {
            sqlx::query(
                "UPDATE outbox SET (delivery_status, error_code, status_updated_at) = \
                   (SELECT r.status, r.error_code, r.updated_at FROM delivery_reports r \
                    WHERE r.provider = $1 AND r.provider_id = $2) \
                 WHERE provider = $1 AND provider_id = $2",
            )
            .bind(provider)
            .bind(provider_id)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        }
        let row = sqlx::query(
            "SELECT id, person_id, address FROM outbox WHERE provider = $1 AND provider_id = $2",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
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
        sqlx::query_scalar(
            "UPDATE people SET opted_out = true, opted_out_at = COALESCE(opted_out_at, $3) \
             WHERE id = (SELECT person_id FROM identities WHERE kind = $1 AND address = $2) \
             RETURNING id",
        )
        .bind(kind.as_str())
        .bind(address)
        .bind(now.millis())
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))
    }

    pub(super) async fn outbox_person_address(
        &mut self,
        person: PersonId,
        kind: IdentityKind,
    ) -> Result<Option<String>> {
        sqlx::query_scalar(
            "SELECT address FROM identities WHERE person_id = $1 AND kind = $2 \
             ORDER BY created_at, address LIMIT 1",
        )
        .bind(person)
        .bind(kind.as_str())
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))
    }

    pub(super) async fn outbox_row_by_id(&mut self, id: i64) -> Result<Option<OutboxRow>> {
        let row = sqlx::query(
            "SELECT id, person_id, channel, kind, status, attempts, next_attempt_at, provider, \
               provider_id, segments, encoding, last_error, sent_at, delivery_status, error_code \
             FROM outbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        row.as_ref().map(outbox_row_from).transpose()
    }

    pub(super) async fn outbox_summary_counts(&mut self) -> Result<OutboxSummary> {
        let mut summary = OutboxSummary::default();
        let by_status: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM outbox GROUP BY status")
                .fetch_all(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        for (status, n) in by_status {
            let status = OutboxStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown outbox status {status:?}")))?;
            summary.add(status, n);
        }
        summary.delivery = sqlx::query_as(
            "SELECT COALESCE(delivery_status, 'unknown') AS s, COUNT(*) FROM outbox \
             WHERE status = 'sent' GROUP BY s ORDER BY s",
        )
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        let oldest: Option<i64> =
            sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'queued'")
                .fetch_one(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        summary.oldest_due = oldest.map(Timestamp);
        Ok(summary)
    }
}
