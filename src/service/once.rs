//! Admin API requests that are safe to retry (`Idempotency-Key`): the
//! first request's response is stored in the transaction that acts, so a
//! retry with the same key and body gets that response back and acts no
//! more; the same key with another body is refused. See
//! [`crate::store::guard`] for how long keys are kept.

use super::{Result, ServiceError};
use crate::domain::Timestamp;
use crate::store::Tx;
use crate::store::guard::IdempotencyClaim;

/// One request's idempotency key, as hashes (the key is scoped by the
/// caller to its token and route).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Once {
    pub key_hash: String,
    pub request_hash: String,
}

/// How a use case's result becomes the stored response (status and body).
pub type Render<'a, T> = &'a (dyn Fn(&T) -> (u16, String) + Send + Sync);

/// What a use case run with an idempotency key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done<T> {
    /// It acted (first request, or no key).
    Acted(T),
    /// A retry: the first request's stored response.
    Replayed { status: u16, body: String },
}

impl<T> Done<T> {
    /// The result of a call made without a key.
    pub fn acted(self) -> Result<T> {
        match self {
            Done::Acted(t) => Ok(t),
            Done::Replayed { .. } => Err(ServiceError::Internal(
                "a request without an idempotency key was replayed".into(),
            )),
        }
    }
}

/// Claims the key at the start of the transaction: `Some` with the stored
/// response for a retry, an error for a key reused with another body.
pub(super) async fn claim(
    tx: &mut dyn Tx,
    once: Option<&Once>,
    now: Timestamp,
) -> Result<Option<(u16, String)>> {
    let Some(once) = once else { return Ok(None) };
    match tx
        .claim_idempotency(&once.key_hash, &once.request_hash, now)
        .await?
    {
        IdempotencyClaim::Fresh => Ok(None),
        IdempotencyClaim::Replay { status, body } => Ok(Some((status, body))),
        IdempotencyClaim::Mismatch => Err(ServiceError::Invalid(
            "this Idempotency-Key was already used with a different request: \
             use a new key for a new request"
                .into(),
        )),
    }
}

/// Stores the response with the effect, before the commit.
pub(super) async fn finish<T>(
    tx: &mut dyn Tx,
    once: Option<(&Once, Render<'_, T>)>,
    value: &T,
) -> Result<()> {
    if let Some((once, render)) = once {
        let (status, body) = render(value);
        tx.finish_idempotency(&once.key_hash, status, &body).await?;
    }
    Ok(())
}
