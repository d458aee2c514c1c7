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

impl Gather {
    /// When the reply's last question can be answered with quick-reply
    /// buttons and `buttons` has a content for that many: queues the whole
    /// reply as direct replies (never delayed; the last one with its
    /// buttons, `ContentVariables` {"1": the question, then each button's
    /// title and payload: "2", "3", "4", "5"…}) and returns true. Keys
    /// `wa:<MessageSid>:<n>` make it idempotent.
    pub async fn queue_whatsapp_buttons(
        &self,
        to: &crate::domain::PhoneNumber,
        message_sid: &str,
        reply: &Reply,
        buttons: &std::collections::BTreeMap<usize, String>,
    ) -> Result<bool> {
        use crate::store::whatsapp::Route;
        use crate::store::{NewOutbound, OutboundKind};
        let rendered = crate::channels::whatsapp::rendered(
            self.engine.locales(),
            &reply.language,
            &reply.events,
        );
        let Some(last) = rendered.last() else {
            return Ok(false);
        };
        let Some(content_sid) = buttons.get(&last.buttons.len()) else {
            return Ok(false);
        };
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let identity = crate::domain::Identity::phone(to);
        let person = tx.person_by_identity(&identity).await?.map(|p| p.id);
        let mut queued = 0;
        for (n, r) in rendered.iter().enumerate() {
            let id = tx
                .enqueue(
                    &NewOutbound {
                        person,
                        channel: crate::domain::Channel::WhatsApp,
                        address: identity.address.clone(),
                        text: r.text.clone(),
                        kind: OutboundKind::Reply,
                        not_before: now,
                        dedupe_key: Some(format!("wa:{message_sid}:{n}")),
                    },
                    now,
                )
                .await?;
            let Some(id) = id else { continue };
            queued += 1;
            if reply.opt_out_exempt {
                tx.exempt_from_opt_out(id).await?;
            }
            if n + 1 == rendered.len() {
                let mut values = vec![r.question.clone()];
                for b in &r.buttons {
                    values.push(b.title.clone());
                    values.push(b.payload.clone());
                }
                let route = Route::Template {
                    content_sid: content_sid.clone(),
                    variables: crate::channels::whatsapp::content_variables(&values),
                };
                tx.whatsapp().save_route(id, &route, now).await?;
            }
        }
        tx.commit().await?;
        if queued > 0 {
            crate::outbox::nudge(&self.outbox_wake);
        }
        Ok(true)
    }
}
