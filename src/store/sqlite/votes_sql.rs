//! One vote per identity per round, and what an opt-out stops, on SQLite
//! (see `round_voters`, `server_secrets` and `outbox.opt_out_exempt` in
//! migration 9).

use super::{SqliteTx, corrupt, db, lite};
use crate::domain::{Identity, IdentityKind, Timestamp};
use crate::store::{PersonId, Result, RoundId, StoreError};

impl SqliteTx {
    pub(super) async fn server_secret_sql(
        &mut self,
        name: &str,
        candidate: &str,
        now: Timestamp,
    ) -> Result<String> {
        lite::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        lite::query_scalar("SELECT value FROM server_secrets WHERE name = ?1")
            .bind(name)
            .fetch_one(self.conn())
            .await
            .map_err(db)
    }

    pub(super) async fn round_voted_sql(
        &mut self,
        round: RoundId,
        hashes: &[String],
    ) -> Result<bool> {
        if hashes.is_empty() {
            return Ok(false);
        }
        let list = serde_json::to_string(hashes).map_err(|e| StoreError::Invalid(e.to_string()))?;
        lite::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM round_voters WHERE round_id = ?1 \
               AND identity_hash IN (SELECT value FROM json_each(?2)))",
        )
        .bind(round)
        .bind(list)
        .fetch_one(self.conn())
        .await
        .map_err(db)
    }

    pub(super) async fn add_round_voters_sql(
        &mut self,
        round: RoundId,
        hashes: &[String],
    ) -> Result<()> {
        for h in hashes {
            lite::query(
                "INSERT INTO round_voters (round_id, identity_hash) VALUES (?1, ?2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(round)
            .bind(h)
            .execute(self.conn())
            .await
            .map_err(db)?;
        }
        Ok(())
    }

    pub(super) async fn identities_of_sql(&mut self, person: PersonId) -> Result<Vec<Identity>> {
        let rows: Vec<(String, String)> = lite::query_as(
            "SELECT kind, address FROM identities WHERE person_id = ?1 ORDER BY kind, address",
        )
        .bind(person)
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
        rows.into_iter()
            .map(|(kind, address)| {
                let kind = IdentityKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("unknown identity kind {kind:?}")))?;
                Ok(Identity { kind, address })
            })
            .collect()
    }

    pub(super) async fn ballot_rounds_sql(&mut self, person: PersonId) -> Result<Vec<RoundId>> {
        lite::query_scalar("SELECT round_id FROM ballots WHERE person_id = ?1 ORDER BY round_id")
            .bind(person)
            .fetch_all(self.conn())
            .await
            .map_err(db)
    }

    pub(super) async fn exempt_from_opt_out_sql(&mut self, id: i64) -> Result<()> {
        lite::query("UPDATE outbox SET opt_out_exempt = 1 WHERE id = ?1")
            .bind(id)
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    /// The person has just opted out: messages queued to any of their
    /// addresses before the address was theirs (no person on the row)
    /// become theirs, so the opt-out re-check at the claim and just before
    /// the send stops them like every other message to them.
    pub(super) async fn adopt_queued_for(&mut self, person: PersonId) -> Result<()> {
        lite::query(
            "UPDATE outbox SET person_id = ?1 \
             WHERE person_id IS NULL AND status IN ('queued', 'sending') \
               AND address IN (SELECT address FROM identities WHERE person_id = ?1)",
        )
        .bind(person)
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }
}
