//! What is special about a WhatsApp message: a voice note can be an issue's
//! description, as a caller's recording is. The rest (the window, the
//! channel a person chose) is recorded with every turn in `inbound`.

use super::{Gather, InboundMessage, Reply, Result};
use crate::channels::whatsapp::Media;
use crate::engine::{Content, Conversation};

/// How an issue described by a WhatsApp voice note reads until a moderator
/// writes a summary; starts with [`super::voice::RECORDING_MARKER`] (so
/// /admin shows the player and asks for the summary), and has the four
/// words a description at the menu needs.
pub const VOICE_NOTE: &str = "[voice recording on WhatsApp]";

impl Gather {
    /// One WhatsApp message. A voice note (audio) is the answer
    /// [`VOICE_NOTE`]; taken as an issue's description, it is kept as that
    /// issue's recording-to-be (and becomes the recording, played
    /// on /admin, when the issue is raised); anywhere else it is not kept,
    /// and Twilio is asked to delete it. Other media are not kept either.
    pub async fn handle_whatsapp(&self, msg: InboundMessage, media: Media) -> Result<Reply> {
        let (msg, audio) = match media {
            // Keys, not text: nothing to detect a language or a
            // safeguarding phrase in.
            Media::Audio { url, content_type } => (
                InboundMessage {
                    content: Content::Keys(VOICE_NOTE.to_string()),
                    ..msg
                },
                Some((url, content_type)),
            ),
            Media::None | Media::Other => (msg, None),
        };
        let identity = msg.identity.clone();
        let reply = self.handle_inbound(msg).await?;
        if reply.duplicate {
            return Ok(reply);
        }
        if let Some((url, content_type)) = audio {
            let now = self.clock.now();
            let mut tx = self.store.begin().await?;
            let person = tx.person_by_identity(&identity).await?;
            let waiting = match &person {
                Some(p) => tx
                    .conversation(p.id)
                    .await?
                    .and_then(|j| serde_json::from_str::<Conversation>(&j).ok())
                    .and_then(|c| {
                        c.vars
                            .get("description")
                            .and_then(|v| v.as_str())
                            .map(|d| d == VOICE_NOTE)
                    })
                    .unwrap_or(false),
                None => false,
            };
            match person {
                Some(p) if waiting => {
                    tx.whatsapp()
                        .keep_voice_note(p.id, &url, &content_type, now)
                        .await?
                }
                _ => tx.whatsapp().delete_media(&url).await?,
            }
            tx.commit().await?;
        }
        Ok(reply)
    }
}
