//! What organisers do: moderate issues, run rounds, record Board responses.
//! The CLI (and later the admin API) call these.

use super::{Gather, Result, ServiceError};
use crate::domain::{IssueRef, LanguageTag, Timestamp};
use crate::store::{Issue, IssueStatus, NewResponse, ResponseStatus, ResultRow, Round, RoundId};

#[derive(Debug, Clone)]
pub struct RoundInput {
    pub title: String,
    pub items: Vec<IssueRef>,
    pub max_choices: u32,
    pub closes_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct ResponseInput {
    pub issue: IssueRef,
    pub status: ResponseStatus,
    pub progress: Option<u8>,
    pub texts: Vec<(LanguageTag, String)>,
}

/// The longest Board response text, per language.
pub const MAX_RESPONSE_CHARS: usize = 1000;
/// The longest round title.
pub const MAX_TITLE_CHARS: usize = 80;

impl Gather {
    pub async fn list_issues(&self, status: Option<IssueStatus>) -> Result<Vec<Issue>> {
        let mut tx = self.store.begin().await?;
        let issues = tx.list_issues(status).await?;
        tx.commit().await?;
        Ok(issues)
    }

    pub async fn set_issue_status(
        &self,
        issue: IssueRef,
        status: IssueStatus,
        reason: Option<&str>,
    ) -> Result<Issue> {
        if status == IssueStatus::Hidden && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(ServiceError::Invalid(
                "hiding an issue needs a reason".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.set_issue_status(issue, status, reason).await?;
        let updated = tx
            .issue(issue)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {issue}")))?;
        tx.commit().await?;
        Ok(updated)
    }

    pub async fn merge_issue(&self, from: IssueRef, into: IssueRef) -> Result<Issue> {
        if from == into {
            return Err(ServiceError::Invalid(
                "cannot merge an issue into itself".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.merge_issue(from, into).await?;
        let target = tx
            .issue(into)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {into}")))?;
        tx.commit().await?;
        Ok(target)
    }

    /// Creates a round and opens it, in one transaction.
    pub async fn open_round(&self, input: RoundInput) -> Result<Round> {
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            return Err(ServiceError::Invalid(format!(
                "a round needs a title of 1 to {MAX_TITLE_CHARS} characters"
            )));
        }
        if input.items.is_empty() {
            return Err(ServiceError::Invalid(
                "a round needs at least one issue".into(),
            ));
        }
        if input.items.len() > 9 {
            return Err(ServiceError::Invalid(
                "a round has at most 9 issues: a phone keypad has 9 number keys".into(),
            ));
        }
        if input.max_choices == 0 || input.max_choices as usize > input.items.len() {
            return Err(ServiceError::Invalid(format!(
                "max choices must be between 1 and {}",
                input.items.len()
            )));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let id = tx
            .create_round(title, &input.items, input.max_choices, input.closes_at, now)
            .await?;
        tx.open_round(id, now).await?;
        let round = tx
            .round(id)
            .await?
            .ok_or_else(|| ServiceError::Internal("round vanished".into()))?;
        tx.commit().await?;
        Ok(round)
    }

    pub async fn close_round(&self, id: RoundId) -> Result<Vec<ResultRow>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let results = tx.close_round(id, now).await?;
        tx.commit().await?;
        Ok(results)
    }

    pub async fn round(&self, id: RoundId) -> Result<Round> {
        let mut tx = self.store.begin().await?;
        let r = tx
            .round(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no round {id}")))?;
        tx.commit().await?;
        Ok(r)
    }

    /// Records a Board response. People hear it with UPDATES (and, once the
    /// fan-out exists, straight away).
    pub async fn record_response(&self, input: ResponseInput) -> Result<i64> {
        let default = self.engine.locales().default_language().clone();
        if input.texts.is_empty() {
            return Err(ServiceError::Invalid("a response needs a text".into()));
        }
        if !input.texts.iter().any(|(l, _)| *l == default) {
            return Err(ServiceError::Invalid(format!(
                "a response needs a text in the default language `{default}`"
            )));
        }
        for (lang, text) in &input.texts {
            if !self.engine.locales().has_language(lang) {
                return Err(ServiceError::Invalid(format!(
                    "Gather has no locale `{lang}`"
                )));
            }
            let n = text.trim().chars().count();
            if n == 0 && input.status == ResponseStatus::Declined {
                return Err(ServiceError::Invalid(
                    "a declined response needs the reason as its text".into(),
                ));
            }
            if n > MAX_RESPONSE_CHARS {
                return Err(ServiceError::Invalid(format!(
                    "the `{lang}` text is {n} characters; the limit is {MAX_RESPONSE_CHARS}"
                )));
            }
        }
        if input.progress.is_some_and(|p| p > 100) {
            return Err(ServiceError::Invalid(
                "progress is a percentage, 0 to 100".into(),
            ));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.issue(input.issue)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {}", input.issue)))?;
        let id = tx
            .add_response(&NewResponse {
                issue_ref: input.issue,
                status: input.status,
                progress: input.progress,
                texts: input
                    .texts
                    .into_iter()
                    .map(|(l, t)| (l, t.trim().to_string()))
                    .collect(),
                created_at: now,
            })
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
