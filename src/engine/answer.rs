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
    Yes,
    No,
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
        // `٠`, `০`, `０`…: the 0 the prompt asks for, in the person's digits.
        || numbers(text).as_deref() == Some(&[0][..])
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
            if let Some(f) = free_text
                && Run::word_count(text) >= f.min_words
            {
                if text.chars().count() > f.max_chars {
                    return Err(hint("reask-text-long", &[("max", f.max_chars as i64)]));
                }
                return Ok(Answer::FreeText(text.to_string()));
            }
            Err(hint("reask-choice", &[("max", count)]))
        }
        Step::YesNo { .. } => {
            match run
                .engine()
                .locales()
                .keywords()
                .answer(text, run.language())
            {
                Some(Word::Yes) => return Ok(Answer::Yes),
                Some(Word::No) => return Ok(Answer::No),
                _ => {}
            }
            match text.trim() {
                "1" => Ok(Answer::Yes),
                "2" => Ok(Answer::No),
                _ => Err(hint("reask-yes-no", &[])),
            }
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
