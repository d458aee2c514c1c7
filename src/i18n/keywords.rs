//! The words that work at any point in a conversation, in every language.

use super::normalize::keyword_form;
use crate::domain::LanguageTag;
use serde::Deserialize;
use std::collections::BTreeMap;

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
}

impl Command {
    pub const ALL: [Command; 10] = [
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
    #[serde(default)]
    pub yes: Vec<String>,
    #[serde(default)]
    pub no: Vec<String>,
    #[serde(default)]
    pub skip: Vec<String>,
}

impl KeywordFile {
    fn command_words(&self) -> [(Command, &Vec<String>); 10] {
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
    answers: BTreeMap<LanguageTag, BTreeMap<String, Word>>,
    default: Option<LanguageTag>,
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
        KeywordTable {
            default: Some(default),
            ..Default::default()
        }
    }

    pub fn add(&mut self, tag: &LanguageTag, file: &KeywordFile) -> Vec<KeywordClash> {
        let mut clashes = Vec::new();
        for (command, words) in file.command_words() {
            for w in words {
                let key = keyword_form(w);
                if key.is_empty() {
                    continue;
                }
                match self.commands.get(&key) {
                    Some(existing) if *existing != command => clashes.push(KeywordClash {
                        word: w.clone(),
                        first: existing.name().to_string(),
                        second: command.name().to_string(),
                    }),
                    _ => {
                        self.commands.insert(key, command);
                    }
                }
            }
        }
        let answers = self.answers.entry(tag.clone()).or_default();
        for (word, words) in [
            (Word::Yes, &file.yes),
            (Word::No, &file.no),
            (Word::Skip, &file.skip),
        ] {
            for w in words {
                let key = keyword_form(w);
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
        clashes
    }

    /// Recognises a command: the whole message is a command word, or (for
    /// commands that take one) a command word followed by an argument.
    /// "Stop the closure of our clinic" is not STOP.
    pub fn command(&self, text: &str) -> Option<(Command, Option<String>)> {
        let form = keyword_form(text);
        if form.is_empty() {
            return None;
        }
        if let Some(c) = self.commands.get(&form) {
            return Some((*c, None));
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
        let form = keyword_form(text);
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
