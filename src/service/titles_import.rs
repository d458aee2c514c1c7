//! Titles from a spreadsheet (issue 19): organisers and translators keep
//! the short ballot titles of many issues in many languages in one sheet,
//! and import it as CSV with the columns `issue`, `language` and `title`
//! (in any order; more columns are ignored). A round's own title is a row
//! whose `issue` is `round 3` (or `R3`). Every row is checked before
//! anything is stored, and the whole file is stored in one transaction: a
//! file with a mistake changes nothing, and the answer lists every line
//! that is wrong and why.

use super::organiser::{checked_main_title, checked_title_in};
use super::{Gather, Result, ServiceError};
use crate::domain::{IssueRef, LanguageTag};
use crate::store::RoundId;
use serde::Serialize;

/// The most lines an import reports as wrong (the rest are counted).
const MAX_REPORTED: usize = 20;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TitlesImported {
    /// Titles set (the default language's main title included).
    pub set: usize,
    /// Titles cleared (an empty title in a language other than the default).
    pub cleared: usize,
}

/// What a row titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Subject {
    Issue(IssueRef),
    Round(RoundId),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Issue(r) => write!(f, "{r}"),
            Subject::Round(id) => write!(f, "round {id}"),
        }
    }
}

/// `G-1001`, or `round 3` / `R3` for a round.
fn subject(cell: &str) -> Result<Subject, String> {
    let lower = cell.to_ascii_lowercase();
    let round = lower
        .strip_prefix("round")
        .or_else(|| lower.strip_prefix('r'))
        .map(|n| n.trim_start_matches([' ', '-', '#']));
    if let Some(n) = round
        && let Ok(id) = n.parse::<RoundId>()
        && id > 0
    {
        return Ok(Subject::Round(id));
    }
    IssueRef::parse(cell)
        .map(Subject::Issue)
        .map_err(|e| format!("`{cell}` is not an issue reference (or `round 3`): {e}"))
}

/// One row, checked.
struct Row {
    issue: Subject,
    language: LanguageTag,
    /// `None`: clear the language's title.
    title: Option<String>,
}

impl Gather {
    /// Checks every row of `csv`, then stores them all in one transaction.
    /// Refused (nothing stored) with the wrong lines and their reasons.
    pub async fn import_issue_titles(&self, csv: &str) -> Result<TitlesImported> {
        let rows = self.checked_rows(csv)?;
        let default = self.engine.locales().default_language().clone();
        let mut tx = self.store.begin().await?;
        let mut missing = Vec::new();
        for (line, row) in &rows {
            let exists = match row.issue {
                Subject::Issue(r) => tx.issue(r).await?.is_some(),
                Subject::Round(id) => tx.round(id).await?.is_some(),
            };
            if !exists {
                let what = match row.issue {
                    Subject::Issue(_) => "issue ",
                    Subject::Round(_) => "",
                };
                missing.push(format!("line {line}: there is no {what}{}", row.issue));
            }
        }
        if !missing.is_empty() {
            return Err(invalid(missing));
        }
        let mut done = TitlesImported { set: 0, cleared: 0 };
        for (_, row) in rows {
            // (The default language's title is never cleared: checked.)
            match (row.issue, row.title.as_deref(), row.language == default) {
                (Subject::Issue(r), Some(t), true) => tx.set_issue_title(r, t).await?,
                (Subject::Issue(r), title, _) => {
                    tx.set_issue_title_in(r, row.language.as_str(), title)
                        .await?
                }
                (Subject::Round(id), title, _) => {
                    tx.set_round_title_in(id, row.language.as_str(), title)
                        .await?
                }
            }
            match row.title {
                Some(_) => done.set += 1,
                None => done.cleared += 1,
            }
        }
        tx.commit().await?;
        Ok(done)
    }

    /// The rows of `csv` with their line numbers, or every reason it is refused.
    fn checked_rows(&self, csv: &str) -> Result<Vec<(u64, Row)>> {
        let locales = self.engine.locales();
        // A spreadsheet's UTF-8 export may start with a byte order mark.
        let csv = csv.strip_prefix('\u{feff}').unwrap_or(csv);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(csv.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| ServiceError::Invalid(format!("the CSV could not be read: {e}")))?
            .clone();
        let column = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let (Some(issue_at), Some(lang_at), Some(title_at)) = (
            column(&["issue", "ref"]),
            column(&["language", "lang"]),
            column(&["title"]),
        ) else {
            return Err(ServiceError::Invalid(
                "the first line must name the columns issue, language and title".into(),
            ));
        };
        let mut rows = Vec::new();
        let mut wrong = Vec::new();
        let mut seen = std::collections::BTreeMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    wrong.push(format!("line {line}: {e}"));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(str::is_empty) {
                continue;
            }
            let field = |i: usize| record.get(i).unwrap_or("");
            let checked = (|| {
                let issue = subject(field(issue_at))?;
                let language = LanguageTag::parse(field(lang_at))
                    .ok()
                    .filter(|l| locales.has_language(l))
                    .ok_or_else(|| format!("Gather has no locale `{}`", field(lang_at)))?;
                let text = field(title_at);
                let default = &language == locales.default_language();
                if default && matches!(issue, Subject::Round(_)) {
                    return Err(format!(
                        "a round's `{language}` title is its own title: change it on the round"
                    ));
                }
                let title = if text.is_empty() {
                    if default {
                        return Err(format!(
                            "the default language's title (`{language}`) can be replaced, not cleared"
                        ));
                    }
                    None
                } else if &language == locales.default_language() {
                    Some(checked_main_title(text).map_err(reason)?)
                } else {
                    Some(checked_title_in(locales, &language, text).map_err(reason)?)
                };
                Ok(Row {
                    issue,
                    language,
                    title,
                })
            })();
            match checked {
                Ok(row) => {
                    let key = (row.issue, row.language.as_str().to_string());
                    if let Some(first) = seen.insert(key, line) {
                        wrong.push(format!(
                            "line {line}: {} in `{}` is already on line {first}",
                            row.issue, row.language
                        ));
                    } else {
                        rows.push((line, row));
                    }
                }
                Err(why) => wrong.push(format!("line {line}: {why}")),
            }
        }
        if !wrong.is_empty() {
            return Err(invalid(wrong));
        }
        if rows.is_empty() {
            return Err(ServiceError::Invalid("the CSV has no titles".into()));
        }
        Ok(rows)
    }
}

fn reason(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(m) => m,
        other => other.to_string(),
    }
}

/// Refused with the wrong lines, nothing stored.
fn invalid(mut wrong: Vec<String>) -> ServiceError {
    let more = wrong.len().saturating_sub(MAX_REPORTED);
    wrong.truncate(MAX_REPORTED);
    if more > 0 {
        wrong.push(format!("and {more} more"));
    }
    ServiceError::Invalid(format!(
        "nothing was imported; fix these lines and send the whole file again: {}",
        wrong.join("; ")
    ))
}
