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
//! [`keyword_form`](super::normalize::keyword_form) (case, accents,
//! look-alike letters folded), with punctuation between words ignored. A
//! phrase word ending in `*` matches any word starting with it (`suicid*`
//! matches "suicidal"); one starting with `*` any word ending with it, for
//! languages that attach little words in front (Arabic `*ألم` matches
//! بألم, "with pain"). Phrases from
//! every locale are checked whatever the person's language, since people
//! mix languages. A number on its own ("111", "999") is never a phrase:
//! "the 111 service is too slow" is an ordinary issue.

use super::normalize::push_keyword_form;
use crate::domain::LanguageTag;
use serde::Deserialize;
use std::collections::HashMap;

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
    /// Where each phrase can start, so a message is compared only with the
    /// phrases its words could begin (see [`Starts`]).
    starts: Starts,
}

/// The phrases (indexes into `phrases`) by their first word, built once in
/// [`SafeguardingTable::add`]. A message word is a candidate start for a
/// phrase only when the phrase's first word could match it: the same word,
/// or for `word*` the same first letter, for `*word` the same last letter.
/// Each candidate is then checked word by word exactly as before, so the
/// index only skips comparisons that could not succeed.
#[derive(Debug, Clone, Default)]
struct Starts {
    /// First word compared whole: the word itself.
    exact: HashMap<String, Vec<usize>>,
    /// First word `word*`: its first character.
    prefix: ByChar,
    /// First word `*word`: its last character.
    suffix: ByChar,
    /// First word `*word*`: tried at every word.
    anywhere: Vec<usize>,
}

/// Phrases by a character, sorted by it: a few dozen characters, where a
/// binary search costs less than hashing.
#[derive(Debug, Clone, Default)]
struct ByChar(Vec<(char, Vec<usize>)>);

impl ByChar {
    fn add(&mut self, c: char, index: usize) {
        match self.0.binary_search_by_key(&c, |(k, _)| *k) {
            Ok(at) => self.0[at].1.push(index),
            Err(at) => self.0.insert(at, (c, vec![index])),
        }
    }

    fn get(&self, c: char) -> Option<&[usize]> {
        let at = self.0.binary_search_by_key(&c, |(k, _)| *k).ok()?;
        Some(&self.0[at].1)
    }
}

impl Starts {
    fn add(&mut self, index: usize, first: &PhraseWord) {
        // `form` is never empty: `words` drops empty words.
        let (Some(head), Some(tail)) = (first.form.chars().next(), first.form.chars().last())
        else {
            self.anywhere.push(index);
            return;
        };
        match (first.suffix, first.prefix) {
            (false, false) => self
                .exact
                .entry(first.form.clone())
                .or_default()
                .push(index),
            (false, true) => self.prefix.add(head, index),
            (true, false) => self.suffix.add(tail, index),
            (true, true) => self.anywhere.push(index),
        }
    }

    /// Calls `found` with every phrase found in the message (in no
    /// particular order, possibly more than once).
    fn each_match(&self, phrases: &[Phrase], message: &Words, mut found: impl FnMut(usize)) {
        let n = message.len();
        for start in 0..n {
            let word = message.get(start);
            let (Some(head), Some(tail)) = (word.chars().next(), word.chars().last()) else {
                continue;
            };
            let lists = [
                self.exact.get(word).map(Vec::as_slice),
                self.prefix.get(head),
                self.suffix.get(tail),
                Some(self.anywhere.as_slice()),
            ];
            for &index in lists.into_iter().flatten().flatten() {
                if matches_at(message, start, &phrases[index].words) {
                    found(index);
                }
            }
        }
    }
}

/// A message's words in comparison form (see [`words`]), in one buffer.
#[derive(Debug, Default)]
struct Words {
    buf: String,
    /// Where each word is in `buf`.
    spans: Vec<(usize, usize)>,
}

impl Words {
    fn len(&self) -> usize {
        self.spans.len()
    }

    fn get(&self, i: usize) -> &str {
        let (start, end) = self.spans[i];
        &self.buf[start..end]
    }

    /// A run of word characters, in comparison form.
    fn push_run(&mut self, run: &str) {
        if run.is_ascii() {
            return self.push_ascii_run(run);
        }
        let from = self.buf.len();
        push_keyword_form(run, &mut self.buf);
        // A run has no whitespace, commas or semicolons, so its form has no
        // spaces; split it anyway, as `words` always did.
        let mut at = from;
        for word in self.buf[from..].split(' ') {
            if !word.is_empty() {
                self.spans.push((at, at + word.len()));
            }
            at += word.len() + 1;
        }
    }

    /// [`Words::push_run`] for ASCII: letters in upper case, digits kept,
    /// `'` and `*` dropped.
    fn push_ascii_run(&mut self, run: &str) {
        let from = self.buf.len();
        for b in run.bytes().filter(u8::is_ascii_alphanumeric) {
            self.buf.push(char::from(b.to_ascii_uppercase()));
        }
        if self.buf.len() > from {
            self.spans.push((from, self.buf.len()));
        }
    }
}

/// A message's words in comparison form: punctuation between words splits
/// them (`pain.I`), apostrophes inside a word do not (`can't` = `CANT`).
fn words(text: &str) -> Vec<String> {
    let w = message_words(text);
    (0..w.len()).map(|i| w.get(i).to_string()).collect()
}

/// Whether `c` belongs to a word (anything else separates words).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || matches!(c, '\'' | '*');
    }
    c.is_alphanumeric()
        || unicode_normalization::char::is_combining_mark(c)
        || c == '’'
        || super::normalize::is_invisible(c)
}

/// [`words`] without a `String` per word: each run of word characters in
/// [`keyword_form`](super::normalize::keyword_form), one after the other in
/// one buffer. An ASCII run's form is its letters in upper case and its
/// digits (`'` and `*` dropped), done here directly.
fn message_words(text: &str) -> Words {
    let mut out = Words {
        buf: String::with_capacity(text.len()),
        spans: Vec::new(),
    };
    let mut run: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), run) {
            (true, None) => run = Some(i),
            (false, Some(start)) => {
                out.push_run(&text[start..i]);
                run = None;
            }
            _ => {}
        }
    }
    if let Some(start) = run {
        out.push_run(&text[start..]);
    }
    out
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
                self.starts.add(self.phrases.len(), &words[0]);
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
        let message = message_words(text);
        let mut hit = vec![false; self.phrases.len()];
        self.starts
            .each_match(&self.phrases, &message, |i| hit[i] = true);
        self.phrases
            .iter()
            .zip(hit)
            .filter(|(_, hit)| *hit)
            .map(|(p, _)| p.found())
            .collect()
    }

    /// The first phrase found (in the order of the table), if any.
    pub fn check(&self, text: &str) -> Option<Found> {
        let message = message_words(text);
        let mut first: Option<usize> = None;
        self.starts.each_match(&self.phrases, &message, |i| {
            if first.is_none_or(|f| i < f) {
                first = Some(i);
            }
        });
        first.map(|i| self.phrases[i].found())
    }
}

impl Phrase {
    fn found(&self) -> Found {
        Found {
            category: self.category,
            language: self.language.clone(),
            phrase: self.text.clone(),
        }
    }
}

/// Whether the phrase's words are the message's from `start` on.
fn matches_at(message: &Words, start: usize, phrase: &[PhraseWord]) -> bool {
    if phrase.is_empty() || start + phrase.len() > message.len() {
        return false;
    }
    phrase.iter().enumerate().all(|(i, p)| {
        let w = message.get(start + i);
        match (p.suffix, p.prefix) {
            (false, false) => w == p.form,
            (false, true) => w.starts_with(&p.form),
            (true, false) => w.ends_with(&p.form),
            (true, true) => w.contains(&p.form),
        }
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

    /// The matching as it was before the index and [`message_words`]: a
    /// `String` per word, every phrase tried at every position. A deliberate
    /// change to the matching makes these tests fail: change the copy too.
    mod reference {
        use super::super::*;
        use crate::i18n::normalize::keyword_form;

        pub fn words(text: &str) -> Vec<String> {
            let spaced: String = text
                .chars()
                .map(|c| {
                    if c.is_alphanumeric()
                        || unicode_normalization::char::is_combining_mark(c)
                        || matches!(c, '\'' | '’' | '*')
                        || crate::i18n::normalize::is_invisible(c)
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

        pub fn find_all(table: &SafeguardingTable, text: &str) -> Vec<Found> {
            let message = words(text);
            table
                .phrases
                .iter()
                .filter(|p| contains(&message, &p.words))
                .map(Phrase::found)
                .collect()
        }
    }

    /// Every locale's phrases, as Gather loads them.
    fn real_table() -> &'static SafeguardingTable {
        static TABLE: std::sync::OnceLock<SafeguardingTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
            let mut t = SafeguardingTable::default();
            let mut dirs: Vec<_> = std::fs::read_dir(&root)
                .expect("locales")
                .map(|e| e.expect("entry").path())
                .collect();
            dirs.sort();
            for dir in dirs {
                let tag = LanguageTag::parse(&dir.file_name().expect("name").to_string_lossy())
                    .expect("tag");
                let text = std::fs::read_to_string(dir.join("safeguarding.toml")).expect("file");
                let file: SafeguardingFile = toml::from_str(&text).expect("toml");
                t.add(&tag, &file);
            }
            t
        })
    }

    /// Words to build messages from: every word of every phrase, with and
    /// without its `*`, with letters around it, plus punctuation, accents,
    /// invisible characters and look-alikes.
    fn vocabulary() -> Vec<String> {
        let mut v = Vec::new();
        for p in &real_table().phrases {
            for raw in p.text.split_whitespace() {
                let bare = raw.trim_matches('*');
                v.extend([
                    raw.to_string(),
                    bare.to_string(),
                    format!("{bare}al"),
                    format!("bi{bare}"),
                    bare.to_uppercase(),
                ]);
            }
            v.push(p.text.clone());
        }
        v.extend(
            [
                "111",
                "999",
                "!",
                ",",
                ";",
                ".",
                "'",
                "’",
                "*",
                "-",
                "—",
                "\u{200B}",
                "\u{FEFF}",
                "\u{0301}",
                "\u{0308}",
                "\u{0651}",
                "a\u{0301}",
                "CНЕST",
                "pain.I",
                "can't",
                "ł",
                "ß",
                "İ",
                "ǅ",
                "ﬁ",
                "ي",
                "ه",
                "ਹਾਂ",
                "🙂",
                "\t",
                "\n",
                "x*y",
                "*",
            ]
            .map(String::from),
        );
        v
    }

    fn message() -> impl Strategy<Value = String> {
        let vocabulary = vocabulary();
        let separators = [
            " ", " ", "  ", ",", ". ", "", "\u{200B}", "-", "'", "\u{0301}",
        ];
        proptest::collection::vec(
            (
                proptest::sample::select(vocabulary),
                proptest::sample::select(separators.to_vec()),
            ),
            0..12,
        )
        .prop_map(|parts| {
            parts
                .into_iter()
                .flat_map(|(w, s)| [w, s.to_string()])
                .collect()
        })
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The index finds exactly what trying every phrase everywhere did.
        #[test]
        fn same_as_trying_every_phrase(text in message()) {
            let table = real_table();
            let expected = reference::find_all(table, &text);
            prop_assert_eq!(&table.find_all(&text), &expected);
            prop_assert_eq!(table.check(&text), expected.into_iter().next());
        }

        #[test]
        fn words_as_before(text in message()) {
            prop_assert_eq!(words(&text), reference::words(&text));
        }

        #[test]
        fn words_as_before_for_any_text(text in "\\PC{0,40}") {
            prop_assert_eq!(words(&text), reference::words(&text));
        }

        #[test]
        fn words_as_before_for_ascii(text in "[ -~\t\n]{0,40}") {
            prop_assert_eq!(words(&text), reference::words(&text));
        }
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
