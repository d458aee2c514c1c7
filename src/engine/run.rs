//! One turn: commands, answers, and running steps until the next question.

use super::answer::{Answer, parse_answer, yes_no};
use super::{
    Analysis, Content, Conversation, Engine, Event, Expect, IdSource, Input, Label, OptionView,
    PersonView, Prompt, Turn, Utterance, World, short_title,
};
use crate::domain::{Channel, IssueRef, LanguageTag, PostcodeDistrict};
use crate::flow::{Action, Condition, ListSource, OptionSource, Step, StepRef};
use crate::i18n::detect::MIN_WORDS;
use crate::i18n::normalize::{clean, keyword_form, numbers, word_count};
use crate::i18n::{ArgValue, Args, Command, Guess};
use serde_json::Value;
use std::collections::BTreeMap;

// After STOP, late votes, STATUS: see issue 16.
mod status;
pub(super) use status::asked_issue;
pub use status::hidden_category;

pub(super) struct Run<'a> {
    engine: &'a Engine,
    person: &'a PersonView,
    input: &'a Input,
    /// What the message's text says by itself (language, safeguarding).
    analysis: std::borrow::Cow<'a, Analysis>,
    world: &'a World,
    ids: &'a mut dyn IdSource,
    events: Vec<Event>,
    vars: BTreeMap<String, Value>,
    language: LanguageTag,
    steps: u32,
    /// Set by `cast_vote` for the branches after it.
    vote_replaced: bool,
    round_changed: bool,
    /// LINK's outcome this turn (for the `link_*` conditions).
    link: Option<Condition>,
    /// A safeguarding phrase came up in this conversation.
    safeguarding: bool,
    /// This message was answered with a safeguarding signpost.
    signposted: bool,
    /// The message answered the question asked after a signpost.
    after_signpost: bool,
    /// Said last, after the turn's reply: the offers of other languages.
    offers: Vec<Event>,
}

/// What the language a message is written in should change.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LanguageMove {
    Nothing,
    /// A new person's first sentence, confidently in another locale.
    Switch(LanguageTag),
    /// A new person's first sentence, in one of two or three of Gather's
    /// languages (not English): answer in the most likely, offer the others.
    SwitchUnsure(LanguageTag, Vec<LanguageTag>),
    /// Offer the switch, in that language; do not make it.
    Offer(LanguageTag),
    /// Romanized Urdu or Panjabi: offer LANGUAGE UR / PA.
    OfferRomanized,
    /// A new person writing in a language Gather does not have.
    Unsupported,
}

/// A call's conversation ends after this much silence (5 minutes): nobody
/// resumes a phone menu days later.
pub const VOICE_EXPIRY_SECS: i64 = 300;

/// The conversation variable that remembers a safeguarding phrase.
const SAFEGUARDING_VAR: &str = "safeguarding";

enum Flowed {
    /// Waiting at a question.
    Waiting(Conversation),
    /// The conversation ended.
    Ended,
}

impl<'a> Run<'a> {
    pub(super) fn new(
        engine: &'a Engine,
        person: &'a PersonView,
        input: &'a Input,
        analysis: Option<&'a Analysis>,
        world: &'a World,
        ids: &'a mut dyn IdSource,
    ) -> Self {
        // An analysis made for other text is no analysis of this one.
        let analysis = match analysis {
            Some(a) if a.text == content_text(&input.content) => std::borrow::Cow::Borrowed(a),
            _ => std::borrow::Cow::Owned(Analysis::of(engine, &input.content)),
        };
        Run {
            engine,
            person,
            input,
            analysis,
            world,
            ids,
            events: Vec::new(),
            vars: BTreeMap::new(),
            language: person.language.clone(),
            steps: 0,
            vote_replaced: false,
            round_changed: false,
            link: None,
            safeguarding: false,
            signposted: false,
            after_signpost: false,
            offers: Vec::new(),
        }
    }

    fn text(&self) -> String {
        content_text(&self.input.content)
    }

    fn finish(mut self, conversation: Option<Conversation>) -> Turn {
        let mut conversation = conversation;
        // A journey ended: take up the one a command set aside (an unsent
        // issue), unless the person left altogether.
        let left = self
            .events
            .iter()
            .any(|e| matches!(e, Event::OptedOut | Event::Forgotten | Event::Error { .. }));
        if conversation.is_none()
            && !left
            && let Some(parked) = self.parked()
        {
            if conv_has_draft(&parked) {
                self.say("draft-resume", Args::new());
            }
            conversation = self.resume_parked();
        }
        // After a signpost, the next question waits: first ask whether to
        // carry on at all.
        if self.signposted && !self.after_signpost && !left {
            conversation = self.ask_after_signpost(conversation);
        }
        let offers = std::mem::take(&mut self.offers);
        self.events.extend(offers);
        let conversation = conversation.map(|mut c| {
            if self.safeguarding {
                c.vars.insert(SAFEGUARDING_VAR.into(), Value::Bool(true));
            }
            c
        });
        Turn {
            events: self.events,
            conversation,
            language: self.language,
        }
    }

    /// What the message's language should change. Only sentences count:
    /// short replies (numbers, yes/no, one or two words, emoji) never switch,
    /// and a known person is only ever offered a switch.
    fn language_move(&self, text: &str) -> LanguageMove {
        if !matches!(self.input.content, Content::Text(_)) {
            return LanguageMove::Nothing;
        }
        let Some(detected) = &self.analysis.detected else {
            return LanguageMove::Nothing;
        };
        let long = word_count(text) >= MIN_WORDS;
        let current = &self.person.language;
        let locales = &self.engine.locales;
        match (&detected.guess, detected.confident) {
            (Guess::Locale(tag), true) if tag != current && locales.has_language(tag) => {
                match (self.person.is_new, long) {
                    (true, true) => LanguageMove::Switch(tag.clone()),
                    // A short first message in a script only one locale
                    // uses (Gurmukhi, Bengali…), or a known person's sentence.
                    (true, false) | (false, true) => LanguageMove::Offer(tag.clone()),
                    (false, false) => LanguageMove::Nothing,
                }
            }
            (Guess::Romanized, _) => {
                let has = |t: &str| LanguageTag::parse(t).is_ok_and(|t| locales.has_language(&t));
                let reads_it = matches!(current.primary(), "ur" | "pa");
                if long && !reads_it && (has("ur") || has("pa")) {
                    LanguageMove::OfferRomanized
                } else {
                    LanguageMove::Nothing
                }
            }
            (Guess::Other(_), true) if self.person.is_new => LanguageMove::Unsupported,
            // Unsure, but only between some of Gather's languages: a new
            // person is better answered in the most likely of them than in
            // English. English, or the language the person has (a hint from
            // their number), among them keeps it.
            (Guess::Locale(tag), false) if self.person.is_new && long => {
                let c = &detected.candidates;
                let keeps = c.is_empty()
                    || c.first() != Some(tag)
                    || c.iter().any(|t| t == current || t.primary() == "en")
                    || !c.iter().all(|t| locales.has_language(t));
                if keeps {
                    LanguageMove::Nothing
                } else {
                    LanguageMove::SwitchUnsure(tag.clone(), c[1..].to_vec())
                }
            }
            _ => LanguageMove::Nothing,
        }
    }

    pub(super) fn handle(mut self, state: Option<Conversation>) -> Turn {
        let text = self.text();
        let command = self.engine.locales.keywords().command(&text);
        // Keys that always work on a call (`0` menu, `9` help).
        let command = command.or_else(|| self.key_command(&text, state.as_ref()));
        // "help me", "?": HELP, whatever the question was.
        let command = command.or_else(|| self.help_request(&text));

        // `G-1001` asks for its status; `STATUS` + words that are no issue
        // reference is no command.
        let command = self.status_command(command, &text);

        // After STOP: silence, except START, HELP (carriers require it; it
        // says how to come back), FORGET with the answer to its question
        // (erasure is a right whether or not someone has opted out), and a
        // call, which is answered.
        if self.person.opted_out {
            return self.opted_out_turn(command, state);
        }

        // Signposting comes first, before anything else this turn says.
        // Gather gives no advice: it points to NHS 111, 999 and Samaritans,
        // then carries on, and the issue is flagged for the moderators.
        if let Some(found) = &self.analysis.safeguarding {
            tracing::info!(
                category = found.category.as_str(),
                "safeguarding phrase: signposting"
            );
            self.safeguarding = true;
            self.signposted = true;
            self.say("safeguarding-signpost", Args::new());
        }
        self.after_signpost = state.as_ref().is_some_and(|s| {
            self.engine.flows.engine.signposted.as_deref() == Some(s.flow.as_str())
        });

        // What the language of the message suggests; commands are words
        // every locale knows and say nothing about the person's language.
        let language_move = if command.is_none() {
            self.language_move(&text)
        } else {
            LanguageMove::Nothing
        };
        let offer = |tag: &LanguageTag| Event::SayIn {
            language: tag.clone(),
            utterance: Utterance {
                message: "language-offer".into(),
                args: Args::new(),
            },
        };
        match &language_move {
            LanguageMove::Offer(tag) => self.offers.push(offer(tag)),
            // Each other candidate is offered in its own language.
            LanguageMove::SwitchUnsure(_, others) => self.offers.extend(others.iter().map(offer)),
            LanguageMove::OfferRomanized => {
                self.offers.push(Event::Say(Utterance {
                    message: "language-offer-romanized".into(),
                    args: Args::new(),
                }));
            }
            _ => {}
        }

        // A reply after the conversation expired starts afresh, kindly.
        let mut state = state;
        let mut expired = false;
        if let Some(s) = &state
            && self.input.now > s.expires_at
        {
            state = None;
            expired = true;
            let id = self.engine.flows.engine.expired.clone();
            self.say(&id, Args::new());
        }
        if state
            .as_ref()
            .is_some_and(|s| s.vars.get(SAFEGUARDING_VAR) == Some(&Value::Bool(true)))
        {
            self.safeguarding = true;
        }

        // A ballot question whose round closed while the person was at it
        // has nothing left to choose: the flow says so, instead of asking
        // for "a number from 1 to 0" until they give up.
        if let Some(s) = &state
            && self.step_of(s).is_some_and(|step| self.closed_ballot(step))
        {
            let at = StepRef {
                flow: s.flow.clone(),
                step: s.step.clone(),
            };
            state = None;
            if command.is_none() {
                let next = match self.run_from(at) {
                    Flowed::Waiting(c) => Some(c),
                    Flowed::Ended => None,
                };
                return self.finish(next);
            }
        }

        // `*` on a call: the question again, as it was (not a failure).
        if matches!(self.input.content, Content::Keys(_))
            && text == "*"
            && let Some(conv) = state.as_ref()
            && let Some(step) = self.step_of(conv).cloned()
        {
            let conv = conv.clone();
            self.vars = conv.vars.clone();
            let at = StepRef {
                flow: conv.flow.clone(),
                step: conv.step.clone(),
            };
            let prompt = self.prompt(&at, &step);
            self.events.push(Event::Ask(prompt));
            return self.finish(Some(conv));
        }

        if let Some((cmd, arg)) = command {
            // A first message that is a command still gets the greeting,
            // except STOP, which gets nothing but its confirmation.
            if self.person.is_new && cmd != Command::Stop {
                let id = self.engine.flows.engine.welcome.clone();
                self.say(&id, Args::new());
            }
            let next = self.command(cmd, arg, state);
            return self.finish(next);
        }

        match state {
            Some(conv) => {
                let next = self.answer(conv, &text);
                self.finish(next)
            }
            None => {
                // A new person's first sentence sets their language, and
                // everything this turn says is in it.
                if let LanguageMove::Switch(tag) | LanguageMove::SwitchUnsure(tag, _) =
                    &language_move
                {
                    self.language = tag.clone();
                    self.events.push(Event::LanguageSet {
                        language: tag.clone(),
                    });
                }
                if self.person.is_new && !expired {
                    let id = self.engine.flows.engine.welcome.clone();
                    self.say(&id, Args::new());
                }
                match language_move {
                    LanguageMove::Switch(_) | LanguageMove::SwitchUnsure(..) => {
                        self.say("language-detected", Args::new())
                    }
                    // Nothing more can be said in their language: ask which
                    // of Gather's they would like.
                    LanguageMove::Unsupported => {
                        self.say("language-unsupported", Args::new());
                        let next = self.command(Command::Language, None, None);
                        return self.finish(next);
                    }
                    _ => {}
                }
                if text.is_empty() && !self.person.is_new {
                    self.say("reask-empty", Args::new());
                    return self.finish(None);
                }
                let next = self.start_idle(&text);
                self.finish(next)
            }
        }
    }

    /// Nothing going on: start the default flow, and let this message answer
    /// its first question if it can ("2" picks Vote, a sentence raises an
    /// issue); otherwise just ask.
    fn start_idle(&mut self, text: &str) -> Option<Conversation> {
        let flow = self.engine.flows.engine.default_flow.clone();
        let Some(start) = self.engine.flows.start_of(&flow) else {
            return self.error("default flow missing");
        };
        let quiet = self.events.len();
        match self.run_from(start) {
            Flowed::Ended => None,
            Flowed::Waiting(conv) => {
                if text.is_empty() {
                    return Some(conv);
                }
                let Some(step) = self.step_of(&conv).cloned() else {
                    return Some(conv);
                };
                match parse_answer(self, &step, text) {
                    Ok(answer) => {
                        // Drop the question we were about to ask: it is answered.
                        self.events.truncate(quiet);
                        self.apply_answer(conv, &step, answer)
                    }
                    // Someone who wrote an issue that is too long hears so,
                    // rather than getting the menu.
                    Err(hint) if hint.message == "reask-text-long" => {
                        self.events.truncate(quiet);
                        self.events.push(Event::Say(hint));
                        Some(conv)
                    }
                    Err(_) => Some(conv),
                }
            }
        }
    }

    fn command(
        &mut self,
        cmd: Command,
        arg: Option<String>,
        state: Option<Conversation>,
    ) -> Option<Conversation> {
        let Some(spec) = self.engine.flows.command(cmd.name()).cloned() else {
            return self.error("command without a flow");
        };
        let Some(start) = self.engine.flows.start_of(&spec.flow) else {
            return self.error("command flow missing");
        };
        let mut entry = start;
        if let (Some(arg), Some(arg_step)) = (arg.as_deref(), spec.with_argument.as_deref()) {
            match cmd {
                Command::Vote => match self.vote_argument(arg) {
                    VoteArg::Valid(choices, round_id) => {
                        self.vars.insert("choices".into(), Value::from(choices));
                        self.vars.insert("round_id".into(), Value::from(round_id));
                        entry.step = arg_step.to_string();
                    }
                    VoteArg::NoRound => entry.step = arg_step.to_string(),
                    VoteArg::Rejected => return state,
                    VoteArg::NotNumbers => {}
                },
                Command::Status => {
                    self.vars.insert("asked".into(), Value::from(arg));
                    entry.step = arg_step.to_string();
                }
                Command::Language => {
                    if let Some(tag) = self.engine.locales.resolve_language(arg) {
                        self.vars
                            .insert("language".into(), Value::from(tag.as_str()));
                        entry.step = arg_step.to_string();
                    }
                }
                _ => {}
            }
        }
        // A command sets aside an unsent issue (and one already set aside):
        // unless the question is asked again straight away (HELP), it is
        // offered again when the command's journey ends, and STOP says it
        // was not sent.
        let parked = state.as_ref().and_then(to_park);
        let kept = parked
            .as_ref()
            .and_then(|p| serde_json::from_value::<Conversation>(p.clone()).ok())
            .is_some_and(|c| conv_has_draft(&c));
        if let Some(p) = parked {
            self.vars.insert(PARKED_VAR.into(), p);
        }
        let said = self.events.len();
        let resume_to = if spec.resume { state } else { None };
        match self.run_from(entry) {
            Flowed::Waiting(conv) => {
                if kept && !self.is_default_start(&conv) && cmd != Command::Stop {
                    self.events.insert(
                        said,
                        Event::Say(Utterance {
                            message: "draft-kept".into(),
                            args: Args::new(),
                        }),
                    );
                }
                Some(conv)
            }
            Flowed::Ended => match resume_to {
                Some(mut conv) => {
                    // Ask the interrupted question again, with its own variables.
                    self.vars = conv.vars.clone();
                    conv.failures = 0;
                    if let Some(step) = self.step_of(&conv).cloned() {
                        let at = StepRef {
                            flow: conv.flow.clone(),
                            step: conv.step.clone(),
                        };
                        let prompt = self.prompt(&at, &step);
                        self.events.push(Event::Ask(prompt));
                    }
                    Some(conv)
                }
                None => None,
            },
        }
    }

    fn vote_argument(&mut self, arg: &str) -> VoteArg {
        let Some(nums) = numbers(arg) else {
            return VoteArg::NotNumbers;
        };
        let Some(round) = &self.world.round else {
            return VoteArg::NoRound;
        };
        let count = round.items.len() as i64;
        if nums.iter().any(|n| *n < 1 || *n > count) {
            self.say(
                "vote-out-of-range",
                args([("count", ArgValue::Number(count))]),
            );
            return VoteArg::Rejected;
        }
        let mut distinct = nums.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() as u32 > round.max_choices {
            self.say(
                "vote-too-many",
                args([("max_choices", ArgValue::Number(round.max_choices as i64))]),
            );
            return VoteArg::Rejected;
        }
        VoteArg::Valid(distinct, round.id)
    }

    fn step_of(&self, conv: &Conversation) -> Option<&Step> {
        self.engine.flows.step(&StepRef {
            flow: conv.flow.clone(),
            step: conv.step.clone(),
        })
    }

    /// An answer to the question the conversation is waiting at.
    fn answer(&mut self, conv: Conversation, text: &str) -> Option<Conversation> {
        self.vars = conv.vars.clone();
        let Some(step) = self.step_of(&conv).cloned() else {
            // The flows changed under a waiting conversation: start afresh.
            return self.start_idle(text);
        };
        // YES at the menu takes up the issue set aside.
        if self.is_default_start(&conv)
            && self.parked().is_some()
            && numbers(text).is_none()
            && yes_no(self, text) == Some(Answer::Yes)
        {
            self.say("draft-resume", Args::new());
            return self.resume_parked();
        }
        match parse_answer(self, &step, text) {
            Ok(answer) => self.apply_answer(conv, &step, answer),
            Err(hint) => {
                let mut conv = conv;
                conv.failures = conv.failures.saturating_add(1);
                let at = StepRef {
                    flow: conv.flow.clone(),
                    step: conv.step.clone(),
                };
                let prompt = self.prompt(&at, &step);
                // Never the same re-ask twice in a row: the hint, then the
                // hint and HELP, then the whole question again, and so on.
                let after = self.engine.flows.engine.offer_help_after.max(1);
                let repeat = conv.failures > after && (conv.failures - after) % 2 == 1;
                let offer_help = conv.failures >= after && !repeat;
                self.events.push(Event::Reask {
                    hint,
                    prompt,
                    offer_help,
                    repeat,
                });
                Some(conv)
            }
        }
    }

    fn apply_answer(
        &mut self,
        conv: Conversation,
        step: &Step,
        answer: Answer,
    ) -> Option<Conversation> {
        let link: Option<String> = match (step, answer) {
            (
                Step::Choice {
                    options,
                    save,
                    next,
                    ..
                },
                Answer::Option(i),
            ) => {
                let opt = options.get(i);
                if let (Some(var), Some(o)) = (save, opt) {
                    self.vars.insert(var.clone(), Value::from(o.value.clone()));
                }
                opt.and_then(|o| o.next.clone()).or_else(|| next.clone())
            }
            (Step::Choice { save, next, .. }, Answer::Positions(p)) => {
                if let Some(var) = save {
                    self.vars.insert(var.clone(), Value::from(p));
                }
                if let Some(r) = &self.world.round {
                    self.vars.insert("round_id".into(), Value::from(r.id));
                }
                next.clone()
            }
            (
                Step::Choice {
                    free_text: Some(f), ..
                },
                Answer::FreeText(t),
            ) => {
                self.vars.insert(f.save.clone(), Value::from(t));
                Some(f.next.clone())
            }
            (
                Step::Choice {
                    free_text: Some(f), ..
                },
                Answer::ShortText(t),
            ) => {
                self.vars.insert(f.save.clone(), Value::from(t));
                f.short.clone()
            }
            (Step::YesNo { edit, .. }, Answer::Edit) => edit.clone(),
            (Step::YesNo { yes, .. }, Answer::Yes) => Some(yes.clone()),
            (Step::YesNo { no, .. }, Answer::No) => Some(no.clone()),
            (Step::Number { save, next, .. }, Answer::Number(n)) => {
                if let Some(var) = save {
                    self.vars.insert(var.clone(), Value::from(n));
                }
                next.clone()
            }
            (Step::Text { save, next, .. }, Answer::Text(t)) => {
                self.vars.insert(save.clone(), Value::from(t));
                next.clone()
            }
            (Step::PostcodeDistrict { save, next, .. }, Answer::Postcode(p)) => {
                self.vars
                    .insert(save.clone(), Value::from(p.as_str().to_string()));
                next.clone()
            }
            (Step::Language { save, next, .. }, Answer::Language(tag)) => {
                self.vars.insert(save.clone(), Value::from(tag.as_str()));
                next.clone()
            }
            (Step::Choice { save, next, .. }, Answer::Skipped) => {
                if let Some(var) = save {
                    self.vars.remove(var);
                }
                next.clone()
            }
            (Step::PostcodeDistrict { save, next, .. }, Answer::Skipped) => {
                self.vars.remove(save);
                next.clone()
            }
            _ => return self.error("answer does not fit the step"),
        };
        self.follow(&conv.flow, link)
    }
}

enum VoteArg {
    Valid(Vec<i64>, i64),
    NoRound,
    Rejected,
    NotNumbers,
}

fn args<const N: usize>(pairs: [(&str, ArgValue); N]) -> Args {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

impl Run<'_> {
    pub(super) fn language(&self) -> &LanguageTag {
        &self.language
    }

    pub(super) fn engine(&self) -> &Engine {
        self.engine
    }

    pub(super) fn world(&self) -> &World {
        self.world
    }

    fn say(&mut self, message: &str, args: Args) {
        self.events.push(Event::Say(Utterance {
            message: message.to_string(),
            args,
        }));
    }

    fn error(&mut self, reason: &str) -> Option<Conversation> {
        tracing::error!(reason, "conversation ended with an error");
        self.events.push(Event::Error {
            reason: reason.to_string(),
        });
        let id = self.engine.flows.engine.error.clone();
        self.say(&id, Args::new());
        None
    }

    fn follow(&mut self, from_flow: &str, link: Option<String>) -> Option<Conversation> {
        let link = link?;
        match self.engine.flows.resolve(from_flow, &link) {
            Some(at) => match self.run_from(at) {
                Flowed::Waiting(c) => Some(c),
                Flowed::Ended => None,
            },
            None => self.error("dangling link"),
        }
    }

    /// Runs steps that do not wait until one that does, or the end.
    fn run_from(&mut self, mut at: StepRef) -> Flowed {
        loop {
            self.steps += 1;
            if self.steps > self.engine.flows.engine.step_limit {
                self.error("step limit reached");
                return Flowed::Ended;
            }
            let Some(step) = self.engine.flows.step(&at).cloned() else {
                self.error("unknown step");
                return Flowed::Ended;
            };
            let link: Option<String> = match &step {
                Step::Say {
                    message,
                    for_each,
                    next,
                } => {
                    match for_each {
                        Some(ListSource::Updates) => {
                            for u in self.world.updates().to_vec() {
                                let mut a = self.args();
                                a.insert("ref".into(), ArgValue::from(u.issue_ref.to_string()));
                                a.insert("title".into(), ArgValue::from(u.title.clone()));
                                a.insert("status".into(), ArgValue::from(u.status.clone()));
                                a.insert(
                                    "progress".into(),
                                    match u.progress {
                                        Some(p) => ArgValue::Number(p as i64),
                                        None => ArgValue::from("none"),
                                    },
                                );
                                a.insert("text".into(), ArgValue::from(u.text.clone()));
                                a.insert(
                                    "pending".into(),
                                    ArgValue::from(if u.translation_pending {
                                        "yes"
                                    } else {
                                        "no"
                                    }),
                                );
                                self.say(message, a);
                            }
                        }
                        Some(ListSource::Status) => self.say_status(message),
                        None => {
                            let a = self.args();
                            self.say(message, a);
                        }
                    }
                    next.clone()
                }
                Step::Action {
                    action: Action::Resume,
                    next,
                } => match self.resume_parked() {
                    Some(conv) => return Flowed::Waiting(conv),
                    None => next.clone(),
                },
                Step::Action { action, next } => {
                    if let Err(reason) = self.act(*action) {
                        self.error(reason);
                        return Flowed::Ended;
                    }
                    next.clone()
                }
                Step::Branch { cases, otherwise } => Some(
                    cases
                        .iter()
                        .find(|c| self.holds(c.when))
                        .map(|c| c.next.clone())
                        .unwrap_or_else(|| otherwise.clone()),
                ),
                // Letters cannot be typed reliably on a keypad: a call
                // skips an optional postcode question.
                Step::PostcodeDistrict {
                    skippable: true,
                    save,
                    next,
                    ..
                } if self.input.channel == Channel::Voice => {
                    self.vars.remove(save);
                    next.clone()
                }
                // No round open any more: back to the flow's start, which
                // says so (see `closed_ballot`).
                ballot if self.closed_ballot(ballot) => {
                    self.engine.flows.get(&at.flow).map(|f| f.start.clone())
                }
                waiting => {
                    let menu = self
                        .engine
                        .flows
                        .start_of(&self.engine.flows.engine.default_flow)
                        .is_some_and(|m| m == at);
                    if menu {
                        // The menu is a fresh start: nothing is carried to
                        // it but an issue set aside, which it mentions.
                        self.vars.retain(|k, _| k == PARKED_VAR);
                        if self.parked().is_some_and(|c| conv_has_draft(&c)) {
                            self.say("draft-waiting", Args::new());
                        }
                    }
                    let prompt = self.prompt(&at, waiting);
                    self.events.push(Event::Ask(prompt));
                    let expires_at = self.expires_at(&at.flow);
                    return Flowed::Waiting(Conversation {
                        flow: at.flow,
                        step: at.step,
                        vars: self.vars.clone(),
                        failures: 0,
                        expires_at,
                    });
                }
            };
            let Some(link) = link else {
                return Flowed::Ended;
            };
            match self.engine.flows.resolve(&at.flow, &link) {
                Some(next) => {
                    if next.flow != at.flow {
                        // A new flow starts with its own variables, except
                        // what the link was made to carry.
                        self.vars
                            .retain(|k, _| k == "description" || k == PARKED_VAR);
                    }
                    at = next;
                }
                None => {
                    self.error("dangling link");
                    return Flowed::Ended;
                }
            }
        }
    }

    /// A ballot question (its options are the open round's issues) while
    /// no round is open.
    fn closed_ballot(&self, step: &Step) -> bool {
        self.world.round.is_none()
            && matches!(
                step,
                Step::Choice {
                    options_from: Some(OptionSource::Round),
                    ..
                }
            )
    }

    fn holds(&self, c: Condition) -> bool {
        match c {
            Condition::RoundOpen => self.world.round.is_some(),
            Condition::HasVoted => self.world.my_ballot.is_some(),
            Condition::VotedBefore => {
                self.world.round.is_some()
                    && self.world.my_ballot.is_none()
                    && self.world.voted_before()
            }
            Condition::HasUpdates => !self.world.updates().is_empty(),
            Condition::RoundChanged => self.round_changed,
            Condition::VoteReplaced => self.vote_replaced,
            Condition::LinkFromChat => {
                matches!(self.input.channel, Channel::Matrix | Channel::Discord)
            }
            Condition::Linked => self.world.link().linked,
            Condition::LinkPhoneInvalid
            | Condition::LinkCodeOk
            | Condition::LinkCodeWrong
            | Condition::LinkCodeExpired => self.link == Some(c),
            Condition::HasDraft => self.parked().is_some_and(|p| conv_has_draft(&p)),
            Condition::VotingClosed => self.voting_closed(),
        }
    }

    fn var_str(&self, name: &str) -> Option<String> {
        self.vars.get(name).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    fn var_positions(&self, name: &str) -> Vec<i64> {
        self.vars
            .get(name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default()
    }

    fn act(&mut self, action: Action) -> Result<(), &'static str> {
        match action {
            Action::CreateIssue => {
                let description = self
                    .var_str("description")
                    .ok_or("no description to raise")?;
                let number = self.ids.next_issue_number();
                let area = self
                    .var_str("area")
                    .and_then(|a| PostcodeDistrict::parse(&a).ok());
                let safeguarding = self.safeguarding
                    || self
                        .engine
                        .locales
                        .safeguarding()
                        .check(&description)
                        .is_some();
                self.events.push(Event::IssueRaised {
                    number,
                    title: short_title(&description, 60),
                    description,
                    area,
                    involvement: self.var_str("involvement"),
                    safeguarding,
                });
                self.vars
                    .insert("ref".into(), Value::from(IssueRef::new(number).to_string()));
            }
            // Too late for this round: no vote (`voting_closed` says so).
            Action::CastVote if self.voting_closed() => {}
            Action::CastVote => {
                let positions = self.var_positions("choices");
                let chosen_round = self.vars.get("round_id").and_then(Value::as_i64);
                match &self.world.round {
                    Some(r) if chosen_round.is_none_or(|id| id == r.id) => {
                        let mut refs = Vec::new();
                        for p in &positions {
                            let item = usize::try_from(*p - 1)
                                .ok()
                                .and_then(|i| r.items.get(i))
                                .ok_or("vote choice out of range")?;
                            refs.push(item.0);
                        }
                        if refs.is_empty() {
                            return Err("vote without choices");
                        }
                        // Voted before a FORGET: the flow says so after
                        // this step (`voted_before`); nothing is cast.
                        if self.world.my_ballot.is_none() && self.world.voted_before() {
                            return Ok(());
                        }
                        self.vote_replaced = self.world.my_ballot.is_some();
                        self.events.push(Event::VoteCast {
                            round_id: r.id,
                            choices: refs,
                            replaced: self.vote_replaced,
                        });
                    }
                    _ => self.round_changed = true,
                }
            }
            Action::Follow => {
                let r = self
                    .var_str("ref")
                    .and_then(|r| IssueRef::parse(&r).ok())
                    .ok_or("nothing to follow")?;
                self.events.push(Event::Followed { issue: r });
            }
            Action::SetLanguage => {
                let tag = self
                    .var_str("language")
                    .and_then(|l| LanguageTag::parse(&l).ok())
                    .filter(|t| self.engine.locales.has_language(t))
                    .ok_or("no language to set")?;
                self.language = tag.clone();
                self.events.push(Event::LanguageSet { language: tag });
            }
            Action::OptOut => self.events.push(Event::OptedOut),
            Action::OptIn => self.events.push(Event::OptedIn),
            Action::Forget => self.events.push(Event::Forgotten),
            Action::PreferSms => self.events.push(Event::ChannelChosen {
                channel: Channel::Sms,
            }),
            Action::PreferWhatsapp => self.events.push(Event::ChannelChosen {
                channel: Channel::WhatsApp,
            }),
            // Handled in `run_from`: it may wait at the question it resumes.
            Action::Resume => {}
            Action::Discard => {
                self.vars.remove(PARKED_VAR);
            }
            Action::RequestLinkCode => {
                let phone = self
                    .var_str("phone")
                    .and_then(|p| crate::domain::PhoneNumber::parse(&p).ok());
                match phone {
                    Some(p) => self.events.push(Event::LinkCodeRequested {
                        phone: p.as_str().to_string(),
                    }),
                    None => self.link = Some(Condition::LinkPhoneInvalid),
                }
            }
            Action::ConfirmLink => {
                let code: String = self
                    .var_str("code")
                    .unwrap_or_default()
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                let link = self.world.link();
                let outcome = match &link.pending {
                    Some((hash, expires, tries))
                        if self.input.now.0 < expires.0
                            && *tries < crate::store::chat::MAX_TRIES =>
                    {
                        if crate::store::chat::code_hash(link.person, &code) == *hash {
                            self.events.push(Event::LinkConfirmed);
                            Condition::LinkCodeOk
                        } else if tries + 1 >= crate::store::chat::MAX_TRIES {
                            self.events.push(Event::LinkCodeWrong);
                            Condition::LinkCodeExpired
                        } else {
                            self.events.push(Event::LinkCodeWrong);
                            Condition::LinkCodeWrong
                        }
                    }
                    _ => Condition::LinkCodeExpired,
                };
                self.link = Some(outcome);
            }
        }
        Ok(())
    }

    /// Message arguments: the conversation's variables plus what the flows
    /// may mention about the world.
    fn args(&self) -> Args {
        let mut a = Args::new();
        for (k, v) in &self.vars {
            match v {
                Value::String(s) => {
                    a.insert(k.clone(), ArgValue::from(s.clone()));
                }
                Value::Number(n) => {
                    if let Some(i) = n.as_i64() {
                        a.insert(k.clone(), ArgValue::Number(i));
                    }
                }
                _ => {}
            }
        }
        // A choice's answer by its label too (`involvement_label`: "Carer
        // or family"), for read-backs.
        for (k, v) in &self.vars {
            if let Value::String(value) = v
                && let Some(label) = self.option_label(k, value)
            {
                a.insert(
                    format!("{k}_label"),
                    ArgValue::from(self.engine.locales.format(
                        &self.language,
                        &label,
                        &Args::new(),
                    )),
                );
            }
        }
        for optional in ["area", "involvement"] {
            a.entry(optional.to_string())
                .or_insert_with(|| ArgValue::from("none"));
        }
        if let Some(d) = self.var_str("description") {
            // A read-back quotes the person's own words. By SMS, words in a
            // script outside GSM-7 cost 67 characters a segment, so the
            // quote is shorter there to keep the read-back within two.
            let sms_ucs2 = self.input.channel == Channel::Sms
                && crate::i18n::segments::count(&self.engine.locales.sms_text(&self.language, &d))
                    .encoding
                    == crate::i18n::segments::Encoding::Ucs2;
            let max = if sms_ucs2 { 50 } else { 80 };
            a.insert(
                "description_short".into(),
                ArgValue::from(short_title(&d, max)),
            );
        }
        if let Some(r) = &self.world.round {
            a.insert(
                "round_title".into(),
                ArgValue::from(r.title_in(&self.language, &self.engine.locales)),
            );
            a.insert("max_choices".into(), ArgValue::Number(r.max_choices as i64));
            a.insert("count".into(), ArgValue::Number(r.items.len() as i64));
            let titled = |positions: &[i64]| -> String {
                positions
                    .iter()
                    .filter_map(|p| {
                        let i = usize::try_from(*p - 1).ok()?;
                        r.item_title(i, &self.language, &self.engine.locales)
                            .map(|t| format!("{p} {t}"))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let chosen = self.var_positions("choices");
            if !chosen.is_empty() {
                a.insert("choices".into(), ArgValue::from(titled(&chosen)));
            }
            if let Some(ballot) = &self.world.my_ballot {
                let positions: Vec<i64> = ballot
                    .iter()
                    .filter_map(|b| r.items.iter().position(|(i, _)| i == b))
                    .map(|i| i as i64 + 1)
                    .collect();
                a.insert("previous".into(), ArgValue::from(titled(&positions)));
            }
        }
        a
    }

    /// The question a waiting step asks, with its options.
    pub(super) fn prompt(&self, at: &StepRef, step: &Step) -> Prompt {
        let _ = at;
        let utterance = |id: &str| Utterance {
            message: id.to_string(),
            args: self.args(),
        };
        match step {
            Step::Choice {
                prompt,
                options,
                options_from,
                skippable,
                ..
            } => {
                let (opts, max_choices) = match options_from {
                    Some(OptionSource::Round) => {
                        let (items, max) = self
                            .world
                            .round
                            .as_ref()
                            .map(|r| {
                                let titles = (0..r.items.len())
                                    .filter_map(|i| {
                                        r.item_title(i, &self.language, &self.engine.locales)
                                    })
                                    .collect::<Vec<_>>();
                                (titles, r.max_choices)
                            })
                            .unwrap_or_default();
                        (
                            items
                                .into_iter()
                                .enumerate()
                                .map(|(i, title)| OptionView {
                                    number: i as u32 + 1,
                                    label: Label::Text(title),
                                })
                                .collect::<Vec<_>>(),
                            max.max(1),
                        )
                    }
                    None => (
                        options
                            .iter()
                            .enumerate()
                            .map(|(i, o)| OptionView {
                                number: i as u32 + 1,
                                label: Label::Message(o.label.clone()),
                            })
                            .collect(),
                        1,
                    ),
                };
                Prompt {
                    utterance: utterance(prompt),
                    expect: Expect::Choice {
                        count: opts.len() as u32,
                        max_choices,
                    },
                    options: opts,
                    skippable: *skippable,
                }
            }
            Step::YesNo { prompt, .. } => Prompt {
                utterance: utterance(prompt),
                expect: Expect::YesNo,
                options: vec![],
                skippable: false,
            },
            Step::Number {
                prompt, min, max, ..
            } => Prompt {
                utterance: utterance(prompt),
                expect: Expect::Number {
                    min: *min,
                    max: *max,
                },
                options: vec![],
                skippable: false,
            },
            Step::Text {
                prompt, max_chars, ..
            } => Prompt {
                utterance: utterance(prompt),
                expect: Expect::Text {
                    max_chars: *max_chars,
                },
                options: vec![],
                skippable: false,
            },
            Step::PostcodeDistrict {
                prompt, skippable, ..
            } => Prompt {
                utterance: utterance(prompt),
                expect: Expect::PostcodeDistrict,
                options: vec![],
                skippable: *skippable,
            },
            Step::Language { prompt, .. } => {
                let langs = self.language_order();
                Prompt {
                    utterance: utterance(prompt),
                    expect: Expect::Language {
                        count: langs.len() as u32,
                    },
                    options: langs
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| OptionView {
                            number: i as u32 + 1,
                            label: Label::Language(t),
                        })
                        .collect(),
                    skippable: false,
                }
            }
            Step::Say { .. } | Step::Action { .. } | Step::Branch { .. } => Prompt {
                utterance: utterance(&self.engine.flows.engine.error),
                expect: Expect::Text { max_chars: 0 },
                options: vec![],
                skippable: false,
            },
        }
    }

    /// Languages in menu order: the default first, then by tag.
    pub(super) fn language_order(&self) -> Vec<LanguageTag> {
        let locales = &self.engine.locales;
        let default = locales.default_language().clone();
        let mut v = vec![default.clone()];
        for tag in &self.engine.flows.engine.languages {
            if let Ok(t) = LanguageTag::parse(tag)
                && locales.has_language(&t)
                && !v.contains(&t)
            {
                v.push(t);
            }
        }
        let rest: Vec<LanguageTag> = locales
            .languages()
            .filter(|t| !v.contains(t))
            .cloned()
            .collect();
        v.extend(rest);
        v
    }

    /// Keys that always work on a call: `0` is the menu (unless the question
    /// can be skipped, where `0` skips it) and `9` is HELP (unless 9 is an
    /// answer to the question, as in a long list).
    fn key_command(
        &self,
        text: &str,
        state: Option<&Conversation>,
    ) -> Option<(Command, Option<String>)> {
        if !matches!(self.input.content, Content::Keys(_)) {
            return None;
        }
        let step = state.and_then(|c| self.step_of(c));
        let accepts = |n: i64| match step {
            Some(Step::Choice {
                options_from: Some(OptionSource::Round),
                ..
            }) => self
                .world
                .round
                .as_ref()
                .is_some_and(|r| n >= 1 && n <= r.items.len() as i64),
            Some(Step::Choice {
                options, skippable, ..
            }) => (n == 0 && *skippable) || (n >= 1 && n <= options.len() as i64),
            Some(Step::Number { min, max, .. }) => (*min..=*max).contains(&n),
            Some(Step::PostcodeDistrict { skippable, .. }) => n == 0 && *skippable,
            Some(Step::Language { .. }) => n >= 1 && n <= self.language_order().len() as i64,
            _ => false,
        };
        match text {
            "0" if !accepts(0) => Some((Command::Menu, None)),
            "9" if !accepts(9) => Some((Command::Help, None)),
            _ => None,
        }
    }

    pub(super) fn word_count(text: &str) -> usize {
        word_count(text)
    }

    /// "help me", "help please", "?" (a few words starting with a HELP
    /// word, or only question marks): HELP, not a re-ask.
    fn help_request(&self, text: &str) -> Option<(Command, Option<String>)> {
        if !matches!(self.input.content, Content::Text(_)) {
            return None;
        }
        let form = keyword_form(text);
        if form.is_empty() {
            return text
                .chars()
                .any(|c| matches!(c, '?' | '？' | '؟' | '¿'))
                .then_some((Command::Help, None));
        }
        let words: Vec<&str> = form.split(' ').collect();
        if words.len() > 3 {
            return None;
        }
        let keywords = self.engine.locales.keywords();
        (1..words.len())
            .any(|n| keywords.command(&words[..n].join(" ")) == Some((Command::Help, None)))
            .then_some((Command::Help, None))
    }

    /// True when `conv` waits at the menu (the default flow's first step).
    fn is_default_start(&self, conv: &Conversation) -> bool {
        self.engine
            .flows
            .start_of(&self.engine.flows.engine.default_flow)
            .is_some_and(|m| m.flow == conv.flow && m.step == conv.step)
    }

    /// When a conversation waiting in `flow` now expires.
    fn expires_at(&self, flow: &str) -> crate::domain::Timestamp {
        let expiry = self
            .engine
            .flows
            .get(flow)
            .map(|f| f.expires_after_secs)
            .unwrap_or(crate::flow::DEFAULT_EXPIRY_SECS);
        self.input
            .now
            .plus_secs(if self.input.channel == Channel::Voice {
                expiry.min(VOICE_EXPIRY_SECS)
            } else {
                expiry
            })
    }

    /// The conversation set aside, if any.
    fn parked(&self) -> Option<Conversation> {
        self.vars
            .get(PARKED_VAR)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// Takes up the conversation set aside: its variables, and its question
    /// asked again. `None` (and nothing said) when there is none, or its
    /// step is gone.
    fn resume_parked(&mut self) -> Option<Conversation> {
        let parked = self.parked();
        self.vars.remove(PARKED_VAR);
        let parked = parked?;
        let step = self.step_of(&parked).filter(|s| s.waits()).cloned()?;
        self.vars = parked.vars.clone();
        let at = StepRef {
            flow: parked.flow.clone(),
            step: parked.step.clone(),
        };
        let prompt = self.prompt(&at, &step);
        self.events.push(Event::Ask(prompt));
        Some(Conversation {
            failures: 0,
            expires_at: self.expires_at(&parked.flow),
            ..parked
        })
    }

    /// After a signpost: the question the turn ends on waits (set aside),
    /// and the signposted flow asks whether to carry on.
    fn ask_after_signpost(&mut self, conversation: Option<Conversation>) -> Option<Conversation> {
        let Some(flow) = self.engine.flows.engine.signposted.clone() else {
            return conversation;
        };
        let Some(start) = self.engine.flows.start_of(&flow) else {
            return conversation;
        };
        let mut conv = conversation?;
        if conv.flow == flow {
            return Some(conv);
        }
        conv.vars.insert(SAFEGUARDING_VAR.into(), Value::Bool(true));
        conv.failures = 0;
        let Ok(parked) = serde_json::to_value(&conv) else {
            return Some(conv);
        };
        // Its question is asked when the person says to carry on.
        if let Some(i) = self
            .events
            .iter()
            .rposition(|e| matches!(e, Event::Ask(_) | Event::Reask { .. }))
        {
            self.events.remove(i);
        }
        self.vars = BTreeMap::new();
        self.vars.insert(PARKED_VAR.into(), parked);
        match self.run_from(start) {
            Flowed::Waiting(c) => Some(c),
            Flowed::Ended => None,
        }
    }

    /// The label message of the option `value` saved as `var` by a choice.
    fn option_label(&self, var: &str, value: &str) -> Option<String> {
        self.engine.flows.flows().find_map(|f| {
            f.steps.values().find_map(|s| match s {
                Step::Choice {
                    save: Some(save),
                    options,
                    ..
                } if save == var => options
                    .iter()
                    .find(|o| o.value == value)
                    .map(|o| o.label.clone()),
                _ => None,
            })
        })
    }
}

/// The conversation variable that holds a conversation set aside.
const PARKED_VAR: &str = "parked";

/// An issue described but not sent yet.
fn has_draft(vars: &BTreeMap<String, Value>) -> bool {
    vars.contains_key("description") && !vars.contains_key("ref")
}

/// `conv`, or a conversation it set aside, holds an unsent issue.
fn conv_has_draft(conv: &Conversation) -> bool {
    has_draft(&conv.vars)
        || conv
            .vars
            .get(PARKED_VAR)
            .and_then(|v| serde_json::from_value::<Conversation>(v.clone()).ok())
            .is_some_and(|c| conv_has_draft(&c))
}

/// What a command sets aside from the conversation it interrupts: the whole
/// conversation when it holds an unsent issue, else what it set aside.
fn to_park(state: &Conversation) -> Option<Value> {
    if has_draft(&state.vars) {
        serde_json::to_value(state).ok()
    } else {
        state.vars.get(PARKED_VAR).cloned()
    }
}

/// The text of a message as the engine reads it.
pub(super) fn content_text(content: &Content) -> String {
    match content {
        Content::Text(t) => clean(t),
        Content::Keys(k) => k.trim().to_string(),
    }
}

impl Analysis {
    /// Detection and the safeguarding check, for typed text only.
    pub(super) fn of(engine: &Engine, content: &Content) -> Analysis {
        let text = content_text(content);
        let (detected, safeguarding) = match content {
            Content::Text(_) => (
                // Commands say nothing about the person's language (see
                // `handle`), so they are not looked at.
                engine
                    .locales
                    .keywords()
                    .command(&text)
                    .is_none()
                    .then(|| engine.detector.detect(&text))
                    .flatten(),
                engine.locales.safeguarding().check(&text),
            ),
            Content::Keys(_) => (None, None),
        };
        Analysis {
            text,
            detected,
            safeguarding,
        }
    }
}
