//! One inbound message, end to end, in one transaction.

use super::{FaultPoint, Gather, Result, ServiceError};
use crate::channels::render;
use crate::domain::{Channel, Identity, LanguageTag, Timestamp};
use crate::engine::{
    Analysis, Content, Conversation, Event, Input, Parts, PersonView, RoundView, SequentialIds,
    Turn, UpdateView, Utterance, World,
};
use crate::i18n::Args;
use crate::store::{Direction, NewIssue, PersonId, StoreError, Tx};
use serde::{Deserialize, Serialize};
use std::panic::{AssertUnwindSafe, catch_unwind};

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
    /// These replies go to someone who has opted out: the one confirmation
    /// of their opt-out, or a HELP reply after it (carriers require both).
    /// A channel that queues its replies in the outbox marks them exempt
    /// from the opt-out re-check ([`crate::store::Tx::exempt_from_opt_out`]).
    #[serde(default)]
    pub opt_out_exempt: bool,
}

const MAX_ATTEMPTS: usize = 5;

impl Gather {
    /// Handles one message: dedupe, person, conversation, engine, effects,
    /// log, reply. A provider's retry returns the first reply and changes
    /// nothing.
    pub async fn handle_inbound(&self, msg: InboundMessage) -> Result<Reply> {
        // Once per message, and before any write lock: the part of the turn
        // that needs nothing stored (language, safeguarding).
        if let Some(fault) = &self.fault
            && fault(FaultPoint::Inbound, &msg.content)
        {
            panic!("injected fault before the turn");
        }
        // A panic here is contained like one in the turn itself (`None`).
        let analysis = catch_unwind(AssertUnwindSafe(|| self.engine.analyse(&msg.content))).ok();
        // The shared counters' key is read (or made) in a transaction of
        // its own, so it is read here, before the turn takes its
        // connection: read inside the turn, every turn waiting for it after
        // a restart held a connection while it waited for another, and a
        // burst of retries starved the pool for good.
        let limit_secret = if self.inbound_limit.is_shared() {
            Some(self.inbound_limit.secret(self.store.as_ref()).await?)
        } else {
            None
        };
        let mut last = None;
        for _ in 0..MAX_ATTEMPTS {
            match self
                .try_inbound(&msg, analysis.as_ref(), limit_secret)
                .await
            {
                // Two new issues raced for one number: run the step again.
                Err(ServiceError::Conflict(m)) => last = Some(ServiceError::Conflict(m)),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| ServiceError::Internal("retries exhausted".into())))
    }

    async fn try_inbound(
        &self,
        msg: &InboundMessage,
        analysis: Option<&Analysis>,
        limit_secret: Option<&str>,
    ) -> Result<Reply> {
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
                opt_out_exempt: false,
            });
            reply.duplicate = true;
            return Ok(reply);
        }
        if let Some(reply) = self
            .rate_limited(tx.as_mut(), msg, limit_secret, now)
            .await?
        {
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
        // WhatsApp's 24-hour window, and the channel they used last.
        tx.whatsapp()
            .note_inbound(person.id, msg.channel, now)
            .await?;
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
            .without(Parts::UPDATES | Parts::LINK | Parts::VOTED_BEFORE | Parts::ISSUES);
        // The turn first runs with a placeholder number: most turns raise no
        // issue, and those never touch the issue numbers at all.
        let mut ids = SequentialIds(0);
        let view = PersonView {
            language: language.clone(),
            opted_out: person.opted_out,
            is_new,
        };
        // Containment: the engine is pure (no I/O, nothing shared is
        // changed), so a panic inside it can leave nothing half done; it is
        // caught here and the turn is replaced by an apology (`None`).
        let guarded = |world: &World, ids: &mut SequentialIds, state: Option<Conversation>| {
            let analysis = analysis?;
            catch_unwind(AssertUnwindSafe(|| {
                if let Some(fault) = &self.fault
                    && fault(FaultPoint::Turn, &input.content)
                {
                    panic!("injected fault in the turn");
                }
                self.engine
                    .handle_analysed(&view, state, &input, analysis, world, ids)
            }))
            .ok()
        };
        let mut turn = guarded(&world, &mut ids, state.clone());
        while turn.is_some() {
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
            if wanted.contains(Parts::VOTED_BEFORE) {
                let round = world.round.as_ref().map(|r| r.id);
                let before = match round {
                    Some(r) => self.voted_before(tx.as_mut(), r, person.id).await?,
                    None => false,
                };
                world = world.with_voted_before(before);
            }
            if wanted.contains(Parts::ISSUES) {
                let asked = self.engine.asked_issue(&msg.content);
                let issues = self
                    .issues_view(tx.as_mut(), person.id, &language, asked)
                    .await?;
                world = world.with_issues(issues);
            }
            turn = guarded(&world, &mut ids, state.clone());
        }
        // A step that raises an issue takes the issue numbers' lock (on
        // PostgreSQL; SQLite's write lock already serialises) and runs again
        // with the number it now holds (the engine is pure): concurrent
        // raisers wait instead of colliding. The lock comes last, after the
        // person's, so the order is the same in every transaction.
        if turn.as_ref().is_some_and(|t| {
            t.events
                .iter()
                .any(|e| matches!(e, Event::IssueRaised { .. }))
        }) {
            tx.lock_issue_numbers().await?;
            ids = SequentialIds(tx.next_issue_number().await?);
            turn = guarded(&world, &mut ids, state.clone());
        }
        // A panicked turn changes nothing it meant to: none of its events is
        // applied. The person hears an apology and the menu, and the
        // provider's id is still recorded below, so a retried webhook gets
        // the same apology instead of panicking again.
        let mut turn = match turn {
            Some(turn) => turn,
            None => self.apology(&view, state.as_ref(), &input, &world),
        };

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
                    // Described by a WhatsApp voice note: it is the
                    // issue's recording (a call's is attached by `voice`).
                    if msg.channel != Channel::Voice
                        && description.starts_with(super::voice::RECORDING_MARKER)
                    {
                        tx.whatsapp().attach_voice_note(person.id, *number).await?;
                    }
                    crate::metrics::ISSUES_RAISED.inc();
                }
                Event::VoteCast {
                    round_id, choices, ..
                } => {
                    tx.cast_ballot(*round_id, person.id, choices, msg.channel, now)
                        .await?;
                    self.remember_voter(tx.as_mut(), *round_id, person.id)
                        .await?;
                    crate::metrics::VOTES_CAST.inc();
                }
                Event::Followed { issue } => tx.follow(person.id, *issue, now).await?,
                Event::LanguageSet { language } => tx.set_language(person.id, language).await?,
                Event::OptedOut => tx.set_opted_out(person.id, true, now).await?,
                Event::OptedIn => tx.set_opted_out(person.id, false, now).await?,
                Event::Forgotten => forget = true,
                Event::ChannelChosen { channel } => {
                    tx.whatsapp()
                        .choose_channel(person.id, *channel, now)
                        .await?
                }
                Event::LinkCodeRequested { phone } => {
                    self.request_link_code(
                        tx.as_mut(),
                        person.id,
                        &msg.identity,
                        &turn.language,
                        phone,
                        now,
                    )
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
        // After this turn, has the person opted out? Then the engine said
        // only what may be said to them (the STOP confirmation, HELP).
        let opted_out_after = turn.events.iter().fold(person.opted_out, |o, e| match e {
            Event::OptedOut => true,
            Event::OptedIn => false,
            _ => o,
        });
        let reply = Reply {
            language: turn.language.clone(),
            opt_out_exempt: opted_out_after && !forget && !messages.is_empty(),
            messages,
            duplicate: false,
            events: turn.events.clone(),
        };

        // LINK: the number typed is kept only with the pending code (which
        // FORGET of that number erases), not in the conversation or the log.
        let link_requested = turn
            .events
            .iter()
            .any(|e| matches!(e, Event::LinkCodeRequested { .. }));
        if link_requested && let Some(c) = turn.conversation.as_mut() {
            c.vars.remove("phone");
        }
        if forget {
            // Their votes stay counted, unlinked: what keeps the number
            // from voting again in those rounds is kept first.
            self.remember_votes_before_forget(tx.as_mut(), person.id)
                .await?;
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
            log_turn(tx.as_mut(), person.id, msg, &reply, link_requested, now).await?;
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
        if forget {
            // Old copies of the erased rows (SQLite's WAL, PostgreSQL's dead
            // rows): best effort, the FORGET itself is done.
            if let Err(e) = self.store.after_forget().await {
                tracing::warn!(error = %e, "FORGET: could not clear old copies");
            }
        }
        crate::metrics::MESSAGES_IN.inc();
        crate::metrics::MESSAGES_OUT.add(reply.messages.len() as u64);
        Ok(reply)
    }

    /// The turn that replaces one that panicked: the engine's error
    /// message, then the menu; the conversation starts again at the menu.
    /// Counted and logged with the flow and step (never the text or who).
    fn apology(
        &self,
        view: &PersonView,
        state: Option<&Conversation>,
        input: &Input,
        world: &World,
    ) -> Turn {
        crate::metrics::TURN_PANICS.inc();
        let (flow, step) = state.map_or(("-", "-"), |c| (c.flow.as_str(), c.step.as_str()));
        tracing::error!(
            flow,
            step,
            channel = %input.channel,
            "a conversation turn panicked; answered with an apology and the menu"
        );
        let language = view.language.clone();
        // Opted out: silence, as for anything else they send before START.
        if view.opted_out {
            return Turn {
                events: vec![],
                conversation: None,
                language,
            };
        }
        let mut events = vec![Event::Say(Utterance {
            message: self.engine.flows().engine.error.clone(),
            args: Args::new(),
        })];
        // The menu as the MENU command gives it (English command words work
        // in every locale); contained too, in case the fault is in the menu.
        let menu_input = Input {
            channel: input.channel,
            content: Content::Text("MENU".into()),
            now: input.now,
        };
        let menu_view = PersonView {
            is_new: false,
            ..view.clone()
        };
        let menu = catch_unwind(AssertUnwindSafe(|| {
            self.engine
                .handle(&menu_view, None, &menu_input, world, &mut SequentialIds(0))
        }));
        let conversation = match menu {
            Ok(menu) => {
                events.extend(
                    menu.events
                        .into_iter()
                        .filter(|e| matches!(e, Event::Say(_) | Event::Ask(_))),
                );
                menu.conversation
            }
            Err(_) => None,
        };
        Turn {
            events,
            conversation,
            language,
        }
    }

    /// The snapshot of the world the engine may ask about, without the
    /// parts read only when a turn looks at them.
    async fn world(&self, tx: &mut dyn Tx, person: PersonId) -> Result<World> {
        let round = tx.current_round().await?;
        let my_ballot = match &round {
            Some(r) => tx.ballot(r.id, person).await?,
            None => None,
        };
        let (titles, round_titles) = match &round {
            Some(r) => {
                let refs: Vec<_> = r.items.iter().map(|i| i.issue_ref).collect();
                (tx.issue_titles(&refs).await?, tx.round_titles(r.id).await?)
            }
            None => (Vec::new(), Vec::new()),
        };
        let mut world = World::default();
        world.round = round.map(|r| RoundView {
            titles,
            round_titles,
            id: r.id,
            title: r.title,
            max_choices: r.max_choices,
            items: r
                .items
                .into_iter()
                .map(|i| (i.issue_ref, i.title))
                .collect(),
            closes_at: r.closes_at,
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
    phone_number: bool,
    now: Timestamp,
) -> Result<(), StoreError> {
    let text = match &msg.content {
        Content::Text(_) if phone_number => "[phone number]".to_string(),
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
