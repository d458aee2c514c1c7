//! The store: people and their identities, conversations, issues, rounds,
//! ballots, follows, Board responses and the message log.
//!
//! One trait, one implementation per database (atuin style): [`sqlite`] is the
//! embedded default; [`postgres`] implements the same trait for several
//! instances sharing one database. Everything a conversation step changes
//! happens inside one [`Tx`], so a crash or a provider's retry can never
//! leave half a step behind.

pub mod migrate;
pub mod postgres;
pub mod sqlite;

use crate::domain::{Channel, Identity, IssueRef, LanguageTag, PostcodeDistrict, Timestamp};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub type PersonId = i64;
pub type RoundId = i64;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub language: LanguageTag,
    pub opted_out: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueStatus {
    /// Raised, waiting for a moderator.
    New,
    Approved,
    Hidden,
    /// Merged into another issue (see `merged_into`).
    Merged,
}

impl IssueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueStatus::New => "new",
            IssueStatus::Approved => "approved",
            IssueStatus::Hidden => "hidden",
            IssueStatus::Merged => "merged",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "new" => Some(IssueStatus::New),
            "approved" => Some(IssueStatus::Approved),
            "hidden" => Some(IssueStatus::Hidden),
            "merged" => Some(IssueStatus::Merged),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIssue {
    pub number: u32,
    pub description: String,
    /// Short title used on ballots; moderators may edit it later.
    pub title: String,
    pub area: Option<PostcodeDistrict>,
    pub involvement: Option<String>,
    pub language: LanguageTag,
    pub channel: Channel,
    pub raised_by: Option<PersonId>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub issue_ref: IssueRef,
    pub description: String,
    pub title: String,
    pub area: Option<String>,
    pub involvement: Option<String>,
    pub language: String,
    pub channel: String,
    pub status: IssueStatus,
    pub hidden_reason: Option<String>,
    pub merged_into: Option<IssueRef>,
    pub created_at: Timestamp,
    /// People who raised, follow or voted for it.
    pub supporters: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Draft,
    Open,
    Closed,
}

impl RoundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Draft => "draft",
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(RoundStatus::Draft),
            "open" => Some(RoundStatus::Open),
            "closed" => Some(RoundStatus::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundItem {
    /// 1-based number shown on the ballot.
    pub position: u32,
    pub issue_ref: IssueRef,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: RoundId,
    pub title: String,
    pub max_choices: u32,
    pub status: RoundStatus,
    pub closes_at: Option<Timestamp>,
    pub items: Vec<RoundItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    pub position: u32,
    pub issue_ref: IssueRef,
    pub title: String,
    pub votes: i64,
    /// 1 for the most votes; equal votes share a rank (a tie).
    pub rank: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    Committed,
    Declined,
    InProgress,
    Done,
}

impl ResponseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::Committed => "committed",
            ResponseStatus::Declined => "declined",
            ResponseStatus::InProgress => "in_progress",
            ResponseStatus::Done => "done",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "committed" => Some(ResponseStatus::Committed),
            "declined" => Some(ResponseStatus::Declined),
            "in_progress" => Some(ResponseStatus::InProgress),
            "done" => Some(ResponseStatus::Done),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResponse {
    pub issue_ref: IssueRef,
    pub status: ResponseStatus,
    pub progress: Option<u8>,
    /// Text per language; must include the default language.
    pub texts: Vec<(LanguageTag, String)>,
    pub created_at: Timestamp,
}

/// A Board response as one person should hear it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRow {
    pub issue_ref: IssueRef,
    pub title: String,
    pub status: ResponseStatus,
    pub progress: Option<u8>,
    /// All texts of the response, by language.
    pub texts: Vec<(String, String)>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// Creates a store from a URL: `sqlite://path` (created if missing) or
/// `postgres://…` / `postgresql://…` (see [`postgres::PgStore::connect`];
/// `?options=-c%20search_path%3Dschema` selects a schema). Does not migrate.
pub async fn connect(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(
            sqlite::SqliteStore::connect(url).await?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(postgres::PgStore::connect(url).await?))
    } else {
        Err(StoreError::Invalid(format!(
            "unsupported database URL scheme (expected sqlite:// or postgres://): {}",
            url.split(':').next().unwrap_or("")
        )))
    }
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Applies pending migrations; safe to call on every start.
    async fn migrate(&self) -> Result<()>;
    /// Starts a write transaction. On SQLite this takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so two steps for one person can never interleave;
    /// on PostgreSQL transactions run side by side and looking a person up
    /// locks them (see [`postgres`]).
    async fn begin(&self) -> Result<Box<dyn Tx>>;
    /// Lists every table's name and text columns, for the FORGET audit test.
    async fn dump_all_text(&self) -> Result<Vec<(String, String)>>;
}

#[async_trait]
pub trait Tx: Send {
    async fn commit(self: Box<Self>) -> Result<()>;

    // --- inbound dedupe -------------------------------------------------
    /// The stored reply if this provider message was already handled.
    async fn seen_inbound(&mut self, provider: &str, provider_id: &str) -> Result<Option<String>>;
    async fn record_inbound(
        &mut self,
        provider: &str,
        provider_id: &str,
        person: Option<PersonId>,
        reply: &str,
        now: Timestamp,
    ) -> Result<()>;

    // --- people ---------------------------------------------------------
    async fn person_by_identity(&mut self, identity: &Identity) -> Result<Option<Person>>;
    async fn create_person(
        &mut self,
        identity: &Identity,
        language: &LanguageTag,
        now: Timestamp,
    ) -> Result<Person>;
    async fn person(&mut self, id: PersonId) -> Result<Option<Person>>;
    async fn set_language(&mut self, id: PersonId, language: &LanguageTag) -> Result<()>;
    async fn set_opted_out(&mut self, id: PersonId, opted_out: bool, now: Timestamp) -> Result<()>;
    /// Erases a person: identities, conversation, follows and message texts
    /// go; issues they raised stay unattributed; their ballots stay counted
    /// but unlinked.
    async fn forget_person(&mut self, id: PersonId) -> Result<()>;

    // --- conversations --------------------------------------------------
    async fn conversation(&mut self, person: PersonId) -> Result<Option<String>>;
    async fn save_conversation(
        &mut self,
        person: PersonId,
        state: Option<&str>,
        now: Timestamp,
    ) -> Result<()>;

    // --- issues ---------------------------------------------------------
    /// The number the next raised issue will get (first is 1001).
    async fn next_issue_number(&mut self) -> Result<u32>;
    async fn create_issue(&mut self, issue: &NewIssue) -> Result<()>;
    async fn issue(&mut self, issue_ref: IssueRef) -> Result<Option<Issue>>;
    async fn list_issues(&mut self, status: Option<IssueStatus>) -> Result<Vec<Issue>>;
    async fn set_issue_status(
        &mut self,
        issue_ref: IssueRef,
        status: IssueStatus,
        reason: Option<&str>,
    ) -> Result<()>;
    /// Moves followers and ballot choices to `into` without doubling anyone.
    async fn merge_issue(&mut self, from: IssueRef, into: IssueRef) -> Result<()>;
    async fn follow(&mut self, person: PersonId, issue_ref: IssueRef, now: Timestamp)
    -> Result<()>;

    // --- rounds and ballots ---------------------------------------------
    async fn create_round(
        &mut self,
        title: &str,
        items: &[IssueRef],
        max_choices: u32,
        closes_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<RoundId>;
    async fn open_round(&mut self, id: RoundId, now: Timestamp) -> Result<()>;
    /// Closes the round and stores its results.
    async fn close_round(&mut self, id: RoundId, now: Timestamp) -> Result<Vec<ResultRow>>;
    async fn round(&mut self, id: RoundId) -> Result<Option<Round>>;
    async fn current_round(&mut self) -> Result<Option<Round>>;
    async fn results(&mut self, id: RoundId) -> Result<Vec<ResultRow>>;
    /// The person's current choices in a round, if they voted.
    async fn ballot(&mut self, round: RoundId, person: PersonId) -> Result<Option<Vec<IssueRef>>>;
    /// Casts or replaces a person's ballot. Returns true if it replaced one.
    async fn cast_ballot(
        &mut self,
        round: RoundId,
        person: PersonId,
        choices: &[IssueRef],
        channel: Channel,
        now: Timestamp,
    ) -> Result<bool>;

    // --- Board responses --------------------------------------------------
    async fn add_response(&mut self, response: &NewResponse) -> Result<i64>;
    /// Latest response per issue the person raised, voted for or follows.
    async fn updates_for(&mut self, person: PersonId, limit: u32) -> Result<Vec<UpdateRow>>;

    // --- message log ------------------------------------------------------
    async fn log_message(
        &mut self,
        person: Option<PersonId>,
        direction: Direction,
        channel: Channel,
        text: &str,
        now: Timestamp,
    ) -> Result<()>;
}
