//! SQLite implementation of [`super::Store`].
//!
//! One file, WAL journal, foreign keys on. Every write path runs inside a
//! [`SqliteTx`] opened with `BEGIN IMMEDIATE`, which takes SQLite's single
//! write lock at once: two steps (for one person or anyone else) are
//! serialised instead of failing half-way with `SQLITE_BUSY` on upgrade.

use super::IssueFacts;
use super::migrate::{self, Migration};
use super::{
    ClaimCheck, DeliveryStatus, DeliveryTarget, Direction, Issue, IssueStatus, NewIssue,
    NewOutbound, NewResponse, OutboxItem, OutboxRow, OutboxStatus, OutboxSummary, Person, PersonId,
    ResponseStatus, Result, ResultRow, Round, RoundId, RoundItem, RoundStatus, Store, StoreError,
    Tx, UpdateRow, VoiceCall,
};
use crate::domain::{Channel, Identity, IdentityKind, IssueRef, LanguageTag, Timestamp};
use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

mod chat_sql;
mod forget_sql;
mod guard_sql;
pub(crate) mod lite;
mod outbox_sql;
mod votes_sql;

/// The SQLite schema, oldest first. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "outbox",
        sql: include_str!("migrations/sqlite/0002_outbox.sql"),
    },
    Migration {
        version: 3,
        name: "safeguarding",
        sql: include_str!("migrations/sqlite/0003_safeguarding.sql"),
    },
    Migration {
        version: 4,
        name: "fanout",
        sql: include_str!("migrations/sqlite/0004_fanout.sql"),
    },
    Migration {
        version: 5,
        name: "chat",
        sql: include_str!("migrations/sqlite/0005_chat.sql"),
    },
    Migration {
        version: 6,
        name: "voice",
        sql: include_str!("migrations/sqlite/0006_voice.sql"),
    },
    Migration {
        version: 9,
        name: "votes_opt_out",
        sql: include_str!("migrations/sqlite/0009_votes_opt_out.sql"),
    },
    Migration {
        version: 10,
        name: "forget",
        sql: include_str!("migrations/sqlite/0010_forget.sql"),
    },
    Migration {
        version: 11,
        name: "abuse",
        sql: include_str!("migrations/sqlite/0011_abuse.sql"),
    },
    Migration {
        version: 13,
        name: "issue_titles",
        sql: include_str!("migrations/sqlite/0013_issue_titles.sql"),
    },
    Migration {
        version: 16,
        name: "whatsapp",
        sql: include_str!("migrations/sqlite/0016_whatsapp.sql"),
    },
    Migration {
        version: 18,
        name: "round_titles",
        sql: include_str!("migrations/sqlite/0018_round_titles.sql"),
    },
];

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 8;
/// Prepared statements kept on the write connection (the store has ~120).
const STATEMENT_CACHE: usize = 256;

/// The embedded store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Reads outside a transaction (reports, open data, dumps) and
    /// migrations.
    pool: SqlitePool,
    /// The one write connection. Writers queue here, in order; every
    /// statement of a transaction runs inline on it (see [`lite`]), and
    /// transactions are committed in groups (see [`Writer`]).
    writer: Arc<tokio::sync::Mutex<Writer>>,
    /// For `sqlite::memory:`: the private file standing in for it, removed
    /// with the last clone of the store.
    _scratch: Option<Arc<Scratch>>,
}

/// A database file that exists only while the store does.
#[derive(Debug)]
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Scratch {
    fn new() -> Result<Scratch> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| StoreError::Unavailable(format!("no randomness: {e}")))?;
        let name = format!(
            "gather-memory-{}-{}-{:016x}.db",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            u64::from_le_bytes(random)
        );
        Ok(Scratch(std::env::temp_dir().join(name)))
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url`, e.g.
    /// `sqlite://gather.db` or `sqlite::memory:`. Does not migrate; call
    /// [`Store::migrate`].
    ///
    /// `sqlite::memory:` is a private temporary file, removed when the
    /// store is dropped: the store's readers and its writer are separate
    /// connections, which an in-memory database cannot share.
    pub async fn connect(url: &str) -> Result<SqliteStore> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let scratch = if in_memory {
            Some(Arc::new(Scratch::new()?))
        } else {
            None
        };
        let options = match &scratch {
            Some(s) => SqliteConnectOptions::new().filename(&s.0),
            None => SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Invalid(format!("bad SQLite URL: {e}")))?,
        }
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .synchronous(SqliteSynchronous::Normal)
        // Deleted rows (FORGET) are overwritten on disk, not just unlinked.
        .pragma("secure_delete", "ON");

        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .map_err(db)?;
        let writer = open_writer(options.get_filename())?;
        Ok(SqliteStore {
            pool,
            writer: Arc::new(tokio::sync::Mutex::new(Writer::new(writer))),
            _scratch: scratch,
        })
    }

    /// The underlying pool, for tests and maintenance tasks.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection of the pool (checkpointing the WAL); the
    /// write connection closes with the store.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The write connection, set up as the pool's connections are.
fn open_writer(path: &std::path::Path) -> Result<lite::Connection> {
    use rusqlite::OpenFlags;
    let conn = lite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
         PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
    )?;
    // SQLite is built with STAT4, which re-plans a statement whenever a
    // bound value might change the plan: the heavier queries of a turn
    // (`updates_for`) were parsed and planned afresh on every message. One
    // plan per statement (the query planner stability guarantee) keeps
    // them prepared.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Runs one of the statements that start and end transactions, prepared
/// once.
fn control(conn: &lite::Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// Turns committed together at most (see [`Writer`]).
const MAX_GROUP: u32 = 64;
/// Failed groups remembered for the turns that wait on them.
const FAILED_KEPT: usize = 64;

/// The write connection and its group commit.
///
/// Every [`SqliteTx`] is a savepoint inside a shared `BEGIN IMMEDIATE`
/// transaction, the *group*. Committing a turn releases its savepoint,
/// lets the writers queued behind it run theirs, then queues again: when
/// its turn comes back, either another turn has committed the group
/// (success or failure is recorded) or it commits the group itself. So a
/// commit still returns only once the turn is durable, but one `COMMIT`
/// (and its WAL write) serves every turn that arrived while it waited,
/// and a lone writer pays one extra lock hand-over. The mutex is fair
/// (first come, first served), which is what makes "the writers queued
/// behind it" well defined.
#[derive(Debug)]
pub(crate) struct Writer {
    conn: lite::Connection,
    /// `BEGIN IMMEDIATE` has run and the group is open.
    open: bool,
    /// Turns released into the open group.
    released: u32,
    /// The open (or next) group's number.
    group: u64,
    /// Recent groups whose commit failed, newest last.
    failed: std::collections::VecDeque<(u64, String)>,
}

impl Writer {
    fn new(conn: lite::Connection) -> Writer {
        Writer {
            conn,
            open: false,
            released: 0,
            group: 0,
            failed: std::collections::VecDeque::new(),
        }
    }

    /// Starts a turn: opens the group if needed, then a savepoint.
    async fn join(&mut self) -> Result<()> {
        if !self.open {
            self.begin_group().await?;
        }
        if let Err(e) = control(&self.conn, "SAVEPOINT turn") {
            self.after_error();
            return Err(e.into());
        }
        Ok(())
    }

    /// `BEGIN IMMEDIATE`. Another process may hold the write lock (two
    /// `gather` processes on one file): wait for it here without blocking
    /// the thread, rather than in SQLite's busy handler.
    async fn begin_group(&mut self) -> Result<()> {
        let deadline = tokio::time::Instant::now() + BUSY_TIMEOUT;
        let mut pause = Duration::from_millis(1);
        loop {
            self.conn.busy_timeout(Duration::ZERO)?;
            let begun = control(&self.conn, "BEGIN IMMEDIATE");
            self.conn.busy_timeout(BUSY_TIMEOUT)?;
            match begun {
                Ok(()) => {
                    self.open = true;
                    return Ok(());
                }
                Err(e) if lite::is_busy(&e) && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Ends a turn that is not committed: undoes its savepoint. The group
    /// stays open for the turns already released into it; with none, it
    /// is rolled back so the write lock goes.
    fn abandon(&mut self) {
        let undone = control(&self.conn, "ROLLBACK TO turn")
            .and_then(|()| control(&self.conn, "RELEASE turn"));
        if let Err(e) = undone {
            tracing::error!(error = %e, "SQLite: rollback of a turn failed");
            self.after_error();
            return;
        }
        if self.released == 0 && self.open {
            if let Err(e) = control(&self.conn, "ROLLBACK") {
                tracing::error!(error = %e, "SQLite: rollback failed");
            }
            self.open = false;
        }
    }

    /// SQLite rolls a whole transaction back on some errors (disk full, I/O):
    /// then the group is gone, and so are the turns released into it.
    fn after_error(&mut self) {
        if self.open && self.conn.is_autocommit() {
            self.close_group(Some("the transaction was rolled back".into()));
        }
    }

    /// Releases a turn into the group; its number.
    fn release(&mut self) -> Result<u64> {
        if let Err(e) = control(&self.conn, "RELEASE turn") {
            self.abandon();
            return Err(e.into());
        }
        self.released += 1;
        Ok(self.group)
    }

    /// Commits the open group.
    fn commit_group(&mut self) -> Result<()> {
        match control(&self.conn, "COMMIT") {
            Ok(()) => {
                self.close_group(None);
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                if !self.conn.is_autocommit()
                    && let Err(e) = control(&self.conn, "ROLLBACK")
                {
                    tracing::error!(error = %e, "SQLite: rollback after a failed commit failed");
                }
                self.close_group(Some(message));
                Err(e.into())
            }
        }
    }

    fn close_group(&mut self, failure: Option<String>) {
        if let Some(why) = failure {
            if self.failed.len() == FAILED_KEPT {
                self.failed.pop_front();
            }
            self.failed.push_back((self.group, why));
        }
        self.open = false;
        self.released = 0;
        self.group += 1;
    }

    /// How group `group`, already closed, ended.
    fn outcome(&self, group: u64) -> Result<()> {
        match self.failed.iter().find(|(g, _)| *g == group) {
            Some((_, why)) => Err(StoreError::Unavailable(format!("the commit failed: {why}"))),
            None => Ok(()),
        }
    }
}

/// Waits for the write connection, bounded like SQLite's own busy timeout,
/// so a stuck writer becomes an `Unavailable` error (503), never a hang.
async fn lock_writer(
    writer: &Arc<tokio::sync::Mutex<Writer>>,
) -> Result<tokio::sync::OwnedMutexGuard<Writer>> {
    tokio::time::timeout(BUSY_TIMEOUT, writer.clone().lock_owned())
        .await
        .map_err(|_| StoreError::Unavailable("the database is busy".into()))
}

/// Commits group `group` if it is still open once every writer queued
/// before us has had its turn; otherwise reports how it ended.
async fn finish_group(writer: &Arc<tokio::sync::Mutex<Writer>>, group: u64) -> Result<()> {
    let mut w = lock_writer(writer).await?;
    if w.group == group && w.open {
        w.commit_group()
    } else {
        w.outcome(group)
    }
}

/// Makes sure a released turn gets committed even if the task waiting for
/// its group is dropped (a client that hung up): the group must not stay
/// open, holding SQLite's write lock, until the next writer comes.
struct GroupGuard {
    writer: Arc<tokio::sync::Mutex<Writer>>,
    group: u64,
    armed: bool,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let writer = self.writer.clone();
        let group = self.group;
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                if let Err(e) = finish_group(&writer, group).await {
                    tracing::error!(error = %e, "SQLite: committing an abandoned group failed");
                }
            });
        }
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<()> {
        let now = chrono::Utc::now().timestamp_millis();
        let applied = migrate::apply(&self.pool, MIGRATIONS, Some("BEGIN IMMEDIATE"), now)
            .await
            .map_err(|e| match e {
                StoreError::Database(e) => db(e),
                other => other,
            })?;
        if !applied.is_empty() {
            tracing::info!(?applied, "applied SQLite migrations");
        }
        // The schema changed under the write connection's statements.
        self.writer
            .lock()
            .await
            .conn
            .flush_prepared_statement_cache();
        Ok(())
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        let mut writer = lock_writer(&self.writer).await?;
        writer.join().await?;
        Ok(Box::new(SqliteTx {
            writer: Some(writer),
        }))
    }

    fn reports(&self) -> &dyn super::reports::Reports {
        self
    }

    /// Copies the WAL into the database file and truncates it to zero
    /// bytes, so the erased rows' old pages are gone from the `-wal` file
    /// too (`secure_delete` has zeroed them in the database file). Waits
    /// for readers up to the busy timeout; if one still holds an old
    /// snapshot the checkpoint is partial and the next one finishes it.
    async fn after_forget(&self) -> Result<()> {
        let (busy, log, done): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        if busy != 0 {
            tracing::warn!(
                log,
                done,
                "FORGET: the WAL checkpoint was blocked; it finishes later"
            );
        }
        Ok(())
    }

    async fn dump_all_text(&self) -> Result<Vec<(String, String)>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;

        let mut out = Vec::new();
        for table in tables {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                    .bind(&table)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db)?;
            if columns.is_empty() {
                continue;
            }
            let select = columns
                .iter()
                .map(|c| format!("CAST({} AS TEXT)", quote_ident(c)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {select} FROM {}", quote_ident(&table));
            // Identifiers come from sqlite_master and are quoted above.
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

/// An error from either SQLite connection (sqlx's pool or the write
/// connection), in the store's vocabulary.
fn db(e: impl IntoStoreError) -> StoreError {
    e.into_store_error()
}

trait IntoStoreError {
    fn into_store_error(self) -> StoreError;
}

impl IntoStoreError for rusqlite::Error {
    fn into_store_error(self) -> StoreError {
        StoreError::from(self)
    }
}

impl IntoStoreError for sqlx::Error {
    fn into_store_error(self) -> StoreError {
        sqlx_db(self)
    }
}

/// Maps an sqlx error to the store's vocabulary.
fn sqlx_db(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
            StoreError::Unavailable(e.to_string())
        }
        sqlx::Error::Io(_) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(e.to_string())
        }
        sqlx::Error::Database(d) => {
            let primary = d
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .map(|c| c & 0xff);
            // SQLITE_BUSY (5) / SQLITE_LOCKED (6): the busy timeout ran out.
            if matches!(primary, Some(5 | 6)) {
                return StoreError::Unavailable(d.message().to_string());
            }
            match d.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    StoreError::Conflict(d.message().to_string())
                }
                sqlx::error::ErrorKind::CheckViolation
                | sqlx::error::ErrorKind::NotNullViolation => {
                    StoreError::Invalid(d.message().to_string())
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => {
                    StoreError::NotFound(format!("referenced row missing ({})", d.message()))
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

/// Ranks vote counts: most votes first, equal votes share a rank (1, 1, 3).
/// Returned in rank order, ties by ballot position.
pub(crate) fn rank_results(counts: Vec<(u32, IssueRef, String, i64)>) -> Vec<ResultRow> {
    let votes: Vec<i64> = counts.iter().map(|c| c.3).collect();
    let mut rows: Vec<ResultRow> = counts
        .into_iter()
        .map(|(position, issue_ref, title, v)| {
            let better = votes.iter().filter(|&&o| o > v).count();
            ResultRow {
                position,
                issue_ref,
                title,
                votes: v,
                rank: u32::try_from(better).unwrap_or(u32::MAX).saturating_add(1),
            }
        })
        .collect();
    rows.sort_by_key(|r| (r.rank, r.position));
    rows
}

fn person_from_row(row: &lite::Row) -> Result<Person> {
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

fn issue_from_row(row: &lite::Row) -> Result<Issue> {
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
        safeguarding: row.try_get::<i64, _>("safeguarding").map_err(db)? != 0,
        recording_url: row.try_get("recording_url").map_err(db)?,
        recording_secs: row.try_get("recording_secs").map_err(db)?,
    })
}

/// A write transaction: a savepoint in the write connection's group (see
/// [`Writer`]). Dropping it without [`Tx::commit`] rolls it back.
pub struct SqliteTx {
    /// Ours until committed or dropped.
    writer: Option<tokio::sync::OwnedMutexGuard<Writer>>,
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if let Some(w) = self.writer.as_mut() {
            w.abandon();
        }
    }
}

impl std::fmt::Debug for SqliteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteTx")
    }
}

struct RoundHead {
    id: RoundId,
    title: String,
    max_choices: u32,
    status: RoundStatus,
    closes_at: Option<Timestamp>,
}

impl SqliteTx {
    fn conn(&mut self) -> &mut lite::Connection {
        // Present from `begin` until `commit` or drop take it.
        &mut self
            .writer
            .as_mut()
            .expect("a transaction's writer is present while it is used")
            .conn
    }

    async fn person_exists(&mut self, id: PersonId) -> Result<bool> {
        let found: Option<i64> = lite::query_scalar("SELECT id FROM people WHERE id = ?1")
            .bind(id)
            .fetch_optional(self.conn())
            .await
            .map_err(db)?;
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
        let row = lite::query("SELECT status, merged_into FROM issues WHERE number = ?1")
            .bind(num(r))
            .fetch_optional(self.conn())
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let status: String = row.try_get(0).map_err(db)?;
        let status = IssueStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("unknown issue status {status:?}")))?;
        Ok(Some((status, row.try_get(1).map_err(db)?)))
    }

    async fn round_head(&mut self, id: RoundId) -> Result<Option<RoundHead>> {
        let row = lite::query(
            "SELECT id, title, max_choices, status, closes_at FROM rounds WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
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

    async fn require_round(&mut self, id: RoundId) -> Result<RoundHead> {
        self.round_head(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("round {id}")))
    }

    async fn round_items(&mut self, id: RoundId) -> Result<Vec<RoundItem>> {
        let rows = lite::query(
            "SELECT ri.position, ri.issue_number, i.title FROM round_items ri \
             JOIN issues i ON i.number = ri.issue_number \
             WHERE ri.round_id = ?1 ORDER BY ri.position",
        )
        .bind(id)
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
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
        let rows = lite::query(
            "SELECT ri.position, ri.issue_number, i.title, \
               (SELECT COUNT(*) FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id \
                 WHERE b.round_id = ri.round_id AND c.issue_number = ri.issue_number) AS votes \
             FROM round_items ri JOIN issues i ON i.number = ri.issue_number \
             WHERE ri.round_id = ?1 ORDER BY ri.position",
        )
        .bind(id)
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
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
}

#[async_trait]
impl Tx for SqliteTx {
    fn whatsapp(&mut self) -> super::whatsapp::Conn<'_> {
        super::whatsapp::Conn::Sqlite(self.conn())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        let Some(mut w) = self.writer.take() else {
            return Err(StoreError::Unavailable("transaction already ended".into()));
        };
        let group = w.release()?;
        if w.released >= MAX_GROUP {
            return w.commit_group();
        }
        // Let the writers queued behind us, and those about to queue, add
        // their turns; then commit the group unless one of them already has.
        // The guard is armed before the first await, so a task dropped at
        // any point from here still gets its group committed.
        let writer = tokio::sync::OwnedMutexGuard::mutex(&w).clone();
        let mut guard = GroupGuard {
            writer: writer.clone(),
            group,
            armed: true,
        };
        drop(w);
        tokio::task::yield_now().await;
        let done = finish_group(&writer, group).await;
        guard.armed = false;
        done
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

    async fn fan_out(
        &mut self,
        spec: &super::fanout::FanOutSpec,
        now: Timestamp,
    ) -> Result<(i64, i64)> {
        super::fanout::sqlite::fan_out(self.conn(), spec, now).await
    }

    async fn fanout_status(&mut self, id: Option<i64>) -> Result<Vec<super::fanout::FanOutStatus>> {
        super::fanout::sqlite::status(self.conn(), id).await
    }

    async fn audience_size(&mut self, audience: &super::fanout::Audience) -> Result<i64> {
        super::fanout::sqlite::audience_size(self.conn(), audience).await
    }

    async fn audience_groups(
        &mut self,
        audience: &super::fanout::Audience,
    ) -> Result<Vec<super::fanout::AudienceGroup>> {
        super::fanout::sqlite::audience_groups(self.conn(), audience).await
    }

    async fn seen_inbound(&mut self, provider: &str, provider_id: &str) -> Result<Option<String>> {
        lite::query_scalar(
            "SELECT reply FROM inbound_dedupe WHERE provider = ?1 AND provider_id = ?2",
        )
        .bind(provider)
        .bind(provider_id)
        .fetch_optional(self.conn())
        .await
        .map_err(db)
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
        // One statement: for a person who no longer exists the row is kept
        // unlinked, with a blank reply.
        lite::query(
            "INSERT INTO inbound_dedupe (provider, provider_id, person_id, reply, created_at) \
             SELECT ?1, ?2, p.id, CASE WHEN ?3 IS NULL OR p.id IS NOT NULL THEN ?4 ELSE '' END, ?5 \
             FROM (SELECT 1) LEFT JOIN people p ON p.id = ?3 \
             WHERE true ON CONFLICT (provider, provider_id) DO NOTHING",
        )
        .bind(provider)
        .bind(provider_id)
        .bind(person)
        .bind(reply)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    // --- people ---------------------------------------------------------

    async fn person_by_identity(&mut self, identity: &Identity) -> Result<Option<Person>> {
        let row = lite::query(
            "SELECT p.id, p.language, p.opted_out, p.created_at \
             FROM identities i JOIN people p ON p.id = i.person_id \
             WHERE i.kind = ?1 AND i.address = ?2",
        )
        .bind(identity.kind.as_str())
        .bind(&identity.address)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
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
        // Checked first so a conflict leaves nothing half-inserted.
        if self.person_by_identity(identity).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "{identity:?} already belongs to a person"
            )));
        }
        let id: i64 = lite::query_scalar(
            "INSERT INTO people (language, opted_out, created_at) VALUES (?1, 0, ?2) RETURNING id",
        )
        .bind(language.as_str())
        .bind(now.millis())
        .fetch_one(self.conn())
        .await
        .map_err(db)?;
        lite::query(
            "INSERT INTO identities (kind, address, person_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(identity.kind.as_str())
        .bind(&identity.address)
        .bind(id)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(Person {
            id,
            language: language.clone(),
            opted_out: false,
            created_at: now,
        })
    }

    async fn person(&mut self, id: PersonId) -> Result<Option<Person>> {
        let row =
            lite::query("SELECT id, language, opted_out, created_at FROM people WHERE id = ?1")
                .bind(id)
                .fetch_optional(self.conn())
                .await
                .map_err(db)?;
        row.as_ref().map(person_from_row).transpose()
    }

    async fn set_language(&mut self, id: PersonId, language: &LanguageTag) -> Result<()> {
        let done = lite::query("UPDATE people SET language = ?2 WHERE id = ?1")
            .bind(id)
            .bind(language.as_str())
            .execute(self.conn())
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        Ok(())
    }

    async fn set_opted_out(&mut self, id: PersonId, opted_out: bool, now: Timestamp) -> Result<()> {
        let done = lite::query(
            "UPDATE people SET opted_out = ?2, \
               opted_out_at = CASE WHEN ?2 THEN COALESCE(opted_out_at, ?3) ELSE NULL END \
             WHERE id = ?1",
        )
        .bind(id)
        .bind(opted_out)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("person {id}")));
        }
        if opted_out {
            self.adopt_queued_for(id).await?;
        }
        Ok(())
    }

    async fn forget_person(&mut self, id: PersonId) -> Result<()> {
        self.require_person(id).await?;
        // Recordings, LINK codes, chat bookkeeping: first, while the
        // identities that find them are still there.
        self.forget_elsewhere(id).await?;
        // Explicit rather than left to ON DELETE actions, so the intent is
        // visible and the dedupe replies are blanked too.
        let steps: [&'static str; 10] = [
            // Outbox rows for them or their addresses: unsent ones go, sent
            // ones keep only what the delivery statistics need.
            "DELETE FROM outbox WHERE status <> 'sent' AND (person_id = ?1 OR address IN \
               (SELECT address FROM identities WHERE person_id = ?1))",
            "UPDATE outbox SET address = '', text = '', person_id = NULL WHERE person_id = ?1 \
               OR address IN (SELECT address FROM identities WHERE person_id = ?1)",
            "UPDATE inbound_dedupe SET reply = '', person_id = NULL WHERE person_id = ?1",
            "DELETE FROM messages WHERE person_id = ?1",
            "DELETE FROM follows WHERE person_id = ?1",
            "DELETE FROM conversations WHERE person_id = ?1",
            "DELETE FROM identities WHERE person_id = ?1",
            "UPDATE issues SET raised_by = NULL WHERE raised_by = ?1",
            "UPDATE ballots SET person_id = NULL WHERE person_id = ?1",
            "DELETE FROM people WHERE id = ?1",
        ];
        for sql in steps {
            lite::query(sql)
                .bind(id)
                .execute(self.conn())
                .await
                .map_err(db)?;
        }
        Ok(())
    }

    // --- conversations --------------------------------------------------

    async fn conversation(&mut self, person: PersonId) -> Result<Option<String>> {
        lite::query_scalar("SELECT state FROM conversations WHERE person_id = ?1")
            .bind(person)
            .fetch_optional(self.conn())
            .await
            .map_err(db)
    }

    async fn save_conversation(
        &mut self,
        person: PersonId,
        state: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        match state {
            None => {
                lite::query("DELETE FROM conversations WHERE person_id = ?1")
                    .bind(person)
                    .execute(self.conn())
                    .await
                    .map_err(db)?;
            }
            Some(state) => {
                self.require_person(person).await?;
                lite::query(
                    "INSERT INTO conversations (person_id, state, updated_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (person_id) DO UPDATE SET state = excluded.state, \
                       updated_at = excluded.updated_at",
                )
                .bind(person)
                .bind(state)
                .bind(now.millis())
                .execute(self.conn())
                .await
                .map_err(db)?;
            }
        }
        Ok(())
    }

    // --- issues ---------------------------------------------------------

    async fn next_issue_number(&mut self) -> Result<u32> {
        let next: i64 = lite::query_scalar("SELECT COALESCE(MAX(number), 1000) + 1 FROM issues")
            .fetch_one(self.conn())
            .await
            .map_err(db)?;
        to_u32(next, "next issue number")
    }

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
        lite::query(
            "INSERT INTO issues (number, description, title, area, involvement, language, \
               channel, status, raised_by, created_at, safeguarding) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8, ?9, ?10)",
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
        .bind(i64::from(issue.safeguarding))
        .execute(self.conn())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn issue(&mut self, r: IssueRef) -> Result<Option<Issue>> {
        let row = lite::query(issue_select!("WHERE i.number = ?1"))
            .bind(num(r))
            .fetch_optional(self.conn())
            .await
            .map_err(db)?;
        row.as_ref().map(issue_from_row).transpose()
    }

    async fn list_issues(&mut self, status: Option<IssueStatus>) -> Result<Vec<Issue>> {
        let rows = lite::query(issue_select!(
            "WHERE (?1 IS NULL OR i.status = ?1) ORDER BY i.number"
        ))
        .bind(status.map(IssueStatus::as_str))
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
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
        let done = lite::query(
            "UPDATE issues SET status = ?2, hidden_reason = ?3, merged_into = NULL WHERE number = ?1",
        )
        .bind(num(r))
        .bind(status.as_str())
        .bind(hidden_reason)
        .execute(self.conn())
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        Ok(())
    }

    async fn set_issue_title(&mut self, r: IssueRef, title: &str) -> Result<()> {
        let done = lite::query("UPDATE issues SET title = ?2 WHERE number = ?1")
            .bind(num(r))
            .bind(title)
            .execute(self.conn())
            .await
            .map_err(db)?;
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
        let exists = lite::query("SELECT number FROM issues WHERE number = ?1")
            .bind(num(r))
            .fetch_optional(self.conn())
            .await
            .map_err(db)?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        match title {
            Some(t) => lite::query(
                "INSERT INTO issue_titles (issue, language, title) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (issue, language) DO UPDATE SET title = excluded.title",
            )
            .bind(num(r))
            .bind(language)
            .bind(t)
            .execute(self.conn())
            .await
            .map_err(db)?,
            None => lite::query("DELETE FROM issue_titles WHERE issue = ?1 AND language = ?2")
                .bind(num(r))
                .bind(language)
                .execute(self.conn())
                .await
                .map_err(db)?,
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
        let slots: Vec<String> = (1..=issues.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "SELECT issue, language, title FROM issue_titles WHERE issue IN ({}) \
             ORDER BY language",
            slots.join(", ")
        );
        let mut q = lite::query_as::<(i64, String, String)>(lite::AssertSqlSafe(sql));
        for r in issues {
            q = q.bind(num(*r));
        }
        let rows = q.fetch_all(self.conn()).await.map_err(db)?;
        Ok(crate::store::order_titles(issues, rows))
    }

    async fn set_round_title_in(
        &mut self,
        round: RoundId,
        language: &str,
        title: Option<&str>,
    ) -> Result<()> {
        super::round_titles::sqlite::set(self.conn(), round, language, title).await
    }

    async fn round_titles(&mut self, round: RoundId) -> Result<Vec<(String, String)>> {
        super::round_titles::sqlite::list(self.conn(), round).await
    }

    async fn voter_languages(&mut self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = lite::query_as(
            "SELECT DISTINCT language FROM people WHERE opted_out = 0 ORDER BY language",
        )
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(|(l,)| l).collect())
    }

    async fn set_issue_recording(&mut self, r: IssueRef, url: &str, secs: i64) -> Result<()> {
        let done = lite::query(
            "UPDATE issues SET recording_url = ?2, recording_secs = ?3 WHERE number = ?1",
        )
        .bind(num(r))
        .bind(url)
        .bind(secs)
        .execute(self.conn())
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("issue {r}")));
        }
        Ok(())
    }

    async fn voice_call(&mut self, call_sid: &str) -> Result<Option<VoiceCall>> {
        let row = lite::query(
            "SELECT call_sid, person_id, recording_url, recording_secs, issue_number, status, \
               updated_at FROM voice_calls WHERE call_sid = ?1",
        )
        .bind(call_sid)
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
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
        lite::query(
            "INSERT INTO voice_calls (call_sid, person_id, recording_url, recording_secs, \
               issue_number, status, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
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
        .map_err(db)?;
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
            "UPDATE issues SET status = 'merged', merged_into = ?2, hidden_reason = NULL \
             WHERE number = ?1",
            "UPDATE issues SET merged_into = ?2 WHERE merged_into = ?1",
            // Followers move, without following twice.
            "INSERT INTO follows (person_id, issue_number, created_at) \
             SELECT person_id, ?2, created_at FROM follows WHERE issue_number = ?1 \
             ON CONFLICT (person_id, issue_number) DO NOTHING",
            "DELETE FROM follows WHERE issue_number = ?1",
            // Ballot choices move; a ballot that already chose both keeps one.
            "DELETE FROM ballot_choices WHERE issue_number = ?1 AND ballot_id IN \
               (SELECT ballot_id FROM ballot_choices WHERE issue_number = ?2)",
            "UPDATE ballot_choices SET issue_number = ?2 WHERE issue_number = ?1",
            // On ballots not yet closed, the item now stands for the target
            // (unless the target is already an item of that round).
            "UPDATE round_items SET issue_number = ?2 WHERE issue_number = ?1 \
               AND round_id IN (SELECT id FROM rounds WHERE status IN ('draft', 'open')) \
               AND round_id NOT IN (SELECT round_id FROM round_items WHERE issue_number = ?2)",
        ];
        for sql in steps {
            lite::query(sql)
                .bind(f)
                .bind(t)
                .execute(self.conn())
                .await
                .map_err(db)?;
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
        lite::query(
            "INSERT INTO follows (person_id, issue_number, created_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (person_id, issue_number) DO NOTHING",
        )
        .bind(person)
        .bind(target)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
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
        let id: i64 = lite::query_scalar(
            "INSERT INTO rounds (title, max_choices, status, closes_at, created_at) \
             VALUES (?1, ?2, 'draft', ?3, ?4) RETURNING id",
        )
        .bind(title.trim())
        .bind(i64::from(max_choices))
        .bind(closes_at.map(Timestamp::millis))
        .bind(now.millis())
        .fetch_one(self.conn())
        .await
        .map_err(db)?;
        for (i, &r) in items.iter().enumerate() {
            let position = i64::try_from(i + 1).map_err(|_| corrupt("too many round items"))?;
            lite::query(
                "INSERT INTO round_items (round_id, position, issue_number) VALUES (?1, ?2, ?3)",
            )
            .bind(id)
            .bind(position)
            .bind(num(r))
            .execute(self.conn())
            .await
            .map_err(db)?;
        }
        Ok(id)
    }

    async fn open_round(&mut self, id: RoundId, now: Timestamp) -> Result<()> {
        let head = self.require_round(id).await?;
        if head.status != RoundStatus::Draft {
            return Err(StoreError::Conflict(format!(
                "round {id} is {}, only a draft round can be opened",
                head.status.as_str()
            )));
        }
        let open: Option<i64> =
            lite::query_scalar("SELECT id FROM rounds WHERE status = 'open' LIMIT 1")
                .fetch_optional(self.conn())
                .await
                .map_err(db)?;
        if let Some(other) = open {
            return Err(StoreError::Conflict(format!(
                "round {other} is already open; close it first"
            )));
        }
        lite::query("UPDATE rounds SET status = 'open', opened_at = ?2 WHERE id = ?1")
            .bind(id)
            .bind(now.millis())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn close_round(&mut self, id: RoundId, now: Timestamp) -> Result<Vec<ResultRow>> {
        let head = self.require_round(id).await?;
        if head.status != RoundStatus::Open {
            return Err(StoreError::Conflict(format!(
                "round {id} is {}, only an open round can be closed",
                head.status.as_str()
            )));
        }
        let results = rank_results(self.live_counts(id).await?);
        for row in &results {
            lite::query(
                "INSERT INTO round_results (round_id, issue_number, position, votes, rank) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(id)
            .bind(num(row.issue_ref))
            .bind(i64::from(row.position))
            .bind(row.votes)
            .bind(i64::from(row.rank))
            .execute(self.conn())
            .await
            .map_err(db)?;
        }
        lite::query("UPDATE rounds SET status = 'closed', closed_at = ?2 WHERE id = ?1")
            .bind(id)
            .bind(now.millis())
            .execute(self.conn())
            .await
            .map_err(db)?;
        Ok(results)
    }

    async fn round(&mut self, id: RoundId) -> Result<Option<Round>> {
        match self.round_head(id).await? {
            Some(head) => Ok(Some(self.load_round(head).await?)),
            None => Ok(None),
        }
    }

    async fn current_round(&mut self) -> Result<Option<Round>> {
        let id: Option<i64> =
            lite::query_scalar("SELECT id FROM rounds WHERE status = 'open' LIMIT 1")
                .fetch_optional(self.conn())
                .await
                .map_err(db)?;
        match id {
            Some(id) => self.round(id).await,
            None => Ok(None),
        }
    }

    async fn results(&mut self, id: RoundId) -> Result<Vec<ResultRow>> {
        let head = self.require_round(id).await?;
        if head.status != RoundStatus::Closed {
            return Ok(rank_results(self.live_counts(id).await?));
        }
        let rows = lite::query(
            "SELECT rr.position, rr.issue_number, i.title, rr.votes, rr.rank \
             FROM round_results rr JOIN issues i ON i.number = rr.issue_number \
             WHERE rr.round_id = ?1 ORDER BY rr.rank, rr.position",
        )
        .bind(id)
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
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
            lite::query_scalar("SELECT id FROM ballots WHERE round_id = ?1 AND person_id = ?2")
                .bind(round)
                .bind(person)
                .fetch_optional(self.conn())
                .await
                .map_err(db)?;
        let Some(ballot) = ballot else {
            return Ok(None);
        };
        let choices: Vec<i64> = lite::query_scalar(
            "SELECT c.issue_number FROM ballot_choices c \
             LEFT JOIN round_items ri ON ri.round_id = ?2 AND ri.issue_number = c.issue_number \
             WHERE c.ballot_id = ?1 \
             ORDER BY ri.position IS NULL, ri.position, c.issue_number",
        )
        .bind(ballot)
        .bind(round)
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
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
        let head = self.require_round(round).await?;
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
            lite::query_scalar("SELECT id FROM ballots WHERE round_id = ?1 AND person_id = ?2")
                .bind(round)
                .bind(person)
                .fetch_optional(self.conn())
                .await
                .map_err(db)?;
        let ballot_id = match existing {
            Some(id) => {
                lite::query("UPDATE ballots SET channel = ?2, updated_at = ?3 WHERE id = ?1")
                    .bind(id)
                    .bind(channel.as_str())
                    .bind(now.millis())
                    .execute(self.conn())
                    .await
                    .map_err(db)?;
                lite::query("DELETE FROM ballot_choices WHERE ballot_id = ?1")
                    .bind(id)
                    .execute(self.conn())
                    .await
                    .map_err(db)?;
                id
            }
            None => lite::query_scalar(
                "INSERT INTO ballots (round_id, person_id, channel, cast_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
            )
            .bind(round)
            .bind(person)
            .bind(channel.as_str())
            .bind(now.millis())
            .fetch_one(self.conn())
            .await
            .map_err(db)?,
        };
        for r in resolved {
            lite::query("INSERT INTO ballot_choices (ballot_id, issue_number) VALUES (?1, ?2)")
                .bind(ballot_id)
                .bind(num(r))
                .execute(self.conn())
                .await
                .map_err(db)?;
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
        let id: i64 = lite::query_scalar(
            "INSERT INTO responses (issue_number, status, progress, created_at) \
             VALUES (?1, ?2, ?3, ?4) RETURNING id",
        )
        .bind(num(r))
        .bind(response.status.as_str())
        .bind(response.progress.map(i64::from))
        .bind(response.created_at.millis())
        .fetch_one(self.conn())
        .await
        .map_err(db)?;
        for (language, text) in &response.texts {
            lite::query(
                "INSERT INTO response_texts (response_id, language, text) VALUES (?1, ?2, ?3)",
            )
            .bind(id)
            .bind(language.as_str())
            .bind(text)
            .execute(self.conn())
            .await
            .map_err(db)?;
        }
        Ok(id)
    }

    async fn updates_for(&mut self, person: PersonId, limit: u32) -> Result<Vec<UpdateRow>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let rows = lite::query(
            "WITH mine (issue_number) AS ( \
                 SELECT number FROM issues WHERE raised_by = ?1 \
                 UNION SELECT issue_number FROM follows WHERE person_id = ?1 \
                 UNION SELECT c.issue_number FROM ballot_choices c \
                       JOIN ballots b ON b.id = c.ballot_id WHERE b.person_id = ?1 \
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
             WHERE l.rn = 1 ORDER BY l.created_at DESC, l.id DESC LIMIT ?2",
        )
        .bind(person)
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await
        .map_err(db)?;

        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get(0).map_err(db)?;
            let status: String = row.try_get(3).map_err(db)?;
            let progress: Option<i64> = row.try_get(4).map_err(db)?;
            let texts: Vec<(String, String)> = lite::query_as(
                "SELECT language, text FROM response_texts WHERE response_id = ?1 ORDER BY language",
            )
            .bind(id)
            .fetch_all(self.conn())
            .await
            .map_err(db)?;
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
        // One statement: a person who no longer exists gets no row.
        lite::query(
            "INSERT INTO messages (person_id, direction, channel, text, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5 \
             WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM people WHERE id = ?1)",
        )
        .bind(person)
        .bind(direction.as_str())
        .bind(channel.as_str())
        .bind(text)
        .bind(now.millis())
        .execute(self.conn())
        .await
        .map_err(db)?;
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
        let raised = lite::query("SELECT raised_by FROM issues WHERE number = ?1")
            .bind(num(r))
            .fetch_optional(self.conn())
            .await
            .map_err(db)?;
        let Some(raised) = raised else {
            return Ok(None);
        };
        let raised_by: Option<i64> = raised.try_get(0).map_err(db)?;
        let votes: i64 =
            lite::query_scalar("SELECT COUNT(*) FROM ballot_choices WHERE issue_number = ?1")
                .bind(num(r))
                .fetch_one(self.conn())
                .await
                .map_err(db)?;
        let latest = lite::query(
            "SELECT id, status FROM responses WHERE issue_number = ?1 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(num(r))
        .fetch_optional(self.conn())
        .await
        .map_err(db)?;
        let latest: Option<(i64, String)> = match latest {
            Some(row) => Some((row.try_get(0).map_err(db)?, row.try_get(1).map_err(db)?)),
            None => None,
        };
        let latest = match latest {
            Some((id, status)) => {
                let texts: Vec<(String, String)> = lite::query_as(
                    "SELECT language, text FROM response_texts WHERE response_id = ?1 \
                     ORDER BY language",
                )
                .bind(id)
                .fetch_all(self.conn())
                .await
                .map_err(db)?;
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
        let numbers: Vec<i64> = lite::query_scalar(
            "SELECT number FROM issues WHERE raised_by = ?1 ORDER BY number DESC LIMIT ?2",
        )
        .bind(person)
        .bind(i64::from(limit))
        .fetch_all(self.conn())
        .await
        .map_err(db)?;
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
    fn ties_share_a_rank() {
        let r = |n| IssueRef::new(n);
        let rows = rank_results(vec![
            (1, r(1001), "a".into(), 2),
            (2, r(1002), "b".into(), 5),
            (3, r(1003), "c".into(), 5),
            (4, r(1004), "d".into(), 0),
        ]);
        let got: Vec<(u32, u32, i64)> =
            rows.iter().map(|x| (x.position, x.rank, x.votes)).collect();
        assert_eq!(got, vec![(2, 1, 5), (3, 1, 5), (1, 3, 2), (4, 4, 0)]);
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    fn who(n: u32) -> Identity {
        Identity {
            kind: IdentityKind::Phone,
            address: format!("+4477009{n:05}"),
        }
    }

    async fn store() -> SqliteStore {
        let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
        store.migrate().await.unwrap();
        store
    }

    async fn people(store: &SqliteStore) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM people")
            .fetch_one(store.pool())
            .await
            .unwrap()
    }

    fn en() -> LanguageTag {
        LanguageTag::parse("en-GB").unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_commits_all_land_and_are_visible_to_readers() {
        let store = store().await;
        let mut tasks = Vec::new();
        for n in 0..200u32 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                tx.create_person(&who(n), &en(), Timestamp(0))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                // Committed means readable by another connection at once.
                let mut conn = store.pool().acquire().await.unwrap();
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT person_id FROM identities WHERE address = ?1")
                        .bind(who(n).address)
                        .fetch_optional(&mut *conn)
                        .await
                        .unwrap();
                assert!(found.is_some(), "person {n} not visible after commit");
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(people(&store).await, 200);
    }

    #[tokio::test]
    async fn a_turn_dropped_inside_a_group_takes_only_itself_back() {
        let store = store().await;
        let mut first = store.begin().await.unwrap();
        first
            .create_person(&who(1), &en(), Timestamp(0))
            .await
            .unwrap();
        // Queued behind `first`: runs inside its group when `first`
        // commits, then gives up without committing.
        let second = {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tx = store.begin().await.unwrap();
                tx.create_person(&who(2), &en(), Timestamp(0))
                    .await
                    .unwrap();
                // A failing statement leaves the turn usable, and
                // dropping it undoes all of it.
                let again = tx.create_person(&who(2), &en(), Timestamp(0)).await;
                assert!(again.is_err());
                drop(tx);
            })
        };
        first.commit().await.unwrap();
        second.await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert!(tx.person_by_identity(&who(1)).await.unwrap().is_some());
        assert!(tx.person_by_identity(&who(2)).await.unwrap().is_none());
        drop(tx);
        assert_eq!(people(&store).await, 1);
        // Nothing is left holding SQLite's write lock.
        let w = store.writer.lock().await;
        assert!(!w.open);
        assert!(w.conn.is_autocommit());
    }

    #[tokio::test]
    async fn a_commit_dropped_while_waiting_still_commits_its_group() {
        let store = store().await;
        let mut tx = store.begin().await.unwrap();
        tx.create_person(&who(1), &en(), Timestamp(0))
            .await
            .unwrap();
        // Polled once (it releases its turn and yields), then dropped, as
        // when a client hangs up mid-commit.
        let mut commit = tx.commit();
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(commit.as_mut().poll(&mut cx).is_pending());
        drop(commit);
        // The guard's task runs at the next turn of this (single-threaded)
        // runtime and commits the group.
        tokio::task::yield_now().await;
        let w = store.writer.lock().await;
        assert!(!w.open, "the group is still open");
        drop(w);
        assert_eq!(people(&store).await, 1);
    }

    #[tokio::test]
    async fn the_memory_database_is_a_file_removed_with_the_store() {
        let store = store().await;
        let path = store._scratch.as_ref().unwrap().0.clone();
        assert!(path.exists());
        store.close().await;
        drop(store);
        assert!(!path.exists());
    }
}
