//! A [`Sender`] for development and tests: it "sends" by writing a log line
//! (the number masked, the text's length only) and accepts everything.

use super::{Accepted, Outgoing, SendError, Sender};
use crate::domain::phone::mask;
use async_trait::async_trait;

#[derive(Debug, Clone, Default)]
pub struct ConsoleSender {
    /// The rate key (and what the log calls the sending number).
    pub from: String,
}

#[async_trait]
impl Sender for ConsoleSender {
    fn name(&self) -> &'static str {
        "console"
    }

    fn rate_key(&self) -> String {
        self.from.clone()
    }

    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        tracing::info!(
            id = msg.id,
            to = %mask(&msg.to),
            chars = msg.text.chars().count(),
            "console sender: message 'sent'"
        );
        Ok(Accepted {
            provider_id: format!("console-{}", msg.id),
        })
    }
}
