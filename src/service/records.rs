//! The open record and the reach report: what the public may read (no
//! personal data: no numbers, no chat handles, no hidden issues, no
//! descriptions in people's own words) and what organisers see.

use super::{Gather, Result, ServiceError};
use crate::domain::{IssueRef, Timestamp};
use crate::store::reports::{Reach, ResponseRecord, RoundSummary};
use crate::store::{IssueStatus, ResponseStatus, ResultRow, RoundId, RoundStatus};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct OpenResponse {
    pub status: ResponseStatus,
    pub progress: Option<u8>,
    /// Text by language tag.
    pub text: BTreeMap<String, String>,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenIssue {
    #[serde(rename = "ref")]
    pub issue_ref: String,
    pub title: String,
    pub area: Option<String>,
    /// People who raised, follow or voted for it; published as `"<5"` when
    /// under five, so no one is singled out.
    #[serde(serialize_with = "public_count")]
    pub supporters: i64,
    /// `open` until the Board responds, then the latest response's status.
    pub status: String,
    pub latest_response: Option<OpenResponse>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenResult {
    pub rank: u32,
    #[serde(rename = "ref")]
    pub issue_ref: String,
    pub title: String,
    pub votes: i64,
    /// True when another item has the same rank.
    pub tie: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenRound {
    pub id: RoundId,
    pub title: String,
    pub closed_at: Option<String>,
    pub ballots: i64,
    pub results: Vec<OpenResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenCommitment {
    #[serde(rename = "ref")]
    pub issue_ref: String,
    pub title: String,
    pub date: String,
    pub status: ResponseStatus,
    pub progress: Option<u8>,
    pub text: BTreeMap<String, String>,
}

fn public_count<S: serde::Serializer>(n: &i64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&crate::store::reports::public_count(*n))
}

fn date(t: Timestamp) -> String {
    t.to_rfc3339()
}

fn open_response(r: &ResponseRecord) -> OpenResponse {
    OpenResponse {
        status: r.status,
        progress: r.progress,
        text: r.texts.iter().cloned().collect(),
        date: date(r.created_at),
    }
}

/// Marks ties in ranked results.
pub fn with_ties(rows: &[ResultRow]) -> Vec<OpenResult> {
    rows.iter()
        .map(|r| OpenResult {
            rank: r.rank,
            issue_ref: r.issue_ref.to_string(),
            title: r.title.clone(),
            votes: r.votes,
            tie: rows
                .iter()
                .any(|o| o.rank == r.rank && o.issue_ref != r.issue_ref),
        })
        .collect()
}

impl Gather {
    /// Approved issues with supporters and the latest Board response.
    pub async fn open_issues(&self) -> Result<Vec<OpenIssue>> {
        let issues = self.list_issues(Some(IssueStatus::Approved)).await?;
        let responses = self.store.reports().responses().await?;
        let mut latest: BTreeMap<IssueRef, &ResponseRecord> = BTreeMap::new();
        for r in &responses {
            latest.insert(r.issue_ref, r);
        }
        Ok(issues
            .into_iter()
            .map(|i| {
                let resp = latest.get(&i.issue_ref).copied().map(open_response);
                OpenIssue {
                    issue_ref: i.issue_ref.to_string(),
                    title: i.title,
                    area: i.area,
                    supporters: i.supporters,
                    status: resp
                        .as_ref()
                        .map(|r| r.status.as_str().to_string())
                        .unwrap_or_else(|| "open".into()),
                    latest_response: resp,
                }
            })
            .collect())
    }

    /// Closed rounds with their results.
    pub async fn open_rounds(&self) -> Result<Vec<OpenRound>> {
        let rounds = self.store.reports().rounds().await?;
        let mut out = Vec::new();
        let mut tx = self.store.begin().await?;
        for r in rounds
            .into_iter()
            .filter(|r| r.status == RoundStatus::Closed)
        {
            let results = tx.results(r.id).await?;
            out.push(OpenRound {
                id: r.id,
                title: r.title,
                closed_at: r.closed_at.map(date),
                ballots: r.ballots,
                results: with_ties(&results),
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Every Board response, newest first, on issues that are public.
    pub async fn open_commitments(&self) -> Result<Vec<OpenCommitment>> {
        let responses = self.store.reports().responses().await?;
        let mut tx = self.store.begin().await?;
        let mut titles: BTreeMap<IssueRef, Option<String>> = BTreeMap::new();
        let mut out = Vec::new();
        for r in responses.iter().rev() {
            if let std::collections::btree_map::Entry::Vacant(slot) = titles.entry(r.issue_ref) {
                let public = tx
                    .issue(r.issue_ref)
                    .await?
                    .filter(|i| matches!(i.status, IssueStatus::Approved | IssueStatus::Merged))
                    .map(|i| i.title);
                slot.insert(public);
            }
            if let Some(Some(title)) = titles.get(&r.issue_ref) {
                out.push(OpenCommitment {
                    issue_ref: r.issue_ref.to_string(),
                    title: title.clone(),
                    date: date(r.created_at),
                    status: r.status,
                    progress: r.progress,
                    text: r.texts.iter().cloned().collect(),
                });
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    pub async fn rounds(&self) -> Result<Vec<RoundSummary>> {
        Ok(self.store.reports().rounds().await?)
    }

    pub async fn results(&self, id: RoundId) -> Result<Vec<ResultRow>> {
        let mut tx = self.store.begin().await?;
        tx.round(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no round {id}")))?;
        let r = tx.results(id).await?;
        tx.commit().await?;
        Ok(r)
    }

    pub async fn reach(&self) -> Result<Reach> {
        Ok(self.store.reports().reach().await?)
    }
}
