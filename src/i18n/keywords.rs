//! The words that work at any point in a conversation, in every language.

use super::normalize::keyword_form;
use crate::domain::LanguageTag;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use unicode_normalization::UnicodeNormalization;

/// The opt-out words every SMS service must honour (the carriers' list),
/// in every language, whatever the locale files say.
pub const INDUSTRY_OPT_OUT: [&str; 8] = [
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
];

/// A message longer than this many words is never a command with polite
/// words around it: "the bus stop was moved" is not STOP.
const MAX_POLITE_WORDS: usize = 4;

/// The form commands are compared in: NFKC first (full-width `ＳＴＯＰ` is
/// `STOP`), then [`keyword_form`] (case, accents, punctuation and hyphens
/// dropped, spaces collapsed).
pub fn command_form(text: &str) -> String {
    if text.is_ascii() {
        keyword_form(text)
    } else {
        keyword_form(&text.nfkc().collect::<String>())
    }
}

/// A global command. What each one *does* is a flow (see `flows/commands.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Help,
    Stop,
    Start,
    Language,
    Menu,
    Forget,
    Updates,
    Vote,
    Link,
    /// Where is my issue: `STATUS G-1001`, or the person's own issues.
    Status,
    /// Write to me by SMS (a number on SMS and WhatsApp).
    Sms,
    /// Write to me on WhatsApp.
    WhatsApp,
}

impl Command {
    pub const ALL: [Command; 12] = [
        Command::Help,
        Command::Stop,
        Command::Start,
        Command::Language,
        Command::Menu,
        Command::Forget,
        Command::Updates,
        Command::Vote,
        Command::Link,
        Command::Status,
        Command::Sms,
        Command::WhatsApp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::Stop => "stop",
            Command::Start => "start",
            Command::Language => "language",
            Command::Menu => "menu",
            Command::Forget => "forget",
            Command::Updates => "updates",
            Command::Vote => "vote",
            Command::Link => "link",
            Command::Status => "status",
            Command::Sms => "sms",
            Command::WhatsApp => "whatsapp",
        }
    }

    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Commands that may be followed by something (`VOTE 3`, `LANGUAGE pl`).
    pub fn takes_argument(self) -> bool {
        matches!(self, Command::Vote | Command::Language | Command::Status)
    }
}

/// Words that answer a question rather than start a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Yes,
    No,
    Skip,
    /// Change an answer before it is sent (EDIT at a read-back).
    Edit,
}

/// `locales/<tag>/keywords.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordFile {
    #[serde(default)]
    pub help: Vec<String>,
    #[serde(default)]
    pub stop: Vec<String>,
    #[serde(default)]
    pub start: Vec<String>,
    #[serde(default)]
    pub language: Vec<String>,
    #[serde(default)]
    pub menu: Vec<String>,
    #[serde(default)]
    pub forget: Vec<String>,
    #[serde(default)]
    pub updates: Vec<String>,
    #[serde(default)]
    pub vote: Vec<String>,
    #[serde(default)]
    pub link: Vec<String>,
    #[serde(default)]
    pub status: Vec<String>,
    /// SMS: write to me by SMS.
    #[serde(default)]
    pub sms: Vec<String>,
    /// WHATSAPP: write to me on WhatsApp.
    #[serde(default)]
    pub whatsapp: Vec<String>,
    #[serde(default)]
    pub yes: Vec<String>,
    #[serde(default)]
    pub no: Vec<String>,
    #[serde(default)]
    pub skip: Vec<String>,
    /// EDIT: change an answer at a read-back.
    #[serde(default)]
    pub edit: Vec<String>,
    /// Greetings and thanks ("hi", "thank you"): never taken for an issue.
    #[serde(default)]
    pub greeting: Vec<String>,
    /// Polite words around a command that do not change it: "STOP please",
    /// "please STOP" (at most a few words in all).
    #[serde(default)]
    pub polite: Vec<String>,
}

impl KeywordFile {
    fn command_words(&self) -> [(Command, &Vec<String>); 12] {
        [
            (Command::Help, &self.help),
            (Command::Stop, &self.stop),
            (Command::Start, &self.start),
            (Command::Language, &self.language),
            (Command::Menu, &self.menu),
            (Command::Forget, &self.forget),
            (Command::Updates, &self.updates),
            (Command::Vote, &self.vote),
            (Command::Link, &self.link),
            (Command::Status, &self.status),
            (Command::Sms, &self.sms),
            (Command::WhatsApp, &self.whatsapp),
        ]
    }
}

/// All keywords of all locales. Command words work in every language (a
/// person need not be in Polish mode to send POMOC); answer words (yes, no,
/// skip) count in the person's own language and in English, so a short
/// reply is never misread through a third language.
#[derive(Debug, Clone, Default)]
pub struct KeywordTable {
    commands: BTreeMap<String, Command>,
    /// The command words again without their spaces (`OPT OUT` = `OPTOUT`,
    /// `STOP ALL` = `STOPALL`); a form two commands share is left out.
    compact: BTreeMap<String, Option<Command>>,
    /// Polite words and phrases, in comparison form.
    polite: BTreeSet<String>,
    answers: BTreeMap<LanguageTag, BTreeMap<String, Word>>,
    default: Option<LanguageTag>,
    /// Greetings of every locale, in keyword form.
    greetings: std::collections::BTreeSet<String>,
}

/// Two commands claim the same word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordClash {
    pub word: String,
    pub first: String,
    pub second: String,
}

impl KeywordTable {
    pub fn new(default: LanguageTag) -> Self {
        let mut table = KeywordTable {
            default: Some(default),
            ..Default::default()
        };
        for w in INDUSTRY_OPT_OUT {
            table.insert_command(command_form(w), Command::Stop);
        }
        table
    }

    fn insert_command(&mut self, key: String, command: Command) {
        let compact: String = key.chars().filter(|c| *c != ' ').collect();
        match self.compact.get(&compact) {
            Some(Some(c)) if *c != command => {
                self.compact.insert(compact, None);
            }
            Some(_) => {}
            None => {
                self.compact.insert(compact, Some(command));
            }
        }
        self.commands.insert(key, command);
    }

    /// A command word with polite words around it, or typed with its
    /// spaces left out or added (`OPT OUT`, `STOP ALL`). Only short
    /// messages: a sentence that contains a command word is not a command.
    fn tolerant(&self, form: &str) -> Option<Command> {
        if form.split(' ').count() > MAX_POLITE_WORDS {
            return None;
        }
        let mut core = form;
        loop {
            let before = core;
            for p in &self.polite {
                if let Some(rest) = core.strip_prefix(p.as_str())
                    && let Some(rest) = rest.strip_prefix(' ')
                {
                    core = rest;
                }
                if let Some(rest) = core.strip_suffix(p.as_str())
                    && let Some(rest) = rest.strip_suffix(' ')
                {
                    core = rest;
                }
            }
            if core == before {
                break;
            }
        }
        if core.is_empty() {
            return None;
        }
        if let Some(c) = self.commands.get(core) {
            return Some(*c);
        }
        let compact: String = core.chars().filter(|c| *c != ' ').collect();
        self.compact.get(&compact).copied().flatten()
    }

    pub fn add(&mut self, tag: &LanguageTag, file: &KeywordFile) -> Vec<KeywordClash> {
        let mut clashes = Vec::new();
        for (command, words) in file.command_words() {
            for w in words {
                let key = command_form(w);
                if key.is_empty() {
                    continue;
                }
                match self.commands.get(&key) {
                    Some(existing) if *existing != command => clashes.push(KeywordClash {
                        word: w.clone(),
                        first: existing.name().to_string(),
                        second: command.name().to_string(),
                    }),
                    _ => self.insert_command(key, command),
                }
            }
        }
        for w in &file.polite {
            let key = command_form(w);
            if !key.is_empty() {
                self.polite.insert(key);
            }
        }
        let answers = self.answers.entry(tag.clone()).or_default();
        for (word, words) in [
            (Word::Yes, &file.yes),
            (Word::No, &file.no),
            (Word::Skip, &file.skip),
            (Word::Edit, &file.edit),
        ] {
            for w in words {
                let key = command_form(w);
                if let Some(cmd) = self.commands.get(&key) {
                    clashes.push(KeywordClash {
                        word: w.clone(),
                        first: cmd.name().to_string(),
                        second: format!("{word:?}").to_lowercase(),
                    });
                    continue;
                }
                match answers.get(&key) {
                    Some(existing) if *existing != word => clashes.push(KeywordClash {
                        word: w.clone(),
                        first: format!("{existing:?}").to_lowercase(),
                        second: format!("{word:?}").to_lowercase(),
                    }),
                    _ => {
                        answers.insert(key, word);
                    }
                }
            }
        }
        for g in &file.greeting {
            let key = keyword_form(g);
            if !key.is_empty() {
                self.greetings.insert(key);
            }
        }
        clashes
    }

    /// A greeting or thanks in any locale ("hi", "cześć", "سلام").
    pub fn is_greeting(&self, text: &str) -> bool {
        self.greetings.contains(&keyword_form(text))
    }

    /// Recognises a command: the whole message is a command word, or (for
    /// commands that take one) a command word followed by an argument.
    /// "Stop the closure of our clinic" is not STOP.
    pub fn command(&self, text: &str) -> Option<(Command, Option<String>)> {
        let form = command_form(text);
        if form.is_empty() {
            return None;
        }
        if let Some(c) = self.commands.get(&form) {
            return Some((*c, None));
        }
        // "stop please", "OPT OUT", "STOP ALL".
        if let Some(c) = self.tolerant(&form) {
            return Some((c, None));
        }
        let (first, rest) = form.split_once(' ')?;
        let c = *self.commands.get(first)?;
        if !c.takes_argument() {
            return None;
        }
        // Keep the argument as typed (minus the command word) for parsing.
        let typed = super::normalize::clean(text);
        let arg = typed
            .split_once(char::is_whitespace)
            .map(|(_, r)| r.trim().to_string())
            .unwrap_or_else(|| rest.to_string());
        Some((c, Some(arg)))
    }

    /// Recognises YES / NO / SKIP in the person's language or English.
    pub fn answer(&self, text: &str, language: &LanguageTag) -> Option<Word> {
        let form = command_form(text);
        if form.is_empty() {
            return None;
        }
        let mut langs = vec![language];
        if let Some(d) = &self.default {
            langs.push(d);
        }
        langs
            .into_iter()
            .find_map(|l| self.answers.get(l).and_then(|m| m.get(&form)).copied())
    }
}
