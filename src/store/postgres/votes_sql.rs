//! One vote per identity per round, and what an opt-out stops, on
//! PostgreSQL (see `round_voters`, `server_secrets` and
//! `outbox.opt_out_exempt` in migration 9).

use super::{PgTx, corrupt};
use crate::domain::{Identity, IdentityKind, Timestamp};
use crate::store::{PersonId, Result, RoundId};

impl PgTx {
    pub(super) async fn server_secret_sql(
        &mut self,
        name: &str,
        candidate: &str,
        now: Timestamp,
    ) -> Result<String> {
        // Two instances starting at once: the second's insert waits for the
        // first's and does nothing; both read the first's secret.
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(self.conn())
            .await
            .map_err(|e| self.fail(e))
    }

    pub(super) async fn round_voted_sql(
        &mut self,
        round: RoundId,
        hashes: &[String],
    ) -> Result<bool> {
        if hashes.is_empty() {
            return Ok(false);
        }
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM round_voters WHERE round_id = $1 \
               AND identity_hash = ANY($2))",
        )
        .bind(round)
        .bind(hashes)
        .fetch_one(self.conn())
        .await
        .map_err(|e| self.fail(e))
    }

    pub(super) async fn add_round_voters_sql(
        &mut self,
        round: RoundId,
        hashes: &[String],
    ) -> Result<()> {
        if hashes.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO round_voters (round_id, identity_hash) \
             SELECT $1, h FROM UNNEST($2::text[]) AS h ON CONFLICT DO NOTHING",
        )
        .bind(round)
        .bind(hashes)
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    pub(super) async fn identities_of_sql(&mut self, person: PersonId) -> Result<Vec<Identity>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT kind, address FROM identities WHERE person_id = $1 ORDER BY kind, address",
        )
        .bind(person)
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        rows.into_iter()
            .map(|(kind, address)| {
                let kind = IdentityKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("unknown identity kind {kind:?}")))?;
                Ok(Identity { kind, address })
            })
            .collect()
    }

    pub(super) async fn ballot_rounds_sql(&mut self, person: PersonId) -> Result<Vec<RoundId>> {
        sqlx::query_scalar("SELECT round_id FROM ballots WHERE person_id = $1 ORDER BY round_id")
            .bind(person)
            .fetch_all(self.conn())
            .await
            .map_err(|e| self.fail(e))
    }

    pub(super) async fn exempt_from_opt_out_sql(&mut self, id: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET opt_out_exempt = true WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// The person has just opted out: messages queued to any of their
    /// addresses before the address was theirs (no person on the row)
    /// become theirs, so the opt-out re-check at the claim and just before
    /// the send stops them like every other message to them.
    pub(super) async fn adopt_queued_for(&mut self, person: PersonId) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET person_id = $1 \
             WHERE person_id IS NULL AND status IN ('queued', 'sending') \
               AND address IN (SELECT address FROM identities WHERE person_id = $1)",
        )
        .bind(person)
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }
}
