//! Read-only reports for organisers and the open record: rounds, Board
//! responses and who is reached. Plain SQL that both databases run as is,
//! written once and expanded for each backend by a macro (no parameters,
//! so no placeholder dialect differences).

use super::{ResponseStatus, Result, RoundId, RoundStatus, StoreError};
use crate::domain::{IssueRef, Timestamp};
use async_trait::async_trait;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundSummary {
    pub id: RoundId,
    pub title: String,
    pub status: RoundStatus,
    pub max_choices: u32,
    pub closes_at: Option<Timestamp>,
    pub opened_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub ballots: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseRecord {
    pub id: i64,
    pub issue_ref: IssueRef,
    pub status: ResponseStatus,
    pub progress: Option<u8>,
    /// (language, text), in language order.
    pub texts: Vec<(String, String)>,
    pub created_at: Timestamp,
}

/// One row of a breakdown: a key (a channel, a language, an area…) and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: String,
    pub people: i64,
    /// Messages received (channels), issues raised (areas, involvement),
    /// ballots (rounds); 0 where it does not apply.
    pub items: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundReach {
    pub round_id: RoundId,
    pub by_channel: Vec<Count>,
}

/// Who Gather reaches: so organisers can see which voices are missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Reach {
    pub people: i64,
    /// People reached only through Discord or Matrix (not LINKed to a
    /// phone): they may also be counted under a phone of their own.
    pub unlinked_chat: i64,
    pub by_channel: Vec<Count>,
    pub by_language: Vec<Count>,
    pub by_area: Vec<Count>,
    pub by_involvement: Vec<Count>,
    pub per_round: Vec<RoundReach>,
}

#[async_trait]
pub trait Reports: Send + Sync {
    /// Every round, newest first, with its ballot count.
    async fn rounds(&self) -> Result<Vec<RoundSummary>>;
    /// Every Board response, oldest first.
    async fn responses(&self) -> Result<Vec<ResponseRecord>>;
    async fn reach(&self) -> Result<Reach>;
}

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp)
}

fn counts(rows: Vec<(Option<String>, i64, i64)>) -> Vec<Count> {
    rows.into_iter()
        .map(|(k, people, items)| Count {
            key: k.unwrap_or_else(|| "unknown".into()),
            people,
            items,
        })
        .collect()
}

/// id, title, status, max_choices, closes_at, opened_at, closed_at, ballots
type RoundRow = (
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
);

fn round_summary(
    (id, title, status, max_choices, closes_at, opened_at, closed_at, ballots): RoundRow,
) -> Result<RoundSummary> {
    Ok(RoundSummary {
        id,
        title,
        status: RoundStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("round status {status}")))?,
        max_choices: u32::try_from(max_choices)
            .map_err(|_| StoreError::Corrupt("max_choices".into()))?,
        closes_at: ts(closes_at),
        opened_at: ts(opened_at),
        closed_at: ts(closed_at),
        ballots,
    })
}

const ROUNDS: &str = "SELECT r.id, r.title, r.status, CAST(r.max_choices AS BIGINT), r.closes_at, r.opened_at, r.closed_at, \
     (SELECT COUNT(*) FROM ballots b WHERE b.round_id = r.id) \
     FROM rounds r ORDER BY r.id DESC";
const RESPONSES: &str = "SELECT id, issue_number, status, CAST(progress AS BIGINT), created_at FROM responses ORDER BY created_at, id";
const RESPONSE_TEXTS: &str =
    "SELECT response_id, language, text FROM response_texts ORDER BY response_id, language";
const PEOPLE: &str = "SELECT COUNT(*) FROM people";
const UNLINKED_CHAT: &str = "SELECT COUNT(*) FROM people p WHERE EXISTS ( \
       SELECT 1 FROM identities i WHERE i.person_id = p.id AND i.kind IN ('matrix', 'discord')) \
     AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.person_id = p.id AND i.kind = 'phone')";
const BY_CHANNEL: &str = "SELECT channel, COUNT(DISTINCT person_id), COUNT(*) FROM messages \
     WHERE direction = 'in' GROUP BY channel ORDER BY channel";
const BY_LANGUAGE: &str =
    "SELECT language, COUNT(*), CAST(0 AS BIGINT) FROM people GROUP BY language ORDER BY language";
const BY_AREA: &str =
    "SELECT area, COUNT(DISTINCT raised_by), COUNT(*) FROM issues GROUP BY area ORDER BY area";
const BY_INVOLVEMENT: &str = "SELECT involvement, COUNT(DISTINCT raised_by), COUNT(*) FROM issues \
     GROUP BY involvement ORDER BY involvement";
const PER_ROUND: &str = "SELECT round_id, channel, COUNT(*) FROM ballots GROUP BY round_id, channel ORDER BY round_id, channel";

macro_rules! reports_for {
    ($store:ty) => {
        #[async_trait]
        impl Reports for $store {
            async fn rounds(&self) -> Result<Vec<RoundSummary>> {
                let rows: Vec<RoundRow> = sqlx::query_as(ROUNDS).fetch_all(self.pool()).await?;
                rows.into_iter().map(round_summary).collect()
            }

            async fn responses(&self) -> Result<Vec<ResponseRecord>> {
                let heads: Vec<(i64, i64, String, Option<i64>, i64)> =
                    sqlx::query_as(RESPONSES).fetch_all(self.pool()).await?;
                let texts: Vec<(i64, String, String)> = sqlx::query_as(RESPONSE_TEXTS)
                    .fetch_all(self.pool())
                    .await?;
                let mut by_id: std::collections::BTreeMap<i64, Vec<(String, String)>> =
                    std::collections::BTreeMap::new();
                for (id, lang, text) in texts {
                    by_id.entry(id).or_default().push((lang, text));
                }
                heads
                    .into_iter()
                    .map(|(id, number, status, progress, created)| {
                        Ok(ResponseRecord {
                            id,
                            issue_ref: IssueRef::new(
                                u32::try_from(number)
                                    .map_err(|_| StoreError::Corrupt("issue number".into()))?,
                            ),
                            status: ResponseStatus::parse(&status)
                                .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
                            progress: progress.and_then(|p| u8::try_from(p).ok()),
                            texts: by_id.remove(&id).unwrap_or_default(),
                            created_at: Timestamp(created),
                        })
                    })
                    .collect()
            }

            async fn reach(&self) -> Result<Reach> {
                let pool = self.pool();
                let people: (i64,) = sqlx::query_as(PEOPLE).fetch_one(pool).await?;
                let unlinked_chat: (i64,) = sqlx::query_as(UNLINKED_CHAT).fetch_one(pool).await?;
                let q = |sql: &'static str| sqlx::query_as::<_, (Option<String>, i64, i64)>(sql);
                let by_channel = counts(q(BY_CHANNEL).fetch_all(pool).await?);
                let by_language = counts(q(BY_LANGUAGE).fetch_all(pool).await?);
                let by_area = counts(q(BY_AREA).fetch_all(pool).await?);
                let by_involvement = counts(q(BY_INVOLVEMENT).fetch_all(pool).await?);
                let rows: Vec<(i64, String, i64)> =
                    sqlx::query_as(PER_ROUND).fetch_all(pool).await?;
                let mut per_round: Vec<RoundReach> = Vec::new();
                for (round_id, channel, n) in rows {
                    let entry = Count {
                        key: channel,
                        people: n,
                        items: n,
                    };
                    match per_round.last_mut() {
                        Some(r) if r.round_id == round_id => r.by_channel.push(entry),
                        _ => per_round.push(RoundReach {
                            round_id,
                            by_channel: vec![entry],
                        }),
                    }
                }
                Ok(Reach {
                    people: people.0,
                    unlinked_chat: unlinked_chat.0,
                    by_channel,
                    by_language,
                    by_area,
                    by_involvement,
                    per_round,
                })
            }
        }
    };
}

reports_for!(super::sqlite::SqliteStore);
reports_for!(super::postgres::PgStore);

/// Counts under five are shown as "<5" in anything public, so no one can be
/// singled out by a rare area or language.
pub fn public_count(n: i64) -> String {
    if n > 0 && n < 5 {
        "<5".to_string()
    } else {
        n.to_string()
    }
}
