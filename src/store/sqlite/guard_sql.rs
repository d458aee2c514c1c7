//! Idempotency keys, counters and organiser sessions on SQLite
//! ([`crate::store::guard`]).

use super::{SqliteTx, db, lite};
use crate::domain::Timestamp;
use crate::store::Result;
use crate::store::guard::{Counter, IDEMPOTENCY_KEEP_MS, IdempotencyClaim, SessionRow};

impl SqliteTx {
    pub(super) async fn idempotency_claim(
        &mut self,
        key_hash: &str,
        request_hash: &str,
        now: Timestamp,
    ) -> Result<IdempotencyClaim> {
        let expired = now.millis() - IDEMPOTENCY_KEEP_MS;
        lite::query("DELETE FROM idempotency_keys WHERE created_at < ?1")
            .bind(expired)
            .execute(self.conn())
            .await
            .map_err(db)?;
        let inserted = lite::query(
            "INSERT INTO idempotency_keys (key_hash, request_hash, created_at) \
             VALUES (?1, ?2, ?3) ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(key_hash)
        .bind(request_hash)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        if inserted.rows_affected() == 1 {
            return Ok(IdempotencyClaim::Fresh);
        }
        let row = lite::query(
            "SELECT request_hash, status, body FROM idempotency_keys WHERE key_hash = ?1",
        )
        .bind(key_hash)
        .fetch_one(self.conn())
        .await
        .map_err(db)?;
        let stored: String = row.try_get(0).map_err(db)?;
        let status: Option<i64> = row.try_get(1).map_err(db)?;
        let body: Option<String> = row.try_get(2).map_err(db)?;
        Ok(match (stored == request_hash, status, body) {
            (true, Some(s), Some(body)) => IdempotencyClaim::Replay {
                status: u16::try_from(s).unwrap_or(200),
                body,
            },
            _ => IdempotencyClaim::Mismatch,
        })
    }

    pub(super) async fn idempotency_finish(
        &mut self,
        key_hash: &str,
        status: u16,
        body: &str,
    ) -> Result<()> {
        lite::query("UPDATE idempotency_keys SET status = ?2, body = ?3 WHERE key_hash = ?1")
            .bind(key_hash)
            .bind(i64::from(status))
            .bind(body)
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(super) async fn counter_bump(
        &mut self,
        key: &str,
        now: Timestamp,
        window_ms: i64,
    ) -> Result<Counter> {
        let row = lite::query(
            "INSERT INTO rate_counters (key, window_start, count, locked_until) \
             VALUES (?1, ?2, 1, 0) ON CONFLICT (key) DO UPDATE SET \
             count = CASE WHEN rate_counters.window_start <= ?3 \
                       OR rate_counters.window_start > ?2 THEN 1 \
                     ELSE rate_counters.count + 1 END, \
             window_start = CASE WHEN rate_counters.window_start <= ?3 \
                       OR rate_counters.window_start > ?2 THEN ?2 \
                     ELSE rate_counters.window_start END \
             RETURNING window_start, count, locked_until",
        )
        .bind(key)
        .bind(now.millis())
        .bind(now.millis() - window_ms)
        .fetch_one(self.conn())
        .await
        .map_err(db)?;
        Ok(Counter {
            window_start: Timestamp(row.try_get(0).map_err(db)?),
            count: row.try_get(1).map_err(db)?,
            locked_until: Timestamp(row.try_get(2).map_err(db)?),
        })
    }

    pub(super) async fn counter_get(&mut self, key: &str) -> Result<Option<Counter>> {
        let row = lite::query(
            "SELECT window_start, count, locked_until FROM rate_counters WHERE key = ?1",
        )
        .bind(key)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Counter {
            window_start: Timestamp(row.try_get(0).map_err(db)?),
            count: row.try_get(1).map_err(db)?,
            locked_until: Timestamp(row.try_get(2).map_err(db)?),
        }))
    }

    pub(super) async fn counter_lock(&mut self, key: &str, until: Timestamp) -> Result<()> {
        lite::query("UPDATE rate_counters SET locked_until = ?2 WHERE key = ?1")
            .bind(key)
            .bind(until.millis())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(super) async fn counter_clear(&mut self, key: &str) -> Result<()> {
        lite::query("DELETE FROM rate_counters WHERE key = ?1")
            .bind(key)
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(super) async fn counters_sweep(
        &mut self,
        prefix: &str,
        before: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        lite::query(
            "DELETE FROM rate_counters WHERE substr(key, 1, length(?1)) = ?1 \
             AND window_start < ?2 AND locked_until <= ?3",
        )
        .bind(prefix)
        .bind(before.millis())
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    pub(super) async fn secret_get_or_put(&mut self, name: &str, fresh: &str) -> Result<String> {
        lite::query(
            "INSERT INTO instance_secrets (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .execute(self.conn())
        .await
        .map_err(db)?;
        lite::query_scalar("SELECT value FROM instance_secrets WHERE name = ?1")
            .bind(name)
            .fetch_one(self.conn())
            .await
            .map_err(db)
    }

    pub(super) async fn session_get(&mut self, id_hash: &str) -> Result<Option<SessionRow>> {
        let row = lite::query(
            "SELECT csrf, created_at, last_seen, data FROM organiser_sessions WHERE id_hash = ?1",
        )
        .bind(id_hash)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionRow {
            csrf: row.try_get(0).map_err(db)?,
            created_at: Timestamp(row.try_get(1).map_err(db)?),
            last_seen: Timestamp(row.try_get(2).map_err(db)?),
            data: row.try_get(3).map_err(db)?,
        }))
    }

    pub(super) async fn session_put(&mut self, id_hash: &str, s: &SessionRow) -> Result<()> {
        lite::query(
            "INSERT INTO organiser_sessions (id_hash, csrf, created_at, last_seen, data) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id_hash) DO UPDATE SET \
             csrf = excluded.csrf, created_at = excluded.created_at, \
             last_seen = excluded.last_seen, data = excluded.data",
        )
        .bind(id_hash)
        .bind(s.csrf.as_str())
        .bind(s.created_at.millis())
        .bind(s.last_seen.millis())
        .bind(s.data.as_str())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    pub(super) async fn session_delete(&mut self, id_hash: &str) -> Result<()> {
        lite::query("DELETE FROM organiser_sessions WHERE id_hash = ?1")
            .bind(id_hash)
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(super) async fn sessions_sweep(
        &mut self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> Result<()> {
        lite::query("DELETE FROM organiser_sessions WHERE last_seen < ?1 OR created_at < ?2")
            .bind(idle_before.millis())
            .bind(created_before.millis())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }
}
