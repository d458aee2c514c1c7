//! Messages that suggest someone may need help Gather cannot give: an urgent
//! medical need, a risk of suicide or self-harm, or abuse.
//!
//! Gather is not a health service. It does not diagnose or advise; when a
//! phrase from `locales/<tag>/safeguarding.toml` appears in a message, the
//! engine answers first with the `safeguarding-signpost` message (NHS 111,
//! 999, Samaritans) and flags the issue raised in that conversation for the
//! moderators. Then the conversation goes on as usual.
//!
//! Matching is deliberately simple and predictable, so moderators and
//! translators can reason about it: whole words, in order, compared in
//! [`keyword_form`] (case, accents, look-alike letters folded), with
//! punctuation between words ignored. A phrase word ending in `*` matches
//! any word starting with it (`suicid*` matches "suicidal"); one starting
//! with `*` any word ending with it, for languages that attach little words
//! in front (Arabic `*ألم` matches بألم, "with pain"). Phrases from
//! every locale are checked whatever the person's language, since people
//! mix languages. A number on its own ("111", "999") is never a phrase:
//! "the 111 service is too slow" is an ordinary issue.

use super::normalize::keyword_form;
use crate::domain::LanguageTag;
use serde::Deserialize;

/// What a phrase suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    UrgentMedical,
    SelfHarm,
    Abuse,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::UrgentMedical, Category::SelfHarm, Category::Abuse];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::UrgentMedical => "urgent_medical",
            Category::SelfHarm => "self_harm",
            Category::Abuse => "abuse",
        }
    }
}

/// `locales/<tag>/safeguarding.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeguardingFile {
    #[serde(default)]
    pub urgent_medical: Vec<String>,
    #[serde(default)]
    pub self_harm: Vec<String>,
    #[serde(default)]
    pub abuse: Vec<String>,
}

impl SafeguardingFile {
    fn categories(&self) -> [(Category, &Vec<String>); 3] {
        [
            (Category::UrgentMedical, &self.urgent_medical),
            (Category::SelfHarm, &self.self_harm),
            (Category::Abuse, &self.abuse),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PhraseWord {
    form: String,
    /// `word*`: the message's word starts with `form`.
    prefix: bool,
    /// `*word`: the message's word ends with `form`.
    suffix: bool,
}

#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<PhraseWord>,
    category: Category,
    language: LanguageTag,
    text: String,
}

/// A phrase found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub category: Category,
    /// The locale the phrase came from.
    pub language: LanguageTag,
    /// The phrase as written in the file.
    pub phrase: String,
}

/// The phrases of every locale.
#[derive(Debug, Clone, Default)]
pub struct SafeguardingTable {
    phrases: Vec<Phrase>,
}

/// A message's words in comparison form: punctuation between words splits
/// them (`pain.I`), apostrophes inside a word do not (`can't` = `CANT`).
fn words(text: &str) -> Vec<String> {
    let spaced: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric()
                || unicode_normalization::char::is_combining_mark(c)
                || matches!(c, '\'' | '’' | '*')
                || super::normalize::is_invisible(c)
            {
                c
            } else {
                ' '
            }
        })
        .collect();
    spaced
        .split_whitespace()
        .flat_map(|w| {
            keyword_form(w)
                .split(' ')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn phrase_words(phrase: &str) -> Vec<PhraseWord> {
    phrase
        .split_whitespace()
        .flat_map(|raw| {
            let prefix = raw.ends_with('*');
            let suffix = raw.starts_with('*');
            let parts = words(raw.trim_matches('*'));
            let last = parts.len().saturating_sub(1);
            parts
                .into_iter()
                .enumerate()
                .map(move |(i, form)| PhraseWord {
                    form,
                    prefix: prefix && i == last,
                    suffix: suffix && i == 0,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

impl SafeguardingTable {
    /// Adds a locale's phrases; returns the ones that cannot work (empty
    /// after normalisation, or only digits).
    pub fn add(&mut self, tag: &LanguageTag, file: &SafeguardingFile) -> Vec<String> {
        let mut problems = Vec::new();
        for (category, list) in file.categories() {
            for text in list {
                let words = phrase_words(text);
                let useless = words.is_empty()
                    || words.iter().all(|w| w.form.chars().all(|c| c.is_numeric()));
                if useless {
                    problems.push(format!(
                        "{}: phrase `{text}` has no words to match",
                        category.as_str()
                    ));
                    continue;
                }
                self.phrases.push(Phrase {
                    words,
                    category,
                    language: tag.clone(),
                    text: text.clone(),
                });
            }
        }
        problems
    }

    /// The phrases a locale has in a category.
    pub fn count(&self, tag: &LanguageTag, category: Category) -> usize {
        self.phrases
            .iter()
            .filter(|p| p.language == *tag && p.category == category)
            .count()
    }

    /// Every phrase found in the text, in the order of the table.
    pub fn find_all(&self, text: &str) -> Vec<Found> {
        let message = words(text);
        self.phrases
            .iter()
            .filter(|p| contains(&message, &p.words))
            .map(|p| Found {
                category: p.category,
                language: p.language.clone(),
                phrase: p.text.clone(),
            })
            .collect()
    }

    /// The first phrase found, if any.
    pub fn check(&self, text: &str) -> Option<Found> {
        let message = words(text);
        self.phrases
            .iter()
            .find(|p| contains(&message, &p.words))
            .map(|p| Found {
                category: p.category,
                language: p.language.clone(),
                phrase: p.text.clone(),
            })
    }
}

fn contains(message: &[String], phrase: &[PhraseWord]) -> bool {
    if phrase.is_empty() || phrase.len() > message.len() {
        return false;
    }
    message.windows(phrase.len()).any(|window| {
        window
            .iter()
            .zip(phrase)
            .all(|(w, p)| match (p.suffix, p.prefix) {
                (false, false) => *w == p.form,
                (false, true) => w.starts_with(&p.form),
                (true, false) => w.ends_with(&p.form),
                (true, true) => w.contains(&p.form),
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> SafeguardingTable {
        let mut t = SafeguardingTable::default();
        let file = SafeguardingFile {
            urgent_medical: vec!["chest pain".into(), "can't breathe".into()],
            self_harm: vec![
                "suicid*".into(),
                "kill myself".into(),
                "self-harm".into(),
                "*harming myself".into(),
            ],
            abuse: vec!["hits me".into()],
        };
        let problems = t.add(&LanguageTag::parse("en-GB").expect("tag"), &file);
        assert!(problems.is_empty(), "{problems:?}");
        t
    }

    #[test]
    fn phrases_match_whole_words_in_any_case() {
        let t = table();
        let cat = |s: &str| t.check(s).map(|f| f.category);
        assert_eq!(cat("I have CHEST PAIN now"), Some(Category::UrgentMedical));
        assert_eq!(cat("i cant breathe"), Some(Category::UrgentMedical));
        assert_eq!(cat("I can't breathe!"), Some(Category::UrgentMedical));
        assert_eq!(cat("I can’t breathe"), Some(Category::UrgentMedical));
        assert_eq!(cat("feeling suicidal"), Some(Category::SelfHarm));
        assert_eq!(cat("I want to kill myself."), Some(Category::SelfHarm));
        assert_eq!(cat("I self harm"), Some(Category::SelfHarm));
        assert_eq!(cat("he hits me"), Some(Category::Abuse));
        assert_eq!(cat("i keep selfharming myself"), Some(Category::SelfHarm));
        assert_eq!(cat("pain.Chest pain,again"), Some(Category::UrgentMedical));
        // Parts of words do not count.
        assert_eq!(cat("he hits meetings hard"), None);
        assert_eq!(cat("the 111 service is too slow"), None);
    }

    #[test]
    fn numbers_alone_are_not_phrases() {
        let mut t = SafeguardingTable::default();
        let file = SafeguardingFile {
            urgent_medical: vec!["999".into(), "!!".into()],
            ..Default::default()
        };
        let problems = t.add(&LanguageTag::parse("en-GB").expect("tag"), &file);
        assert_eq!(problems.len(), 2);
        assert_eq!(t.check("call 999"), None);
    }
}
