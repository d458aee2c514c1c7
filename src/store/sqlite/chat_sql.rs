//! Chat channel bookkeeping and LINK on SQLite ([`crate::store::chat`]).

use super::{SqliteTx, db, lite, to_u32};
use crate::domain::Timestamp;
use crate::store::chat::LinkCode;
use crate::store::{PersonId, Result};

impl SqliteTx {
    pub(super) async fn chat_state_get(&mut self, key: &str) -> Result<Option<String>> {
        lite::query_scalar("SELECT value FROM chat_state WHERE key = ?1")
            .bind(key)
            .fetch_optional(self.conn())
            .await
            .map_err(db)
    }

    pub(super) async fn chat_state_put(
        &mut self,
        key: &str,
        value: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        match value {
            Some(v) => lite::query(
                "INSERT INTO chat_state (key, value, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
                 updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(v)
            .bind(now.millis())
            .execute(self.conn())
            .await
            .map_err(db)?,
            None => lite::query("DELETE FROM chat_state WHERE key = ?1")
                .bind(key)
                .execute(self.conn())
                .await
                .map_err(db)?,
        };
        Ok(())
    }

    pub(super) async fn chat_state_list(&mut self, prefix: &str) -> Result<Vec<(String, String)>> {
        lite::query_as(
            "SELECT key, value FROM chat_state WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
        )
        .bind(prefix)
        .fetch_all(self.conn())
        .await
        .map_err(db)
    }

    pub(super) async fn link_code_get(&mut self, person: PersonId) -> Result<Option<LinkCode>> {
        let row = lite::query(
            "SELECT phone, code_hash, expires_at, tries FROM link_codes WHERE person_id = ?1",
        )
        .bind(person)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(LinkCode {
            person,
            phone: row.try_get(0).map_err(db)?,
            code_hash: row.try_get(1).map_err(db)?,
            expires_at: Timestamp(row.try_get(2).map_err(db)?),
            tries: to_u32(row.try_get(3).map_err(db)?, "tries")?,
        }))
    }

    pub(super) async fn link_code_put(
        &mut self,
        code: Option<&LinkCode>,
        person: PersonId,
        now: Timestamp,
    ) -> Result<()> {
        match code {
            Some(c) => lite::query(
                "INSERT INTO link_codes (person_id, phone, code_hash, expires_at, tries, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (person_id) DO UPDATE SET phone = excluded.phone, \
                 code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
                 tries = excluded.tries, created_at = excluded.created_at",
            )
            .bind(person)
            .bind(&c.phone)
            .bind(&c.code_hash)
            .bind(c.expires_at.millis())
            .bind(i64::from(c.tries))
            .bind(now.millis())
            .execute(self.conn())
            .await
            .map_err(db)?,
            None => lite::query("DELETE FROM link_codes WHERE person_id = ?1")
                .bind(person)
                .execute(self.conn())
                .await
                .map_err(db)?,
        };
        Ok(())
    }

    pub(super) async fn merge_people_sql(&mut self, from: PersonId, into: PersonId) -> Result<()> {
        for sql in super::super::chat::MERGE_SQL {
            lite::query(*sql)
                .bind(from)
                .bind(into)
                .execute(self.conn())
                .await
                .map_err(db)?;
        }
        Ok(())
    }
}
