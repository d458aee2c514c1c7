//! The flow file format. A step says *what* it needs from the person and
//! names its sentences by message id; it never holds a sentence.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One flow file, as written in `flows/<name>.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowFile {
    pub name: String,
    pub start: String,
    /// How long the flow waits for an answer (`7d`, `12h`, `30m`).
    #[serde(default)]
    pub expires_after: Option<String>,
    pub steps: BTreeMap<String, Step>,
}

/// One step. `next` names a step in the same flow, `@flow` another flow's
/// start, `@flow:step` a step in another flow; no `next` ends the
/// conversation.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Sends a message (once, or once per item of a list) and moves on.
    Say {
        message: String,
        #[serde(default)]
        for_each: Option<ListSource>,
        #[serde(default)]
        next: Option<String>,
    },
    /// Asks to pick one (or several) of numbered options.
    Choice {
        prompt: String,
        #[serde(default)]
        options: Vec<ChoiceOption>,
        /// Options that come from the data, e.g. the open round's shortlist.
        #[serde(default)]
        options_from: Option<OptionSource>,
        #[serde(default)]
        save: Option<String>,
        #[serde(default)]
        skippable: bool,
        /// Free text that is not an option starts somewhere else instead.
        #[serde(default)]
        free_text: Option<FreeText>,
        #[serde(default)]
        next: Option<String>,
    },
    YesNo {
        prompt: String,
        yes: String,
        no: String,
        /// Where EDIT (in the person's language) leads, at a read-back.
        #[serde(default)]
        edit: Option<String>,
    },
    Number {
        prompt: String,
        min: i64,
        max: i64,
        #[serde(default)]
        save: Option<String>,
        #[serde(default)]
        next: Option<String>,
    },
    Text {
        prompt: String,
        save: String,
        #[serde(default = "default_min_chars")]
        min_chars: usize,
        #[serde(default = "default_max_chars")]
        max_chars: usize,
        /// Digits alone are an answer (a phone number, a code); otherwise
        /// an answer needs a letter.
        #[serde(default)]
        digits: bool,
        #[serde(default)]
        next: Option<String>,
    },
    PostcodeDistrict {
        prompt: String,
        save: String,
        #[serde(default)]
        skippable: bool,
        #[serde(default)]
        next: Option<String>,
    },
    Language {
        prompt: String,
        save: String,
        #[serde(default)]
        next: Option<String>,
    },
    /// Does something to the world (see [`Action`]) and moves on.
    Action {
        action: Action,
        #[serde(default)]
        next: Option<String>,
    },
    /// Goes to the first case whose condition holds, else `otherwise`.
    Branch { cases: Vec<Case>, otherwise: String },
}

fn default_min_chars() -> usize {
    1
}

fn default_max_chars() -> usize {
    1000
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeText {
    pub min_words: usize,
    #[serde(default = "default_max_chars")]
    pub max_chars: usize,
    pub save: String,
    pub next: String,
    /// Shorter text (fewer than `min_words` words, with a letter, not a
    /// greeting or a yes/no word) is saved too and leads here: a step that
    /// asks whether it is meant as an issue.
    #[serde(default)]
    pub short: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub when: Condition,
    pub next: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionSource {
    /// The open round's shortlist; as many choices as the round allows.
    Round,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListSource {
    /// The latest Board responses the person should hear.
    Updates,
    /// STATUS: the issue asked about, or the person's own issues.
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    RoundOpen,
    HasVoted,
    /// No ballot in the open round, but one of the person's identities
    /// voted in it before a FORGET: no second vote.
    VotedBefore,
    HasUpdates,
    /// The round chosen in this conversation is no longer the open one.
    RoundChanged,
    /// The last `cast_vote` replaced an earlier ballot.
    VoteReplaced,
    /// LINK: the message came from a chat channel (Matrix, Discord).
    LinkFromChat,
    /// LINK: this person already has a phone number.
    Linked,
    /// LINK: the number given is not a phone number.
    LinkPhoneInvalid,
    /// LINK: the code entered was right.
    LinkCodeOk,
    /// LINK: the code entered was wrong (tries remain).
    LinkCodeWrong,
    /// LINK: no code is pending any more (expired, or never sent).
    LinkCodeExpired,
    /// A conversation set aside by a command (see `Action::Resume`) holds
    /// an issue that was not sent yet.
    HasDraft,
    /// The open round's closing time has passed, but it has not been closed
    /// yet: votes are refused, results are coming.
    VotingClosed,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::RoundOpen => "round_open",
            Condition::HasVoted => "has_voted",
            Condition::VotedBefore => "voted_before",
            Condition::HasUpdates => "has_updates",
            Condition::RoundChanged => "round_changed",
            Condition::VoteReplaced => "vote_replaced",
            Condition::LinkFromChat => "link_from_chat",
            Condition::Linked => "linked",
            Condition::LinkPhoneInvalid => "link_phone_invalid",
            Condition::LinkCodeOk => "link_code_ok",
            Condition::LinkCodeWrong => "link_code_wrong",
            Condition::LinkCodeExpired => "link_code_expired",
            Condition::HasDraft => "has_draft",
            Condition::VotingClosed => "voting_closed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    CreateIssue,
    CastVote,
    Follow,
    SetLanguage,
    OptOut,
    OptIn,
    Forget,
    /// LINK: text a code to the number saved as `phone`.
    RequestLinkCode,
    /// LINK: check the code saved as `code`.
    ConfirmLink,
    /// Go back to the conversation set aside (by a command that interrupted
    /// an unsent issue, or by a safeguarding signpost) and ask its question
    /// again; without one, go on to `next`.
    Resume,
    /// Drop the conversation set aside, if any.
    Discard,
    /// SMS: notices go by SMS from now on (a number on WhatsApp and SMS).
    PreferSms,
    /// WHATSAPP: notices go by WhatsApp from now on.
    PreferWhatsapp,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::CreateIssue => "create_issue",
            Action::CastVote => "cast_vote",
            Action::Follow => "follow",
            Action::SetLanguage => "set_language",
            Action::OptOut => "opt_out",
            Action::OptIn => "opt_in",
            Action::Forget => "forget",
            Action::RequestLinkCode => "request_link_code",
            Action::ConfirmLink => "confirm_link",
            Action::Resume => "resume",
            Action::Discard => "discard",
            Action::PreferSms => "prefer_sms",
            Action::PreferWhatsapp => "prefer_whatsapp",
        }
    }
}

impl Step {
    /// True for steps that wait for the person's answer.
    pub fn waits(&self) -> bool {
        matches!(
            self,
            Step::Choice { .. }
                | Step::YesNo { .. }
                | Step::Number { .. }
                | Step::Text { .. }
                | Step::PostcodeDistrict { .. }
                | Step::Language { .. }
        )
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Step::Say { .. } => "say",
            Step::Choice { .. } => "choice",
            Step::YesNo { .. } => "yes_no",
            Step::Number { .. } => "number",
            Step::Text { .. } => "text",
            Step::PostcodeDistrict { .. } => "postcode_district",
            Step::Language { .. } => "language",
            Step::Action { .. } => "action",
            Step::Branch { .. } => "branch",
        }
    }

    /// Every link out of this step, with a label for diagrams and errors.
    pub fn links(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        match self {
            Step::Say { next, .. }
            | Step::Number { next, .. }
            | Step::Text { next, .. }
            | Step::PostcodeDistrict { next, .. }
            | Step::Language { next, .. }
            | Step::Action { next, .. } => {
                if let Some(n) = next {
                    out.push(("next".to_string(), n.as_str()));
                }
            }
            Step::Choice {
                options,
                free_text,
                next,
                ..
            } => {
                for o in options {
                    if let Some(n) = &o.next {
                        out.push((o.value.clone(), n.as_str()));
                    }
                }
                if let Some(f) = free_text {
                    out.push(("free text".to_string(), f.next.as_str()));
                    if let Some(short) = &f.short {
                        out.push(("short text".to_string(), short.as_str()));
                    }
                }
                if let Some(n) = next {
                    out.push(("next".to_string(), n.as_str()));
                }
            }
            Step::YesNo { yes, no, edit, .. } => {
                out.push(("yes".to_string(), yes.as_str()));
                out.push(("no".to_string(), no.as_str()));
                if let Some(e) = edit {
                    out.push(("edit".to_string(), e.as_str()));
                }
            }
            Step::Branch { cases, otherwise } => {
                for c in cases {
                    out.push((c.when.as_str().to_string(), c.next.as_str()));
                }
                out.push(("otherwise".to_string(), otherwise.as_str()));
            }
        }
        out
    }

    /// Every message id this step uses.
    pub fn messages(&self) -> Vec<&str> {
        match self {
            Step::Say { message, .. } => vec![message.as_str()],
            Step::Choice {
                prompt, options, ..
            } => {
                let mut v = vec![prompt.as_str()];
                v.extend(options.iter().map(|o| o.label.as_str()));
                v
            }
            Step::YesNo { prompt, .. }
            | Step::Number { prompt, .. }
            | Step::Text { prompt, .. }
            | Step::PostcodeDistrict { prompt, .. }
            | Step::Language { prompt, .. } => vec![prompt.as_str()],
            Step::Action { .. } | Step::Branch { .. } => vec![],
        }
    }
}

/// `flows/commands.toml`: the commands that work at any time, and the
/// engine's own settings and lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandsFile {
    pub engine: EngineSettings,
    pub commands: BTreeMap<String, CommandSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineSettings {
    pub default_flow: String,
    pub welcome: String,
    pub expired: String,
    pub offer_help_after: u8,
    pub step_limit: u32,
    pub error: String,
    /// The order languages are offered in (the LANGUAGE menu); locales not
    /// listed follow in tag order.
    #[serde(default)]
    pub languages: Vec<String>,
    /// The flow that asks, after a safeguarding signpost, whether to carry
    /// on (its `resume` action goes back to the interrupted question).
    #[serde(default)]
    pub signposted: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
    pub flow: String,
    #[serde(default)]
    pub resume: bool,
    #[serde(default)]
    pub with_argument: Option<String>,
}
