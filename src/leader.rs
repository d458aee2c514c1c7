//! Leader election: the long-lived things that must run once however many
//! instances share the database — the Matrix sync loop, a Discord gateway,
//! the round auto-close timer — run on one elected instance, and move to
//! another if it dies.
//!
//! * **PostgreSQL**: the leader holds a *session* advisory lock
//!   `(LOCK_LEADER, hashtext(current_schema()))` on a dedicated connection
//!   (not one from the store's pool, which would hand it to a request). Every
//!   instance tries `pg_try_advisory_lock` every [`DEFAULT_POLL`]; the leader
//!   checks the same interval that its connection still answers. When the
//!   leader dies its session ends, PostgreSQL frees the lock, and another
//!   instance takes over at its next try. A leader that loses its
//!   connection steps down at once (its session, and so the lock, is gone or
//!   going). Two leaders at once are possible only for the moment between
//!   the database ending a session (a restart, `pg_terminate_backend`) and
//!   the old leader's next check; what runs under leadership is idempotent
//!   anyway (Matrix events are deduplicated, closing a round locks it).
//! * **SQLite**: one machine, one process; it always leads.

use crate::config::Config;
use crate::service::Gather;
use crate::store::StoreError;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Advisory lock namespace: the leader (session lock, per schema). Next to
/// the store's namespaces in [`crate::store::postgres`].
pub const LOCK_LEADER: i32 = 0x4741_0010;
/// How often a follower tries the lock and the leader checks its connection.
pub const DEFAULT_POLL: Duration = Duration::from_secs(2);
/// How often the round timer looks for rounds whose `closes_at` has passed.
pub const ROUND_TIMER_INTERVAL: Duration = Duration::from_secs(15);
/// How long one connection attempt or check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// This instance's part in the election: whether it leads now, as a watch
/// channel. Dropping it gives up leadership (the connection closes, and the
/// database frees the lock).
#[derive(Debug)]
pub struct Leadership {
    leading: watch::Receiver<bool>,
    /// The sender for [`Leadership::always`] (nothing ever changes it).
    _fixed: Option<watch::Sender<bool>>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Leadership {
    /// Always the leader (SQLite: one process on one machine).
    pub fn always() -> Leadership {
        let (fixed, leading) = watch::channel(true);
        let (stop, _) = watch::channel(false);
        Leadership {
            leading,
            _fixed: Some(fixed),
            stop,
            task: None,
        }
    }

    /// The election for `database_url`: PostgreSQL campaigns for the lock,
    /// anything else always leads.
    pub fn for_database(database_url: &str) -> Result<Leadership, StoreError> {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(database_url)
                .map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))?;
            Ok(Leadership::postgres(options, DEFAULT_POLL))
        } else {
            Ok(Leadership::always())
        }
    }

    /// Campaigns on PostgreSQL with `options` (their `search_path` picks the
    /// schema, and so the lock), trying every `poll`.
    pub fn postgres(options: PgConnectOptions, poll: Duration) -> Leadership {
        let (tx, leading) = watch::channel(false);
        let (stop, stopped) = watch::channel(false);
        let s = stopped.clone();
        let task = crate::supervise::spawn(
            "leader-election",
            crate::supervise::Backoff::DEFAULT,
            stopped,
            move || {
                // A campaign that panicked dropped its connection, and with
                // it the lock: step down before campaigning again.
                tx.send_replace(false);
                campaign(options.clone(), poll, tx.clone(), s.clone())
            },
        );
        Leadership {
            leading,
            _fixed: None,
            stop,
            task: Some(task),
        }
    }

    /// Whether this instance leads right now.
    pub fn is_leader(&self) -> bool {
        *self.leading.borrow()
    }

    /// Follows leadership as it changes.
    pub fn watch(&self) -> watch::Receiver<bool> {
        self.leading.clone()
    }

    /// Gives leadership up cleanly: unlocks, closes the connection, and
    /// waits for that (a little).
    pub async fn resign(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(CHECK_TIMEOUT, task).await;
        }
    }
}

impl Drop for Leadership {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            // Dropping the task drops its connection: the session ends and
            // PostgreSQL frees the lock.
            task.abort();
        }
    }
}

async fn campaign(
    options: PgConnectOptions,
    poll: Duration,
    leading: watch::Sender<bool>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut held: Option<PgConnection> = None;
    let mut warned = false;
    loop {
        if *stopped.borrow() {
            break;
        }
        held = match held.take() {
            Some(mut conn) => {
                // Still ours while the session answers.
                let alive = tokio::time::timeout(
                    CHECK_TIMEOUT,
                    sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&mut conn),
                )
                .await
                .is_ok_and(|r| r.is_ok());
                if alive {
                    Some(conn)
                } else {
                    tracing::warn!("leader: lost the database connection; stepping down");
                    leading.send_replace(false);
                    None
                }
            }
            None => match try_lock(&options).await {
                Ok(Some(conn)) => {
                    tracing::info!("leader: this instance leads");
                    warned = false;
                    leading.send_replace(true);
                    Some(conn)
                }
                Ok(None) => {
                    warned = false;
                    None
                }
                Err(e) => {
                    if !warned {
                        tracing::warn!(error = %e, "leader: cannot reach the database; retrying");
                        warned = true;
                    }
                    None
                }
            },
        };
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            changed = stopped.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    if let Some(mut conn) = held {
        leading.send_replace(false);
        let _ = tokio::time::timeout(
            CHECK_TIMEOUT,
            sqlx::query("SELECT pg_advisory_unlock($1, hashtext(current_schema()))")
                .bind(LOCK_LEADER)
                .execute(&mut conn),
        )
        .await;
        let _ = tokio::time::timeout(CHECK_TIMEOUT, conn.close()).await;
        tracing::info!("leader: resigned");
    }
}

/// One attempt: a fresh connection that holds the lock, or `None` if another
/// session holds it.
async fn try_lock(options: &PgConnectOptions) -> Result<Option<PgConnection>, sqlx::Error> {
    let attempt = async {
        let mut conn = PgConnection::connect_with(options).await?;
        let got: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext(current_schema()))")
                .bind(LOCK_LEADER)
                .fetch_one(&mut conn)
                .await?;
        if got {
            Ok(Some(conn))
        } else {
            let _ = conn.close().await;
            Ok(None)
        }
    };
    tokio::time::timeout(CHECK_TIMEOUT, attempt)
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// Runs the single-instance tasks (chat channels, the round timer) while
/// `leadership` says this instance leads: starts them on winning, stops them
/// on losing, until `stopped` turns true.
pub async fn run_singletons(
    leadership: Leadership,
    config: Config,
    gather: Gather,
    mut stopped: watch::Receiver<bool>,
) {
    let mut leading = leadership.watch();
    loop {
        // Wait to lead (or to stop).
        tokio::select! {
            r = leading.wait_for(|l| *l) => {
                if r.is_err() {
                    break;
                }
            }
            _ = stopped.wait_for(|s| *s) => break,
        }
        if *stopped.borrow() {
            break;
        }
        let (term, term_stopped) = watch::channel(false);
        let mut tasks = crate::channels::start_chat(&config, &gather, &term_stopped);
        let (g, s) = (gather.clone(), term_stopped.clone());
        tasks.push(crate::supervise::spawn(
            "round-timer",
            crate::supervise::Backoff::DEFAULT,
            term_stopped.clone(),
            move || close_rounds_when_due(g.clone(), s.clone(), ROUND_TIMER_INTERVAL),
        ));
        // Recordings FORGET asked to delete at Twilio
        // (The same job drops the LINK limits' old counts.)
        let deleter = match crate::channels::twilio_recordings::RecordingDeleter::from_config(
            &config,
        ) {
            Some(Ok(deleter)) => Some(deleter),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "FORGET: cannot build the HTTP client; recordings are not deleted at Twilio");
                None
            }
            None => None,
        };
        let (g, s) = (gather.clone(), term_stopped.clone());
        tasks.push(crate::supervise::spawn(
            "recording-deletions",
            crate::supervise::Backoff::DEFAULT,
            term_stopped.clone(),
            move || {
                crate::channels::twilio_recordings::run(
                    g.clone(),
                    deleter.clone(),
                    s.clone(),
                    crate::channels::twilio_recordings::INTERVAL,
                )
            },
        ));
        let stopping = tokio::select! {
            _ = leading.wait_for(|l| !*l) => false,
            _ = stopped.wait_for(|s| *s) => true,
        };
        if !stopping {
            tracing::warn!("leader: leadership lost; stopping the single-instance tasks");
        }
        let _ = term.send(true);
        for task in tasks {
            if tokio::time::timeout(Duration::from_secs(30), task)
                .await
                .is_err()
            {
                tracing::warn!("leader: a single-instance task did not stop in time");
            }
        }
        if stopping || *stopped.borrow() {
            break;
        }
    }
    leadership.resign().await;
}

/// The round timer: every `every`, closes the open round if its `closes_at`
/// has passed, until `stopped` turns true.
pub async fn close_rounds_when_due(
    gather: Gather,
    mut stopped: watch::Receiver<bool>,
    every: Duration,
) {
    loop {
        match gather.close_due_rounds().await {
            Ok(closed) => {
                for id in closed {
                    tracing::info!(round = id, "round closed: its closing time has passed");
                }
            }
            Err(e) => tracing::warn!(error = %e, "round timer: cannot close due rounds"),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            r = stopped.wait_for(|s| *s) => {
                let _ = r;
                return;
            }
        }
    }
}
