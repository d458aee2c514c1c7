//! The conversation engine. Pure: stored state and one input in, events and
//! the next state out. No I/O, no clock reads, no random ids: the time comes
//! in the [`Input`], ids from an injected [`IdSource`], and everything the
//! flows may ask about the world (the open round, the person's ballot, Board
//! updates) in a [`World`] snapshot the host loads first.

mod answer;
pub mod language_cases;
mod run;
pub use run::VOICE_EXPIRY_SECS;
pub use run::hidden_category;

use crate::domain::{Channel, IssueRef, LanguageTag, PostcodeDistrict, Timestamp};
use crate::flow::Flows;
use crate::i18n::{Args, Detector, LanguageDetector, Locales};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Messages the engine and the renderers use by id, beyond those the flows
/// name; `gather flows check` makes sure every locale has them.
pub const REQUIRED_MESSAGES: &[&str] = &[
    "language-name",
    "offer-help",
    "option-line",
    "reask-choice",
    "reask-choices",
    "reask-yes-no",
    "reask-number",
    "reask-text-short",
    "reask-text-long",
    "reask-postcode",
    "reask-language",
    "reask-empty",
    "reask-again",
    // A conversation set aside by a command (locales/<tag>/journeys.ftl).
    "draft-kept",
    "draft-waiting",
    "draft-resume",
    "vote-out-of-range",
    "vote-too-many",
    // Language detection (locales/<tag>/languages.ftl).
    "language-detected",
    "language-offer",
    "language-offer-romanized",
    "language-unsupported",
    // Safeguarding (locales/<tag>/safeguarding.ftl).
    "safeguarding-signpost",
    "round-results",
    "round-results-line",
    // Phone calls (locales/<tag>/voice.ftl).
    "voice-then-hash",
    "voice-goodbye",
    "voice-recording-failed",
    // After STOP, late votes, STATUS (locales/<tag>/status.ftl).
    "stopped-help",
    "vote-closed-soon",
    "status-issue",
    "notice-hidden",
    "notice-merged",
];

/// Flows the engine starts by itself, by name (no command leads to them).
pub const ENGINE_FLOWS: &[&str] = &[STOPPED_CALL_FLOW];

/// A call from someone who opted out: it says so and offers to opt back in.
pub const STOPPED_CALL_FLOW: &str = "stopped_call";

/// Gives out the numbers of new issues. The host backs it with the store.
pub trait IdSource {
    fn next_issue_number(&mut self) -> u32;
}

/// A fixed sequence, for tests and for hosts that reserve numbers up front.
#[derive(Debug, Clone)]
pub struct SequentialIds(pub u32);

impl IdSource for SequentialIds {
    fn next_issue_number(&mut self) -> u32 {
        let n = self.0;
        self.0 += 1;
        n
    }
}

/// What the person sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Typed text (SMS, chat).
    Text(String),
    /// Keys pressed on a phone keypad.
    Keys(String),
}

#[derive(Debug, Clone)]
pub struct Input {
    pub channel: Channel,
    pub content: Content,
    pub now: Timestamp,
}

/// What the engine needs to know about the person.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub language: LanguageTag,
    pub opted_out: bool,
    /// First contact ever: greet before anything else.
    pub is_new: bool,
}

#[derive(Debug, Default)]
pub struct World {
    pub round: Option<RoundView>,
    /// The person's current choices in the open round, if they voted.
    pub my_ballot: Option<Vec<IssueRef>>,
    /// Latest Board responses for what the person raised, voted for or
    /// follows. Read it through [`World::updates`].
    pub updates: Vec<UpdateView>,
    /// What LINK needs to know. Read it through [`World::link`].
    pub link: LinkView,
    /// The person has no ballot in the open round, but one of their
    /// identities voted in it before a FORGET: they may not vote again.
    /// Read it through [`World::voted_before`].
    pub voted_before: bool,
    /// What STATUS needs to know. Read it through [`World::issues`].
    pub issues: IssuesView,
    /// Parts left out of this snapshot (see [`World::without`]).
    missing: Parts,
    /// Parts the engine looked at while they were missing.
    wanted: std::sync::atomic::AtomicU8,
}

/// What a message's text says by itself (see [`Engine::analyse`]).
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The text as the engine reads it.
    text: String,
    detected: Option<crate::i18n::detect::Detected>,
    safeguarding: Option<crate::i18n::safeguarding::Found>,
}

/// Parts of a [`World`] that cost a query or two to read and that most
/// turns never look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parts(u8);

impl Parts {
    pub const UPDATES: Parts = Parts(1);
    pub const LINK: Parts = Parts(2);
    pub const VOTED_BEFORE: Parts = Parts(4);
    pub const ISSUES: Parts = Parts(8);

    pub fn contains(self, other: Parts) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl std::ops::BitOr for Parts {
    type Output = Parts;
    fn bitor(self, other: Parts) -> Parts {
        Parts(self.0 | other.0)
    }
}

impl World {
    /// A snapshot without `parts`: a turn that looks at one of them says so
    /// in [`World::wanted`], and its result must be thrown away and the turn
    /// run again with them (the engine is pure, so that is safe).
    pub fn without(mut self, parts: Parts) -> World {
        self.missing = parts;
        self
    }

    /// Adds a part read after all.
    pub fn with_updates(mut self, updates: Vec<UpdateView>) -> World {
        self.updates = updates;
        self.missing = Parts(self.missing.0 & !Parts::UPDATES.0);
        self
    }

    /// Adds a part read after all.
    pub fn with_link(mut self, link: LinkView) -> World {
        self.link = link;
        self.missing = Parts(self.missing.0 & !Parts::LINK.0);
        self
    }

    /// Adds a part read after all.
    pub fn with_voted_before(mut self, voted_before: bool) -> World {
        self.voted_before = voted_before;
        self.missing = Parts(self.missing.0 & !Parts::VOTED_BEFORE.0);
        self
    }

    pub fn with_issues(mut self, issues: IssuesView) -> World {
        self.issues = issues;
        self.missing = Parts(self.missing.0 & !Parts::ISSUES.0);
        self
    }

    /// The parts the engine looked at that are still missing.
    pub fn wanted(&self) -> Parts {
        Parts(self.wanted.load(std::sync::atomic::Ordering::Relaxed) & self.missing.0)
    }

    fn touch(&self, part: Parts) {
        if self.missing.contains(part) {
            self.wanted
                .fetch_or(part.0, std::sync::atomic::Ordering::Relaxed);
        }
    }

    pub fn updates(&self) -> &[UpdateView] {
        self.touch(Parts::UPDATES);
        &self.updates
    }

    pub fn link(&self) -> &LinkView {
        self.touch(Parts::LINK);
        &self.link
    }

    pub fn voted_before(&self) -> bool {
        self.touch(Parts::VOTED_BEFORE);
        self.voted_before
    }

    pub fn issues(&self) -> &IssuesView {
        self.touch(Parts::ISSUES);
        &self.issues
    }
}

/// STATUS's view: the issue a message asks about (see
/// [`Engine::asked_issue`]) and the person's own latest issues.
#[derive(Debug, Clone, Default)]
pub struct IssuesView {
    pub asked: Option<IssueView>,
    /// What the person raised, newest first.
    pub mine: Vec<IssueView>,
}

/// One issue as STATUS tells it.
#[derive(Debug, Clone)]
pub struct IssueView {
    pub issue_ref: IssueRef,
    pub title: String,
    /// `new`, `approved`, `hidden` or `merged`.
    pub status: String,
    /// Hidden: the reason's category (never the moderator's words).
    pub hidden_category: Option<String>,
    pub merged_into: Option<IssueRef>,
    pub votes: i64,
    /// The latest Board response: its status and text.
    pub response: Option<(String, String)>,
    /// The person asking raised it.
    pub mine: bool,
}

/// LINK's view of the person: a phone number already, and the pending code.
#[derive(Debug, Clone, Default)]
pub struct LinkView {
    /// The person already has a phone number.
    pub linked: bool,
    /// The person's id, which the code's hash is salted with.
    pub person: i64,
    /// The pending code: its hash, expiry and wrong tries so far.
    pub pending: Option<(String, Timestamp, u32)>,
}

#[derive(Debug, Clone)]
pub struct RoundView {
    pub id: i64,
    pub title: String,
    pub max_choices: u32,
    /// In ballot order: item 1 first.
    pub items: Vec<(IssueRef, String)>,
    /// When voting ends, if the round has a closing time.
    pub closes_at: Option<Timestamp>,
    /// The items' titles in other languages (issue, language, title): the
    /// engine picks the turn's language (issue 19).
    pub titles: Vec<(IssueRef, String, String)>,
    /// The round's own title in other languages: (language, title).
    pub round_titles: Vec<(String, String)>,
}

impl RoundView {
    /// The round's title as `lang` readers see it.
    pub fn title_in(&self, lang: &LanguageTag, locales: &crate::i18n::Locales) -> String {
        crate::i18n::titles::pick_stored(locales, lang, &self.title, &self.round_titles)
    }

    /// Item `i`'s title as `lang` readers see it.
    pub fn item_title(
        &self,
        i: usize,
        lang: &LanguageTag,
        locales: &crate::i18n::Locales,
    ) -> Option<String> {
        let (issue, default) = self.items.get(i)?;
        Some(crate::i18n::titles::pick_for(
            locales,
            lang,
            issue,
            default,
            &self.titles,
        ))
    }
}

#[derive(Debug, Clone)]
pub struct UpdateView {
    pub issue_ref: IssueRef,
    pub title: String,
    /// `committed`, `declined`, `in_progress` or `done`.
    pub status: String,
    pub progress: Option<u8>,
    /// The response in the person's language, or the default language.
    pub text: String,
    /// True when `text` is not in the person's language yet.
    pub translation_pending: bool,
}

/// Where a conversation is waiting, stored between messages (as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub flow: String,
    pub step: String,
    #[serde(default)]
    pub vars: BTreeMap<String, serde_json::Value>,
    /// Unusable answers in a row at this step.
    #[serde(default)]
    pub failures: u8,
    pub expires_at: Timestamp,
}

/// A sentence to send: a message id and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub message: String,
    pub args: Args,
}

/// How an option is labelled; each channel renders it in its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// A message id in the person's language.
    Message(String),
    /// Text from the data (an issue's short title).
    Text(String),
    /// A language's own name, in that language.
    Language(LanguageTag),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionView {
    pub number: u32,
    pub label: Label,
}

/// What kind of answer a question expects: the channel decides how to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Choice { count: u32, max_choices: u32 },
    YesNo,
    Number { min: i64, max: i64 },
    Text { max_chars: usize },
    PostcodeDistrict,
    Language { count: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub utterance: Utterance,
    pub expect: Expect,
    pub options: Vec<OptionView>,
    pub skippable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Say(Utterance),
    /// A sentence in a language other than the person's: the offer to
    /// switch, written in the language it offers.
    SayIn {
        language: LanguageTag,
        utterance: Utterance,
    },
    /// A question; the conversation now waits for the answer.
    Ask(Prompt),
    /// An answer could not be used: a short hint, and the question again for
    /// channels that need it repeated (voice, buttons).
    Reask {
        hint: Utterance,
        prompt: Prompt,
        offer_help: bool,
        /// Text channels show the whole question again, after a short
        /// "once more" line, instead of the hint: re-asks vary.
        repeat: bool,
    },
    IssueRaised {
        number: u32,
        description: String,
        title: String,
        area: Option<PostcodeDistrict>,
        involvement: Option<String>,
        /// Something in the conversation matched a safeguarding phrase: the
        /// moderators should look at it first.
        safeguarding: bool,
    },
    VoteCast {
        round_id: i64,
        choices: Vec<IssueRef>,
        replaced: bool,
    },
    Followed {
        issue: IssueRef,
    },
    LanguageSet {
        language: LanguageTag,
    },
    OptedOut,
    OptedIn,
    Forgotten,
    /// SMS or WHATSAPP: where Gather writes to this person from now on
    /// (their number is on both).
    ChannelChosen {
        channel: Channel,
    },
    /// LINK: text a new code to this number (E.164); the service makes it.
    LinkCodeRequested {
        phone: String,
    },
    /// LINK: the right code was entered: join this person to the number's.
    LinkConfirmed,
    /// LINK: a wrong code was entered (one try used).
    LinkCodeWrong,
    /// Something went wrong that the person cannot fix (e.g. the step limit);
    /// the conversation ended.
    Error {
        reason: String,
    },
}

/// The result of one message.
#[derive(Debug, Clone)]
pub struct Turn {
    pub events: Vec<Event>,
    /// The state to store; `None` ends the conversation.
    pub conversation: Option<Conversation>,
    /// The person's language after this turn (a LANGUAGE command changes it).
    pub language: LanguageTag,
}

impl Turn {
    /// True when the turn only said things (no question, no effect) — e.g.
    /// nothing at all for an opted-out person.
    pub fn is_silent(&self) -> bool {
        self.events.is_empty()
    }
}

/// The engine: validated flows plus the locales' keyword tables.
#[derive(Clone)]
pub struct Engine {
    flows: Arc<Flows>,
    locales: Arc<Locales>,
    detector: Arc<dyn LanguageDetector>,
}

impl Engine {
    /// An engine that guesses languages with [`Detector`] for the locales.
    pub fn new(flows: Arc<Flows>, locales: Arc<Locales>) -> Self {
        let detector = Arc::new(Detector::new(locales.languages()));
        Engine {
            flows,
            locales,
            detector,
        }
    }

    /// The same engine with another language guesser (tests).
    pub fn with_detector(mut self, detector: Arc<dyn LanguageDetector>) -> Self {
        self.detector = detector;
        self
    }

    pub fn detector(&self) -> &dyn LanguageDetector {
        self.detector.as_ref()
    }

    pub fn flows(&self) -> &Flows {
        &self.flows
    }

    /// The locales, shared (for what renders outside a turn: the outbox).
    pub fn shared_locales(&self) -> Arc<Locales> {
        self.locales.clone()
    }

    pub fn locales(&self) -> &Locales {
        &self.locales
    }

    /// Handles one message. Never panics, never fails: whatever comes in,
    /// the person gets a reply (or deliberate silence after STOP).
    pub fn handle(
        &self,
        person: &PersonView,
        state: Option<Conversation>,
        input: &Input,
        world: &World,
        ids: &mut dyn IdSource,
    ) -> Turn {
        run::Run::new(self, person, input, None, world, ids).handle(state)
    }

    /// The issue a message asks about (`G-1001`, `STATUS G-1001`), for the
    /// host to read into [`World::issues`].
    pub fn asked_issue(&self, content: &Content) -> Option<IssueRef> {
        run::asked_issue(self, content)
    }

    /// What a message's text says by itself, whoever sent it and whatever
    /// the conversation: its language and any safeguarding phrase. The
    /// costly part of a turn that needs no stored state, so the service
    /// works it out before taking the database's write lock.
    pub fn analyse(&self, content: &Content) -> Analysis {
        Analysis::of(self, content)
    }

    /// [`Engine::handle`] with the text already analysed (an analysis of
    /// other text is ignored).
    pub fn handle_analysed(
        &self,
        person: &PersonView,
        state: Option<Conversation>,
        input: &Input,
        analysis: &Analysis,
        world: &World,
        ids: &mut dyn IdSource,
    ) -> Turn {
        run::Run::new(self, person, input, Some(analysis), world, ids).handle(state)
    }
}

/// A short title for ballots from a description: the first words, cut at a
/// word boundary.
pub fn short_title(description: &str, max: usize) -> String {
    let one_line: String = description.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out = String::new();
    for word in one_line.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(3) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = one_line.chars().take(max.saturating_sub(3)).collect();
    }
    out.push_str("...");
    out
}

#[cfg(test)]
mod world_tests {
    use super::*;

    #[test]
    fn a_missing_part_is_wanted_until_it_is_added() {
        let world = World::default().without(Parts::UPDATES | Parts::LINK);
        assert!(world.wanted().is_empty());
        let _ = world.updates();
        assert_eq!(world.wanted(), Parts::UPDATES);
        let world = world.with_updates(Vec::new());
        assert!(world.wanted().is_empty());
        let _ = world.updates();
        let _ = world.link();
        assert_eq!(world.wanted(), Parts::LINK);
        assert!(World::default().wanted().is_empty());
        let _ = World::default().link();
    }
}
