//! Several instances on one PostgreSQL behave as one, and losing the
//! database is survived.
//!
//! Needs PostgreSQL: `TEST_DATABASE_URL`, else the local server at
//! `postgres://postgres@127.0.0.1:5432/test` (`.ci/run` sets the variable
//! and starts the server). Without a reachable server these tests FAIL with
//! the command to start it; they never pass by skipping. Each test works in
//! a fresh schema of its own. The database-loss test starts a throwaway
//! PostgreSQL cluster of its own (initdb/pg_ctl from /usr/lib/postgresql) on
//! a free port, never touching the shared server.
//!
//! Nothing sleeps to synchronise: every wait polls a condition under a
//! deadline.

mod common;

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use gather::channels::twilio::signature;
use gather::clock::ManualClock;
use gather::config::Config;
use gather::domain::{Channel, LanguageTag, Timestamp};
use gather::http::Webhooks;
use gather::leader::Leadership;
use gather::service::{Gather, ResponseInput};
use gather::store::{IssueStatus, NewIssue, ResponseStatus, RoundStatus};
use sqlx::Connection;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "multi-instance-auth-token-0123";
const OUR_NUMBER: &str = "+447700900000";
const PUBLIC: &str = "https://gather.example.org";
const SMS_PATH: &str = "/webhooks/twilio/sms";
/// How long a test waits for something that should happen soon.
const PATIENCE: Duration = Duration::from_secs(30);

// --- the database ----------------------------------------------------------------

/// `TEST_DATABASE_URL`, else the local server; fails clearly when neither
/// answers.
async fn database_url() -> String {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    let reachable =
        tokio::time::timeout(Duration::from_secs(10), sqlx::PgConnection::connect(&url)).await;
    match reachable {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            url
        }
        Ok(Err(e)) => panic!(
            "these tests need PostgreSQL at {url} (set TEST_DATABASE_URL, or start the local \
             server: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; \
             .ci/run does both): {e}"
        ),
        Err(_) => panic!("these tests need PostgreSQL at {url}: no answer within 10 s"),
    }
}

/// A schema created for one test, dropped afterwards (best effort).
struct Schema {
    url: String,
    name: String,
}

impl Schema {
    async fn create(url: &str) -> Schema {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        // `gather_test_<secs>_…`: tests/store.rs sweeps old ones left behind.
        let name = format!(
            "gather_test_{secs}_{}_m{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        Schema {
            url: url.to_string(),
            name,
        }
    }

    /// The database URL with this schema on the search path, as an operator
    /// would write it in `GATHER_DATABASE_URL`.
    fn database_url(&self) -> String {
        with_schema(&self.url, &self.name)
    }

    fn options(&self) -> sqlx::postgres::PgConnectOptions {
        let options: sqlx::postgres::PgConnectOptions = self.url.parse().unwrap();
        options.options([("search_path", &self.name)])
    }
}

fn with_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        common::drop_schema_blocking(url, name);
    }
}

/// Polls `check` every 50 ms until it is true, failing after [`PATIENCE`].
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if check().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// --- the recorder standing in for Twilio's REST API ---------------------------

#[derive(Clone, Default)]
struct Recorder {
    /// (To, Body) of every message accepted.
    log: Arc<Mutex<Vec<(String, String)>>>,
    base: Arc<Mutex<String>>,
}

impl Recorder {
    async fn start() -> Recorder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rec = Recorder::default();
        *rec.base.lock().unwrap() = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{account}/Messages.json",
                post(recorded),
            )
            .with_state(rec.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        rec
    }

    fn base(&self) -> String {
        self.base.lock().unwrap().clone()
    }

    fn messages(&self) -> Vec<(String, String)> {
        self.log.lock().unwrap().clone()
    }
}

async fn recorded(State(rec): State<Recorder>, body: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let n = {
        let mut log = rec.log.lock().unwrap();
        log.push((
            form.get("To").cloned().unwrap_or_default(),
            form.get("Body").cloned().unwrap_or_default(),
        ));
        log.len()
    };
    (
        axum::http::StatusCode::CREATED,
        axum::Json(serde_json::json!({"sid": format!("SM{n:032}"), "status": "queued"})),
    )
        .into_response()
}

// --- one Gather instance -------------------------------------------------------

fn config(database_url: &str, recorder: &str) -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        ("GATHER_DATABASE_URL", database_url.to_string()),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
        ("GATHER_PUBLIC_URL", PUBLIC.to_string()),
        ("GATHER_TWILIO_ACCOUNT_SID", ACCOUNT.to_string()),
        ("GATHER_TWILIO_AUTH_TOKEN", TOKEN.to_string()),
        ("GATHER_TWILIO_FROM", OUR_NUMBER.to_string()),
        ("GATHER_TWILIO_NUMBERS", OUR_NUMBER.to_string()),
        ("GATHER_TWILIO_API_BASE", recorder.to_string()),
        ("GATHER_SMS_PROVIDER", "twilio".to_string()),
        ("GATHER_SMS_RATE", "200".to_string()),
        ("GATHER_QUIET_HOURS", "off".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Config::from_sources(None, &env).unwrap()
}

/// An instance as `gather serve` runs it: the HTTP server with the Twilio
/// webhook, and the outbox worker.
struct Instance {
    gather: Gather,
    base: String,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Instance {
    async fn start(config: &Config) -> Instance {
        let gather = gather::app::build(config).await.unwrap();
        Instance::serve(config, gather).await
    }

    async fn serve(config: &Config, gather: Gather) -> Instance {
        let webhooks = Webhooks::from_config(config);
        let workers = gather::app::outbox_workers(config, &gather).unwrap();
        assert_eq!(workers.len(), 1, "one Twilio outbox worker");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = watch::channel(false);
        let mut tasks: Vec<tokio::task::JoinHandle<()>> = workers
            .into_iter()
            .map(|w| tokio::spawn(w.run(stopped.clone())))
            .collect();
        let mut until = stopped.clone();
        let server_gather = gather.clone();
        tasks.push(tokio::spawn(async move {
            let _ = gather::http::serve_on(listener, server_gather, webhooks, async move {
                let _ = until.wait_for(|s| *s).await;
            })
            .await;
        }));
        Instance {
            gather,
            base,
            stop,
            tasks,
        }
    }

    async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = tokio::time::timeout(PATIENCE, t).await;
        }
    }
}

fn client() -> reqwest::Client {
    gather::channels::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Posts a signed inbound SMS to `base`; the status and body.
async fn sms(
    client: &reqwest::Client,
    base: &str,
    sid: &str,
    from: &str,
    text: &str,
) -> (u16, String) {
    let params: Vec<(String, String)> = [
        ("MessageSid", sid),
        ("AccountSid", ACCOUNT),
        ("From", from),
        ("To", OUR_NUMBER),
        ("Body", text),
        ("NumSegments", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    let response = client
        .post(format!("{base}{SMS_PATH}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "x-twilio-signature",
            signature(TOKEN, &format!("{PUBLIC}{SMS_PATH}"), &params),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

fn person(n: usize) -> String {
    format!("+4477009{:05}", 10_000 + n)
}

fn complaint(n: usize) -> String {
    format!("The wait for the eye clinic in area {n} is now eight months long")
}

// --- leader election -------------------------------------------------------------

#[tokio::test]
async fn exactly_one_candidate_leads_and_another_takes_over_when_it_goes() {
    let url = database_url().await;
    let schema = Schema::create(&url).await;
    let poll = Duration::from_millis(100);
    let a = Leadership::postgres(schema.options(), poll);
    let b = Leadership::postgres(schema.options(), poll);
    eventually("a leader", || async { a.is_leader() || b.is_leader() }).await;
    // The database agrees: one session holds the lock.
    let holders = || async {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND classid = $1::oid AND objsubid = 2 AND database = \
             (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND objid = hashtext($2)::oid",
        )
        .bind(i64::from(gather::leader::LOCK_LEADER))
        .bind(&schema.name)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        let _ = conn.close().await;
        n
    };
    assert_eq!(holders().await, 1);
    assert!(!(a.is_leader() && b.is_leader()), "two leaders at once");
    let (leader, follower) = if a.is_leader() { (a, b) } else { (b, a) };
    // A third candidate arriving later does not take over either.
    let c = Leadership::postgres(schema.options(), poll);
    // The leader goes away as a crashed process would: its connection
    // drops without unlocking.
    drop(leader);
    eventually("a new leader", || async {
        follower.is_leader() || c.is_leader()
    })
    .await;
    assert!(
        !(follower.is_leader() && c.is_leader()),
        "two leaders at once"
    );
    assert_eq!(holders().await, 1);
    follower.resign().await;
    c.resign().await;
}

#[tokio::test]
async fn the_round_timer_closes_a_round_once_its_time_has_passed() {
    let url = database_url().await;
    let schema = Schema::create(&url).await;
    let config = config(&schema.database_url(), "http://127.0.0.1:9");
    let engine = gather::app::engine(&config).unwrap();
    let store = gather::app::open_store(&config).await.unwrap();
    let start = Timestamp::parse_rfc3339("2026-01-05T12:00:00Z").unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let gather = Gather::new(store, engine, clock.clone());
    {
        let mut tx = gather.store.begin().await.unwrap();
        for n in [1001u32, 1002] {
            tx.create_issue(&NewIssue {
                number: n,
                description: format!("issue {n}"),
                title: format!("issue {n}"),
                area: None,
                involvement: None,
                language: LanguageTag::parse("en-GB").unwrap(),
                channel: Channel::Sms,
                raised_by: None,
                created_at: start,
                safeguarding: false,
            })
            .await
            .unwrap();
            tx.set_issue_status(
                gather::domain::IssueRef::new(n),
                IssueStatus::Approved,
                None,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let round = gather
        .open_round(gather::service::RoundInput {
            title: "Which first?".into(),
            items: vec![
                gather::domain::IssueRef::new(1001),
                gather::domain::IssueRef::new(1002),
            ],
            max_choices: 1,
            closes_at: Some(Timestamp(start.0 + 60_000)),
        })
        .await
        .unwrap();
    assert!(gather.close_due_rounds().await.unwrap().is_empty());
    let (stop, stopped) = watch::channel(false);
    let timer = tokio::spawn(gather::leader::close_rounds_when_due(
        gather.clone(),
        stopped,
        Duration::from_millis(50),
    ));
    clock.advance_secs(61);
    eventually("the round to close", || async {
        gather.round(round.id).await.unwrap().status == RoundStatus::Closed
    })
    .await;
    let _ = stop.send(true);
    tokio::time::timeout(PATIENCE, timer)
        .await
        .unwrap()
        .unwrap();
    assert!(gather.close_due_rounds().await.unwrap().is_empty());
}

// --- two instances behave as one ------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_behave_as_one() {
    const PEOPLE: usize = 12;
    let url = database_url().await;
    let schema = Schema::create(&url).await;
    let recorder = Recorder::start().await;
    let config = config(&schema.database_url(), &recorder.base());
    // Both start (and migrate) at once.
    let (a, b) = tokio::join!(Instance::start(&config), Instance::start(&config));
    let bases = [a.base.clone(), b.base.clone()];
    let client = client();

    // 1. Two first messages from each new number, at both instances at
    //    once: one person each.
    let mut firsts = Vec::new();
    for n in 0..PEOPLE {
        for (i, base) in bases.iter().enumerate() {
            let (client, base, from) = (client.clone(), base.clone(), person(n));
            firsts.push(tokio::spawn(async move {
                sms(&client, &base, &format!("SMfirst{n}x{i}"), &from, "Hello").await
            }));
        }
    }
    for f in firsts {
        let (status, body) = f.await.unwrap();
        assert_eq!(status, 200, "{body}");
    }

    // 2. Everyone raises an issue at the same time, each message to the
    //    other instance than the last, and the confirmation sent to both
    //    instances at once with one MessageSid (a provider's retry).
    let mut people = Vec::new();
    for n in 0..PEOPLE {
        let (client, bases, from) = (client.clone(), bases.clone(), person(n));
        people.push(tokio::spawn(async move {
            let script = ["1".to_string(), complaint(n), "0".into(), "0".into()];
            for (i, text) in script.iter().enumerate() {
                let base = &bases[(n + i) % 2];
                let (status, body) = sms(&client, base, &format!("SM{n}s{i}"), &from, text).await;
                assert_eq!(status, 200, "{body}");
            }
            let sid = format!("SM{n}confirm");
            let (one, two) = tokio::join!(
                sms(&client, &bases[0], &sid, &from, "YES"),
                sms(&client, &bases[1], &sid, &from, "YES")
            );
            assert_eq!((one.0, two.0), (200, 200), "{one:?} {two:?}");
            assert_eq!(one.1, two.1, "a retry must get the identical reply");
            let (status, follow) = sms(
                &client,
                &bases[n % 2],
                &format!("SM{n}follow"),
                &from,
                "YES",
            )
            .await;
            assert_eq!(status, 200, "{follow}");
            (n, one.1, follow)
        }));
    }
    let mut refs = BTreeMap::new();
    for p in people {
        let (n, confirmed, follow) = p.await.unwrap();
        let issue_ref = confirmed
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .find(|w| w.starts_with("G-"))
            .unwrap_or_else(|| panic!("no reference in {confirmed}"))
            .to_string();
        assert!(
            follow.contains(&format!("You will get updates about {issue_ref}")),
            "person {n}: the conversation forked: {follow}"
        );
        refs.insert(n, issue_ref);
    }

    // Each person's issue exists once, with their words.
    let issues = a.gather.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), PEOPLE, "one issue per person, none doubled");
    for (n, issue_ref) in &refs {
        let issue = issues
            .iter()
            .find(|i| i.issue_ref.to_string() == *issue_ref)
            .unwrap_or_else(|| panic!("{issue_ref} missing"));
        assert_eq!(issue.description, complaint(*n));
    }
    // One person per number.
    {
        let mut conn = sqlx::PgConnection::connect_with(&schema.options())
            .await
            .unwrap();
        let (people, identities): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM identities)",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!((people, identities), (PEOPLE as i64, PEOPLE as i64));
        let _ = conn.close().await;
    }

    // 3. A fan-out through one instance: the Board answers every issue;
    //    both instances' workers drain the outbox.
    for issue_ref in refs.values() {
        b.gather
            .record_response(ResponseInput {
                issue: issue_ref.parse().unwrap(),
                status: ResponseStatus::Committed,
                progress: None,
                texts: vec![(
                    LanguageTag::parse("en-GB").unwrap(),
                    format!("We will fix {issue_ref}"),
                )],
            })
            .await
            .unwrap();
    }
    eventually("every update sent", || async {
        let s = a.gather.store.begin().await;
        let Ok(mut tx) = s else { return false };
        let summary = tx.outbox_summary().await.unwrap();
        let _ = tx.commit().await;
        summary.sent == PEOPLE as i64 && summary.queued + summary.sending == 0
    })
    .await;
    a.shutdown().await;
    b.shutdown().await;
    let sent = recorder.messages();
    assert_eq!(
        sent.len(),
        PEOPLE,
        "every update sent exactly once: {sent:?}"
    );
    for (n, issue_ref) in &refs {
        let to_them: Vec<_> = sent.iter().filter(|(to, _)| *to == person(*n)).collect();
        assert_eq!(to_them.len(), 1, "person {n}: {to_them:?}");
        assert!(to_them[0].1.contains(issue_ref.as_str()), "{to_them:?}");
    }
}

// --- losing the database -----------------------------------------------------------

#[test]
fn serve_with_an_unreachable_database_says_so_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Port 9 (discard) on loopback: nothing listens there.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gather"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "GATHER_DATABASE_URL",
            "postgres://gather:s3cret-password@127.0.0.1:9/gather",
        )
        .env("GATHER_LISTEN", "127.0.0.1:0")
        .env("GATHER_FLOWS_DIR", root.join("flows"))
        .env("GATHER_LOCALES_DIR", root.join("locales"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot open the database"),
        "{stderr}"
    );
    assert!(stderr.contains("127.0.0.1:9"), "{stderr}");
    assert!(
        !stderr.contains("s3cret-password"),
        "the password leaked: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A PostgreSQL cluster of this test's own, in a temporary directory on a
/// free port, so it can be stopped without touching the shared server.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn bin_dir() -> PathBuf {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
            .unwrap_or_default();
        found.retain(|p| p.join("initdb").exists());
        found.sort();
        found.pop().unwrap_or_else(|| {
            panic!(
                "this test needs PostgreSQL's server binaries in /usr/lib/postgresql/*/bin \
                 (apt-get install postgresql)"
            )
        })
    }

    /// Runs a PostgreSQL tool, as the `postgres` user when we are root
    /// (initdb and postgres refuse to run as root).
    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        cluster_tool(&self.bin, tool, args)
    }

    fn init() -> Cluster {
        let bin = Cluster::bin_dir();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let root = is_root();
        if root {
            chown_postgres(dir.path());
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let out = cluster_tool(
            &bin,
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cluster = Cluster {
            bin,
            data,
            port,
            _dir: dir,
        };
        cluster.start();
        cluster
    }

    fn start(&self) {
        let log = self.data.parent().unwrap().join("pg.log");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.data.parent().unwrap().display()
        );
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &opts,
                "-w",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {} {}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    fn stop(&self) {
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl stop failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["-D", self.data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn chown_postgres(path: &Path) {
    let ok = std::process::Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(path)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "cannot hand {} to the postgres user", path.display());
}

fn cluster_tool(bin: &Path, tool: &str, args: &[&str]) -> std::process::Output {
    let exe = bin.join(tool);
    let mut cmd = if is_root() {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        std::process::Command::new(&exe)
    };
    cmd.args(args)
        .current_dir("/")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_the_database_gives_503_and_the_outbox_resumes_without_loss() {
    let cluster = tokio::task::spawn_blocking(Cluster::init).await.unwrap();
    let recorder = Recorder::start().await;
    let config = config(&cluster.url(), &recorder.base());
    let gather = gather::app::build(&config).await.unwrap();
    let client = client();
    let from = person(1);

    // Acknowledged before the outage: conversation steps, and messages
    // queued but not sent yet (the worker starts later).
    let (stop, stopped) = watch::channel(false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut until = stopped.clone();
    let http = tokio::spawn(gather::http::serve_on(
        listener,
        gather.clone(),
        Webhooks::from_config(&config),
        async move {
            let _ = until.wait_for(|s| *s).await;
        },
    ));
    let (status, _) = sms(&client, &base, "SMloss1", &from, "1").await;
    assert_eq!(status, 200);
    let (status, _) = sms(&client, &base, "SMloss2", &from, &complaint(1)).await;
    assert_eq!(status, 200);
    {
        let mut tx = gather.store.begin().await.unwrap();
        for i in 0..3 {
            tx.enqueue(
                &gather::store::NewOutbound {
                    person: None,
                    channel: Channel::Sms,
                    address: person(100 + i),
                    text: format!("queued before the outage {i}"),
                    kind: gather::store::OutboundKind::Notice,
                    dedupe_key: Some(format!("loss:{i}")),
                    not_before: gather.clock.now(),
                },
                gather.clock.now(),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }

    // The database goes away.
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop();
        cluster
    })
    .await
    .unwrap();
    let (status, body) = sms(&client, &base, "SMloss3", &from, "0").await;
    assert_eq!(status, 503, "a step without the database: {body}");
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 503);

    // The worker starts during the outage: it pauses (store errors, backing
    // off), sending nothing.
    let workers = gather::app::outbox_workers(&config, &gather).unwrap();
    let worker_tasks: Vec<_> = workers
        .into_iter()
        .map(|w| tokio::spawn(w.run(stopped.clone())))
        .collect();
    assert!(recorder.messages().is_empty());

    // The database comes back: the provider's retry of the refused step
    // succeeds, the conversation carries on where it was, and the queued
    // messages go, once each.
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.start();
        cluster
    })
    .await
    .unwrap();
    eventually("the database to answer again", || {
        let (client, base, from) = (client.clone(), base.clone(), from.clone());
        async move { sms(&client, &base, "SMloss3", &from, "0").await.0 == 200 }
    })
    .await;
    let (status, body) = sms(&client, &base, "SMloss4", &from, "0").await;
    assert_eq!(status, 200, "{body}");
    let (status, confirmed) = sms(&client, &base, "SMloss5", &from, "YES").await;
    assert_eq!(status, 200, "{confirmed}");
    assert!(
        confirmed.contains("G-1001"),
        "the steps before the outage were kept: {confirmed}"
    );
    let issues = gather.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].description, complaint(1));
    eventually("the queued messages to go", || async {
        recorder.messages().len() >= 3
    })
    .await;
    let _ = stop.send(true);
    for t in worker_tasks {
        tokio::time::timeout(PATIENCE, t).await.unwrap().unwrap();
    }
    let _ = tokio::time::timeout(PATIENCE, http).await;
    let mut sent = recorder.messages();
    sent.sort();
    let expected: Vec<(String, String)> = (0..3)
        .map(|i| (person(100 + i), format!("queued before the outage {i}")))
        .collect();
    assert_eq!(sent, expected, "each queued message sent exactly once");
    drop(cluster);
}

// --- limits and sessions shared by instances (issue 17) ------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_the_inbound_limit_and_organiser_sessions() {
    let url = database_url().await;
    let schema = Schema::create(&url).await;
    let recorder = Recorder::start().await;
    let mut config = config(&schema.database_url(), &recorder.base());
    config.inbound_rate = 3;
    config.admin_token = Some(gather::config::Secret::new(
        "multi-instance-admin-token-0123",
    ));
    let a = Instance::start(&config).await;
    let b = Instance::start(&config).await;
    let client = client();
    let from = person(900);

    // Two messages at each instance from one number: 4 in the minute, one
    // over the limit of 3, wherever it lands.
    let mut replies = Vec::new();
    for (i, base) in [&a.base, &b.base, &a.base, &b.base].iter().enumerate() {
        let (status, body) = sms(&client, base, &format!("SMlimit{i}"), &from, "Hello").await;
        assert_eq!(status, 200, "{body}");
        replies.push(body);
    }
    let slowed: Vec<bool> = replies
        .iter()
        .map(|r| r.contains("Too many messages at once"))
        .collect();
    assert_eq!(
        slowed,
        [false, false, false, true],
        "the fourth message in a minute is over the shared limit: {replies:#?}"
    );

    // A login at one instance is a session at the other.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = no_redirects
        .post(format!("{}/admin/login", a.base))
        .form(&[("token", "multi-instance-admin-token-0123")])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 303);
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let page = no_redirects
        .get(format!("{}/admin", b.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status().as_u16(),
        200,
        "the other instance knows the session"
    );

    // Failed logins are counted across instances too: 3 wrong tokens at
    // each instance are 6 for the address, one over the 5 allowed.
    let mut statuses = Vec::new();
    for base in [&a.base, &b.base, &a.base, &b.base, &a.base, &b.base] {
        let r = no_redirects
            .post(format!("{base}/admin/login"))
            .form(&[("token", "not-the-admin-token-at-all")])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);

    a.shutdown().await;
    b.shutdown().await;
}

// --- a burst after a restart (the crash harness's pool starvation) -------------

/// Right after a start, the first burst of messages — a provider retrying
/// everything it could not deliver while the instance was down — is more
/// than the pool has connections. Each message reads the shared counters'
/// key, made once in a transaction of its own; read inside the turn, every
/// turn held a connection while waiting for the one making the key, which
/// waited for a connection: nothing was answered until the pool's timeout,
/// again and again. Now every message of the burst is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_larger_than_the_pool_right_after_a_start_is_answered() {
    use gather::domain::{Identity, PhoneNumber};
    use gather::engine::Content;
    use gather::service::InboundMessage;

    let url = database_url().await;
    let schema = Schema::create(&url).await;
    let recorder = Recorder::start().await;
    let mut config = config(&schema.database_url(), &recorder.base());
    config.inbound_rate = 20;
    let gather = gather::app::build(&config).await.unwrap();

    // Three times the pool's 16 connections, all at once.
    let burst: Vec<_> = (0..48)
        .map(|n| {
            let gather = gather.clone();
            tokio::spawn(async move {
                gather
                    .handle_inbound(InboundMessage {
                        identity: Identity::phone(&PhoneNumber::parse(&person(500 + n)).unwrap()),
                        channel: Channel::Sms,
                        content: Content::Text("Hello".into()),
                        provider_id: Some(("twilio".into(), format!("SMburst{n:03}"))),
                        language_hint: None,
                    })
                    .await
            })
        })
        .collect();
    let mut failed = Vec::new();
    for (n, task) in burst.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(reply) => assert!(!reply.messages.is_empty(), "message {n}: no reply"),
            Err(e) => failed.push(format!("message {n}: {e}")),
        }
    }
    assert!(failed.is_empty(), "unanswered in the burst: {failed:#?}");
}
