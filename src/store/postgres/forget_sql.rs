//! FORGET's provider deletions and the LINK limits on PostgreSQL
//! ([`crate::store::forget`]).

use super::{PgTx, to_u32};
use crate::domain::Timestamp;
use crate::store::forget::{LINK_WINDOW_MS, RecordingDeletion};
use crate::store::{PersonId, Result};

impl PgTx {
    /// FORGET's steps beyond the person's own rows ([`crate::store::forget::FORGET_SQL`]).
    pub(super) async fn forget_elsewhere(&mut self, person: PersonId) -> Result<()> {
        for sql in crate::store::forget::FORGET_SQL {
            sqlx::query(*sql)
                .bind(person)
                .execute(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    pub(super) async fn link_requests_count(
        &mut self,
        target: &str,
        requester: &str,
        since: Timestamp,
    ) -> Result<(u32, u32)> {
        let (t, r): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM link_requests WHERE target = $1 AND created_at >= $3), \
                    (SELECT COUNT(*) FROM link_requests WHERE requester = $2 AND created_at >= $3)",
        )
        .bind(target)
        .bind(requester)
        .bind(since.millis())
        .fetch_one(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok((to_u32(t, "link requests")?, to_u32(r, "link requests")?))
    }

    pub(super) async fn link_request_add(
        &mut self,
        target: &str,
        requester: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.link_requests_prune(Timestamp(now.0 - LINK_WINDOW_MS))
            .await?;
        sqlx::query(
            "INSERT INTO link_requests (target, requester, created_at) VALUES ($1, $2, $3)",
        )
        .bind(target)
        .bind(requester)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    pub(super) async fn link_requests_prune(&mut self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM link_requests WHERE created_at < $1")
            .bind(before.millis())
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(done.rows_affected())
    }

    pub(super) async fn recording_deletions_due(
        &mut self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<RecordingDeletion>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, url, attempts FROM recording_deletions WHERE next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now.millis())
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        rows.into_iter()
            .map(|(id, url, attempts)| {
                Ok(RecordingDeletion {
                    id,
                    url,
                    attempts: to_u32(attempts, "attempts")?,
                })
            })
            .collect()
    }

    pub(super) async fn recording_deletion_finish(
        &mut self,
        id: i64,
        retry: Option<(Timestamp, &str)>,
    ) -> Result<()> {
        match retry {
            None => sqlx::query("DELETE FROM recording_deletions WHERE id = $1")
                .bind(id)
                .execute(self.conn())
                .await
                .map_err(|e| self.fail(e))?,
            Some((at, error)) => sqlx::query(
                "UPDATE recording_deletions SET attempts = attempts + 1, next_attempt_at = $2, \
                   last_error = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(at.millis())
            .bind(error)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?,
        };
        Ok(())
    }
}
