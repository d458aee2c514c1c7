//! The store: people and their identities, conversations, issues, rounds,
//! ballots, follows, Board responses and the message log.
//!
//! One trait, one implementation per database (atuin style): [`sqlite`] is the
//! embedded default; [`postgres`] implements the same trait for several
//! instances sharing one database. Everything a conversation step changes
//! happens inside one [`Tx`], so a crash or a provider's retry can never
//! leave half a step behind.

pub mod chat;
pub mod fanout;
pub mod forget;
pub mod guard;
pub mod migrate;
pub mod outbox;
pub mod postgres;
pub mod reports;
pub mod round_titles;
pub mod sqlite;
pub mod whatsapp;

use crate::domain::{
    Channel, Identity, IdentityKind, IssueRef, LanguageTag, PostcodeDistrict, Timestamp,
};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use outbox::{
    ClaimCheck, DeliveryStatus, DeliveryTarget, NewOutbound, OutboundKind, OutboxItem, OutboxRow,
    OutboxStatus, OutboxSummary,
};

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
    /// An SQLite error on the write connection (see `store::sqlite::lite`).
    #[error("database error: {0}")]
    Sqlite(String),
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
    /// The conversation matched a safeguarding phrase: moderators look first.
    pub safeguarding: bool,
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
    /// Flagged for moderators: the conversation matched a safeguarding phrase.
    pub safeguarding: bool,
    /// Raised by speaking on a call: the recording (https) and its length in
    /// seconds, until a moderator writes a summary.
    pub recording_url: Option<String>,
    pub recording_secs: Option<i64>,
}

/// One phone call (Twilio Voice): its recording, the issue that recording
/// went into, and the call's last status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceCall {
    pub call_sid: String,
    pub person_id: Option<PersonId>,
    pub recording_url: Option<String>,
    pub recording_secs: Option<i64>,
    pub issue_number: Option<u32>,
    pub status: String,
    pub updated_at: Timestamp,
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
    /// Read-only reports (rounds, responses, reach).
    fn reports(&self) -> &dyn reports::Reports;
    /// After a FORGET has committed: best effort to leave no old copy of the
    /// erased rows behind (SQLite: checkpoint the WAL and truncate it;
    /// PostgreSQL: vacuum the tables FORGET touches, in the background).
    async fn after_forget(&self) -> Result<()> {
        Ok(())
    }
}

#[async_trait]
pub trait Tx: Send {
    async fn commit(self: Box<Self>) -> Result<()>;

    // --- abuse bounds shared by instances (see [`guard`]) ------------------
    /// Claims an admin API idempotency key for this transaction (another
    /// transaction claiming it waits until this one ends). Expired keys are
    /// swept.
    async fn claim_idempotency(
        &mut self,
        key_hash: &str,
        request_hash: &str,
        now: Timestamp,
    ) -> Result<guard::IdempotencyClaim>;
    /// Stores the response of a request whose key this transaction claimed.
    async fn finish_idempotency(&mut self, key_hash: &str, status: u16, body: &str) -> Result<()>;
    /// Counts one event in `key`'s fixed window of `window_ms` (a new window
    /// starts when the last one is over); the counter after it.
    async fn bump_counter(
        &mut self,
        key: &str,
        now: Timestamp,
        window_ms: i64,
    ) -> Result<guard::Counter>;
    async fn counter(&mut self, key: &str) -> Result<Option<guard::Counter>>;
    /// Sets the counter's lockout end.
    async fn lock_counter(&mut self, key: &str, until: Timestamp) -> Result<()>;
    async fn clear_counter(&mut self, key: &str) -> Result<()>;
    /// Removes counters under `prefix` whose window started before `before`
    /// and that lock nothing out at `now`.
    async fn sweep_counters(
        &mut self,
        prefix: &str,
        before: Timestamp,
        now: Timestamp,
    ) -> Result<()>;
    /// The database's secret called `name`, made from `fresh` if it has none.
    async fn instance_secret(&mut self, name: &str, fresh: &str) -> Result<String>;
    /// An organiser session (PostgreSQL: locked until the transaction ends).
    async fn session(&mut self, id_hash: &str) -> Result<Option<guard::SessionRow>>;
    async fn save_session(&mut self, id_hash: &str, session: &guard::SessionRow) -> Result<()>;
    async fn end_session(&mut self, id_hash: &str) -> Result<()>;
    /// Removes sessions idle since before `idle_before` or made before
    /// `created_before`.
    async fn sweep_sessions(
        &mut self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> Result<()>;

    // --- fan-out (see `fanout`) -------------------------------------------
    /// Queues one message per person in the audience, in their language,
    /// in one statement. Returns (fan-out id, recipients queued).
    async fn fan_out(&mut self, spec: &fanout::FanOutSpec, now: Timestamp) -> Result<(i64, i64)>;
    /// Progress of one fan-out, or of all (newest first).
    async fn fanout_status(&mut self, id: Option<i64>) -> Result<Vec<fanout::FanOutStatus>>;
    /// How many people an audience would reach now.
    async fn audience_size(&mut self, audience: &fanout::Audience) -> Result<i64>;
    /// Who an audience would reach now, by language and by the identity a
    /// fan-out would use (phone first, then Matrix, then Discord).
    async fn audience_groups(
        &mut self,
        audience: &fanout::Audience,
    ) -> Result<Vec<fanout::AudienceGroup>>;

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
    /// Opting out also makes messages queued to the person's addresses
    /// before anyone had them theirs, so the outbox's opt-out re-check stops
    /// every message to them.
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
    /// Serialises issue numbers until this transaction ends, for a step
    /// that raises an issue (PostgreSQL: an advisory lock, so concurrent
    /// raisers wait instead of colliding; SQLite: nothing to do, the write
    /// lock already serialises).
    async fn lock_issue_numbers(&mut self) -> Result<()> {
        Ok(())
    }
    async fn create_issue(&mut self, issue: &NewIssue) -> Result<()>;
    async fn issue(&mut self, issue_ref: IssueRef) -> Result<Option<Issue>>;
    async fn list_issues(&mut self, status: Option<IssueStatus>) -> Result<Vec<Issue>>;
    async fn set_issue_status(
        &mut self,
        issue_ref: IssueRef,
        status: IssueStatus,
        reason: Option<&str>,
    ) -> Result<()>;
    /// Replaces the short title used on ballots (a moderator's edit).
    async fn set_issue_title(&mut self, issue_ref: IssueRef, title: &str) -> Result<()>;
    // Per-language titles (issue 19): `issues.title` is the default
    // language's; these are the others an organiser wrote.
    /// Sets (`Some`) or clears (`None`) an issue's title in `language`.
    async fn set_issue_title_in(
        &mut self,
        issue_ref: IssueRef,
        language: &str,
        title: Option<&str>,
    ) -> Result<()>;
    /// The per-language titles of `issues`: (issue, language, title), in
    /// the order of `issues`, then by language.
    async fn issue_titles(
        &mut self,
        issues: &[IssueRef],
    ) -> Result<Vec<(IssueRef, String, String)>>;
    /// Sets (`Some`) or clears (`None`) a round's title in `language`.
    async fn set_round_title_in(
        &mut self,
        round: RoundId,
        language: &str,
        title: Option<&str>,
    ) -> Result<()>;
    /// A round's titles in other languages: (language, title).
    async fn round_titles(&mut self, round: RoundId) -> Result<Vec<(String, String)>>;
    /// The languages of the people who may vote (not opted out), sorted.
    async fn voter_languages(&mut self) -> Result<Vec<String>>;
    /// Attaches a call's recording to an issue raised by speaking.
    async fn set_issue_recording(
        &mut self,
        issue_ref: IssueRef,
        url: &str,
        secs: i64,
    ) -> Result<()>;

    // --- phone calls ----------------------------------------------------
    async fn voice_call(&mut self, call_sid: &str) -> Result<Option<VoiceCall>>;
    /// Inserts or replaces the call's row.
    async fn save_voice_call(&mut self, call: &VoiceCall) -> Result<()>;
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

    // --- outbox (see [`outbox`]) -------------------------------------------
    /// Queues a message. `None` when a message with the same `dedupe_key`
    /// was queued before: enqueueing is idempotent. A message without a
    /// person is linked to whoever has that address, if anyone.
    async fn enqueue(&mut self, msg: &NewOutbound, now: Timestamp) -> Result<Option<i64>>;
    /// Claims up to `limit` messages for `channel` that are due, and those
    /// whose claim is older than `stale_after_ms` (their worker died between
    /// claim and send), marking them `sending` by `worker`. Two workers never
    /// claim the same row (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite
    /// serialises writers).
    async fn claim_outbox(
        &mut self,
        channel: Channel,
        now: Timestamp,
        limit: u32,
        stale_after_ms: i64,
        worker: &str,
    ) -> Result<Vec<OutboxItem>>;
    /// Just before sending: is the claim (`item.attempts`) still `worker`'s,
    /// and has the person opted out since? Renews the claim.
    async fn check_claim(
        &mut self,
        id: i64,
        worker: &str,
        attempts: u32,
        now: Timestamp,
    ) -> Result<ClaimCheck>;
    /// The provider accepted the message. A delivery report that arrived
    /// first is applied now. A message already marked sent keeps its id.
    async fn mark_sent(
        &mut self,
        id: i64,
        provider: &str,
        provider_id: &str,
        segments: Option<u32>,
        encoding: Option<&str>,
        now: Timestamp,
    ) -> Result<()>;
    /// Whether a message already carries this provider id (so a message
    /// the provider reports is not claimed for two rows).
    async fn provider_id_taken(&mut self, provider: &str, provider_id: &str) -> Result<bool>;
    /// Back to the queue after a temporary failure.
    async fn mark_retry(&mut self, id: i64, error: &str, next_attempt_at: Timestamp) -> Result<()>;
    /// Back to the queue until `until` without counting an attempt (quiet
    /// hours, or a worker shutting down before it got to the message).
    async fn mark_deferred(&mut self, id: i64, until: Timestamp) -> Result<()>;
    async fn mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> Result<()>;
    async fn mark_cancelled(&mut self, id: i64, reason: &str, now: Timestamp) -> Result<()>;
    /// Records a provider's status callback, idempotently; the status only
    /// moves forward ([`DeliveryStatus::supersedes`]). Kept even when no
    /// message has that id yet (the callback overtook the send). Returns the
    /// message it belongs to, if known.
    async fn record_delivery_status(
        &mut self,
        provider: &str,
        provider_id: &str,
        status: DeliveryStatus,
        error_code: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<DeliveryTarget>>;
    /// Opts out whoever has this identity (a carrier said they unsubscribed).
    /// Like [`Tx::set_opted_out`] with `true`, messages queued to their
    /// addresses before anyone had them become theirs (and stop with them).
    async fn opt_out_address(
        &mut self,
        kind: IdentityKind,
        address: &str,
        now: Timestamp,
    ) -> Result<Option<PersonId>>;
    /// The person's address of this kind (their phone number), if any.
    async fn person_address(
        &mut self,
        person: PersonId,
        kind: IdentityKind,
    ) -> Result<Option<String>>;
    async fn outbox_row(&mut self, id: i64) -> Result<Option<OutboxRow>>;
    async fn outbox_summary(&mut self) -> Result<OutboxSummary>;

    // --- chat channels and LINK (see [`chat`]) ------------------------------
    /// A channel's bookkeeping value (`matrix:since`).
    async fn chat_state(&mut self, key: &str) -> Result<Option<String>>;
    /// Sets (or with `None` removes) a bookkeeping value.
    async fn set_chat_state(
        &mut self,
        key: &str,
        value: Option<&str>,
        now: Timestamp,
    ) -> Result<()>;
    /// Every bookkeeping value whose key starts with `prefix`, by key.
    async fn chat_states(&mut self, prefix: &str) -> Result<Vec<(String, String)>>;
    /// The person's pending LINK code, if any.
    async fn link_code(&mut self, person: PersonId) -> Result<Option<chat::LinkCode>>;
    /// Stores (or with `None` removes) the person's pending LINK code.
    async fn set_link_code(
        &mut self,
        person: PersonId,
        code: Option<&chat::LinkCode>,
        now: Timestamp,
    ) -> Result<()>;
    /// Makes `from` part of `into`: identities, issues, follows, messages
    /// and ballots move (one ballot per round: the more recent stays), and
    /// `from` is deleted. `into` keeps its language and opt-out.
    async fn merge_people(&mut self, from: PersonId, into: PersonId) -> Result<()>;

    // --- one vote per identity; opt-out exemptions -------------------------
    /// The server secret called `name`: the stored one, or `candidate`,
    /// stored now, if there is none yet (so every instance sharing the
    /// database uses the first one stored).
    async fn server_secret(
        &mut self,
        name: &str,
        candidate: &str,
        now: Timestamp,
    ) -> Result<String>;
    /// Whether any of these identity hashes voted in `round` (see
    /// `service::votes`): kept across FORGET, so a number that comes back
    /// cannot vote twice.
    async fn round_voted(&mut self, round: RoundId, hashes: &[String]) -> Result<bool>;
    /// Records that these identity hashes voted in `round` (idempotent).
    async fn add_round_voters(&mut self, round: RoundId, hashes: &[String]) -> Result<()>;
    /// Every identity of a person (phone number, chat ids).
    async fn identities_of(&mut self, person: PersonId) -> Result<Vec<Identity>>;
    /// The rounds a person has a ballot in.
    async fn ballot_rounds(&mut self, person: PersonId) -> Result<Vec<RoundId>>;
    /// Marks a queued message as one that goes even though its person has
    /// opted out: the one confirmation of an opt-out, and HELP replies.
    async fn exempt_from_opt_out(&mut self, id: i64) -> Result<()>;

    /// WhatsApp's windows, channels, voice notes and routes
    /// (`store::whatsapp`), on this transaction's connection.
    fn whatsapp(&mut self) -> whatsapp::Conn<'_>;

    // --- STATUS and notices to raisers (issue 16) -------------------------

    /// Who raised an issue, the votes it got and its latest Board response
    /// (status and texts by language). `None` when there is no such issue.
    async fn issue_facts(&mut self, issue_ref: IssueRef) -> Result<Option<IssueFacts>>;
    /// The issues a person raised, newest first.
    async fn raised_by(&mut self, person: PersonId, limit: u32) -> Result<Vec<IssueRef>>;

    // --- FORGET's provider deletions and LINK limits (see [`forget`]) -------
    /// LINK codes texted since `since` to the number whose key is `target`,
    /// and for the requester whose key is `requester` ([`forget::link_key`]).
    async fn link_requests_since(
        &mut self,
        target: &str,
        requester: &str,
        since: Timestamp,
    ) -> Result<(u32, u32)>;
    /// Counts one LINK code texted, and drops the counts older than
    /// [`forget::LINK_WINDOW_MS`].
    async fn record_link_request(
        &mut self,
        target: &str,
        requester: &str,
        now: Timestamp,
    ) -> Result<()>;
    /// Drops LINK counts older than `before`; returns how many.
    async fn prune_link_requests(&mut self, before: Timestamp) -> Result<u64>;
    /// Recordings due for deletion at the provider, oldest first.
    async fn due_recording_deletions(
        &mut self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<forget::RecordingDeletion>>;
    /// A deletion's outcome: `None` done (the row goes), else when to try
    /// again and why it failed.
    async fn finish_recording_deletion(
        &mut self,
        id: i64,
        retry: Option<(Timestamp, &str)>,
    ) -> Result<()>;
}

/// What STATUS and the notices to raisers need beyond [`Issue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueFacts {
    pub raised_by: Option<PersonId>,
    /// Ballots that chose it, in every round.
    pub votes: i64,
    /// The latest Board response: its status and texts by language.
    pub latest: Option<(ResponseStatus, Vec<(String, String)>)>,
}

/// Per-language title rows (issue number, language, title), sorted by
/// language, put in the order of `issues` (issue 19).
pub(crate) fn order_titles(
    issues: &[IssueRef],
    rows: Vec<(i64, String, String)>,
) -> Vec<(IssueRef, String, String)> {
    let mut out: Vec<(usize, IssueRef, String, String)> = rows
        .into_iter()
        .filter_map(|(n, l, t)| {
            let r = issues
                .iter()
                .copied()
                .find(|r| i64::from(r.number()) == n)?;
            let at = issues.iter().position(|x| *x == r)?;
            Some((at, r, l, t))
        })
        .collect();
    out.sort_by_key(|(at, ..)| *at);
    out.into_iter().map(|(_, r, l, t)| (r, l, t)).collect()
}
