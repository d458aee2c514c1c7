//! Use cases shared by the HTTP server, the CLI and (later) the chat bots.
//! Each runs in one store transaction: all of it happens, or none of it.

mod chat;
mod inbound;
pub mod limit;
mod link;
pub mod once;
mod organiser;
mod outbox;
pub mod records;
pub mod voice;

pub use chat::ChatVote;
pub use inbound::{InboundMessage, Reply};
pub use organiser::{ResponseInput, ResponseRecorded, RoundInput};
pub use outbox::DeliveryRecorded;

use crate::clock::Clock;
use crate::engine::Engine;
use crate::store::{Store, StoreError};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => ServiceError::NotFound(m),
            StoreError::Invalid(m) => ServiceError::Invalid(m),
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            StoreError::Unavailable(m) => ServiceError::Unavailable(m),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// The application: store, engine and clock.
#[derive(Clone)]
pub struct Gather {
    pub store: Arc<dyn Store>,
    pub engine: Engine,
    pub clock: Arc<dyn Clock>,
    /// Rung whenever something is queued in the outbox, so an idle outbox
    /// worker in this process starts at once instead of at its next poll.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The per-sender inbound rate limit (see [`limit`]).
    pub inbound_limit: Arc<limit::InboundLimiter>,
}

impl Gather {
    pub fn new(store: Arc<dyn Store>, engine: Engine, clock: Arc<dyn Clock>) -> Self {
        Gather {
            store,
            engine,
            clock,
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            inbound_limit: Arc::new(limit::InboundLimiter::default()),
        }
    }

    /// The same application with `per_minute` messages a minute per
    /// sender (0: no limit).
    pub fn with_inbound_rate(mut self, per_minute: u32) -> Self {
        self.inbound_limit = Arc::new(limit::InboundLimiter::new(per_minute));
        self
    }

    /// The same application with the inbound limit counted in the store,
    /// shared by every instance on the database (PostgreSQL).
    pub fn with_shared_inbound_rate(mut self, per_minute: u32) -> Self {
        self.inbound_limit = Arc::new(limit::InboundLimiter::shared(per_minute));
        self
    }
}
