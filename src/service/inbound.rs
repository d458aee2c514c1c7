//! One inbound message, end to end, in one transaction.

use super::{Gather, Result, ServiceError};
use crate::channels::render;
use crate::domain::{Channel, Identity, LanguageTag, Timestamp};
use crate::engine::{
    Analysis, Content, Conversation, Event, Input, Parts, PersonView, RoundView, SequentialIds,
    UpdateView, World,
};
use crate::store::{Direction, NewIssue, PersonId, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// A message from a person, whatever channel it came on.
#[derive(Debug, Clone)]
pub struct InboundMessage {
    pub identity: Identity,
    pub channel: Channel,
    pub content: Content,
    /// The provider and its id for this message (`twilio`, `SM…`), so a
    /// retried webhook is answered from the record and acts only once.
    pub provider_id: Option<(String, String)>,
    /// The language to give a person seen for the first time.
    pub language_hint: Option<LanguageTag>,
}

/// What to send back straight away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub language: LanguageTag,
    /// Rendered for the channel the message came on.
    pub messages: Vec<String>,
    /// True when this was a provider's retry of a message already handled.
    #[serde(default)]
    pub duplicate: bool,
    /// The engine's events (empty for a duplicate).
    #[serde(skip)]
    pub events: Vec<Event>,
}

const MAX_ATTEMPTS: usize = 5;

impl Gather {
    /// Handles one message: dedupe, person, conversation, engine, effects,
    /// log, reply. A provider's retry returns the first reply and changes
    /// nothing.
    pub async fn handle_inbound(&self, msg: InboundMessage) -> Result<Reply> {
        // Once per message, and before any write lock: the part of the turn
        // that needs nothing stored (language, safeguarding).
        let analysis = self.engine.analyse(&msg.content);
        let mut last = None;
        for _ in 0..MAX_ATTEMPTS {
            match self.try_inbound(&msg, &analysis).await {
                // Two new issues raced for one number: run the step again.
                Err(ServiceError::Conflict(m)) => last = Some(ServiceError::Conflict(m)),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| ServiceError::Internal("retries exhausted".into())))
    }

    async fn try_inbound(&self, msg: &InboundMessage, analysis: &Analysis) -> Result<Reply> {
        let now = self.clock.now();
        let input = Input {
            channel: msg.channel,
            content: msg.content.clone(),
            now,
        };
        let mut tx = self.store.begin().await?;
        if let Some((provider, id)) = &msg.provider_id
            && let Some(stored) = tx.seen_inbound(provider, id).await?
        {
            let mut reply: Reply = serde_json::from_str(&stored).unwrap_or(Reply {
                language: self.engine.locales().default_language().clone(),
                messages: vec![],
                duplicate: true,
                events: vec![],
            });
            reply.duplicate = true;
            return Ok(reply);
        }
        if let Some(reply) = self.rate_limited(tx.as_mut(), msg, now).await? {
            tx.commit().await?;
            return Ok(reply);
        }

        let (person, is_new) = match tx.person_by_identity(&msg.identity).await? {
            Some(p) => (p, false),
            None => {
                let lang = msg
                    .language_hint
                    .clone()
                    .filter(|l| self.engine.locales().has_language(l))
                    .unwrap_or_else(|| self.engine.locales().default_language().clone());
                (tx.create_person(&msg.identity, &lang, now).await?, true)
            }
        };
        // A language that is no longer offered falls back to the default.
        let language = if self.engine.locales().has_language(&person.language) {
            person.language.clone()
        } else {
            self.engine.locales().default_language().clone()
        };

        let state: Option<Conversation> = match tx.conversation(person.id).await? {
            Some(json) => match serde_json::from_str(&json) {
                Ok(c) => Some(c),
                Err(e) => {
                    tracing::warn!(error = %e, "unreadable conversation state; starting afresh");
                    None
                }
            },
            None => None,
        };
        // The snapshot leaves out what costs queries and most turns never
        // look at (Board updates, LINK's state); a turn that looks at them
        // runs again with them read (the engine is pure).
        let mut world = self
            .world(tx.as_mut(), person.id)
            .await?
            .without(Parts::UPDATES | Parts::LINK);
        // The turn first runs with a placeholder number: most turns raise no
        // issue, and those never touch the issue numbers at all.
        let mut ids = SequentialIds(0);
        let view = PersonView {
            language: language.clone(),
            opted_out: person.opted_out,
            is_new,
        };
        let mut turn =
            self.engine
                .handle_analysed(&view, state.clone(), &input, analysis, &world, &mut ids);
        loop {
            let wanted = world.wanted();
            if wanted.is_empty() {
                break;
            }
            if wanted.contains(Parts::UPDATES) {
                let updates = self.updates_view(tx.as_mut(), person.id, &language).await?;
                world = world.with_updates(updates);
            }
            if wanted.contains(Parts::LINK) {
                let link = self.link_view(tx.as_mut(), person.id).await?;
                world = world.with_link(link);
            }
            turn = self.engine.handle_analysed(
                &view,
                state.clone(),
                &input,
                analysis,
                &world,
                &mut ids,
            );
        }
        // A step that raises an issue takes the issue numbers' lock (on
        // PostgreSQL; SQLite's write lock already serialises) and runs again
        // with the number it now holds (the engine is pure): concurrent
        // raisers wait instead of colliding. The lock comes last, after the
        // person's, so the order is the same in every transaction.
        if turn
            .events
            .iter()
            .any(|e| matches!(e, Event::IssueRaised { .. }))
        {
            tx.lock_issue_numbers().await?;
            ids = SequentialIds(tx.next_issue_number().await?);
            turn = self
                .engine
                .handle_analysed(&view, state, &input, analysis, &world, &mut ids);
        }

        let mut forget = false;
        let mut merge_into = None;
        for event in &turn.events {
            match event {
                Event::IssueRaised {
                    number,
                    description,
                    title,
                    area,
                    involvement,
                    safeguarding,
                } => {
                    tx.create_issue(&NewIssue {
                        number: *number,
                        description: description.clone(),
                        title: title.clone(),
                        area: area.clone(),
                        involvement: involvement.clone(),
                        language: turn.language.clone(),
                        channel: msg.channel,
                        raised_by: Some(person.id),
                        created_at: now,
                        safeguarding: *safeguarding,
                    })
                    .await?;
                    crate::metrics::ISSUES_RAISED.inc();
                }
                Event::VoteCast {
                    round_id, choices, ..
                } => {
                    tx.cast_ballot(*round_id, person.id, choices, msg.channel, now)
                        .await?;
                    crate::metrics::VOTES_CAST.inc();
                }
                Event::Followed { issue } => tx.follow(person.id, *issue, now).await?,
                Event::LanguageSet { language } => tx.set_language(person.id, language).await?,
                Event::OptedOut => tx.set_opted_out(person.id, true, now).await?,
                Event::OptedIn => tx.set_opted_out(person.id, false, now).await?,
                Event::Forgotten => forget = true,
                Event::LinkCodeRequested { phone } => {
                    self.request_link_code(tx.as_mut(), person.id, &turn.language, phone, now)
                        .await?;
                }
                Event::LinkCodeWrong => self.link_code_wrong(tx.as_mut(), person.id, now).await?,
                Event::LinkConfirmed => {
                    merge_into = self
                        .link_target(tx.as_mut(), person.id, &turn.language, now)
                        .await?;
                }
                Event::Error { reason } => {
                    crate::metrics::ENGINE_ERRORS.inc();
                    tracing::error!(reason, "engine error");
                }
                Event::Say(_) | Event::SayIn { .. } | Event::Ask(_) | Event::Reask { .. } => {}
            }
        }

        let messages = render::render(
            self.engine.locales(),
            &turn.language,
            msg.channel,
            &turn.events,
        );
        let reply = Reply {
            language: turn.language.clone(),
            messages,
            duplicate: false,
            events: turn.events.clone(),
        };

        if forget {
            tx.forget_person(person.id).await?;
        } else {
            let state_json = match &turn.conversation {
                Some(c) => Some(
                    serde_json::to_string(c)
                        .map_err(|e| ServiceError::Internal(format!("state: {e}")))?,
                ),
                None => None,
            };
            tx.save_conversation(person.id, state_json.as_deref(), now)
                .await?;
            log_turn(tx.as_mut(), person.id, msg, &reply, now).await?;
        }
        if let Some((provider, id)) = &msg.provider_id {
            let stored = serde_json::to_string(&reply)
                .map_err(|e| ServiceError::Internal(format!("reply: {e}")))?;
            let who = (!forget).then_some(person.id);
            tx.record_inbound(provider, id, who, if forget { "" } else { &stored }, now)
                .await?;
        }
        // LINK: last, once everything of this turn is stored under `person`.
        if let Some(into) = merge_into {
            tx.merge_people(person.id, into).await?;
        }
        tx.commit().await?;
        crate::metrics::MESSAGES_IN.inc();
        crate::metrics::MESSAGES_OUT.add(reply.messages.len() as u64);
        Ok(reply)
    }

    /// The snapshot of the world the engine may ask about, without the
    /// parts read only when a turn looks at them.
    async fn world(&self, tx: &mut dyn Tx, person: PersonId) -> Result<World> {
        let round = tx.current_round().await?;
        let my_ballot = match &round {
            Some(r) => tx.ballot(r.id, person).await?,
            None => None,
        };
        let titles = match &round {
            Some(r) => {
                let refs: Vec<_> = r.items.iter().map(|i| i.issue_ref).collect();
                tx.issue_titles(&refs).await?
            }
            None => Vec::new(),
        };
        let mut world = World::default();
        world.round = round.map(|r| RoundView {
            titles,
            id: r.id,
            title: r.title,
            max_choices: r.max_choices,
            items: r
                .items
                .into_iter()
                .map(|i| (i.issue_ref, i.title))
                .collect(),
        });
        world.my_ballot = my_ballot;
        Ok(world)
    }

    /// The latest Board responses for what `person` raised, voted for or
    /// follows, in `language` where translated.
    async fn updates_view(
        &self,
        tx: &mut dyn Tx,
        person: PersonId,
        language: &LanguageTag,
    ) -> Result<Vec<UpdateView>> {
        let default = self
            .engine
            .locales()
            .default_language()
            .as_str()
            .to_string();
        let rows = tx.updates_for(person, 5).await?;
        let refs: Vec<_> = rows.iter().map(|u| u.issue_ref).collect();
        let titles = tx.issue_titles(&refs).await?;
        let locales = self.engine.locales();
        Ok(rows
            .into_iter()
            .map(|u| {
                let mine = u.texts.iter().find(|(l, _)| l == language.as_str());
                let fallback = u.texts.iter().find(|(l, _)| *l == default);
                let (text, pending) = match (mine, fallback) {
                    (Some((_, t)), _) => (t.clone(), false),
                    (None, Some((_, t))) => (t.clone(), true),
                    (None, None) => (
                        u.texts.first().map(|(_, t)| t.clone()).unwrap_or_default(),
                        true,
                    ),
                };
                UpdateView {
                    issue_ref: u.issue_ref,
                    title: crate::i18n::titles::pick_for(
                        locales,
                        language,
                        &u.issue_ref,
                        &u.title,
                        &titles,
                    ),
                    status: u.status.as_str().to_string(),
                    progress: u.progress,
                    text,
                    translation_pending: pending,
                }
            })
            .collect())
    }
}

async fn log_turn(
    tx: &mut dyn Tx,
    person: PersonId,
    msg: &InboundMessage,
    reply: &Reply,
    now: Timestamp,
) -> Result<(), StoreError> {
    let text = match &msg.content {
        Content::Text(t) => t.clone(),
        Content::Keys(k) => format!("[keys {k}]"),
    };
    tx.log_message(Some(person), Direction::In, msg.channel, &text, now)
        .await?;
    for m in &reply.messages {
        tx.log_message(Some(person), Direction::Out, msg.channel, m, now)
            .await?;
    }
    Ok(())
}
