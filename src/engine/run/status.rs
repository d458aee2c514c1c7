//! After STOP (HELP and calls), late votes and STATUS: the parts of a turn
//! that issue 16 added, kept apart from the rest of `run`.

use super::{Flowed, Run, content_text};
use crate::domain::{Channel, IssueRef};
use crate::engine::{Content, Conversation, Engine, IssueView, STOPPED_CALL_FLOW, Turn};
use crate::i18n::{ArgValue, Args, Command};

/// How long an issue title may be in a STATUS answer (SMS budget).
const TITLE_CHARS: usize = 40;
/// How many of the person's own issues STATUS lists.
const MINE_LISTED: usize = 3;

/// The issue a message asks about: `G-1001`, `g1001` or `STATUS G-1001`.
pub(in crate::engine) fn asked_issue(engine: &Engine, content: &Content) -> Option<IssueRef> {
    let Content::Text(_) = content else {
        return None;
    };
    let text = content_text(content);
    match engine.locales.keywords().command(&text) {
        Some((Command::Status, Some(arg))) => IssueRef::parse(&arg).ok(),
        Some(_) => None,
        None => IssueRef::parse(&text).ok(),
    }
}

/// The reason category of a hidden issue, from the moderator's words. Only
/// the category is ever said: the words may hold the personal data that got
/// the issue hidden.
pub fn hidden_category(reason: &str) -> &'static str {
    let r = reason.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| r.contains(w));
    if has(&[
        "personal", "private", "privacy", "name", "address", "phone", "email", "data", "identif",
    ]) {
        "personal"
    } else if has(&[
        "abus",
        "offensive",
        "hate",
        "racis",
        "threat",
        "insult",
        "harass",
        "swear",
        "spam",
    ]) {
        "abuse"
    } else if has(&[
        "off topic",
        "off-topic",
        "not nhs",
        "not about",
        "scope",
        "unrelated",
    ]) {
        "offtopic"
    } else {
        "other"
    }
}

impl Run<'_> {
    /// A whole message that is an issue reference asks for its status;
    /// STATUS followed by anything but a reference is not a command
    /// ("status of the clinic is awful" may be an issue).
    pub(super) fn status_command(
        &self,
        command: Option<(Command, Option<String>)>,
        text: &str,
    ) -> Option<(Command, Option<String>)> {
        match command {
            Some((Command::Status, Some(arg))) => IssueRef::parse(&arg)
                .ok()
                .map(|r| (Command::Status, Some(r.to_string()))),
            Some(c) => Some(c),
            None if matches!(self.input.content, Content::Text(_)) => IssueRef::parse(text)
                .ok()
                .map(|r| (Command::Status, Some(r.to_string()))),
            None => None,
        }
    }

    /// The open round's closing time has passed; the round is not closed yet.
    pub(super) fn voting_closed(&self) -> bool {
        self.world
            .round
            .as_ref()
            .and_then(|r| r.closes_at)
            .is_some_and(|at| self.input.now >= at)
    }

    /// A turn for someone who opted out: START opts back in; HELP says how
    /// to come back; a call says they opted out and offers a key to come
    /// back; anything else is silence.
    pub(super) fn opted_out_turn(
        mut self,
        command: Option<(Command, Option<String>)>,
        state: Option<Conversation>,
    ) -> Turn {
        let voice = self.input.channel == Channel::Voice;
        match command {
            Some((Command::Start, _)) => {
                let next = self.command(Command::Start, None, None);
                self.finish(next)
            }
            Some((Command::Help, _)) => {
                self.say("stopped-help", Args::new());
                self.finish(state)
            }
            Some((Command::Forget, arg)) => {
                let next = self.command(Command::Forget, arg, None);
                self.finish(next)
            }
            None if state.as_ref().is_some_and(|s| {
                self.engine
                    .flows
                    .command(Command::Forget.name())
                    .is_some_and(|spec| spec.flow == s.flow)
            }) =>
            {
                let text = self.text();
                let next = state.and_then(|conv| self.answer(conv, &text));
                self.finish(next)
            }
            None if voice && state.as_ref().is_some_and(|c| c.flow == STOPPED_CALL_FLOW) => {
                let text = self.text();
                let next = state.and_then(|conv| self.answer(conv, &text));
                self.finish(next)
            }
            _ if voice => match self.engine.flows.start_of(STOPPED_CALL_FLOW) {
                Some(start) => match self.run_from(start) {
                    Flowed::Waiting(conv) => self.finish(Some(conv)),
                    Flowed::Ended => self.finish(None),
                },
                None => self.finish(state),
            },
            _ => self.finish(state),
        }
    }

    /// STATUS: one line for the issue asked about, or for each of the
    /// person's own issues (or one saying they have none).
    pub(super) fn say_status(&mut self, message: &str) {
        let asked = self.var_str("asked");
        let issues = self.world.issues().clone();
        match asked {
            Some(asked) => {
                let shown = IssueRef::parse(&asked)
                    .ok()
                    .and_then(|r| issues.asked.as_ref().filter(|i| i.issue_ref == r).cloned());
                let args = match shown {
                    Some(issue) => status_args(&issue),
                    None => unknown(&asked),
                };
                self.say(message, args);
            }
            None if issues.mine.is_empty() => {
                let mut a = Args::new();
                a.insert("state".into(), ArgValue::from("none"));
                self.say(message, a);
            }
            None => {
                for issue in issues.mine.iter().take(MINE_LISTED) {
                    self.say(message, status_args(issue));
                }
            }
        }
        self.vars.remove("asked");
    }
}

/// The arguments of `status-issue` for an issue that is not there, or not
/// public (hidden or not yet checked, and not the asker's).
fn unknown(asked: &str) -> Args {
    let mut a = Args::new();
    a.insert("state".into(), ArgValue::from("unknown"));
    let shown = IssueRef::parse(asked)
        .map(|r| r.to_string())
        .unwrap_or_else(|_| asked.chars().take(12).collect());
    a.insert("ref".into(), ArgValue::from(shown));
    a
}

/// The arguments of `status-issue` for one issue.
fn status_args(issue: &IssueView) -> Args {
    let r = issue.issue_ref.to_string();
    let public = matches!(issue.status.as_str(), "approved" | "merged");
    if !public && !issue.mine {
        return unknown(&r);
    }
    let mut a = Args::new();
    a.insert("ref".into(), ArgValue::from(r));
    a.insert(
        "title".into(),
        ArgValue::from(crate::engine::short_title(&issue.title, TITLE_CHARS)),
    );
    let state = match issue.status.as_str() {
        "hidden" => "hidden",
        "merged" => "merged",
        _ => "found",
    };
    a.insert("state".into(), ArgValue::from(state));
    a.insert("status".into(), ArgValue::from(issue.status.clone()));
    a.insert(
        "reason".into(),
        ArgValue::from(issue.hidden_category.clone().unwrap_or("other".into())),
    );
    a.insert(
        "into".into(),
        ArgValue::from(issue.merged_into.map(|r| r.to_string()).unwrap_or_default()),
    );
    a.insert("votes".into(), ArgValue::Number(issue.votes));
    let response = issue.response.as_ref().map(|(status, _)| status.as_str());
    a.insert(
        "response".into(),
        ArgValue::from(response.unwrap_or("none")),
    );
    a
}

#[cfg(test)]
mod tests {
    use super::{TITLE_CHARS, hidden_category};
    use crate::channels::segments;
    use crate::domain::LanguageTag;
    use crate::i18n::{ArgValue, Args, Locales};

    /// Every variant of the new messages, with the longest values they can
    /// get, fits in 2 SMS segments in every locale.
    #[test]
    fn every_variant_fits_in_two_segments() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let locales = Locales::load(&root, &LanguageTag::parse("en-GB").unwrap()).unwrap();
        let title = "x".repeat(TITLE_CHARS);
        let mut cases: Vec<(&str, Args)> = Vec::new();
        for id in [
            "stopped-help",
            "stopped-call",
            "stopped-call-bye",
            "vote-closed-soon",
        ] {
            cases.push((id, Args::new()));
        }
        let base = |pairs: &[(&str, &str)]| -> Args {
            let mut a = Args::new();
            a.insert("ref".into(), ArgValue::from("G-100042"));
            a.insert("into".into(), ArgValue::from("G-100043"));
            a.insert("title".into(), ArgValue::from(title.clone()));
            a.insert("votes".into(), ArgValue::Number(99999));
            for (k, v) in pairs {
                a.insert(k.to_string(), ArgValue::from(v.to_string()));
            }
            a
        };
        for reason in ["personal", "abuse", "offtopic", "other"] {
            cases.push(("notice-hidden", base(&[("reason", reason)])));
            cases.push((
                "status-issue",
                base(&[("state", "hidden"), ("reason", reason)]),
            ));
        }
        cases.push(("notice-merged", base(&[])));
        for state in ["none", "unknown", "merged"] {
            cases.push(("status-issue", base(&[("state", state)])));
        }
        for status in ["new", "approved"] {
            for response in ["none", "committed", "declined", "in_progress", "done"] {
                cases.push((
                    "status-issue",
                    base(&[
                        ("state", "found"),
                        ("status", status),
                        ("response", response),
                    ]),
                ));
            }
        }
        let mut long = Vec::new();
        for lang in locales.languages() {
            for (id, args) in &cases {
                for voice in [false, true] {
                    let out = if voice {
                        locales.format_voice(lang, id, args)
                    } else {
                        locales.format(lang, id, args)
                    };
                    let info = segments::count(&out);
                    if info.segments > 2 {
                        long.push(format!("{lang} {id} ({} units): {out}", info.units));
                    }
                }
            }
        }
        assert!(long.is_empty(), "over 2 segments:\n{}", long.join("\n"));
    }

    #[test]
    fn reasons_become_categories_without_their_words() {
        assert_eq!(hidden_category("Personal data: names a nurse"), "personal");
        assert_eq!(hidden_category("abusive language"), "abuse");
        assert_eq!(hidden_category("off topic (council tax)"), "offtopic");
        assert_eq!(hidden_category("see notes"), "other");
    }
}
