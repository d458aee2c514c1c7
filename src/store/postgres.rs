//! PostgreSQL implementation of [`super::Store`], for several instances
//! sharing one database.
//!
//! The semantics are those of [`super::sqlite`]; the differences are about
//! concurrency. SQLite serialises every write transaction (`BEGIN IMMEDIATE`);
//! here transactions run side by side at READ COMMITTED, so the places where
//! two of them could fork state take explicit locks:
//!
//! * **Per person.** [`Tx::person_by_identity`] first takes a transaction
//!   advisory lock on the identity (so two first messages from one new number
//!   create one person, not two), then reads the person row `FOR NO KEY
//!   UPDATE`; [`Tx::person`] locks the row the same way. A second step for the
//!   same person, on any instance, waits until the first commits and then
//!   sees its conversation state. (`NO KEY UPDATE` rather than `UPDATE` so
//!   foreign-key checks from other transactions, which take `KEY SHARE`, are
//!   not blocked.)
//! * **Inbound dedupe.** [`Tx::seen_inbound`] takes an advisory lock on the
//!   provider's message id, so a provider's retry arriving at another
//!   instance waits for the first attempt and is then answered from its record.
//! * **Rounds.** [`Tx::cast_ballot`] reads the round `FOR KEY SHARE`;
//!   opening and closing read it `FOR UPDATE`, so a round cannot close under a
//!   vote still being cast, and a vote after the close sees it closed.
//! * **Issue numbers** are `MAX(number) + 1`, read without a lock: the service
//!   asks for the next number on every step, so locking there would serialise
//!   every message. Two steps raising an issue at the same moment pick the
//!   same number; the second insert fails with a unique violation, surfaces
//!   as [`StoreError::Conflict`] and the service runs the step again. To
//!   keep that rare, a step whose engine run raises an issue then takes a
//!   transaction advisory lock on issue numbers ([`Tx::lock_issue_numbers`],
//!   after the person's locks, so the order is the same everywhere), reads
//!   the number again and, if it moved, runs the (pure) engine again with it:
//!   only steps that raise an issue wait for each other.
//!
//! Advisory locks use the two-key form, `(namespace, hashtext(schema ':' key))`,
//! with the namespaces below, so they never collide with the one-key form or
//! with another schema in the same database.
//!
//! Unlike SQLite, PostgreSQL aborts the whole transaction when a statement
//! fails. A [`PgTx`] remembers that, and [`Tx::commit`] then rolls back and
//! returns [`StoreError::Conflict`] instead of pretending to commit. Errors
//! the store raises itself before touching the database (a pre-checked
//! conflict, a missing row) leave the transaction usable, as on SQLite.

use super::IssueFacts;
use super::migrate::{self, Migration};
use super::sqlite::rank_results;
use super::{
    ClaimCheck, DeliveryStatus, DeliveryTarget, Direction, Issue, IssueStatus, NewIssue,
    NewOutbound, NewResponse, OutboxItem, OutboxRow, OutboxStatus, OutboxSummary, Person, PersonId,
    ResponseStatus, Result, ResultRow, Round, RoundId, RoundItem, RoundStatus, Store, StoreError,
    Tx, UpdateRow, VoiceCall,
};
use crate::domain::{Channel, Identity, IdentityKind, IssueRef, LanguageTag, Timestamp};
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, PgConnection, Postgres, Row};
use std::str::FromStr;
use std::time::Duration;

mod chat_sql;
mod forget_sql;
mod guard_sql;
mod outbox_sql;
mod votes_sql;

/// The PostgreSQL schema, oldest first. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "outbox",
        sql: include_str!("migrations/postgres/0002_outbox.sql"),
    },
    Migration {
        version: 3,
        name: "safeguarding",
        sql: include_str!("migrations/postgres/0003_safeguarding.sql"),
    },
    Migration {
        version: 4,
        name: "fanout",
        sql: include_str!("migrations/postgres/0004_fanout.sql"),
    },
    Migration {
        version: 5,
        name: "chat",
        sql: include_str!("migrations/postgres/0005_chat.sql"),
    },
    Migration {
        version: 6,
        name: "voice",
        sql: include_str!("migrations/postgres/0006_voice.sql"),
    },
    Migration {
        version: 9,
        name: "votes_opt_out",
        sql: include_str!("migrations/postgres/0009_votes_opt_out.sql"),
    },
    Migration {
        version: 10,
        name: "forget",
        sql: include_str!("migrations/postgres/0010_forget.sql"),
    },
    Migration {
        version: 11,
        name: "abuse",
        sql: include_str!("migrations/postgres/0011_abuse.sql"),
    },
    Migration {
        version: 13,
        name: "issue_titles",
        sql: include_str!("migrations/postgres/0013_issue_titles.sql"),
    },
    Migration {
        version: 16,
        name: "whatsapp",
        sql: include_str!("migrations/postgres/0016_whatsapp.sql"),
    },
    Migration {
        version: 18,
        name: "round_titles",
        sql: include_str!("migrations/postgres/0018_round_titles.sql"),
    },
];

/// Advisory lock namespace: applying migrations (session lock, per schema).
pub const LOCK_MIGRATIONS: i32 = 0x4741_0001;
/// Advisory lock namespace: one identity (transaction lock).
pub const LOCK_IDENTITY: i32 = 0x4741_0002;
/// Advisory lock namespace: one provider message id (transaction lock).
pub const LOCK_INBOUND: i32 = 0x4741_0003;
/// Advisory lock namespace: issue numbers, for steps raising an issue
/// (transaction lock). [`crate::leader::LOCK_LEADER`] is `0x4741_0010`.
pub const LOCK_ISSUE_NUMBERS: i32 = 0x4741_0004;

/// How long a request waits for a pooled connection (and start-up for the
/// first one) before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 16;

/// The shared store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`).
    /// Libpq-style startup options work in the URL, e.g.
    /// `?options=-c%20search_path%3Dgather` to use another schema.
    /// Does not migrate; call [`Store::migrate`]. An unreachable server is
    /// [`StoreError::Unavailable`] after about five seconds.
    pub async fn connect(url: &str) -> Result<PgStore> {
        Self::connect_with(parse_url(url)?).await
    }

    /// Connects to `url` with `search_path` set to `schema` on every
    /// connection: the tables live (and are migrated) in that schema. The
    /// schema must exist.
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<PgStore> {
        let options = parse_url(url)?.options([("search_path", schema)]);
        Self::connect_with(options).await
    }

    /// Connects with prepared options.
    pub async fn connect_with(options: PgConnectOptions) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await;
        match pool {
            Ok(pool) => Ok(PgStore { pool }),
            Err(e) => Err(connect_error(&options, e).await),
        }
    }

    /// The underlying pool, for tests and maintenance tasks.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn parse_url(url: &str) -> Result<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))
}

/// Explains a failed start-up connection. The pool retries a refused
/// connection until its timeout and then only says "timed out", so one more
/// direct attempt finds the real cause. Never echoes the password.
async fn connect_error(options: &PgConnectOptions, e: sqlx::Error) -> StoreError {
    let target = format!(
        "{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("")
    );
    let e = match e {
        sqlx::Error::PoolTimedOut => {
            match tokio::time::timeout(Duration::from_secs(2), PgConnection::connect_with(options))
                .await
            {
                Ok(Err(direct)) => direct,
                Ok(Ok(conn)) => {
                    let _ = conn.close().await;
                    sqlx::Error::PoolTimedOut
                }
                Err(_) => sqlx::Error::PoolTimedOut,
            }
        }
        other => other,
    };
    if refused_by_configuration(&e) {
        StoreError::Invalid(format!(
            "PostgreSQL at {target} refused the connection: {e}"
        ))
    } else {
        StoreError::Unavailable(format!("cannot connect to PostgreSQL at {target}: {e}"))
    }
}

/// Wrong credentials (class 28) or no such database (3D000): the
/// configuration's fault, not the network's.
fn refused_by_configuration(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c.starts_with("28") || c == "3D000")
}

/// The tables a FORGET changes, vacuumed after it so their dead rows go.
const FORGET_VACUUM: &str = "VACUUM people, identities, conversations, messages, follows, \
     inbound_dedupe, outbox, issues, ballots, voice_calls, link_codes, chat_state";

#[async_trait]
impl Store for PgStore {
    async fn migrate(&self) -> Result<()> {
        let now = chrono::Utc::now().timestamp_millis();
        let mut conn = self.pool.acquire().await.map_err(db)?;
        // A session lock held across the whole run (including the CREATE
        // TABLE IF NOT EXISTS of the bookkeeping table, which is not safe
        // to race on PostgreSQL): a second instance starting at the same
        // moment waits here, then finds nothing left to do.
        sqlx::query("SELECT pg_advisory_lock($1, hashtext(current_schema()))")
            .bind(LOCK_MIGRATIONS)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        let result = migrate::apply_on::<Postgres>(&mut conn, MIGRATIONS, None, now).await;
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1, hashtext(current_schema()))")
            .bind(LOCK_MIGRATIONS)
            .execute(&mut *conn)
            .await;
        if unlocked.is_err() {
            // Closing the session releases the lock for certain.
            let _ = conn.detach().close().await;
        }
        let applied = result.map_err(|e| match e {
            StoreError::Database(e) => db(e),
            other => other,
        })?;
        if !applied.is_empty() {
            tracing::info!(?applied, "applied PostgreSQL migrations");
        }
        Ok(())
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let tx = self.pool.begin().await.map_err(db)?;
        Ok(Box::new(PgTx { tx, failed: false }))
    }

    fn reports(&self) -> &dyn super::reports::Reports {
        self
    }

    /// Vacuums the tables FORGET touches, in the background (VACUUM cannot
    /// run in a transaction, and it may take a while on a big outbox), one
    /// at a time per process: a FORGET while one runs is covered by the
    /// next. Best effort; docs/security.md says what stays and how long.
    async fn after_forget(&self) -> Result<()> {
        use std::sync::atomic::{AtomicBool, Ordering};
        static RUNNING: AtomicBool = AtomicBool::new(false);
        static AGAIN: AtomicBool = AtomicBool::new(false);
        AGAIN.store(true, Ordering::SeqCst);
        if RUNNING.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let pool = self.pool.clone();
        tokio::spawn(async move {
            loop {
                while AGAIN.swap(false, Ordering::SeqCst) {
                    if let Err(e) = sqlx::raw_sql(FORGET_VACUUM).execute(&pool).await {
                        tracing::warn!(error = %e, "FORGET: VACUUM failed; autovacuum will do it");
                    }
                }
                RUNNING.store(false, Ordering::SeqCst);
                // A FORGET that came in just now, while this one was ending.
                if !AGAIN.load(Ordering::SeqCst) || RUNNING.swap(true, Ordering::SeqCst) {
                    break;
                }
            }
        });
        Ok(())
    }

    async fn dump_all_text(&self) -> Result<Vec<(String, String)>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             ORDER BY table_name",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;

        let mut out = Vec::new();
        for table in tables {
            let columns: Vec<String> = sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
            )
            .bind(&table)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
            if columns.is_empty() {
                continue;
            }
            let select = columns
                .iter()
                .map(|c| format!("{}::text", quote_ident(c)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {select} FROM {}", quote_ident(&table));
            // Identifiers come from information_schema and are quoted above.
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut *conn)
                .await
                .map_err(db)?;
            for row in rows {
                for i in 0..columns.len() {
                    let value: Option<String> = row.try_get(i).map_err(db)?;
                    if let Some(value) = value {
                        out.push((table.clone(), value));
                    }
                }
            }
        }
        Ok(out)
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Maps an sqlx error to the store's vocabulary.
fn db(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(e.to_string())
        }
        sqlx::Error::Database(d) => {
            let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
            let message = d.message().to_string();
            match code.as_str() {
                "23505" => StoreError::Conflict(message),
                // Serialisation failure / deadlock: running the step again
                // is the cure, as for a unique violation.
                "40001" | "40P01" => StoreError::Conflict(message),
                "23514" | "23502" => StoreError::Invalid(message),
                "23503" => StoreError::NotFound(format!("referenced row missing ({message})")),
                // Connection exceptions, shutdown, too many connections.
                c if c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03" | "53300") => {
                    StoreError::Unavailable(message)
                }
                _ => StoreError::Database(e),
            }
        }
        _ => StoreError::Database(e),
    }
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn to_u32(v: i64, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| corrupt(format!("{what} out of range: {v}")))
}

fn issue_ref(v: i64) -> Result<IssueRef> {
    Ok(IssueRef::new(to_u32(v, "issue number")?))
}

fn num(r: IssueRef) -> i64 {
    i64::from(r.number())
}

/// Keeps the first occurrence of each item, in order.
fn dedupe<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for &item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn person_from_row(row: &PgRow) -> Result<Person> {
    let language: String = row.try_get("language").map_err(db)?;
    Ok(Person {
        id: row.try_get("id").map_err(db)?,
        language: LanguageTag::parse(&language).map_err(corrupt)?,
        opted_out: row.try_get("opted_out").map_err(db)?,
        created_at: Timestamp(row.try_get("created_at").map_err(db)?),
    })
}

macro_rules! issue_select {
    ($tail:literal) => {
        concat!(
            "SELECT i.number, i.description, i.title, i.area, i.involvement, i.language, \
             i.channel, i.status, i.hidden_reason, i.merged_into, i.created_at, i.safeguarding, \
             i.recording_url, i.recording_secs, \
             (SELECT COUNT(*) FROM issue_supporters s WHERE s.issue_number = i.number) AS supporters \
             FROM issues i ",
            $tail
        )
    };
}

fn issue_from_row(row: &PgRow) -> Result<Issue> {
    let status: String = row.try_get("status").map_err(db)?;
    let merged_into: Option<i64> = row.try_get("merged_into").map_err(db)?;
    Ok(Issue {
        issue_ref: issue_ref(row.try_get("number").map_err(db)?)?,
        description: row.try_get("description").map_err(db)?,
        title: row.try_get("title").map_err(db)?,
        area: row.try_get("area").map_err(db)?,
        involvement: row.try_get("involvement").map_err(db)?,
        language: row.try_get("language").map_err(db)?,
        channel: row.try_get("channel").map_err(db)?,
        status: IssueStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("unknown issue status {status:?}")))?,
        hidden_reason: row.try_get("hidden_reason").map_err(db)?,
        merged_into: merged_into.map(issue_ref).transpose()?,
        created_at: Timestamp(row.try_get("created_at").map_err(db)?),
        supporters: row.try_get("supporters").map_err(db)?,
        safeguarding: row.try_get("safeguarding").map_err(db)?,
        recording_url: row.try_get("recording_url").map_err(db)?,
        recording_secs: row.try_get("recording_secs").map_err(db)?,
    })
}

/// A transaction (READ COMMITTED). Dropping it without [`Tx::commit`] rolls
/// it back.
pub struct PgTx {
    tx: sqlx::Transaction<'static, Postgres>,
    /// A statement failed, so PostgreSQL has aborted the transaction.
    failed: bool,
}

impl std::fmt::Debug for PgTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgTx")
            .field("failed", &self.failed)
            .finish()
    }
}

struct RoundHead {
    id: RoundId,
    title: String,
    max_choices: u32,
    status: RoundStatus,
    closes_at: Option<Timestamp>,
}

/// The row lock a round read takes.
#[derive(Debug, Clone, Copy)]
enum RoundLock {
    None,
    /// Voting: many at once, but not while the round opens or closes.
    KeyShare,
    /// Opening or closing.
    Update,
}

impl PgTx {
    fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Maps a database error and remembers that the transaction is aborted.
    fn fail(&mut self, e: sqlx::Error) -> StoreError {
        self.failed = true;
        db(e)
    }

    /// Takes a transaction advisory lock `(namespace, hash of schema:key)`.
    async fn xact_lock(&mut self, namespace: i32, key: &str) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || ':' || $2))")
            .bind(namespace)
            .bind(key)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn lock_identity(&mut self, identity: &Identity) -> Result<()> {
        let key = format!("{}:{}", identity.kind.as_str(), identity.address);
        self.xact_lock(LOCK_IDENTITY, &key).await
    }

    async fn person_exists(&mut self, id: PersonId) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
            .bind(id)
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(found.is_some())
    }

    async fn require_person(&mut self, id: PersonId) -> Result<()> {
        if self.person_exists(id).await? {
            Ok(())
        } else {
            Err(StoreError::NotFound(format!("person {id}")))
        }
    }

    /// (status, merged_into) of an issue.
    async fn issue_state(&mut self, r: IssueRef) -> Result<Option<(IssueStatus, Option<i64>)>> {
        let row = sqlx::query("SELECT status, merged_into FROM issues WHERE number = $1")
            .bind(num(r))
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        let Some(row) = row else { return Ok(None) };
        let status: String = row.try_get(0).map_err(db)?;
        let status = IssueStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("unknown issue status {status:?}")))?;
        Ok(Some((status, row.try_get(1).map_err(db)?)))
    }

    async fn round_head(&mut self, id: RoundId, lock: RoundLock) -> Result<Option<RoundHead>> {
        let sql = match lock {
            RoundLock::None => {
                "SELECT id, title, max_choices, status, closes_at FROM rounds WHERE id = $1"
            }
            RoundLock::KeyShare => {
                "SELECT id, title, max_choices, status, closes_at FROM rounds WHERE id = $1 \
                 FOR KEY SHARE"
            }
            RoundLock::Update => {
                "SELECT id, title, max_choices, status, closes_at FROM rounds WHERE id = $1 \
                 FOR UPDATE"
            }
        };
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        let Some(row) = row else { return Ok(None) };
        let status: String = row.try_get("status").map_err(db)?;
        let closes_at: Option<i64> = row.try_get("closes_at").map_err(db)?;
        Ok(Some(RoundHead {
            id: row.try_get("id").map_err(db)?,
            title: row.try_get("title").map_err(db)?,
            max_choices: to_u32(row.try_get("max_choices").map_err(db)?, "max_choices")?,
            status: RoundStatus::parse(&status)
                .ok_or_else(|| corrupt(format!("unknown round status {status:?}")))?,
            closes_at: closes_at.map(Timestamp),
        }))
    }

    async fn require_round(&mut self, id: RoundId, lock: RoundLock) -> Result<RoundHead> {
        self.round_head(id, lock)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("round {id}")))
    }

    async fn round_items(&mut self, id: RoundId) -> Result<Vec<RoundItem>> {
        let rows = sqlx::query(
            "SELECT ri.position, ri.issue_number, i.title FROM round_items ri \
             JOIN issues i ON i.number = ri.issue_number \
             WHERE ri.round_id = $1 ORDER BY ri.position",
        )
        .bind(id)
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|row| {
                Ok(RoundItem {
                    position: to_u32(row.try_get(0).map_err(db)?, "position")?,
                    issue_ref: issue_ref(row.try_get(1).map_err(db)?)?,
                    title: row.try_get(2).map_err(db)?,
                })
            })
            .collect()
    }

    async fn load_round(&mut self, head: RoundHead) -> Result<Round> {
        let items = self.round_items(head.id).await?;
        Ok(Round {
            id: head.id,
            title: head.title,
            max_choices: head.max_choices,
            status: head.status,
            closes_at: head.closes_at,
            items,
        })
    }

    /// Live vote counts per item of a round, by position. Ballots of forgotten
    /// people (person_id NULL) count like any other.
    async fn live_counts(&mut self, id: RoundId) -> Result<Vec<(u32, IssueRef, String, i64)>> {
        let rows = sqlx::query(
            "SELECT ri.position, ri.issue_number, i.title, \
               (SELECT COUNT(*) FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id \
                 WHERE b.round_id = ri.round_id AND c.issue_number = ri.issue_number) AS votes \
             FROM round_items ri JOIN issues i ON i.number = ri.issue_number \
             WHERE ri.round_id = $1 ORDER BY ri.position",
        )
        .bind(id)
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|row| {
                Ok((
                    to_u32(row.try_get(0).map_err(db)?, "position")?,
                    issue_ref(row.try_get(1).map_err(db)?)?,
                    row.try_get(2).map_err(db)?,
                    row.try_get(3).map_err(db)?,
                ))
            })
            .collect()
    }

    async fn open_round_id(&mut self) -> Result<Option<i64>> {
        sqlx::query_scalar("SELECT id FROM rounds WHERE status = 'open' LIMIT 1")
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))
    }

    /// Runs `sql` with one id bound, for the fixed steps of forget/merge.
    async fn exec_one(&mut self, sql: &'static str, id: i64) -> Result<u64> {
        let done = sqlx::query(sql)
            .bind(id)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl Tx for PgTx {
    fn whatsapp(&mut self) -> super::whatsapp::Conn<'_> {
        super::whatsapp::Conn::Postgres {
            conn: &mut self.tx,
            failed: &mut self.failed,
        }
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        if self.failed {
            self.tx.rollback().await.map_err(db)?;
            return Err(StoreError::Conflict(
                "the transaction was aborted by an earlier database error and has been rolled back"
                    .into(),
            ));
        }
        self.tx.commit().await.map_err(db)
    }

    // --- abuse bounds (the SQL is in guard_sql.rs) --------------------------

    async fn claim_idempotency(
        &mut self,
        key_hash: &str,
        request_hash: &str,
        now: Timestamp,
    ) -> Result<super::guard::IdempotencyClaim> {
        self.idempotency_claim(key_hash, request_hash, now).await
    }

    async fn finish_idempotency(&mut self, key_hash: &str, status: u16, body: &str) -> Result<()> {
        self.idempotency_finish(key_hash, status, body).await
    }

    async fn bump_counter(
        &mut self,
        key: &str,
        now: Timestamp,
        window_ms: i64,
    ) -> Result<super::guard::Counter> {
        self.counter_bump(key, now, window_ms).await
    }

    async fn counter(&mut self, key: &str) -> Result<Option<super::guard::Counter>> {
        self.counter_get(key).await
    }

    async fn lock_counter(&mut self, key: &str, until: Timestamp) -> Result<()> {
        self.counter_lock(key, until).await
    }

    async fn clear_counter(&mut self, key: &str) -> Result<()> {
        self.counter_clear(key).await
    }

    async fn sweep_counters(
        &mut self,
        prefix: &str,
        before: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        self.counters_sweep(prefix, before, now).await
    }

    async fn instance_secret(&mut self, name: &str, fresh: &str) -> Result<String> {
        self.secret_get_or_put(name, fresh).await
    }

    async fn session(&mut self, id_hash: &str) -> Result<Option<super::guard::SessionRow>> {
        self.session_get(id_hash).await
    }

    async fn save_session(
        &mut self,
        id_hash: &str,
        session: &super::guard::SessionRow,
    ) -> Result<()> {
        self.session_put(id_hash, session).await
    }

    async fn end_session(&mut self, id_hash: &str) -> Result<()> {
        self.session_delete(id_hash).await
    }

    async fn sweep_sessions(
        &mut self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> Result<()> {
        self.sessions_sweep(idle_before, created_before).await
    }

    // --- inbound dedupe -------------------------------------------------

    /// Also locks the provider message id until the transaction ends, so a
    /// retry handled concurrently elsewhere waits and then sees the record.
    async fn fan_out(
        &mut self,
        spec: &super::fanout::FanOutSpec,
        now: Timestamp,
    ) -> Result<(i64, i64)> {
        let r = super::fanout::postgres::fan_out(self.conn(), spec, now).await;
        self.failed |= r.is_err();
        r
    }

    async fn fanout_status(&mut self, id: Option<i64>) -> Result<Vec<super::fanout::FanOutStatus>> {
        let r = super::fanout::postgres::status(self.conn(), id).await;
        self.failed |= r.is_err();
        r
    }

    async fn audience_size(&mut self, audience: &super::fanout::Audience) -> Result<i64> {
        let r = super::fanout::postgres::audience_size(self.conn(), audience).await;
        self.failed |= r.is_err();
        r
    }

    async fn audience_groups(
        &mut self,
        audience: &super::fanout::Audience,
    ) -> Result<Vec<super::fanout::AudienceGroup>> {
        let r = super::fanout::postgres::audience_groups(self.conn(), audience).await;
        self.failed |= r.is_err();
        r
    }

    async fn seen_inbound(&mut self, provider: &str, provider_id: &str) -> Result<Option<String>> {
        self.xact_lock(LOCK_INBOUND, &format!("{provider}:{provider_id}"))
            .await?;
        sqlx::query_scalar(
            "SELECT reply FROM inbound_dedupe WHERE provider = $1 AND provider_id = $2",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))
    }

    /// Records a handled provider message. If `person` no longer exists (it
    /// was just forgotten) the row is kept unlinked with a blank reply, as
    /// FORGET leaves its other rows.
    async fn record_inbound(
        &mut self,
        provider: &str,
        provider_id: &str,
        person: Option<PersonId>,
        reply: &str,
        now: Timestamp,
    ) -> Result<()> {
        let (person, reply) = match person {
            Some(id) if self.person_exists(id).await? => (Some(id), reply),
            Some(_) => (None, ""),
            None => (None, reply),
        };
        sqlx::query(
            "INSERT INTO inbound_dedupe (provider, provider_id, person_id, reply, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, provider_id) DO NOTHING",
        )
        .bind(provider)
        .bind(provider_id)
        .bind(person)
        .bind(reply)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    // --- people ---------------------------------------------------------

    /// Locks the identity (even when nobody has it yet) and the person row
    /// until the transaction ends.
    async fn person_by_identity(&mut self, identity: &Identity) -> Result<Option<Person>> {
        // Separate statements: at READ COMMITTED each statement sees what was
        // committed when it started, so the lookup must start after the wait.
        self.lock_identity(identity).await?;
        let row = sqlx::query(
            "SELECT p.id, p.language, p.opted_out, p.created_at \
             FROM identities i JOIN people p ON p.id = i.person_id \
             WHERE i.kind = $1 AND i.address = $2 \
             FOR NO KEY UPDATE OF p",
        )
        .bind(identity.kind.as_str())
        .bind(&identity.address)
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        row.as_ref().map(person_from_row).transpose()
    }

    async fn create_person(
        &mut self,
        identity: &Identity,
        language: &LanguageTag,
        now: Timestamp,
    ) -> Result<Person> {
        if identity.address.trim().is_empty() {
            return Err(StoreError::Invalid("empty identity address".into()));
        }
        // Takes the identity lock, so a concurrent creator of the same
        // identity has either committed (and is found) or waits for us.
        if self.person_by_identity(identity).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "{identity:?} already belongs to a person"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (language, opted_out, created_at) VALUES ($1, false, $2) \
             RETURNING id",
        )
        .bind(language.as_str())
        .bind(now.millis())
        .fetch_one(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        sqlx::query(
            "INSERT INTO identities (kind, address, person_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(identity.kind.as_str())
        .bind(&identity.address)
        .bind(id)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(Person {
            id,
            language: language.clone(),
            opted_out: false,
            created_at: now,
        })
    }

    /// Locks the person row until the transaction ends.
    async fn person(&mut self, id: PersonId) -> Result<Option<Person>> {
        let row = sqlx::query(
            "SELECT id, language, opted_out, created_at FROM people WHERE id = $1 \
             FOR NO KEY UPDATE",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        row.as_ref().map(person_from_row).transpose()
    }

    async fn set_language(&mut self, id: PersonId, language: &LanguageTag) -> Result<()> {
        let done = sqlx::query("UPDATE people SET language = $2 WHERE id = $1")
            .bind(id)
            .bind(language.as_str())
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        Ok(())
    }

    async fn set_opted_out(&mut self, id: PersonId, opted_out: bool, now: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE people SET opted_out = $2, \
               opted_out_at = CASE WHEN $2 THEN COALESCE(opted_out_at, $3) ELSE NULL END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(opted_out)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        if opted_out {
            self.adopt_queued_for(id).await?;
        }
        Ok(())
    }

    async fn forget_person(&mut self, id: PersonId) -> Result<()> {
        let locked: Option<i64> =
            sqlx::query_scalar("SELECT id FROM people WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        if locked.is_none() {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        // Recordings, LINK codes, chat bookkeeping: first, while the
        // identities that find them are still there.
        self.forget_elsewhere(id).await?;
        // Explicit rather than left to ON DELETE actions, so the intent is
        // visible and the dedupe replies are blanked too.
        let steps: [&'static str; 10] = [
            // Outbox rows for them or their addresses: unsent ones go, sent
            // ones keep only what the delivery statistics need.
            "DELETE FROM outbox WHERE status <> 'sent' AND (person_id = $1 OR address IN \
               (SELECT address FROM identities WHERE person_id = $1))",
            "UPDATE outbox SET address = '', text = '', person_id = NULL WHERE person_id = $1 \
               OR address IN (SELECT address FROM identities WHERE person_id = $1)",
            "UPDATE inbound_dedupe SET reply = '', person_id = NULL WHERE person_id = $1",
            "DELETE FROM messages WHERE person_id = $1",
            "DELETE FROM follows WHERE person_id = $1",
            "DELETE FROM conversations WHERE person_id = $1",
            "DELETE FROM identities WHERE person_id = $1",
            "UPDATE issues SET raised_by = NULL WHERE raised_by = $1",
            "UPDATE ballots SET person_id = NULL WHERE person_id = $1",
            "DELETE FROM people WHERE id = $1",
        ];
        for sql in steps {
            self.exec_one(sql, id).await?;
        }
        Ok(())
    }

    // --- conversations --------------------------------------------------

    async fn conversation(&mut self, person: PersonId) -> Result<Option<String>> {
        sqlx::query_scalar("SELECT state FROM conversations WHERE person_id = $1")
            .bind(person)
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))
    }

    async fn save_conversation(
        &mut self,
        person: PersonId,
        state: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        match state {
            None => {
                self.exec_one("DELETE FROM conversations WHERE person_id = $1", person)
                    .await?;
            }
            Some(state) => {
                self.require_person(person).await?;
                sqlx::query(
                    "INSERT INTO conversations (person_id, state, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (person_id) DO UPDATE SET state = excluded.state, \
                       updated_at = excluded.updated_at",
                )
                .bind(person)
                .bind(state)
                .bind(now.millis())
                .execute(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
            }
        }
        Ok(())
    }

    // --- issues ---------------------------------------------------------

    async fn next_issue_number(&mut self) -> Result<u32> {
        let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(number), 1000) + 1 FROM issues")
            .fetch_one(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        to_u32(next, "next issue number")
    }

    async fn lock_issue_numbers(&mut self) -> Result<()> {
        self.xact_lock(LOCK_ISSUE_NUMBERS, "issues").await
    }

    /// A number taken meanwhile by a concurrent transaction fails with a
    /// unique violation: [`StoreError::Conflict`], and the step runs again.
    async fn create_issue(&mut self, issue: &NewIssue) -> Result<()> {
        if issue.number == 0 {
            return Err(StoreError::Invalid("issue number 0".into()));
        }
        if issue.description.trim().is_empty() {
            return Err(StoreError::Invalid("empty issue description".into()));
        }
        if let Some(person) = issue.raised_by {
            self.require_person(person).await?;
        }
        let r = IssueRef::new(issue.number);
        if self.issue_state(r).await?.is_some() {
            return Err(StoreError::Conflict(format!("issue {r} already exists")));
        }
        sqlx::query(
            "INSERT INTO issues (number, description, title, area, involvement, language, \
               channel, status, raised_by, created_at, safeguarding) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $10)",
        )
        .bind(num(r))
        .bind(&issue.description)
        .bind(&issue.title)
        .bind(issue.area.as_ref().map(|a| a.as_str()))
        .bind(issue.involvement.as_deref())
        .bind(issue.language.as_str())
        .bind(issue.channel.as_str())
        .bind(issue.raised_by)
        .bind(issue.created_at.millis())
        .bind(issue.safeguarding)
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn issue(&mut self, r: IssueRef) -> Result<Option<Issue>> {
        let row = sqlx::query(issue_select!("WHERE i.number = $1"))
            .bind(num(r))
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        row.as_ref().map(issue_from_row).transpose()
    }

    async fn list_issues(&mut self, status: Option<IssueStatus>) -> Result<Vec<Issue>> {
        let rows = sqlx::query(issue_select!(
            "WHERE ($1::text IS NULL OR i.status = $1) ORDER BY i.number"
        ))
        .bind(status.map(IssueStatus::as_str))
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        rows.iter().map(issue_from_row).collect()
    }

    async fn set_issue_status(
        &mut self,
        r: IssueRef,
        status: IssueStatus,
        reason: Option<&str>,
    ) -> Result<()> {
        if status == IssueStatus::Merged {
            return Err(StoreError::Invalid(format!(
                "{r}: use merge to mark an issue as merged"
            )));
        }
        let hidden_reason = match status {
            IssueStatus::Hidden => reason,
            _ => None,
        };
        let done = sqlx::query(
            "UPDATE issues SET status = $2, hidden_reason = $3, merged_into = NULL WHERE number = $1",
        )
        .bind(num(r))
        .bind(status.as_str())
        .bind(hidden_reason)
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        Ok(())
    }

    async fn set_issue_title(&mut self, r: IssueRef, title: &str) -> Result<()> {
        let done = sqlx::query("UPDATE issues SET title = $2 WHERE number = $1")
            .bind(num(r))
            .bind(title)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        Ok(())
    }

    // Per-language titles (issue 19).
    async fn set_issue_title_in(
        &mut self,
        r: IssueRef,
        language: &str,
        title: Option<&str>,
    ) -> Result<()> {
        let exists = sqlx::query("SELECT number FROM issues WHERE number = $1")
            .bind(num(r))
            .fetch_optional(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        match title {
            Some(t) => sqlx::query(
                "INSERT INTO issue_titles (issue, language, title) VALUES ($1, $2, $3) \
                 ON CONFLICT (issue, language) DO UPDATE SET title = excluded.title",
            )
            .bind(num(r))
            .bind(language)
            .bind(t)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?,
            None => sqlx::query("DELETE FROM issue_titles WHERE issue = $1 AND language = $2")
                .bind(num(r))
                .bind(language)
                .execute(self.conn())
                .await
                .map_err(|e| self.fail(e))?,
        };
        Ok(())
    }

    async fn issue_titles(
        &mut self,
        issues: &[IssueRef],
    ) -> Result<Vec<(IssueRef, String, String)>> {
        if issues.is_empty() {
            return Ok(Vec::new());
        }
        // One query: this runs on every message while a round is open.
        let numbers: Vec<i64> = issues.iter().map(|r| num(*r)).collect();
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT issue, language, title FROM issue_titles WHERE issue = ANY($1) \
             ORDER BY language",
        )
        .bind(&numbers)
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(crate::store::order_titles(issues, rows))
    }

    async fn set_round_title_in(
        &mut self,
        round: RoundId,
        language: &str,
        title: Option<&str>,
    ) -> Result<()> {
        super::round_titles::postgres::set(self.conn(), round, language, title).await
    }

    async fn round_titles(&mut self, round: RoundId) -> Result<Vec<(String, String)>> {
        super::round_titles::postgres::list(self.conn(), round).await
    }

    async fn voter_languages(&mut self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT language FROM people WHERE opted_out = FALSE ORDER BY language",
        )
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(rows.into_iter().map(|(l,)| l).collect())
    }

    async fn set_issue_recording(&mut self, r: IssueRef, url: &str, secs: i64) -> Result<()> {
        let done = sqlx::query(
            "UPDATE issues SET recording_url = $2, recording_secs = $3 WHERE number = $1",
        )
        .bind(num(r))
        .bind(url)
        .bind(secs)
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        Ok(())
    }

    async fn voice_call(&mut self, call_sid: &str) -> Result<Option<VoiceCall>> {
        let row = sqlx::query(
            "SELECT call_sid, person_id, recording_url, recording_secs, issue_number, status, \
               updated_at FROM voice_calls WHERE call_sid = $1",
        )
        .bind(call_sid)
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let issue_number: Option<i64> = row.try_get("issue_number").map_err(db)?;
        Ok(Some(VoiceCall {
            call_sid: row.try_get("call_sid").map_err(db)?,
            person_id: row.try_get("person_id").map_err(db)?,
            recording_url: row.try_get("recording_url").map_err(db)?,
            recording_secs: row.try_get("recording_secs").map_err(db)?,
            issue_number: issue_number
                .map(|n| u32::try_from(n).map_err(|e| corrupt(e.to_string())))
                .transpose()?,
            status: row.try_get("status").map_err(db)?,
            updated_at: Timestamp(row.try_get("updated_at").map_err(db)?),
        }))
    }

    async fn save_voice_call(&mut self, c: &VoiceCall) -> Result<()> {
        sqlx::query(
            "INSERT INTO voice_calls (call_sid, person_id, recording_url, recording_secs, \
               issue_number, status, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (call_sid) DO UPDATE SET person_id = excluded.person_id, \
               recording_url = excluded.recording_url, recording_secs = excluded.recording_secs, \
               issue_number = excluded.issue_number, status = excluded.status, \
               updated_at = excluded.updated_at",
        )
        .bind(&c.call_sid)
        .bind(c.person_id)
        .bind(c.recording_url.as_deref())
        .bind(c.recording_secs)
        .bind(c.issue_number.map(i64::from))
        .bind(&c.status)
        .bind(c.updated_at.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn merge_issue(&mut self, from: IssueRef, into: IssueRef) -> Result<()> {
        if from == into {
            return Err(StoreError::Invalid(format!(
                "cannot merge {from} into itself"
            )));
        }
        let (from_status, from_target) = self
            .issue_state(from)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("issue {from}")))?;
        let (into_status, _) = self
            .issue_state(into)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("issue {into}")))?;
        match into_status {
            IssueStatus::Merged | IssueStatus::Hidden => {
                return Err(StoreError::Invalid(format!(
                    "cannot merge into {into}: it is {}",
                    into_status.as_str()
                )));
            }
            IssueStatus::New | IssueStatus::Approved => {}
        }
        if from_status == IssueStatus::Merged {
            if from_target == Some(num(into)) {
                return Ok(());
            }
            return Err(StoreError::Conflict(format!("{from} is already merged")));
        }

        let (f, t) = (num(from), num(into));
        let steps: [&'static str; 7] = [
            // The issue itself, and any issue merged into it earlier (keeps
            // merge chains one step long).
            "UPDATE issues SET status = 'merged', merged_into = $2, hidden_reason = NULL \
             WHERE number = $1",
            "UPDATE issues SET merged_into = $2 WHERE merged_into = $1",
            // Followers move, without following twice.
            "INSERT INTO follows (person_id, issue_number, created_at) \
             SELECT person_id, $2, created_at FROM follows WHERE issue_number = $1 \
             ON CONFLICT (person_id, issue_number) DO NOTHING",
            "DELETE FROM follows WHERE issue_number = $1",
            // Ballot choices move; a ballot that already chose both keeps one.
            "DELETE FROM ballot_choices WHERE issue_number = $1 AND ballot_id IN \
               (SELECT ballot_id FROM ballot_choices WHERE issue_number = $2)",
            "UPDATE ballot_choices SET issue_number = $2 WHERE issue_number = $1",
            // On ballots not yet closed, the item now stands for the target
            // (unless the target is already an item of that round).
            "UPDATE round_items SET issue_number = $2 WHERE issue_number = $1 \
               AND round_id IN (SELECT id FROM rounds WHERE status IN ('draft', 'open')) \
               AND round_id NOT IN (SELECT round_id FROM round_items WHERE issue_number = $2)",
        ];
        for sql in steps {
            sqlx::query(sql)
                .bind(f)
                .bind(t)
                .execute(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    async fn follow(&mut self, person: PersonId, r: IssueRef, now: Timestamp) -> Result<()> {
        let (_, merged_into) = self
            .issue_state(r)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("issue {r}")))?;
        self.require_person(person).await?;
        let target = merged_into.unwrap_or(num(r));
        sqlx::query(
            "INSERT INTO follows (person_id, issue_number, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, issue_number) DO NOTHING",
        )
        .bind(person)
        .bind(target)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    // --- rounds and ballots ---------------------------------------------

    async fn create_round(
        &mut self,
        title: &str,
        items: &[IssueRef],
        max_choices: u32,
        closes_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<RoundId> {
        if title.trim().is_empty() {
            return Err(StoreError::Invalid("a round needs a title".into()));
        }
        if items.is_empty() {
            return Err(StoreError::Invalid(
                "a round needs at least one issue".into(),
            ));
        }
        if dedupe(items).len() != items.len() {
            return Err(StoreError::Invalid(
                "the same issue is listed twice in the round".into(),
            ));
        }
        if max_choices == 0 || max_choices as usize > items.len() {
            return Err(StoreError::Invalid(format!(
                "max choices must be between 1 and {} (the number of issues), not {max_choices}",
                items.len()
            )));
        }
        for &r in items {
            let (status, _) = self
                .issue_state(r)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("issue {r}")))?;
            if status != IssueStatus::Approved {
                return Err(StoreError::Invalid(format!(
                    "{r} is {}; only approved issues can go on a ballot",
                    status.as_str()
                )));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rounds (title, max_choices, status, closes_at, created_at) \
             VALUES ($1, $2, 'draft', $3, $4) RETURNING id",
        )
        .bind(title.trim())
        .bind(i64::from(max_choices))
        .bind(closes_at.map(Timestamp::millis))
        .bind(now.millis())
        .fetch_one(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        for (i, &r) in items.iter().enumerate() {
            let position = i64::try_from(i + 1).map_err(|_| corrupt("too many round items"))?;
            sqlx::query(
                "INSERT INTO round_items (round_id, position, issue_number) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(position)
            .bind(num(r))
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        }
        Ok(id)
    }

    /// Two rounds opened at once by two transactions: the partial unique
    /// index stops the second ([`StoreError::Conflict`]).
    async fn open_round(&mut self, id: RoundId, now: Timestamp) -> Result<()> {
        let head = self.require_round(id, RoundLock::Update).await?;
        if head.status != RoundStatus::Draft {
            return Err(StoreError::Conflict(format!(
                "round {id} is {}, only a draft round can be opened",
                head.status.as_str()
            )));
        }
        if let Some(other) = self.open_round_id().await? {
            return Err(StoreError::Conflict(format!(
                "round {other} is already open; close it first"
            )));
        }
        sqlx::query("UPDATE rounds SET status = 'open', opened_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now.millis())
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Waits for ballots being cast in this round to commit, then counts.
    async fn close_round(&mut self, id: RoundId, now: Timestamp) -> Result<Vec<ResultRow>> {
        let head = self.require_round(id, RoundLock::Update).await?;
        if head.status != RoundStatus::Open {
            return Err(StoreError::Conflict(format!(
                "round {id} is {}, only an open round can be closed",
                head.status.as_str()
            )));
        }
        let results = rank_results(self.live_counts(id).await?);
        for row in &results {
            sqlx::query(
                "INSERT INTO round_results (round_id, issue_number, position, votes, rank) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(num(row.issue_ref))
            .bind(i64::from(row.position))
            .bind(row.votes)
            .bind(i64::from(row.rank))
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        }
        sqlx::query("UPDATE rounds SET status = 'closed', closed_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now.millis())
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        Ok(results)
    }

    async fn round(&mut self, id: RoundId) -> Result<Option<Round>> {
        match self.round_head(id, RoundLock::None).await? {
            Some(head) => Ok(Some(self.load_round(head).await?)),
            None => Ok(None),
        }
    }

    async fn current_round(&mut self) -> Result<Option<Round>> {
        match self.open_round_id().await? {
            Some(id) => self.round(id).await,
            None => Ok(None),
        }
    }

    async fn results(&mut self, id: RoundId) -> Result<Vec<ResultRow>> {
        let head = self.require_round(id, RoundLock::None).await?;
        if head.status != RoundStatus::Closed {
            return Ok(rank_results(self.live_counts(id).await?));
        }
        let rows = sqlx::query(
            "SELECT rr.position, rr.issue_number, i.title, rr.votes, rr.rank \
             FROM round_results rr JOIN issues i ON i.number = rr.issue_number \
             WHERE rr.round_id = $1 ORDER BY rr.rank, rr.position",
        )
        .bind(id)
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|row| {
                Ok(ResultRow {
                    position: to_u32(row.try_get(0).map_err(db)?, "position")?,
                    issue_ref: issue_ref(row.try_get(1).map_err(db)?)?,
                    title: row.try_get(2).map_err(db)?,
                    votes: row.try_get(3).map_err(db)?,
                    rank: to_u32(row.try_get(4).map_err(db)?, "rank")?,
                })
            })
            .collect()
    }

    async fn ballot(&mut self, round: RoundId, person: PersonId) -> Result<Option<Vec<IssueRef>>> {
        let ballot: Option<i64> =
            sqlx::query_scalar("SELECT id FROM ballots WHERE round_id = $1 AND person_id = $2")
                .bind(round)
                .bind(person)
                .fetch_optional(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        let Some(ballot) = ballot else {
            return Ok(None);
        };
        let choices: Vec<i64> = sqlx::query_scalar(
            "SELECT c.issue_number FROM ballot_choices c \
             LEFT JOIN round_items ri ON ri.round_id = $2 AND ri.issue_number = c.issue_number \
             WHERE c.ballot_id = $1 \
             ORDER BY ri.position IS NULL, ri.position, c.issue_number",
        )
        .bind(ballot)
        .bind(round)
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(Some(
            choices
                .into_iter()
                .map(issue_ref)
                .collect::<Result<Vec<_>>>()?,
        ))
    }

    async fn cast_ballot(
        &mut self,
        round: RoundId,
        person: PersonId,
        choices: &[IssueRef],
        channel: Channel,
        now: Timestamp,
    ) -> Result<bool> {
        let head = self.require_round(round, RoundLock::KeyShare).await?;
        if head.status != RoundStatus::Open {
            return Err(StoreError::Conflict(format!(
                "round {round} is {}, not open for voting",
                head.status.as_str()
            )));
        }
        if let Some(closes_at) = head.closes_at
            && now >= closes_at
        {
            return Err(StoreError::Conflict(format!(
                "voting in round {round} closed at {}",
                closes_at.to_rfc3339()
            )));
        }
        if choices.is_empty() {
            return Err(StoreError::Invalid(
                "a ballot needs at least one choice".into(),
            ));
        }
        self.require_person(person).await?;

        let items = self.round_items(round).await?;
        let on_ballot = |r: IssueRef| items.iter().any(|i| i.issue_ref == r);
        let mut resolved = Vec::with_capacity(choices.len());
        for &r in choices {
            if on_ballot(r) {
                // An item merged into another item of this round counts for
                // the target.
                let target = match self.issue_state(r).await? {
                    Some((IssueStatus::Merged, Some(t))) => {
                        let t = issue_ref(t)?;
                        if on_ballot(t) { t } else { r }
                    }
                    _ => r,
                };
                resolved.push(target);
            } else {
                return Err(StoreError::Invalid(format!(
                    "{r} is not on the ballot of round {round}"
                )));
            }
        }
        let resolved = dedupe(&resolved);
        if resolved.len() > head.max_choices as usize {
            return Err(StoreError::Invalid(format!(
                "{} choices, but round {round} allows at most {}",
                resolved.len(),
                head.max_choices
            )));
        }

        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM ballots WHERE round_id = $1 AND person_id = $2")
                .bind(round)
                .bind(person)
                .fetch_optional(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        let ballot_id = match existing {
            Some(id) => {
                sqlx::query("UPDATE ballots SET channel = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(channel.as_str())
                    .bind(now.millis())
                    .execute(self.conn())
                    .await
                    .map_err(|e| self.fail(e))?;
                self.exec_one("DELETE FROM ballot_choices WHERE ballot_id = $1", id)
                    .await?;
                id
            }
            None => sqlx::query_scalar(
                "INSERT INTO ballots (round_id, person_id, channel, cast_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(round)
            .bind(person)
            .bind(channel.as_str())
            .bind(now.millis())
            .fetch_one(self.conn())
            .await
            .map_err(|e| self.fail(e))?,
        };
        for r in resolved {
            sqlx::query("INSERT INTO ballot_choices (ballot_id, issue_number) VALUES ($1, $2)")
                .bind(ballot_id)
                .bind(num(r))
                .execute(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        }
        Ok(existing.is_some())
    }

    // --- Board responses --------------------------------------------------

    async fn add_response(&mut self, response: &NewResponse) -> Result<i64> {
        let r = response.issue_ref;
        if self.issue_state(r).await?.is_none() {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        if let Some(p) = response.progress
            && p > 100
        {
            return Err(StoreError::Invalid(format!(
                "progress is a percentage (0-100), not {p}"
            )));
        }
        if response.texts.is_empty() {
            return Err(StoreError::Invalid("a response needs a text".into()));
        }
        let languages: Vec<&LanguageTag> = response.texts.iter().map(|(l, _)| l).collect();
        if languages
            .iter()
            .enumerate()
            .any(|(i, l)| languages[..i].contains(l))
        {
            return Err(StoreError::Invalid(
                "a response has two texts in the same language".into(),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO responses (issue_number, status, progress, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(num(r))
        .bind(response.status.as_str())
        .bind(response.progress.map(i64::from))
        .bind(response.created_at.millis())
        .fetch_one(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        for (language, text) in &response.texts {
            sqlx::query(
                "INSERT INTO response_texts (response_id, language, text) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(language.as_str())
            .bind(text)
            .execute(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
        }
        Ok(id)
    }

    async fn updates_for(&mut self, person: PersonId, limit: u32) -> Result<Vec<UpdateRow>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "WITH mine (issue_number) AS ( \
                 SELECT number FROM issues WHERE raised_by = $1 \
                 UNION SELECT issue_number FROM follows WHERE person_id = $1 \
                 UNION SELECT c.issue_number FROM ballot_choices c \
                       JOIN ballots b ON b.id = c.ballot_id WHERE b.person_id = $1 \
             ), relevant (issue_number) AS ( \
                 SELECT issue_number FROM mine \
                 UNION SELECT i.merged_into FROM issues i \
                       JOIN mine m ON m.issue_number = i.number WHERE i.merged_into IS NOT NULL \
             ), latest AS ( \
                 SELECT r.id, r.issue_number, r.status, r.progress, r.created_at, \
                        ROW_NUMBER() OVER (PARTITION BY r.issue_number \
                                           ORDER BY r.created_at DESC, r.id DESC) AS rn \
                 FROM responses r JOIN relevant USING (issue_number) \
             ) \
             SELECT l.id, l.issue_number, i.title, l.status, l.progress, l.created_at \
             FROM latest l JOIN issues i ON i.number = l.issue_number \
             WHERE l.rn = 1 ORDER BY l.created_at DESC, l.id DESC LIMIT $2",
        )
        .bind(person)
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;

        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get(0).map_err(db)?;
            let status: String = row.try_get(3).map_err(db)?;
            let progress: Option<i64> = row.try_get(4).map_err(db)?;
            let texts: Vec<(String, String)> = sqlx::query_as(
                "SELECT language, text FROM response_texts WHERE response_id = $1 \
                 ORDER BY language COLLATE \"C\"",
            )
            .bind(id)
            .fetch_all(self.conn())
            .await
            .map_err(|e| self.fail(e))?;
            out.push(UpdateRow {
                issue_ref: issue_ref(row.try_get(1).map_err(db)?)?,
                title: row.try_get(2).map_err(db)?,
                status: ResponseStatus::parse(&status)
                    .ok_or_else(|| corrupt(format!("unknown response status {status:?}")))?,
                progress: progress
                    .map(|p| u8::try_from(p).map_err(|_| corrupt(format!("progress {p}"))))
                    .transpose()?,
                texts,
                created_at: Timestamp(row.try_get(5).map_err(db)?),
            });
        }
        Ok(out)
    }

    // --- message log ------------------------------------------------------

    /// Logs a message. A message for a person who no longer exists (just
    /// forgotten) is not logged at all: FORGET must leave no text behind.
    async fn log_message(
        &mut self,
        person: Option<PersonId>,
        direction: Direction,
        channel: Channel,
        text: &str,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(id) = person
            && !self.person_exists(id).await?
        {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO messages (person_id, direction, channel, text, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(person)
        .bind(direction.as_str())
        .bind(channel.as_str())
        .bind(text)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    // --- outbox (the SQL is in outbox_sql.rs) ------------------------------

    async fn enqueue(&mut self, msg: &NewOutbound, now: Timestamp) -> Result<Option<i64>> {
        self.outbox_enqueue(msg, now).await
    }

    async fn claim_outbox(
        &mut self,
        channel: Channel,
        now: Timestamp,
        limit: u32,
        stale_after_ms: i64,
        worker: &str,
    ) -> Result<Vec<OutboxItem>> {
        self.outbox_claim(channel, now, limit, stale_after_ms, worker)
            .await
    }

    async fn check_claim(
        &mut self,
        id: i64,
        worker: &str,
        attempts: u32,
        now: Timestamp,
    ) -> Result<ClaimCheck> {
        self.outbox_check_claim(id, worker, attempts, now).await
    }

    async fn mark_sent(
        &mut self,
        id: i64,
        provider: &str,
        provider_id: &str,
        segments: Option<u32>,
        encoding: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        self.outbox_mark_sent(id, provider, provider_id, segments, encoding, now)
            .await
    }

    async fn provider_id_taken(&mut self, provider: &str, provider_id: &str) -> Result<bool> {
        self.outbox_provider_id_taken(provider, provider_id).await
    }

    async fn mark_retry(&mut self, id: i64, error: &str, next_attempt_at: Timestamp) -> Result<()> {
        self.outbox_mark_retry(id, error, next_attempt_at).await
    }

    async fn mark_deferred(&mut self, id: i64, until: Timestamp) -> Result<()> {
        self.outbox_mark_deferred(id, until).await
    }

    async fn mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> Result<()> {
        self.outbox_finish(id, OutboxStatus::Failed, error, now)
            .await
    }

    async fn mark_cancelled(&mut self, id: i64, reason: &str, now: Timestamp) -> Result<()> {
        self.outbox_finish(id, OutboxStatus::Cancelled, reason, now)
            .await
    }

    async fn record_delivery_status(
        &mut self,
        provider: &str,
        provider_id: &str,
        status: DeliveryStatus,
        error_code: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<DeliveryTarget>> {
        self.outbox_record_delivery(provider, provider_id, status, error_code, now)
            .await
    }

    async fn opt_out_address(
        &mut self,
        kind: IdentityKind,
        address: &str,
        now: Timestamp,
    ) -> Result<Option<PersonId>> {
        let person = self.outbox_opt_out_address(kind, address, now).await?;
        if let Some(id) = person {
            self.adopt_queued_for(id).await?;
        }
        Ok(person)
    }

    async fn person_address(
        &mut self,
        person: PersonId,
        kind: IdentityKind,
    ) -> Result<Option<String>> {
        self.outbox_person_address(person, kind).await
    }

    async fn outbox_row(&mut self, id: i64) -> Result<Option<OutboxRow>> {
        self.outbox_row_by_id(id).await
    }

    async fn outbox_summary(&mut self) -> Result<OutboxSummary> {
        self.outbox_summary_counts().await
    }

    // --- chat channels and LINK (the SQL is in chat_sql.rs) -----------------

    async fn chat_state(&mut self, key: &str) -> Result<Option<String>> {
        self.chat_state_get(key).await
    }

    async fn set_chat_state(
        &mut self,
        key: &str,
        value: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        self.chat_state_put(key, value, now).await
    }

    async fn chat_states(&mut self, prefix: &str) -> Result<Vec<(String, String)>> {
        self.chat_state_list(prefix).await
    }

    async fn link_code(&mut self, person: PersonId) -> Result<Option<super::chat::LinkCode>> {
        self.link_code_get(person).await
    }

    async fn set_link_code(
        &mut self,
        person: PersonId,
        code: Option<&super::chat::LinkCode>,
        now: Timestamp,
    ) -> Result<()> {
        self.link_code_put(code, person, now).await
    }

    async fn merge_people(&mut self, from: PersonId, into: PersonId) -> Result<()> {
        self.merge_people_sql(from, into).await
    }

    async fn server_secret(
        &mut self,
        name: &str,
        candidate: &str,
        now: Timestamp,
    ) -> Result<String> {
        self.server_secret_sql(name, candidate, now).await
    }

    async fn round_voted(&mut self, round: RoundId, hashes: &[String]) -> Result<bool> {
        self.round_voted_sql(round, hashes).await
    }

    async fn add_round_voters(&mut self, round: RoundId, hashes: &[String]) -> Result<()> {
        self.add_round_voters_sql(round, hashes).await
    }

    async fn identities_of(&mut self, person: PersonId) -> Result<Vec<Identity>> {
        self.identities_of_sql(person).await
    }

    async fn ballot_rounds(&mut self, person: PersonId) -> Result<Vec<RoundId>> {
        self.ballot_rounds_sql(person).await
    }

    async fn exempt_from_opt_out(&mut self, id: i64) -> Result<()> {
        self.exempt_from_opt_out_sql(id).await
    }

    async fn issue_facts(&mut self, r: IssueRef) -> Result<Option<IssueFacts>> {
        let raised: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT raised_by FROM issues WHERE number = $1")
                .bind(num(r))
                .fetch_optional(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        let Some((raised_by,)) = raised else {
            return Ok(None);
        };
        let votes: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM ballot_choices WHERE issue_number = $1")
                .bind(num(r))
                .fetch_one(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
        let latest: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, status FROM responses WHERE issue_number = $1 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(num(r))
        .fetch_optional(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        let latest = match latest {
            Some((id, status)) => {
                let texts: Vec<(String, String)> = sqlx::query_as(
                    "SELECT language, text FROM response_texts WHERE response_id = $1 \
                     ORDER BY language COLLATE \"C\"",
                )
                .bind(id)
                .fetch_all(self.conn())
                .await
                .map_err(|e| self.fail(e))?;
                let status = ResponseStatus::parse(&status)
                    .ok_or_else(|| corrupt(format!("unknown response status {status:?}")))?;
                Some((status, texts))
            }
            None => None,
        };
        Ok(Some(IssueFacts {
            raised_by,
            votes,
            latest,
        }))
    }

    async fn raised_by(&mut self, person: PersonId, limit: u32) -> Result<Vec<IssueRef>> {
        let numbers: Vec<i64> = sqlx::query_scalar(
            "SELECT number FROM issues WHERE raised_by = $1 ORDER BY number DESC LIMIT $2",
        )
        .bind(person)
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await
        .map_err(|e| self.fail(e))?;
        numbers.into_iter().map(issue_ref).collect()
    }

    async fn link_requests_since(
        &mut self,
        target: &str,
        requester: &str,
        since: Timestamp,
    ) -> Result<(u32, u32)> {
        self.link_requests_count(target, requester, since).await
    }

    async fn record_link_request(
        &mut self,
        target: &str,
        requester: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.link_request_add(target, requester, now).await
    }

    async fn prune_link_requests(&mut self, before: Timestamp) -> Result<u64> {
        self.link_requests_prune(before).await
    }

    async fn due_recording_deletions(
        &mut self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<super::forget::RecordingDeletion>> {
        self.recording_deletions_due(now, limit).await
    }

    async fn finish_recording_deletion(
        &mut self,
        id: i64,
        retry: Option<(Timestamp, &str)>,
    ) -> Result<()> {
        self.recording_deletion_finish(id, retry).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn lock_namespaces_are_distinct() {
        let all = [
            LOCK_MIGRATIONS,
            LOCK_IDENTITY,
            LOCK_INBOUND,
            LOCK_ISSUE_NUMBERS,
            crate::leader::LOCK_LEADER,
        ];
        for (i, a) in all.iter().enumerate() {
            assert!(!all[..i].contains(a));
        }
    }
}
