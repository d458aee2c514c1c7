//! One vote per identity per round, also across FORGET.
//!
//! FORGET unlinks a person's ballots (they stay counted) and deletes their
//! identities, so the number that comes back is a new person with no
//! ballot. To keep "one vote per person per round", every identity of a
//! person who votes, and at FORGET every identity of the person for every
//! round they have a ballot in, is kept as a keyed hash in `round_voters`:
//! HMAC-SHA256 with the vote secret of `kind:address` (`phone:+44…`), so an
//! SMS and a call from one number are one identity. Without the secret the
//! number cannot be found from the hash; with it, a number can be tested
//! but not its vote (the hashes are not linked to ballots).
//!
//! The secret is the `vote_secret` setting (`GATHER_VOTE_SECRET`) or, when
//! that is unset, a random one made on first use and kept in the database
//! (`server_secrets`), so a single-machine install works as it is.

use super::{Gather, Result};
use crate::store::{PersonId, RoundId, Tx};
use hmac::{KeyInit, Mac};
use std::sync::Arc;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The name of the secret in `server_secrets`.
pub const SECRET_NAME: &str = "vote_secret";

/// The key identity hashes are made with. Never printed.
#[derive(Clone)]
pub struct VoteKey(Arc<Vec<u8>>);

impl std::fmt::Debug for VoteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoteKey([redacted])")
    }
}

impl VoteKey {
    pub fn new(secret: &[u8]) -> Self {
        VoteKey(Arc::new(secret.to_vec()))
    }

    /// The hash of one identity, as hex.
    pub fn hash(&self, identity: &crate::domain::Identity) -> String {
        // HMAC accepts keys of any length: this cannot fail.
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(identity.kind.as_str().as_bytes());
        mac.update(b":");
        mac.update(identity.address.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A fresh random secret, as hex.
fn random_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        super::ServiceError::Internal(format!("no randomness for the vote secret: {e}"))
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Gather {
    /// Uses `secret` (the `vote_secret` setting) for identity hashes instead
    /// of the one kept in the database. An empty secret is ignored.
    pub fn with_vote_secret(mut self, secret: &str) -> Self {
        if !secret.is_empty() {
            let cell = tokio::sync::OnceCell::new();
            let _ = cell.set(VoteKey::new(secret.as_bytes()));
            self.vote_key = Arc::new(cell);
        }
        self
    }

    /// The key: the configured secret, or the database's (made now if
    /// there is none yet).
    async fn vote_key(&self, tx: &mut dyn Tx) -> Result<VoteKey> {
        if let Some(k) = self.vote_key.get() {
            return Ok(k.clone());
        }
        let candidate = random_secret()?;
        let secret = tx
            .server_secret(SECRET_NAME, &candidate, self.clock.now())
            .await?;
        let key = VoteKey::new(secret.as_bytes());
        // Kept for next time only if it was stored before: a secret this
        // transaction stored is gone if it rolls back, and is read back on
        // the next call once committed.
        if secret != candidate {
            let _ = self.vote_key.set(key.clone());
        }
        Ok(key)
    }

    /// Reads (or makes and stores) the vote secret now, in its own
    /// transaction, unless one is configured: at start-up, so the first
    /// vote does not have to.
    pub async fn load_vote_key(&self) -> Result<()> {
        if self.vote_key.get().is_some() {
            return Ok(());
        }
        let mut tx = self.store.begin().await?;
        let candidate = random_secret()?;
        let secret = tx
            .server_secret(SECRET_NAME, &candidate, self.clock.now())
            .await?;
        tx.commit().await?;
        let _ = self.vote_key.set(VoteKey::new(secret.as_bytes()));
        Ok(())
    }

    /// The hashes of every identity of `person`.
    async fn identity_hashes(&self, tx: &mut dyn Tx, person: PersonId) -> Result<Vec<String>> {
        let identities = tx.identities_of(person).await?;
        if identities.is_empty() {
            return Ok(Vec::new());
        }
        let key = self.vote_key(tx).await?;
        Ok(identities.iter().map(|i| key.hash(i)).collect())
    }

    /// True when `person` has no ballot in `round` but one of their
    /// identities voted in it before (and was then forgotten): they may
    /// not vote again.
    pub(super) async fn voted_before(
        &self,
        tx: &mut dyn Tx,
        round: RoundId,
        person: PersonId,
    ) -> Result<bool> {
        if tx.ballot(round, person).await?.is_some() {
            return Ok(false);
        }
        let hashes = self.identity_hashes(tx, person).await?;
        Ok(tx.round_voted(round, &hashes).await?)
    }

    /// Keeps the hashes of `person`'s identities for `round`, where they
    /// have just voted.
    pub(super) async fn remember_voter(
        &self,
        tx: &mut dyn Tx,
        round: RoundId,
        person: PersonId,
    ) -> Result<()> {
        let hashes = self.identity_hashes(tx, person).await?;
        tx.add_round_voters(round, &hashes).await?;
        Ok(())
    }

    /// Before FORGET: the hashes of all of `person`'s identities (linked
    /// ones too) for every round they have a ballot in.
    pub(super) async fn remember_votes_before_forget(
        &self,
        tx: &mut dyn Tx,
        person: PersonId,
    ) -> Result<()> {
        let rounds = tx.ballot_rounds(person).await?;
        if rounds.is_empty() {
            return Ok(());
        }
        let hashes = self.identity_hashes(tx, person).await?;
        for round in rounds {
            tx.add_round_voters(round, &hashes).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Identity, IdentityKind};

    #[test]
    fn hashes_depend_on_the_key_and_the_identity_only() {
        let phone = Identity {
            kind: IdentityKind::Phone,
            address: "+447700900001".into(),
        };
        let a = VoteKey::new(b"one");
        let b = VoteKey::new(b"two");
        assert_eq!(a.hash(&phone), a.hash(&phone.clone()));
        assert_ne!(a.hash(&phone), b.hash(&phone));
        assert_eq!(a.hash(&phone).len(), 64);
        assert!(!a.hash(&phone).contains("7700900001"));
        let discord = Identity {
            kind: IdentityKind::Discord,
            address: "+447700900001".into(),
        };
        assert_ne!(a.hash(&phone), a.hash(&discord));
        assert_eq!(format!("{a:?}"), "VoteKey([redacted])");
    }
}
