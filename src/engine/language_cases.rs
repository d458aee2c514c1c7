//! The language detection test set (`tests/language_detection/cases.tsv`):
//! each message with what Gather should do about its language, run through
//! the real engine. Used by `cargo test --test language_detection` and by
//! `gather languages report`.

use super::{Content, Engine, Event, Input, PersonView, SequentialIds, World};
use crate::domain::{Channel, LanguageTag, Timestamp};
use crate::i18n::detect::MIN_WORDS;
use crate::i18n::normalize::word_count;
use std::collections::BTreeMap;
use std::fmt;

/// What a message did to the person's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The language was set (and the person told).
    Switch(LanguageTag),
    Keep,
    /// A switch was offered in that language.
    Offer(LanguageTag),
    /// Romanized Urdu or Panjabi: LANGUAGE UR / PA was offered.
    OfferLanguage,
    /// A language Gather does not have: English and the LANGUAGE list.
    Unsupported,
}

impl Outcome {
    pub fn parse(s: &str) -> Result<Outcome, String> {
        let tag = |t: &str| LanguageTag::parse(t).map_err(|e| e.to_string());
        match s.split_once(':') {
            None if s == "keep" => Ok(Outcome::Keep),
            None if s == "unsupported" => Ok(Outcome::Unsupported),
            Some(("offer", "language")) => Ok(Outcome::OfferLanguage),
            Some(("switch", t)) => Ok(Outcome::Switch(tag(t)?)),
            Some(("offer", t)) => Ok(Outcome::Offer(tag(t)?)),
            _ => Err(format!("unknown outcome `{s}`")),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Switch(t) => write!(f, "switch:{t}"),
            Outcome::Keep => f.write_str("keep"),
            Outcome::Offer(t) => write!(f, "offer:{t}"),
            Outcome::OfferLanguage => f.write_str("offer:language"),
            Outcome::Unsupported => f.write_str("unsupported"),
        }
    }
}

/// One line of the test set.
#[derive(Debug, Clone)]
pub struct Case {
    pub line: usize,
    /// The language the text is in, for grouping (`pl`, `ur-Latn`, `mixed`).
    pub lang: String,
    /// The person's language before the message.
    pub language: LanguageTag,
    /// A first message (no person yet).
    pub is_new: bool,
    pub expect: Outcome,
    pub text: String,
}

impl Case {
    pub fn words(&self) -> usize {
        word_count(&self.text)
    }
}

/// Reads the tab-separated test set: `lang  person  expect  text`, with
/// `#` comments and blank lines.
pub fn parse_cases(source: &str, default: &LanguageTag) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let lineno = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        let [lang, person, expect, text] = cols[..] else {
            return Err(format!(
                "line {lineno}: expected 4 tab-separated columns: lang, person, expect, text"
            ));
        };
        let (is_new, language) = match person.split_once(':') {
            _ if person == "new" => (true, default.clone()),
            Some(("new", t)) => (
                true,
                LanguageTag::parse(t).map_err(|e| format!("line {lineno}: {e}"))?,
            ),
            _ => (
                false,
                LanguageTag::parse(person).map_err(|e| format!("line {lineno}: {e}"))?,
            ),
        };
        cases.push(Case {
            line: lineno,
            lang: lang.to_string(),
            language,
            is_new,
            expect: Outcome::parse(expect).map_err(|e| format!("line {lineno}: {e}"))?,
            text: text.to_string(),
        });
    }
    Ok(cases)
}

/// What the engine does with the case's message, from nothing going on.
pub fn outcome(engine: &Engine, case: &Case) -> Outcome {
    let person = PersonView {
        language: case.language.clone(),
        opted_out: false,
        is_new: case.is_new,
    };
    let input = Input {
        channel: Channel::Sms,
        content: Content::Text(case.text.clone()),
        now: Timestamp(0),
    };
    let turn = engine.handle(
        &person,
        None,
        &input,
        &World::default(),
        &mut SequentialIds(1001),
    );
    outcome_of(&turn.events)
}

/// Reads a turn's events for what happened to the language.
pub fn outcome_of(events: &[Event]) -> Outcome {
    for e in events {
        match e {
            Event::LanguageSet { language } => return Outcome::Switch(language.clone()),
            Event::SayIn {
                language,
                utterance,
            } if utterance.message == "language-offer" => {
                return Outcome::Offer(language.clone());
            }
            Event::Say(u) if u.message == "language-offer-romanized" => {
                return Outcome::OfferLanguage;
            }
            Event::Say(u) if u.message == "language-unsupported" => return Outcome::Unsupported,
            _ => {}
        }
    }
    Outcome::Keep
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub cases: usize,
    pub right: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.cases += 1;
        if right {
            self.right += 1;
        }
    }

    pub fn percent(&self) -> f64 {
        if self.cases == 0 {
            100.0
        } else {
            100.0 * self.right as f64 / self.cases as f64
        }
    }
}

/// A case the engine got wrong.
#[derive(Debug, Clone)]
pub struct Miss {
    pub case: Case,
    pub got: Outcome,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub by_language: BTreeMap<String, Tally>,
    /// Per language: messages of one to three words, and of four or more.
    pub by_band: BTreeMap<String, (Tally, Tally)>,
    pub all: Tally,
    /// Messages of four words or more.
    pub long: Tally,
    /// Switches made on one- or two-word messages (must be none).
    pub short_switches: usize,
    /// Switches made on messages of one to three words (must be none).
    pub switches_under_four_words: usize,
    /// Switches that were not expected, at any length.
    pub false_switches: usize,
    pub misses: Vec<Miss>,
}

/// Targets from issue 9.
pub const LONG_TARGET_PERCENT: f64 = 97.0;

impl Report {
    pub fn meets_targets(&self) -> bool {
        self.short_switches == 0 && self.long.percent() >= LONG_TARGET_PERCENT
    }

    /// A plain-text table, per language, then the totals and the misses.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "{:<10} {:>6} {:>6} {:>9}   {:>13}   {:>13}\n",
            "LANGUAGE", "CASES", "RIGHT", "ACCURACY", "1-3 WORDS", "4+ WORDS"
        ));
        let band = |t: &Tally| {
            if t.cases == 0 {
                "-".to_string()
            } else {
                format!("{}/{} {:.0}%", t.right, t.cases, t.percent())
            }
        };
        for (lang, t) in &self.by_language {
            let (short, long) = self.by_band.get(lang).cloned().unwrap_or_default();
            out.push_str(&format!(
                "{:<10} {:>6} {:>6} {:>8.1}%   {:>13}   {:>13}\n",
                lang,
                t.cases,
                t.right,
                t.percent(),
                band(&short),
                band(&long)
            ));
        }
        out.push_str(&format!(
            "{:<10} {:>6} {:>6} {:>8.1}%\n\n",
            "all",
            self.all.cases,
            self.all.right,
            self.all.percent()
        ));
        out.push_str(&format!(
            "four words or more: {} of {} right ({:.1}%, target {LONG_TARGET_PERCENT:.0}%)\n",
            self.long.right,
            self.long.cases,
            self.long.percent()
        ));
        out.push_str(&format!(
            "false switches: {} on one- and two-word messages (target 0), {} on one to three words, {} in all\n",
            self.short_switches, self.switches_under_four_words, self.false_switches
        ));
        if !self.misses.is_empty() {
            out.push_str("\nwrong:\n");
            for m in &self.misses {
                out.push_str(&format!(
                    "  line {}: [{} {}{}] expected {}, got {}: {}\n",
                    m.case.line,
                    m.case.lang,
                    if m.case.is_new { "new " } else { "" },
                    m.case.language,
                    m.case.expect,
                    m.got,
                    m.case.text
                ));
            }
        }
        out
    }
}

/// Runs every case through the engine.
pub fn evaluate(engine: &Engine, cases: &[Case]) -> Report {
    let mut r = Report::default();
    for case in cases {
        let got = outcome(engine, case);
        let right = got == case.expect;
        let words = case.words();
        r.all.add(right);
        r.by_language
            .entry(case.lang.clone())
            .or_default()
            .add(right);
        if words >= MIN_WORDS {
            r.long.add(right);
        }
        let bands = r.by_band.entry(case.lang.clone()).or_default();
        if words >= MIN_WORDS {
            bands.1.add(right);
        } else {
            bands.0.add(right);
        }
        if let Outcome::Switch(_) = got {
            if words <= 2 {
                r.short_switches += 1;
            }
            if words < MIN_WORDS {
                r.switches_under_four_words += 1;
            }
            if !right {
                r.false_switches += 1;
            }
        }
        if !right {
            r.misses.push(Miss {
                case: case.clone(),
                got,
            });
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip() {
        for s in [
            "keep",
            "unsupported",
            "offer:language",
            "switch:pl",
            "offer:en-GB",
        ] {
            assert_eq!(Outcome::parse(s).map(|o| o.to_string()), Ok(s.to_string()));
        }
        assert!(Outcome::parse("switch").is_err());
        assert!(Outcome::parse("maybe:pl").is_err());
    }

    #[test]
    fn cases_parse() {
        let en = LanguageTag::parse("en-GB").expect("tag");
        let cases = parse_cases(
            "# comment\n\npl\tnew\tswitch:pl\tNie mogę dostać się do lekarza\nkw\tpl\tkeep\tok 2\nen\tnew:pl\tswitch:en-GB\tThe bus was cut\n",
            &en,
        )
        .expect("parses");
        assert_eq!(cases.len(), 3);
        assert!(cases[0].is_new);
        assert_eq!(cases[0].language, en);
        assert_eq!(cases[1].language.as_str(), "pl");
        assert!(!cases[1].is_new);
        assert_eq!(cases[2].language.as_str(), "pl");
        assert!(cases[2].is_new);
        assert!(parse_cases("pl\tnew\tswitch:pl", &en).is_err());
        assert!(parse_cases("pl\tnew\tperhaps\ttext", &en).is_err());
    }
}
