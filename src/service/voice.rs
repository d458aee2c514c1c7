//! Phone calls: the same conversations as SMS, one keypad press or recording
//! per turn. What is special about a call lives here: which turn starts it,
//! keeping a spoken issue's recording with the issue, and what a dropped
//! call leaves behind.

use super::{Gather, InboundMessage, Reply, Result, ServiceError};
use crate::domain::{Channel, Identity, IssueRef, PhoneNumber};
use crate::engine::{Content, Conversation, Event};
use crate::store::{NewIssue, VoiceCall};

/// The dedupe provider for a call's engine turns (`CallSid:seq`).
pub const VOICE_PROVIDER: &str = "twilio-voice";
/// The dedupe provider under which a turn's rendered answer is kept, so a
/// retried request gets exactly the same reply.
pub const VOICE_RENDERED: &str = "twilio-voice-rendered";
/// How a spoken issue's description starts until a moderator summarises it.
pub const RECORDING_MARKER: &str = "[voice recording";

/// What one request of a call brings.
#[derive(Debug, Clone)]
pub enum CallInput {
    /// The call was answered.
    Start,
    /// Keys pressed (already read for the engine: `*`, `0`, `9`, digits).
    Keys(String),
    /// A recording: an https URL and its length in seconds.
    Recording { url: String, secs: i64 },
}

impl CallInput {
    /// What a line typed for a call means (the simulator and transcripts):
    /// `[recording 14s]` is a recording, an empty line is silence (the
    /// question again), anything else keys, read as a real call reads its
    /// `Digits` for the question waiting (`mode`, see
    /// `twilio_voice::Wait::mode`). `None`: not keypad keys (a real call
    /// answers such a request 400).
    pub fn typed(sent: &str, mode: &str) -> Option<CallInput> {
        if let Some(secs) = sent
            .trim()
            .strip_prefix("[recording ")
            .and_then(|r| r.strip_suffix("s]"))
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| (1..=86_400).contains(n))
        {
            return Some(CallInput::Recording {
                url: format!("https://api.twilio.com/recordings/RE{secs:032}"),
                secs,
            });
        }
        if sent.trim().trim_end_matches('#').is_empty() {
            return Some(CallInput::Keys("*".into()));
        }
        crate::channels::twilio_voice::keys_for_engine(sent, mode).map(CallInput::Keys)
    }
}

/// The description of an issue raised by speaking.
pub fn recording_description(secs: i64) -> String {
    format!("{RECORDING_MARKER} {secs}s]")
}

/// Call statuses after which nothing more happens on the call.
pub fn is_final_status(status: &str) -> bool {
    matches!(
        status,
        "completed" | "no-answer" | "failed" | "busy" | "canceled"
    )
}

impl Gather {
    /// The language a caller hears: their stored one, else the default.
    pub async fn caller_language(&self, from: &PhoneNumber) -> Result<crate::domain::LanguageTag> {
        let locales = self.engine.locales();
        let mut tx = self.store.begin().await?;
        let person = tx.person_by_identity(&Identity::phone(from)).await?;
        Ok(person
            .map(|p| p.language)
            .filter(|l| locales.has_language(l))
            .unwrap_or_else(|| locales.default_language().clone()))
    }

    /// The answer already given to this request of a call, if any.
    pub async fn voice_rendered(&self, key: &str) -> Result<Option<String>> {
        let mut tx = self.store.begin().await?;
        Ok(tx.seen_inbound(VOICE_RENDERED, key).await?)
    }

    /// Keeps a request's rendered answer for its retries. A second copy (a
    /// retry that raced the first) is not an error.
    pub async fn remember_voice_rendered(&self, key: &str, rendered: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if tx.seen_inbound(VOICE_RENDERED, key).await?.is_some() {
            return Ok(());
        }
        tx.record_inbound(VOICE_RENDERED, key, None, rendered, self.clock.now())
            .await?;
        match tx.commit().await {
            Ok(()) | Err(crate::store::StoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// One request of a call: the engine turn (deduplicated by `key`), the
    /// recording kept with the call and, once the issue is raised, with the
    /// issue. A turn that ends its conversation goes on to the menu: a call
    /// never falls silent.
    pub async fn voice_turn(
        &self,
        call_sid: &str,
        from: &PhoneNumber,
        key: &str,
        input: CallInput,
    ) -> Result<Reply> {
        let identity = Identity::phone(from);
        let content = match &input {
            CallInput::Start => {
                let known = {
                    let mut tx = self.store.begin().await?;
                    tx.person_by_identity(&identity).await?.is_some()
                };
                // Language first: a new caller chooses it; a known caller
                // hears their own.
                Content::Keys(if known { "MENU" } else { "LANGUAGE" }.to_string())
            }
            CallInput::Keys(k) => Content::Keys(k.clone()),
            CallInput::Recording { url, secs } => {
                self.keep_recording(call_sid, &identity, url, *secs).await?;
                Content::Keys(recording_description(*secs))
            }
        };
        let mut reply = self
            .handle_inbound(InboundMessage {
                identity: identity.clone(),
                channel: Channel::Voice,
                content,
                provider_id: Some((VOICE_PROVIDER.to_string(), key.to_string())),
                language_hint: None,
            })
            .await?;
        if reply.duplicate {
            return Ok(reply);
        }
        for e in &reply.events {
            if let Event::IssueRaised {
                number,
                description,
                ..
            } = e
                && description.starts_with(RECORDING_MARKER)
            {
                self.attach_recording(call_sid, *number).await?;
            }
        }
        let waits = reply
            .events
            .iter()
            .any(|e| matches!(e, Event::Ask(_) | Event::Reask { .. }));
        let ends_call = reply
            .events
            .iter()
            .any(|e| matches!(e, Event::OptedOut | Event::Forgotten | Event::Error { .. }));
        if !waits && !ends_call {
            let more = self
                .handle_inbound(InboundMessage {
                    identity,
                    channel: Channel::Voice,
                    content: Content::Keys("MENU".into()),
                    provider_id: Some((VOICE_PROVIDER.to_string(), format!("{key}:menu"))),
                    language_hint: None,
                })
                .await?;
            reply.language = more.language;
            reply.messages.extend(more.messages);
            reply.events.extend(more.events);
        }
        self.touch_call(call_sid, from, "in-progress").await?;
        Ok(reply)
    }

    async fn keep_recording(
        &self,
        call_sid: &str,
        identity: &Identity,
        url: &str,
        secs: i64,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let person = tx.person_by_identity(identity).await?.map(|p| p.id);
        let mut call = tx.voice_call(call_sid).await?.unwrap_or(VoiceCall {
            call_sid: call_sid.to_string(),
            person_id: person,
            recording_url: None,
            recording_secs: None,
            issue_number: None,
            status: "in-progress".into(),
            updated_at: now,
        });
        // A new recording (the caller chose to say it again) replaces an
        // earlier one that did not become an issue.
        if call.issue_number.is_none() {
            call.recording_url = Some(url.to_string());
            call.recording_secs = Some(secs);
        }
        call.person_id = call.person_id.or(person);
        call.updated_at = now;
        tx.save_voice_call(&call).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn attach_recording(&self, call_sid: &str, number: u32) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let Some(mut call) = tx.voice_call(call_sid).await? else {
            return Ok(());
        };
        if let (Some(url), None) = (call.recording_url.clone(), call.issue_number) {
            tx.set_issue_recording(
                IssueRef::new(number),
                &url,
                call.recording_secs.unwrap_or(0),
            )
            .await?;
            call.issue_number = Some(number);
            call.updated_at = self.clock.now();
            tx.save_voice_call(&call).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn touch_call(&self, call_sid: &str, from: &PhoneNumber, status: &str) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let person = tx
            .person_by_identity(&Identity::phone(from))
            .await?
            .map(|p| p.id);
        let mut call = tx.voice_call(call_sid).await?.unwrap_or(VoiceCall {
            call_sid: call_sid.to_string(),
            person_id: person,
            recording_url: None,
            recording_secs: None,
            issue_number: None,
            status: status.to_string(),
            updated_at: now,
        });
        if !is_final_status(&call.status) {
            call.status = status.to_string();
        }
        call.person_id = call.person_id.or(person);
        call.updated_at = now;
        tx.save_voice_call(&call).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A call status callback. Recorded; when the call is over and the
    /// caller had recorded an issue but not confirmed it, the recording
    /// becomes a draft issue (status `new`, marked as a draft) for the
    /// moderators rather than being lost. Returns the draft's reference.
    /// A repeated callback changes nothing.
    pub async fn voice_status(
        &self,
        call_sid: &str,
        status: &str,
        from: Option<&PhoneNumber>,
    ) -> Result<Option<IssueRef>> {
        let mut last = None;
        for _ in 0..3 {
            match self.try_voice_status(call_sid, status, from).await {
                Err(ServiceError::Conflict(m)) => last = Some(ServiceError::Conflict(m)),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| ServiceError::Internal("retries exhausted".into())))
    }

    async fn try_voice_status(
        &self,
        call_sid: &str,
        status: &str,
        from: Option<&PhoneNumber>,
    ) -> Result<Option<IssueRef>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let person = match from {
            Some(f) => tx
                .person_by_identity(&Identity::phone(f))
                .await?
                .map(|p| p.id),
            None => None,
        };
        let mut call = tx.voice_call(call_sid).await?.unwrap_or(VoiceCall {
            call_sid: call_sid.to_string(),
            person_id: person,
            recording_url: None,
            recording_secs: None,
            issue_number: None,
            status: status.to_string(),
            updated_at: now,
        });
        call.status = status.to_string();
        call.person_id = call.person_id.or(person);
        call.updated_at = now;
        let mut draft = None;
        if is_final_status(status)
            && call.issue_number.is_none()
            && let (Some(url), Some(person_id)) = (call.recording_url.clone(), call.person_id)
        {
            // Only while the conversation still holds that recording
            // unconfirmed: a caller who cancelled it meant it.
            let waiting: Option<Conversation> = tx
                .conversation(person_id)
                .await?
                .and_then(|j| serde_json::from_str(&j).ok());
            let description = waiting.as_ref().and_then(|c| {
                c.vars
                    .get("description")
                    .and_then(|v| v.as_str())
                    .filter(|d| d.starts_with(RECORDING_MARKER))
                    .map(str::to_string)
            });
            if let (Some(description), Some(person)) = (description, tx.person(person_id).await?) {
                tx.lock_issue_numbers().await?;
                let number = tx.next_issue_number().await?;
                let text =
                    format!("{description} (draft: the call ended before the caller confirmed it)");
                tx.create_issue(&NewIssue {
                    number,
                    title: crate::engine::short_title(&text, 60),
                    description: text,
                    area: None,
                    involvement: None,
                    language: person.language.clone(),
                    channel: Channel::Voice,
                    raised_by: Some(person_id),
                    created_at: now,
                    safeguarding: false,
                })
                .await?;
                let r = IssueRef::new(number);
                tx.set_issue_recording(r, &url, call.recording_secs.unwrap_or(0))
                    .await?;
                tx.save_conversation(person_id, None, now).await?;
                call.issue_number = Some(number);
                draft = Some(r);
            }
        }
        tx.save_voice_call(&call).await?;
        tx.commit().await?;
        if draft.is_some() {
            crate::metrics::ISSUES_RAISED.inc();
        }
        Ok(draft)
    }
}
