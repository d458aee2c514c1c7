//! Reading an answer for the step the conversation is waiting at. An answer
//! that cannot be used is a normal value: a hint to send back.

use super::Utterance;
use super::run::Run;
use crate::domain::{LanguageTag, PostcodeDistrict};
use crate::flow::{OptionSource, Step};
use crate::i18n::normalize::{keyword_form, numbers};
use crate::i18n::{ArgValue, Args, Word};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    /// Index into a choice step's static options.
    Option(usize),
    /// 1-based positions chosen from options that come from data.
    Positions(Vec<i64>),
    FreeText(String),
    /// A few words where a choice was expected: asked about (`free_text.short`).
    ShortText(String),
    Yes,
    No,
    /// EDIT at a yes/no step that has an `edit` link.
    Edit,
    Number(i64),
    Text(String),
    Postcode(PostcodeDistrict),
    Language(LanguageTag),
    Skipped,
}

fn hint(id: &str, pairs: &[(&str, i64)]) -> Utterance {
    let mut args = Args::new();
    for (k, v) in pairs {
        args.insert(k.to_string(), ArgValue::Number(*v));
    }
    Utterance {
        message: id.to_string(),
        args,
    }
}

fn is_skip(run: &Run, text: &str) -> bool {
    text.trim() == "0"
        || run
            .engine()
            .locales()
            .keywords()
            .answer(text, run.language())
            == Some(Word::Skip)
}

pub(super) fn parse_answer(run: &Run, step: &Step, text: &str) -> Result<Answer, Utterance> {
    if text.trim().is_empty() {
        return Err(hint("reask-empty", &[]));
    }
    match step {
        Step::Choice {
            options,
            options_from: Some(OptionSource::Round),
            ..
        } => {
            let _ = options;
            let (count, max_choices) = run
                .world()
                .round
                .as_ref()
                .map(|r| (r.items.len() as i64, r.max_choices as i64))
                .unwrap_or((0, 1));
            let reask = || {
                if max_choices > 1 {
                    hint("reask-choices", &[("max", max_choices), ("count", count)])
                } else {
                    hint("reask-choice", &[("max", count)])
                }
            };
            let mut nums = numbers(text).ok_or_else(reask)?;
            nums.sort_unstable();
            nums.dedup();
            if nums.iter().any(|n| *n < 1 || *n > count) || nums.len() as i64 > max_choices {
                return Err(reask());
            }
            Ok(Answer::Positions(nums))
        }
        Step::Choice {
            options,
            skippable,
            free_text,
            ..
        } => {
            let count = options.len() as i64;
            if *skippable && is_skip(run, text) {
                return Ok(Answer::Skipped);
            }
            if let Some(n) = numbers(text)
                && let [n] = n[..]
                && (1..=count).contains(&n)
            {
                return Ok(Answer::Option((n - 1) as usize));
            }
            // The option's words also work: "vote", "Carer or family".
            let form = keyword_form(text);
            let locales = run.engine().locales();
            if let Some(i) = options.iter().position(|o| {
                keyword_form(&o.value) == form
                    || keyword_form(&locales.format(run.language(), &o.label, &Args::new())) == form
            }) {
                return Ok(Answer::Option(i));
            }
            if let Some(f) = free_text {
                let words = Run::word_count(text);
                if words >= f.min_words {
                    if text.chars().count() > f.max_chars {
                        return Err(hint("reask-text-long", &[("max", f.max_chars as i64)]));
                    }
                    return Ok(Answer::FreeText(text.to_string()));
                }
                if f.short.is_some() && is_short_text(run, text) {
                    return Ok(Answer::ShortText(text.to_string()));
                }
            }
            Err(hint("reask-choice", &[("max", count)]))
        }
        Step::YesNo { edit, .. } => {
            if edit.is_some()
                && run
                    .engine()
                    .locales()
                    .keywords()
                    .answer(text, run.language())
                    == Some(Word::Edit)
            {
                return Ok(Answer::Edit);
            }
            yes_no(run, text).ok_or_else(|| hint("reask-yes-no", &[]))
        }
        Step::Number { min, max, .. } => match numbers(text).as_deref() {
            Some([n]) if (*min..=*max).contains(n) => Ok(Answer::Number(*n)),
            _ => Err(hint("reask-number", &[("min", *min), ("max", *max)])),
        },
        Step::Text {
            min_chars,
            max_chars,
            digits,
            ..
        } => {
            let n = text.chars().count();
            let readable = if *digits {
                text.chars().any(|c| c.is_ascii_digit())
            } else {
                text.chars().any(char::is_alphabetic)
            };
            if n > *max_chars {
                Err(hint("reask-text-long", &[("max", *max_chars as i64)]))
            } else if n < *min_chars || !readable {
                Err(hint("reask-text-short", &[]))
            } else {
                Ok(Answer::Text(text.to_string()))
            }
        }
        Step::PostcodeDistrict { skippable, .. } => {
            if *skippable && is_skip(run, text) {
                return Ok(Answer::Skipped);
            }
            PostcodeDistrict::parse(text)
                .map(Answer::Postcode)
                .map_err(|_| hint("reask-postcode", &[]))
        }
        Step::Language { .. } => {
            let langs = run.language_order();
            if let Some(n) = numbers(text)
                && let [n] = n[..]
                && let Some(tag) = usize::try_from(n - 1).ok().and_then(|i| langs.get(i))
            {
                return Ok(Answer::Language(tag.clone()));
            }
            run.engine()
                .locales()
                .resolve_language(text)
                .map(Answer::Language)
                .ok_or_else(|| hint("reask-language", &[]))
        }
        Step::Say { .. } | Step::Action { .. } | Step::Branch { .. } => {
            Err(hint("reask-empty", &[]))
        }
    }
}

/// Emoji that mean yes or no, wherever they are in the message (skin
/// tones and variation selectors do not matter).
fn emoji_word(c: char) -> Option<Word> {
    match c {
        '👍' | '✅' | '✔' | '☑' | '👌' | '🆗' | '🙆' => Some(Word::Yes),
        '👎' | '❌' | '✖' | '❎' | '🚫' | '🙅' => Some(Word::No),
        _ => None,
    }
}

/// The most words that may follow a yes or no ("yes please send it now").
const MAX_TRAILING_WORDS: usize = 4;

/// Reads yes or no the way people write it: a yes/no word of their language
/// (or English) alone, or first and followed by a few words ("yes please",
/// "ok send it", "tak, proszę"), `1`/`2`, or an emoji (👍 ✅ 👎 ❌). Both a
/// yes and a no in one message ("yes no", "👍 no") is neither.
pub(super) fn yes_no(run: &Run, text: &str) -> Option<Answer> {
    let keywords = run.engine().locales().keywords();
    let lang = run.language();
    let word = |t: &str| match keywords.answer(t, lang) {
        Some(w @ (Word::Yes | Word::No)) => Some(w),
        _ => None,
    };
    match text.trim() {
        "1" => return Some(Answer::Yes),
        "2" => return Some(Answer::No),
        _ => {}
    }
    let mut found: Vec<Word> = text.chars().filter_map(emoji_word).collect();
    let form = keyword_form(text);
    let words: Vec<&str> = form.split(' ').filter(|w| !w.is_empty()).collect();
    if let Some(w) = word(&form) {
        found.push(w);
    } else if !words.is_empty() {
        // The longest yes/no phrase the message starts with ("de acuerdo").
        let lead = (1..=words.len().min(3))
            .rev()
            .find_map(|n| word(&words[..n].join(" ")).map(|w| (n, w)));
        match lead {
            Some((n, w)) if words.len() - n <= MAX_TRAILING_WORDS => {
                found.push(w);
                // A yes or no later on ("yes, I mean no") makes it unclear.
                found.extend(words[n..].iter().filter_map(|t| word(t)));
            }
            Some(_) => return None,
            // Words that are not yes or no, beside an emoji: not an answer.
            None if words.iter().any(|t| t.chars().any(char::is_alphabetic)) => return None,
            None => {}
        }
    }
    let first = *found.first()?;
    found
        .iter()
        .all(|w| *w == first)
        .then_some(if first == Word::Yes {
            Answer::Yes
        } else {
            Answer::No
        })
}

/// A few words that could be an issue ("no GP appointments"): a letter in
/// them, and not a greeting or an answer word.
fn is_short_text(run: &Run, text: &str) -> bool {
    let keywords = run.engine().locales().keywords();
    let form = keyword_form(text);
    let words: Vec<&str> = form.split(' ').collect();
    // "hi", "hello again", "thank you so much": a greeting first.
    let greeting = (1..=words.len().min(3)).any(|n| keywords.is_greeting(&words[..n].join(" ")));
    // A postcode on its own ("SE15") is an answer to an old question.
    let postcode = text.is_ascii() && PostcodeDistrict::parse(text).is_ok();
    // "stop it", "menu please": a command word first is not an issue.
    let command = words.first().is_some_and(|w| keywords.command(w).is_some());
    text.chars().any(char::is_alphabetic)
        && keywords.answer(text, run.language()).is_none()
        && !greeting
        && !postcode
        && !command
}
