//! The store contract, run against every backend: always SQLite (a fresh
//! temporary file per test) and, when `TEST_DATABASE_URL` is set, PostgreSQL
//! (a fresh schema per test in that database, e.g.
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test`).
//!
//! Each PostgreSQL test creates `gather_test_<secs>_<pid>_<n>` and connects
//! with `search_path` set to it ([`PgStore::connect_with_schema`]). The schema
//! is dropped when the backend goes away; any left behind by a killed run is
//! swept after an hour.

use gather::domain::{Channel, Identity, IdentityKind, IssueRef, LanguageTag, Timestamp};
use gather::store::postgres::PgStore;
use gather::store::sqlite::SqliteStore;
use gather::store::{
    ClaimCheck, DeliveryStatus, Direction, IssueStatus, NewIssue, NewOutbound, NewResponse,
    OutboundKind, OutboxStatus, PersonId, ResponseStatus, RoundId, RoundStatus, Store, StoreError,
    Tx,
};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

/// One fresh, migrated store.
struct Backend {
    name: &'static str,
    store: Arc<dyn Store>,
    /// Set for SQLite: the database file, for raw checks of the schema.
    sqlite_file: Option<PathBuf>,
    /// Set for PostgreSQL: the test's schema, for raw checks.
    pg: Option<PgSchema>,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite_backend() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gather.db");
    let url = format!("sqlite://{}", file.display());
    let store = SqliteStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    Backend {
        name: "sqlite",
        store: Arc::new(store),
        sqlite_file: Some(file),
        pg: None,
        _dir: Some(dir),
    }
}

/// Every backend to run a test against, each fresh.
async fn backends() -> Vec<Backend> {
    let mut all = vec![sqlite_backend().await];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        all.extend(postgres_backend(&url).await);
    }
    all
}

/// The PostgreSQL backend alone, for tests of its concurrency; `None` (the
/// test passes vacuously) when `TEST_DATABASE_URL` is not set.
async fn postgres_only(test: &str) -> Option<Backend> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => postgres_backend(&url).await,
        Err(_) => {
            println!("{test}: TEST_DATABASE_URL is not set; skipping the PostgreSQL-only test");
            None
        }
    }
}

/// A fresh PostgreSQL store at `url`, in a schema of its own.
async fn postgres_backend(url: &str) -> Option<Backend> {
    let pg = PgSchema::create(url).await;
    let store = pg.connect().await;
    store.migrate().await.unwrap();
    Some(Backend {
        name: "postgres",
        store: Arc::new(store),
        sqlite_file: None,
        pg: Some(pg),
        _dir: None,
    })
}

/// A schema created for one test.
struct PgSchema {
    url: String,
    schema: String,
}

impl PgSchema {
    async fn create(url: &str) -> PgSchema {
        static SWEPT: AtomicBool = AtomicBool::new(false);
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let schema = format!(
            "gather_test_{secs}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .unwrap_or_else(|e| panic!("TEST_DATABASE_URL: cannot connect: {e}"));
        if !SWEPT.swap(true, Ordering::Relaxed) {
            sweep_old_schemas(&mut conn, secs).await;
        }
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        PgSchema {
            url: url.to_string(),
            schema,
        }
    }

    /// Another store on the same schema (not migrated).
    async fn connect(&self) -> PgStore {
        PgStore::connect_with_schema(&self.url, &self.schema)
            .await
            .unwrap()
    }

    /// A plain connection with the schema on its search path.
    async fn raw(&self) -> sqlx::PgConnection {
        let options: sqlx::postgres::PgConnectOptions = self.url.parse().unwrap();
        sqlx::PgConnection::connect_with(&options.options([("search_path", &self.schema)]))
            .await
            .unwrap()
    }
}

/// Drops test schemas over an hour old (left by a run that was killed).
async fn sweep_old_schemas(conn: &mut sqlx::PgConnection, now_secs: u64) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'gather\\_test\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    for name in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now_secs);
        if now_secs.saturating_sub(created) > 3600 {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

impl Drop for PgSchema {
    /// Drops the schema from a thread of its own: the test's runtime may be
    /// the one that must run to release the pool's connections, so this
    /// cannot wait here. Best effort; the sweep catches what it misses.
    fn drop(&mut self) {
        let url = self.url.clone();
        let schema = self.schema.clone();
        std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(mut conn) = sqlx::PgConnection::connect(&url).await else {
                    return;
                };
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "SET lock_timeout = '30s'; DROP SCHEMA IF EXISTS {schema} CASCADE"
                )))
                .execute(&mut conn)
                .await;
                let _ = conn.close().await;
            });
        });
    }
}

/// Runs `sql` with `binds` straight on the backend's database, bypassing the
/// store, and returns the database's verdict.
async fn raw_exec(b: &Backend, sql: &'static str, binds: &[i64]) -> Result<(), sqlx::Error> {
    if let Some(file) = &b.sqlite_file {
        let pool = raw(file).await;
        let mut q = sqlx::query(sql);
        for &v in binds {
            q = q.bind(v);
        }
        let done = q.execute(&pool).await.map(|_| ());
        pool.close().await;
        done
    } else if let Some(pg) = &b.pg {
        let mut conn = pg.raw().await;
        let mut q = sqlx::query(sql);
        for &v in binds {
            q = q.bind(v);
        }
        let done = q.execute(&mut conn).await.map(|_| ());
        conn.close().await.unwrap();
        done
    } else {
        panic!("{}: no raw access", b.name)
    }
}

/// Opens the SQLite file directly, bypassing the store.
async fn raw(file: &std::path::Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5));
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

// --- helpers -------------------------------------------------------------

fn ts(ms: i64) -> Timestamp {
    Timestamp(ms)
}

fn en() -> LanguageTag {
    LanguageTag::parse("en").unwrap()
}

fn phone(n: &str) -> Identity {
    Identity {
        kind: IdentityKind::Phone,
        address: n.to_string(),
    }
}

fn g(n: u32) -> IssueRef {
    IssueRef::new(n)
}

async fn new_person(store: &Arc<dyn Store>, number: &str) -> PersonId {
    let mut tx = store.begin().await.unwrap();
    let p = tx
        .create_person(&phone(number), &en(), ts(1))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    p.id
}

fn new_issue(number: u32, title: &str, raised_by: Option<PersonId>) -> NewIssue {
    NewIssue {
        number,
        description: format!("Description of {title}"),
        title: title.to_string(),
        area: None,
        involvement: None,
        language: en(),
        channel: Channel::Sms,
        raised_by,
        created_at: ts(10),
        safeguarding: false,
    }
}

/// Creates approved issues with the given numbers.
async fn approved(tx: &mut Box<dyn Tx>, numbers: &[u32]) {
    for &n in numbers {
        tx.create_issue(&new_issue(n, &format!("Issue {n}"), None))
            .await
            .unwrap();
        tx.set_issue_status(g(n), IssueStatus::Approved, None)
            .await
            .unwrap();
    }
}

async fn open_round(tx: &mut Box<dyn Tx>, items: &[u32], max: u32) -> RoundId {
    let refs: Vec<IssueRef> = items.iter().map(|&n| g(n)).collect();
    let id = tx
        .create_round("Round", &refs, max, None, ts(20))
        .await
        .unwrap();
    tx.open_round(id, ts(21)).await.unwrap();
    id
}

async fn vote(store: &Arc<dyn Store>, round: RoundId, person: PersonId, choices: &[u32]) -> bool {
    let refs: Vec<IssueRef> = choices.iter().map(|&n| g(n)).collect();
    let mut tx = store.begin().await.unwrap();
    let replaced = tx
        .cast_ballot(round, person, &refs, Channel::Sms, ts(30))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    replaced
}

/// A notice to `address` on SMS, due at `at`.
fn outbound(person: Option<PersonId>, address: &str, text: &str, at: Timestamp) -> NewOutbound {
    NewOutbound {
        person,
        channel: Channel::Sms,
        address: address.to_string(),
        text: text.to_string(),
        kind: OutboundKind::Notice,
        not_before: at,
        dedupe_key: None,
    }
}

/// (issue number, votes, rank) of each result row, in the order given.
fn summary(rows: &[gather::store::ResultRow]) -> Vec<(u32, i64, u32)> {
    rows.iter()
        .map(|r| (r.issue_ref.number(), r.votes, r.rank))
        .collect()
}

// --- tests ---------------------------------------------------------------

#[tokio::test]
async fn migrations_are_idempotent() {
    for b in backends().await {
        b.store.migrate().await.unwrap();
        b.store.migrate().await.unwrap();
        let dump = b.store.dump_all_text().await.unwrap();
        let versions: Vec<_> = dump
            .iter()
            .filter(|(t, v)| t == "schema_migrations" && v == "init")
            .collect();
        assert_eq!(versions.len(), 1, "{}: one row per migration", b.name);

        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(tx.next_issue_number().await.unwrap(), 1001, "{}", b.name);
    }
}

#[tokio::test]
async fn in_memory_sqlite_works() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    store.migrate().await.unwrap();
    let id = new_person(&store, "+447700900001").await;
    let mut tx = store.begin().await.unwrap();
    let found = tx
        .person_by_identity(&phone("+447700900001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, id);
}

#[tokio::test]
async fn create_and_find_person() {
    for b in backends().await {
        let s = &b.store;
        let mut tx = s.begin().await.unwrap();
        assert!(
            tx.person_by_identity(&phone("+447700900123"))
                .await
                .unwrap()
                .is_none()
        );
        let p = tx
            .create_person(&phone("+447700900123"), &en(), ts(5))
            .await
            .unwrap();
        assert!(!p.opted_out);
        let found = tx
            .person_by_identity(&phone("+447700900123"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, p, "{}", b.name);
        assert_eq!(tx.person(p.id).await.unwrap(), Some(p.clone()));

        // The same identity cannot belong to two people.
        let dup = tx
            .create_person(&phone("+447700900123"), &en(), ts(6))
            .await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

        // A Discord id is a different identity.
        let discord = Identity {
            kind: IdentityKind::Discord,
            address: "+447700900123".into(),
        };
        assert!(tx.person_by_identity(&discord).await.unwrap().is_none());

        let pl = LanguageTag::parse("pl").unwrap();
        tx.set_language(p.id, &pl).await.unwrap();
        assert_eq!(tx.person(p.id).await.unwrap().unwrap().language, pl);
        assert!(matches!(
            tx.set_language(9999, &pl).await,
            Err(StoreError::NotFound(_))
        ));

        tx.save_conversation(p.id, Some("{\"step\":1}"), ts(7))
            .await
            .unwrap();
        tx.save_conversation(p.id, Some("{\"step\":2}"), ts(8))
            .await
            .unwrap();
        assert_eq!(
            tx.conversation(p.id).await.unwrap().as_deref(),
            Some("{\"step\":2}")
        );
        tx.save_conversation(p.id, None, ts(9)).await.unwrap();
        assert_eq!(tx.conversation(p.id).await.unwrap(), None);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn dropped_transaction_rolls_back() {
    for b in backends().await {
        {
            let mut tx = b.store.begin().await.unwrap();
            tx.create_person(&phone("+447700900555"), &en(), ts(1))
                .await
                .unwrap();
            // dropped without commit
        }
        let mut tx = b.store.begin().await.unwrap();
        assert!(
            tx.person_by_identity(&phone("+447700900555"))
                .await
                .unwrap()
                .is_none(),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn sqlite_begin_takes_the_write_lock() {
    let b = sqlite_backend().await;
    let first = b.store.begin().await.unwrap();
    let second = tokio::time::timeout(std::time::Duration::from_millis(300), b.store.begin()).await;
    assert!(second.is_err(), "a second writer must wait for the first");
    drop(first);
    let mut tx = b.store.begin().await.unwrap();
    tx.next_issue_number().await.unwrap();
}

#[tokio::test]
async fn inbound_dedupe() {
    for b in backends().await {
        let p = new_person(&b.store, "+447700900200").await;
        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(tx.seen_inbound("twilio", "SM1").await.unwrap(), None);
        tx.record_inbound("twilio", "SM1", Some(p), "Thanks!", ts(3))
            .await
            .unwrap();
        assert_eq!(
            tx.seen_inbound("twilio", "SM1").await.unwrap().as_deref(),
            Some("Thanks!")
        );
        assert_eq!(tx.seen_inbound("vonage", "SM1").await.unwrap(), None);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn issues_numbering_status_and_listing() {
    for b in backends().await {
        let p = new_person(&b.store, "+447700900300").await;
        let mut tx = b.store.begin().await.unwrap();
        let n = tx.next_issue_number().await.unwrap();
        assert_eq!(n, 1001);
        tx.create_issue(&new_issue(n, "Buses", Some(p)))
            .await
            .unwrap();
        assert_eq!(tx.next_issue_number().await.unwrap(), 1002);
        let dup = tx.create_issue(&new_issue(n, "Again", None)).await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
        tx.create_issue(&new_issue(1002, "GP", None)).await.unwrap();

        let issue = tx.issue(g(1001)).await.unwrap().unwrap();
        assert_eq!(issue.status, IssueStatus::New);
        assert_eq!(issue.title, "Buses");
        assert_eq!(issue.supporters, 1, "the raiser supports it");

        tx.set_issue_status(g(1002), IssueStatus::Hidden, Some("personal data"))
            .await
            .unwrap();
        let hidden = tx.issue(g(1002)).await.unwrap().unwrap();
        assert_eq!(hidden.hidden_reason.as_deref(), Some("personal data"));
        assert!(matches!(
            tx.set_issue_status(g(4242), IssueStatus::Approved, None)
                .await,
            Err(StoreError::NotFound(_))
        ));

        let all: Vec<u32> = tx
            .list_issues(None)
            .await
            .unwrap()
            .iter()
            .map(|i| i.issue_ref.number())
            .collect();
        assert_eq!(all, vec![1001, 1002], "{}", b.name);
        let new: Vec<u32> = tx
            .list_issues(Some(IssueStatus::New))
            .await
            .unwrap()
            .iter()
            .map(|i| i.issue_ref.number())
            .collect();
        assert_eq!(new, vec![1001]);

        // Following twice is one follow; following doesn't double the raiser.
        tx.follow(p, g(1001), ts(11)).await.unwrap();
        tx.follow(p, g(1001), ts(12)).await.unwrap();
        assert_eq!(tx.issue(g(1001)).await.unwrap().unwrap().supporters, 1);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn set_issue_title_replaces_the_ballot_title() {
    for b in backends().await {
        let mut tx = b.store.begin().await.unwrap();
        tx.create_issue(&new_issue(1001, "buses are late every day", None))
            .await
            .unwrap();
        tx.set_issue_title(g(1001), "Late buses").await.unwrap();
        let issue = tx.issue(g(1001)).await.unwrap().unwrap();
        assert_eq!(issue.title, "Late buses", "{}", b.name);
        assert_eq!(issue.status, IssueStatus::New, "the status is untouched");
        assert!(matches!(
            tx.set_issue_title(g(4242), "Nothing").await,
            Err(StoreError::NotFound(_))
        ));
        // A round shows the issue's current title.
        tx.set_issue_status(g(1001), IssueStatus::Approved, None)
            .await
            .unwrap();
        let round = open_round(&mut tx, &[1001], 1).await;
        tx.set_issue_title(g(1001), "Late or missing buses")
            .await
            .unwrap();
        let r = tx.round(round).await.unwrap().unwrap();
        assert_eq!(r.items[0].title, "Late or missing buses", "{}", b.name);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn issue_titles_per_language_are_set_cleared_and_listed() {
    for b in backends().await {
        let pl = new_person(&b.store, "+48600111222").await;
        let ar = new_person(&b.store, "+966500000001").await;
        let gone = new_person(&b.store, "+447700900003").await;
        new_person(&b.store, "+447700900004").await;
        let mut tx = b.store.begin().await.unwrap();
        tx.set_language(pl, &LanguageTag::parse("pl").unwrap())
            .await
            .unwrap();
        tx.set_language(ar, &LanguageTag::parse("ar").unwrap())
            .await
            .unwrap();
        tx.set_language(gone, &LanguageTag::parse("ro").unwrap())
            .await
            .unwrap();
        tx.set_opted_out(gone, true, ts(2)).await.unwrap();
        assert_eq!(
            tx.voter_languages().await.unwrap(),
            vec!["ar", "en", "pl"],
            "people who opted out do not count ({})",
            b.name
        );
        tx.create_issue(&new_issue(1001, "Buses", None))
            .await
            .unwrap();
        tx.create_issue(&new_issue(1002, "Parking", None))
            .await
            .unwrap();
        tx.set_issue_title_in(g(1001), "pl", Some("Autobusy"))
            .await
            .unwrap();
        tx.set_issue_title_in(g(1001), "ar", Some("الحافلات"))
            .await
            .unwrap();
        tx.set_issue_title_in(g(1002), "pl", Some("Parking"))
            .await
            .unwrap();
        // Setting again replaces.
        tx.set_issue_title_in(g(1002), "pl", Some("Parkowanie"))
            .await
            .unwrap();
        let all = tx.issue_titles(&[g(1002), g(1001)]).await.unwrap();
        assert_eq!(
            all,
            vec![
                (g(1002), "pl".to_string(), "Parkowanie".to_string()),
                (g(1001), "ar".to_string(), "الحافلات".to_string()),
                (g(1001), "pl".to_string(), "Autobusy".to_string()),
            ],
            "{}",
            b.name
        );
        // Clearing removes one language only; the default title stays.
        tx.set_issue_title_in(g(1001), "pl", None).await.unwrap();
        assert_eq!(
            tx.issue_titles(&[g(1001)]).await.unwrap(),
            vec![(g(1001), "ar".to_string(), "الحافلات".to_string())],
            "{}",
            b.name
        );
        assert_eq!(tx.issue(g(1001)).await.unwrap().unwrap().title, "Buses");
        assert!(matches!(
            tx.set_issue_title_in(g(4242), "pl", Some("Nic")).await,
            Err(StoreError::NotFound(_))
        ));
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn round_titles_per_language_are_set_cleared_and_listed() {
    for b in backends().await {
        let mut tx = b.store.begin().await.unwrap();
        tx.create_issue(&new_issue(1001, "Buses", None))
            .await
            .unwrap();
        tx.set_issue_status(g(1001), IssueStatus::Approved, None)
            .await
            .unwrap();
        let round = tx
            .create_round("Spring", &[g(1001)], 1, None, ts(1))
            .await
            .unwrap();
        tx.set_round_title_in(round, "pl", Some("Wiosna"))
            .await
            .unwrap();
        tx.set_round_title_in(round, "ar", Some("الربيع"))
            .await
            .unwrap();
        tx.set_round_title_in(round, "pl", Some("Wiosenne głosowanie"))
            .await
            .unwrap();
        assert_eq!(
            tx.round_titles(round).await.unwrap(),
            vec![
                ("ar".to_string(), "الربيع".to_string()),
                ("pl".to_string(), "Wiosenne głosowanie".to_string()),
            ],
            "{}",
            b.name
        );
        tx.set_round_title_in(round, "ar", None).await.unwrap();
        assert_eq!(
            tx.round_titles(round).await.unwrap(),
            vec![("pl".to_string(), "Wiosenne głosowanie".to_string())],
            "{}",
            b.name
        );
        assert!(matches!(
            tx.set_round_title_in(round + 100, "pl", Some("Nic")).await,
            Err(StoreError::NotFound(_))
        ));
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn safeguarding_flag_is_stored() {
    for b in backends().await {
        let mut tx = b.store.begin().await.unwrap();
        tx.create_issue(&new_issue(1001, "Buses", None))
            .await
            .unwrap();
        let mut flagged = new_issue(1002, "Help at home", None);
        flagged.safeguarding = true;
        tx.create_issue(&flagged).await.unwrap();
        let flags: Vec<(u32, bool)> = tx
            .list_issues(None)
            .await
            .unwrap()
            .iter()
            .map(|i| (i.issue_ref.number(), i.safeguarding))
            .collect();
        assert_eq!(flags, vec![(1001, false), (1002, true)], "{}", b.name);
        assert!(tx.issue(g(1002)).await.unwrap().unwrap().safeguarding);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn one_ballot_per_person_per_round() {
    for b in backends().await {
        let s = &b.store;
        let p = new_person(s, "+447700900400").await;
        let q = new_person(s, "+447700900401").await;
        let mut tx = s.begin().await.unwrap();
        approved(&mut tx, &[1001, 1002, 1003, 1004]).await;
        let round = open_round(&mut tx, &[1001, 1002, 1003], 2).await;
        tx.commit().await.unwrap();

        assert!(!vote(s, round, p, &[1001]).await, "first vote is new");
        assert!(vote(s, round, p, &[1002, 1003]).await, "re-vote replaces");
        assert!(!vote(s, round, q, &[1002]).await);

        let mut tx = s.begin().await.unwrap();
        assert_eq!(
            tx.ballot(round, p).await.unwrap(),
            Some(vec![g(1002), g(1003)])
        );
        let results = tx.results(round).await.unwrap();
        assert_eq!(
            summary(&results),
            vec![(1002, 2, 1), (1003, 1, 2), (1001, 0, 3)],
            "{}",
            b.name
        );

        // Not an item of the round / too many choices.
        let bad = tx
            .cast_ballot(round, p, &[g(1004)], Channel::Sms, ts(31))
            .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
        let bad = tx
            .cast_ballot(round, p, &[g(1001), g(1002), g(1003)], Channel::Sms, ts(31))
            .await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
        let bad = tx.cast_ballot(round, p, &[], Channel::Sms, ts(31)).await;
        assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
        // Rejected attempts changed nothing.
        assert_eq!(
            tx.ballot(round, p).await.unwrap(),
            Some(vec![g(1002), g(1003)])
        );

        // A draft round can't be voted in.
        let draft = tx
            .create_round("Later", &[g(1004)], 1, None, ts(40))
            .await
            .unwrap();
        let bad = tx
            .cast_ballot(draft, p, &[g(1004)], Channel::Sms, ts(41))
            .await;
        assert!(matches!(bad, Err(StoreError::Conflict(_))), "{bad:?}");
        tx.commit().await.unwrap();

        // The database itself refuses a second ballot row for the same person.
        let dup = raw_exec(
            &b,
            "INSERT INTO ballots (round_id, person_id, channel, cast_at, updated_at) \
             VALUES ($1, $2, 'sms', 0, 0)",
            &[round, p],
        )
        .await;
        let err = dup.expect_err("duplicate ballot must be rejected");
        let db_err = err.as_database_error().expect("a database error");
        assert_eq!(
            db_err.kind(),
            sqlx::error::ErrorKind::UniqueViolation,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn opt_out_round_trip() {
    for b in backends().await {
        let p = new_person(&b.store, "+447700900500").await;
        let mut tx = b.store.begin().await.unwrap();
        tx.set_opted_out(p, true, ts(100)).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.begin().await.unwrap();
        let person = tx
            .person_by_identity(&phone("+447700900500"))
            .await
            .unwrap()
            .unwrap();
        assert!(person.opted_out, "{}", b.name);
        tx.set_opted_out(p, false, ts(200)).await.unwrap();
        assert!(!tx.person(p).await.unwrap().unwrap().opted_out);
        assert!(matches!(
            tx.set_opted_out(777, true, ts(1)).await,
            Err(StoreError::NotFound(_))
        ));
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn forget_erases_personal_data_but_keeps_issue_and_vote() {
    const NUMBER: &str = "+447700900999";
    const SENT: &str = "my neighbour Mrs Example needs a wheelchair taxi";
    const RECEIVED: &str = "Thanks, we saved your issue XYZZY-REPLY";
    const REPLY: &str = "Dedupe reply PLUGH-42";

    for b in backends().await {
        let s = &b.store;
        let other = new_person(s, "+447700900998").await;
        let mut tx = s.begin().await.unwrap();
        let p = tx
            .create_person(&phone(NUMBER), &en(), ts(1))
            .await
            .unwrap()
            .id;
        tx.log_message(Some(p), Direction::In, Channel::Sms, SENT, ts(2))
            .await
            .unwrap();
        tx.log_message(Some(p), Direction::Out, Channel::Sms, RECEIVED, ts(3))
            .await
            .unwrap();
        tx.record_inbound("twilio", "SM-forget", Some(p), REPLY, ts(2))
            .await
            .unwrap();
        tx.save_conversation(p, Some(&format!("{{\"phone\":\"{NUMBER}\"}}")), ts(3))
            .await
            .unwrap();
        tx.create_issue(&new_issue(1001, "Transport", Some(p)))
            .await
            .unwrap();
        tx.set_issue_status(g(1001), IssueStatus::Approved, None)
            .await
            .unwrap();
        approved(&mut tx, &[1002]).await;
        tx.follow(p, g(1002), ts(4)).await.unwrap();
        let round = open_round(&mut tx, &[1001, 1002], 1).await;
        tx.commit().await.unwrap();
        vote(s, round, p, &[1001]).await;
        vote(s, round, other, &[1002]).await;
        // Outbox: one sent (with a delivery report), one queued for later,
        // one cancelled.
        let mut tx = s.begin().await.unwrap();
        let sent = tx
            .enqueue(&outbound(Some(p), NUMBER, RECEIVED, ts(3)), ts(3))
            .await
            .unwrap()
            .unwrap();
        let queued = tx
            .enqueue(&outbound(Some(p), NUMBER, SENT, ts(1_000_000)), ts(3))
            .await
            .unwrap()
            .unwrap();
        tx.enqueue(&outbound(None, NUMBER, REPLY, ts(3)), ts(3))
            .await
            .unwrap()
            .unwrap();
        tx.mark_cancelled(queued + 1, "test", ts(3)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = s.begin().await.unwrap();
        let claimed = tx
            .claim_outbox(Channel::Sms, ts(4), 10, 60_000, "w")
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1, "{}", b.name);
        tx.mark_sent(
            sent,
            "twilio",
            "SM-forget-out",
            Some(1),
            Some("GSM-7"),
            ts(4),
        )
        .await
        .unwrap();
        tx.record_delivery_status(
            "twilio",
            "SM-forget-out",
            DeliveryStatus::Delivered,
            None,
            ts(5),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        // Before: the data is there (the audit below would catch it).
        let before = s.dump_all_text().await.unwrap();
        assert!(before.iter().any(|(_, v)| v.contains(NUMBER)));
        assert!(before.iter().any(|(_, v)| v.contains(SENT)));

        let mut tx = s.begin().await.unwrap();
        tx.forget_person(p).await.unwrap();
        // Anything the engine logs for them afterwards is not kept either.
        tx.log_message(Some(p), Direction::Out, Channel::Sms, RECEIVED, ts(5))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let after = s.dump_all_text().await.unwrap();
        for (table, value) in &after {
            for secret in [NUMBER, SENT, RECEIVED, REPLY] {
                assert!(
                    !value.contains(secret),
                    "{}: table {table} still holds {secret:?}",
                    b.name
                );
            }
        }

        let mut tx = s.begin().await.unwrap();
        assert!(
            tx.person_by_identity(&phone(NUMBER))
                .await
                .unwrap()
                .is_none()
        );
        assert!(tx.person(p).await.unwrap().is_none());
        // A provider retry is still recognised, and acts no more.
        assert_eq!(
            tx.seen_inbound("twilio", "SM-forget")
                .await
                .unwrap()
                .as_deref(),
            Some("")
        );
        // The issue stays, unattributed; the vote still counts.
        let issue = tx.issue(g(1001)).await.unwrap().unwrap();
        assert_eq!(issue.status, IssueStatus::Approved);
        assert_eq!(
            issue.supporters, 1,
            "the anonymous ballot still supports it"
        );
        let results = tx.close_round(round, ts(50)).await.unwrap();
        assert_eq!(
            summary(&results),
            vec![(1001, 1, 1), (1002, 1, 1)],
            "{}",
            b.name
        );
        // The sent message stays for the delivery statistics, without
        // them; the unsent ones are gone.
        let row = tx.outbox_row(sent).await.unwrap().unwrap();
        assert_eq!(row.status, OutboxStatus::Sent);
        assert_eq!(row.person, None);
        assert_eq!(row.delivery_status.as_deref(), Some("delivered"));
        assert!(tx.outbox_row(queued).await.unwrap().is_none());
        assert!(tx.outbox_row(queued + 1).await.unwrap().is_none());
        let summary = tx.outbox_summary().await.unwrap();
        assert_eq!((summary.sent, summary.queued, summary.sending), (1, 0, 0));
        // Forgetting twice: nothing left to forget.
        assert!(matches!(
            tx.forget_person(p).await,
            Err(StoreError::NotFound(_))
        ));
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn merge_moves_followers_and_votes_without_doubling() {
    for b in backends().await {
        let s = &b.store;
        let p1 = new_person(s, "+447700900601").await;
        let p2 = new_person(s, "+447700900602").await;
        let p3 = new_person(s, "+447700900603").await;
        let mut tx = s.begin().await.unwrap();
        approved(&mut tx, &[1001, 1002, 1003, 1004]).await;
        tx.follow(p1, g(1001), ts(1)).await.unwrap();
        tx.follow(p2, g(1001), ts(1)).await.unwrap();
        tx.follow(p2, g(1002), ts(1)).await.unwrap();
        let round = open_round(&mut tx, &[1001, 1002, 1003], 2).await;
        tx.commit().await.unwrap();
        vote(s, round, p1, &[1001]).await;
        vote(s, round, p2, &[1001, 1002]).await;
        vote(s, round, p3, &[1002, 1003]).await;

        let mut tx = s.begin().await.unwrap();
        assert!(matches!(
            tx.merge_issue(g(1001), g(1001)).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            tx.merge_issue(g(1001), g(4040)).await,
            Err(StoreError::NotFound(_))
        ));
        tx.merge_issue(g(1001), g(1002)).await.unwrap();

        let from = tx.issue(g(1001)).await.unwrap().unwrap();
        assert_eq!(from.status, IssueStatus::Merged);
        assert_eq!(from.merged_into, Some(g(1002)));
        // Merging into a merged issue is refused.
        assert!(matches!(
            tx.merge_issue(g(1003), g(1001)).await,
            Err(StoreError::Invalid(_))
        ));

        // p1, p2 (follow + votes) and p3 (vote), each once.
        let into = tx.issue(g(1002)).await.unwrap().unwrap();
        assert_eq!(into.supporters, 3, "{}", b.name);
        assert_eq!(tx.ballot(round, p1).await.unwrap(), Some(vec![g(1002)]));
        assert_eq!(tx.ballot(round, p2).await.unwrap(), Some(vec![g(1002)]));
        let live = tx.results(round).await.unwrap();
        assert_eq!(
            summary(&live),
            vec![(1002, 3, 1), (1003, 1, 2), (1001, 0, 3)],
            "{}",
            b.name
        );

        // Voting for the merged item now counts for its target, once.
        let replaced = tx
            .cast_ballot(round, p1, &[g(1001), g(1002)], Channel::Sms, ts(60))
            .await
            .unwrap();
        assert!(replaced);
        assert_eq!(tx.ballot(round, p1).await.unwrap(), Some(vec![g(1002)]));

        // Merged into an issue not on the open ballot: the item now stands
        // for the target, and ballots follow.
        tx.merge_issue(g(1003), g(1004)).await.unwrap();
        let items: Vec<(u32, u32)> = tx
            .current_round()
            .await
            .unwrap()
            .unwrap()
            .items
            .iter()
            .map(|i| (i.position, i.issue_ref.number()))
            .collect();
        assert_eq!(items, vec![(1, 1001), (2, 1002), (3, 1004)]);
        assert_eq!(
            tx.ballot(round, p3).await.unwrap(),
            Some(vec![g(1002), g(1004)])
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn close_round_with_a_tie_shares_the_rank() {
    for b in backends().await {
        let s = &b.store;
        let mut people = Vec::new();
        for i in 0..5 {
            people.push(new_person(s, &format!("+44770090070{i}")).await);
        }
        let mut tx = s.begin().await.unwrap();
        approved(&mut tx, &[1001, 1002, 1003]).await;
        let round = open_round(&mut tx, &[1001, 1002, 1003], 1).await;
        tx.commit().await.unwrap();
        vote(s, round, people[0], &[1001]).await;
        vote(s, round, people[1], &[1001]).await;
        vote(s, round, people[2], &[1003]).await;
        vote(s, round, people[3], &[1003]).await;
        vote(s, round, people[4], &[1002]).await;

        let mut tx = s.begin().await.unwrap();
        let results = tx.close_round(round, ts(99)).await.unwrap();
        assert_eq!(
            summary(&results),
            vec![(1001, 2, 1), (1003, 2, 1), (1002, 1, 3)],
            "{}",
            b.name
        );
        assert_eq!(results[0].position, 1);
        assert_eq!(results[1].position, 3);
        assert_eq!(results[0].title, "Issue 1001");
        assert_eq!(tx.results(round).await.unwrap(), results, "stored results");
        assert_eq!(
            tx.round(round).await.unwrap().unwrap().status,
            RoundStatus::Closed
        );
        assert!(tx.current_round().await.unwrap().is_none());
        assert!(matches!(
            tx.close_round(round, ts(100)).await,
            Err(StoreError::Conflict(_))
        ));
        let late = tx
            .cast_ballot(round, people[0], &[g(1002)], Channel::Sms, ts(101))
            .await;
        assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn only_one_round_is_open() {
    for b in backends().await {
        let s = &b.store;
        let mut tx = s.begin().await.unwrap();
        approved(&mut tx, &[1001, 1002]).await;
        let first = tx
            .create_round("First", &[g(1001)], 1, Some(ts(1_000)), ts(1))
            .await
            .unwrap();
        let second = tx
            .create_round("Second", &[g(1002)], 1, None, ts(2))
            .await
            .unwrap();
        assert!(tx.current_round().await.unwrap().is_none());
        tx.open_round(first, ts(3)).await.unwrap();
        let clash = tx.open_round(second, ts(4)).await;
        assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
        let again = tx.open_round(first, ts(4)).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

        let current = tx.current_round().await.unwrap().unwrap();
        assert_eq!(current.id, first);
        assert_eq!(current.title, "First");
        assert_eq!(current.closes_at, Some(ts(1_000)));
        assert_eq!(current.items.len(), 1);
        assert_eq!(current.items[0].title, "Issue 1001");

        tx.close_round(first, ts(5)).await.unwrap();
        tx.open_round(second, ts(6)).await.unwrap();
        assert_eq!(tx.current_round().await.unwrap().unwrap().id, second);
        assert!(matches!(
            tx.open_round(first, ts(7)).await,
            Err(StoreError::Conflict(_))
        ));
        tx.commit().await.unwrap();

        // The database refuses a second open round even behind the store's back.
        let third = raw_exec(
            &b,
            "INSERT INTO rounds (title, max_choices, status, created_at) \
             VALUES ('Rogue', 1, 'open', 0)",
            &[],
        )
        .await;
        let err = third.expect_err("partial unique index must hold");
        let db_err = err.as_database_error().expect("a database error");
        assert_eq!(
            db_err.kind(),
            sqlx::error::ErrorKind::UniqueViolation,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn create_round_validation() {
    for b in backends().await {
        let mut tx = b.store.begin().await.unwrap();
        approved(&mut tx, &[1001, 1002, 1005]).await;
        tx.create_issue(&new_issue(1003, "Unmoderated", None))
            .await
            .unwrap();
        approved(&mut tx, &[1004]).await;
        tx.set_issue_status(g(1004), IssueStatus::Hidden, Some("abuse"))
            .await
            .unwrap();
        tx.merge_issue(g(1005), g(1001)).await.unwrap();

        let mut attempt = async |title: &str, items: &[u32], max: u32| {
            let refs: Vec<IssueRef> = items.iter().map(|&n| g(n)).collect();
            tx.create_round(title, &refs, max, None, ts(1)).await
        };
        let cases: Vec<(&str, Result<RoundId, StoreError>)> = vec![
            ("no items", attempt("R", &[], 1).await),
            ("unknown issue", attempt("R", &[1001, 9999], 1).await),
            ("unapproved", attempt("R", &[1001, 1003], 1).await),
            ("hidden", attempt("R", &[1001, 1004], 1).await),
            ("merged", attempt("R", &[1001, 1005], 1).await),
            ("zero max", attempt("R", &[1001, 1002], 0).await),
            ("max over items", attempt("R", &[1001, 1002], 3).await),
            ("duplicate", attempt("R", &[1001, 1001], 1).await),
            ("no title", attempt("  ", &[1001], 1).await),
        ];
        for (what, got) in cases {
            let ok = match what {
                "unknown issue" => {
                    matches!(got, Err(StoreError::NotFound(ref m)) if m.contains("G-9999"))
                }
                _ => matches!(got, Err(StoreError::Invalid(_))),
            };
            assert!(ok, "{}: {what}: {got:?}", b.name);
        }
        let fine = attempt("R", &[1001, 1002], 2).await.unwrap();
        let round = tx.round(fine).await.unwrap().unwrap();
        assert_eq!(round.status, RoundStatus::Draft);
        assert_eq!(round.max_choices, 2);
        let positions: Vec<(u32, u32)> = round
            .items
            .iter()
            .map(|i| (i.position, i.issue_ref.number()))
            .collect();
        assert_eq!(positions, vec![(1, 1001), (2, 1002)]);
        assert!(tx.round(fine + 100).await.unwrap().is_none());
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn updates_for_gives_the_latest_response_per_issue() {
    fn response(n: u32, status: ResponseStatus, at: i64, text: &str) -> NewResponse {
        NewResponse {
            issue_ref: g(n),
            status,
            progress: None,
            texts: vec![
                (LanguageTag::parse("en").unwrap(), text.to_string()),
                (LanguageTag::parse("pl").unwrap(), format!("PL {text}")),
            ],
            created_at: ts(at),
        }
    }

    for b in backends().await {
        let s = &b.store;
        let p = new_person(s, "+447700900800").await;
        let q = new_person(s, "+447700900801").await;
        let mut tx = s.begin().await.unwrap();
        // 1001 raised by p; 1002 followed; 1003 voted for; 1004 unrelated;
        // 1005 raised by p and merged into 1006.
        tx.create_issue(&new_issue(1001, "Raised", Some(p)))
            .await
            .unwrap();
        tx.set_issue_status(g(1001), IssueStatus::Approved, None)
            .await
            .unwrap();
        approved(&mut tx, &[1002, 1003, 1004]).await;
        tx.create_issue(&new_issue(1005, "Duplicate", Some(p)))
            .await
            .unwrap();
        approved(&mut tx, &[1006]).await;
        tx.follow(p, g(1002), ts(1)).await.unwrap();
        let round = open_round(&mut tx, &[1003, 1004], 1).await;
        tx.commit().await.unwrap();
        vote(s, round, p, &[1003]).await;
        vote(s, round, q, &[1004]).await;

        let mut tx = s.begin().await.unwrap();
        tx.merge_issue(g(1005), g(1006)).await.unwrap();
        tx.add_response(&response(1001, ResponseStatus::Committed, 100, "old"))
            .await
            .unwrap();
        let mut newer = response(1001, ResponseStatus::InProgress, 500, "halfway");
        newer.progress = Some(50);
        tx.add_response(&newer).await.unwrap();
        tx.add_response(&response(1002, ResponseStatus::Declined, 300, "no money"))
            .await
            .unwrap();
        tx.add_response(&response(1003, ResponseStatus::Done, 400, "done"))
            .await
            .unwrap();
        tx.add_response(&response(1004, ResponseStatus::Done, 450, "not yours"))
            .await
            .unwrap();
        tx.add_response(&response(1006, ResponseStatus::Committed, 200, "merged"))
            .await
            .unwrap();

        let mut bad = response(1001, ResponseStatus::Done, 1, "x");
        bad.progress = Some(101);
        assert!(matches!(
            tx.add_response(&bad).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            tx.add_response(&response(9999, ResponseStatus::Done, 1, "x"))
                .await,
            Err(StoreError::NotFound(_))
        ));

        let updates = tx.updates_for(p, 10).await.unwrap();
        let got: Vec<(u32, ResponseStatus, i64)> = updates
            .iter()
            .map(|u| (u.issue_ref.number(), u.status, u.created_at.millis()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1001, ResponseStatus::InProgress, 500),
                (1003, ResponseStatus::Done, 400),
                (1002, ResponseStatus::Declined, 300),
                (1006, ResponseStatus::Committed, 200),
            ],
            "{}",
            b.name
        );
        assert_eq!(updates[0].progress, Some(50));
        assert_eq!(updates[0].title, "Raised");
        assert_eq!(
            updates[0].texts,
            vec![
                ("en".to_string(), "halfway".to_string()),
                ("pl".to_string(), "PL halfway".to_string())
            ]
        );

        let two = tx.updates_for(p, 2).await.unwrap();
        assert_eq!(two.len(), 2);
        assert_eq!(two[1].issue_ref, g(1003));

        let theirs: Vec<u32> = tx
            .updates_for(q, 10)
            .await
            .unwrap()
            .iter()
            .map(|u| u.issue_ref.number())
            .collect();
        assert_eq!(theirs, vec![1004]);
        tx.commit().await.unwrap();
    }
}

// --- several transactions at once ------------------------------------------

/// A second, unmigrated store on the backend's database.
async fn reopen(b: &Backend) -> Arc<dyn Store> {
    if let Some(file) = &b.sqlite_file {
        let url = format!("sqlite://{}", file.display());
        Arc::new(SqliteStore::connect(&url).await.unwrap())
    } else if let Some(pg) = &b.pg {
        Arc::new(pg.connect().await)
    } else {
        panic!("{}: cannot reopen", b.name)
    }
}

/// Two processes starting at once on an empty database both migrate it.
#[tokio::test]
async fn concurrent_migrations_on_a_fresh_database() {
    let mut fresh = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fresh.db");
    fresh.push(Backend {
        name: "sqlite",
        store: Arc::new(
            SqliteStore::connect(&format!("sqlite://{}", file.display()))
                .await
                .unwrap(),
        ),
        sqlite_file: Some(file),
        pg: None,
        _dir: Some(dir),
    });
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = PgSchema::create(&url).await;
        fresh.push(Backend {
            name: "postgres",
            store: Arc::new(pg.connect().await),
            sqlite_file: None,
            pg: Some(pg),
            _dir: None,
        });
    }
    for b in fresh {
        let stores = [b.store.clone(), reopen(&b).await, reopen(&b).await];
        let runs = stores.iter().map(|s| {
            let s = s.clone();
            tokio::spawn(async move { s.migrate().await })
        });
        let handles: Vec<_> = runs.collect();
        for h in handles {
            h.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        }
        let dump = b.store.dump_all_text().await.unwrap();
        let versions = dump
            .iter()
            .filter(|(t, v)| t == "schema_migrations" && v == "init")
            .count();
        assert_eq!(versions, 1, "{}: applied once", b.name);
        new_person(&b.store, "+447700901000").await;
    }
}

/// Two first messages from one new number, handled at once (two instances):
/// one person, found by both.
#[tokio::test]
async fn postgres_same_new_identity_at_once_makes_one_person() {
    let Some(b) = postgres_only("same_new_identity").await else {
        return;
    };
    for round in 0..5 {
        let number = format!("+4477009011{round:02}");
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let store = b.store.clone();
                let number = number.clone();
                tokio::spawn(async move {
                    let mut tx = store.begin().await.unwrap();
                    let person = match tx.person_by_identity(&phone(&number)).await.unwrap() {
                        Some(p) => p,
                        None => {
                            let p = tx.create_person(&phone(&number), &en(), ts(1)).await;
                            // Widen the window in which the other could fork.
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            p.unwrap()
                        }
                    };
                    let state = tx.conversation(person.id).await.unwrap();
                    let next = format!("{}+", state.unwrap_or_default());
                    tx.save_conversation(person.id, Some(&next), ts(2))
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    person.id
                })
            })
            .collect();
        let mut ids = Vec::new();
        for t in tasks {
            ids.push(t.await.unwrap());
        }
        assert_eq!(ids[0], ids[1], "one person for {number}");
        let mut tx = b.store.begin().await.unwrap();
        // Both steps happened, one after the other: the state did not fork.
        assert_eq!(
            tx.conversation(ids[0]).await.unwrap().as_deref(),
            Some("++")
        );
    }
    let dump = b.store.dump_all_text().await.unwrap();
    let identities = dump.iter().filter(|(t, _)| t == "identities").count();
    assert_eq!(identities, 5 * 4, "five identities of four columns each");
}

/// A step for a person waits while another step for them is under way;
/// steps for other people do not.
#[tokio::test]
async fn postgres_steps_for_one_person_are_serialised() {
    let Some(b) = postgres_only("steps_serialised").await else {
        return;
    };
    let p = new_person(&b.store, "+447700901200").await;
    new_person(&b.store, "+447700901201").await;

    let mut first = b.store.begin().await.unwrap();
    let me = first
        .person_by_identity(&phone("+447700901200"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.id, p);

    let store = b.store.clone();
    let second = tokio::spawn(async move {
        let mut tx = store.begin().await.unwrap();
        let me = tx
            .person_by_identity(&phone("+447700901200"))
            .await
            .unwrap()
            .unwrap();
        let state = tx.conversation(me.id).await.unwrap();
        tx.commit().await.unwrap();
        state
    });
    let store = b.store.clone();
    let by_id = tokio::spawn(async move {
        let mut tx = store.begin().await.unwrap();
        let me = tx.person(p).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        me.language
    });

    // Someone else is not held up.
    let mut other = b.store.begin().await.unwrap();
    let them = tokio::time::timeout(
        Duration::from_secs(2),
        other.person_by_identity(&phone("+447700901201")),
    )
    .await
    .expect("another person's step must not wait")
    .unwrap();
    assert!(them.is_some());
    other.commit().await.unwrap();

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the second step must wait");
    assert!(!by_id.is_finished(), "person(id) must wait too");

    first
        .save_conversation(p, Some("after first"), ts(5))
        .await
        .unwrap();
    first
        .set_language(p, &LanguageTag::parse("pl").unwrap())
        .await
        .unwrap();
    first.commit().await.unwrap();

    assert_eq!(second.await.unwrap().as_deref(), Some("after first"));
    assert_eq!(by_id.await.unwrap().as_str(), "pl");
}

/// A provider's retry arriving at another instance while the first attempt
/// is still running waits for it and is answered from its record.
#[tokio::test]
async fn postgres_inbound_retry_waits_for_the_first_attempt() {
    let Some(b) = postgres_only("inbound_retry").await else {
        return;
    };
    let mut first = b.store.begin().await.unwrap();
    assert_eq!(first.seen_inbound("twilio", "SM-race").await.unwrap(), None);

    let store = b.store.clone();
    let retry = tokio::spawn(async move {
        let mut tx = store.begin().await.unwrap();
        tx.seen_inbound("twilio", "SM-race").await.unwrap()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!retry.is_finished(), "the retry must wait");

    first
        .record_inbound("twilio", "SM-race", None, "first reply", ts(1))
        .await
        .unwrap();
    first.commit().await.unwrap();
    assert_eq!(retry.await.unwrap().as_deref(), Some("first reply"));
}

/// Two people raising an issue at once get the same next number; the second
/// insert is a Conflict (the service runs the step again) and its
/// transaction cannot be committed half-done.
#[tokio::test]
async fn postgres_issue_number_race_is_a_conflict() {
    let Some(b) = postgres_only("issue_number_race").await else {
        return;
    };
    let mut first = b.store.begin().await.unwrap();
    let mut second = b.store.begin().await.unwrap();
    let n1 = first.next_issue_number().await.unwrap();
    let n2 = second.next_issue_number().await.unwrap();
    assert_eq!((n1, n2), (1001, 1001));
    first
        .create_issue(&new_issue(n1, "First", None))
        .await
        .unwrap();

    let late = tokio::spawn(async move {
        let got = second.create_issue(&new_issue(n2, "Second", None)).await;
        (got, second.commit().await)
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    first.commit().await.unwrap();
    let (got, committed) = late.await.unwrap();
    assert!(matches!(got, Err(StoreError::Conflict(_))), "{got:?}");
    assert!(
        matches!(committed, Err(StoreError::Conflict(_))),
        "an aborted transaction must not report a commit: {committed:?}"
    );

    // The retry gets the next number.
    let mut retry = b.store.begin().await.unwrap();
    let n = retry.next_issue_number().await.unwrap();
    assert_eq!(n, 1002);
    retry
        .create_issue(&new_issue(n, "Second", None))
        .await
        .unwrap();
    retry.commit().await.unwrap();
    let mut tx = b.store.begin().await.unwrap();
    let titles: Vec<String> = tx
        .list_issues(None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.title)
        .collect();
    assert_eq!(titles, vec!["First", "Second"]);
}

/// A round closing while a vote is being cast waits for it and counts it; a
/// vote after the close is refused.
#[tokio::test]
async fn postgres_close_round_waits_for_votes_in_flight() {
    let Some(b) = postgres_only("close_round_waits").await else {
        return;
    };
    let s = &b.store;
    let p = new_person(s, "+447700901300").await;
    let q = new_person(s, "+447700901301").await;
    let mut tx = s.begin().await.unwrap();
    approved(&mut tx, &[1001, 1002]).await;
    let round = open_round(&mut tx, &[1001, 1002], 1).await;
    tx.commit().await.unwrap();

    let mut voting = s.begin().await.unwrap();
    voting
        .cast_ballot(round, p, &[g(1002)], Channel::Sms, ts(30))
        .await
        .unwrap();

    let store = s.clone();
    let closing = tokio::spawn(async move {
        let mut tx = store.begin().await.unwrap();
        let results = tx.close_round(round, ts(40)).await.unwrap();
        tx.commit().await.unwrap();
        results
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!closing.is_finished(), "closing must wait for the vote");
    voting.commit().await.unwrap();
    let results = closing.await.unwrap();
    assert_eq!(summary(&results), vec![(1002, 1, 1), (1001, 0, 2)]);

    let mut tx = s.begin().await.unwrap();
    let late = tx
        .cast_ballot(round, q, &[g(1001)], Channel::Sms, ts(50))
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
}

/// A database that is not there is "unavailable", with a message that says
/// where, not a panic or a hang.
#[tokio::test]
async fn unreachable_postgres_is_unavailable() {
    let started = std::time::Instant::now();
    let got = gather::store::connect("postgres://gather:secret@127.0.0.1:1/gather").await;
    let Err(StoreError::Unavailable(message)) = got else {
        panic!("expected Unavailable, got {:?}", got.map(|_| ()));
    };
    assert!(message.contains("127.0.0.1:1"), "{message}");
    assert!(!message.contains("secret"), "no password in {message}");
    assert!(started.elapsed() < Duration::from_secs(15));

    let got = gather::store::connect("mysql://localhost/gather").await;
    assert!(matches!(got, Err(StoreError::Invalid(_))));
}

/// `store::connect` takes libpq-style startup options in the URL, so a
/// deployment can keep Gather in a schema of its own.
#[tokio::test]
async fn postgres_url_options_select_the_schema() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    let pg = PgSchema::create(&url).await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let with_schema = format!("{url}{sep}options=-c%20search_path%3D{}", pg.schema);
    let store = gather::store::connect(&with_schema).await.unwrap();
    store.migrate().await.unwrap();
    new_person(&store, "+447700901400").await;

    let mut raw = pg.raw().await;
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(&mut raw)
        .await
        .unwrap();
    assert_eq!(people, 1, "the tables are in {}", pg.schema);
    raw.close().await.unwrap();
}

// --- outbox ------------------------------------------------------------------

const STALE_MS: i64 = 60_000;

async fn enqueue(store: &Arc<dyn Store>, msg: &NewOutbound) -> Option<i64> {
    let mut tx = store.begin().await.unwrap();
    let id = tx.enqueue(msg, ts(1)).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn claim(store: &Arc<dyn Store>, now: i64, limit: u32, worker: &str) -> Vec<i64> {
    let mut tx = store.begin().await.unwrap();
    let items = tx
        .claim_outbox(Channel::Sms, ts(now), limit, STALE_MS, worker)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    items.iter().map(|i| i.id).collect()
}

#[tokio::test]
async fn outbox_enqueue_is_idempotent_by_dedupe_key() {
    for b in backends().await {
        let s = &b.store;
        let p = new_person(s, "+447700902001").await;
        let keyed = NewOutbound {
            dedupe_key: Some("response:1:person:1".into()),
            ..outbound(Some(p), "+447700902001", "Update", ts(1))
        };
        let first = enqueue(s, &keyed).await;
        assert!(first.is_some(), "{}", b.name);
        assert_eq!(enqueue(s, &keyed).await, None, "{}: queued once", b.name);
        // Without a key, every call queues.
        let plain = outbound(Some(p), "+447700902001", "Hello", ts(1));
        let a = enqueue(s, &plain).await.unwrap();
        let c = enqueue(s, &plain).await.unwrap();
        assert_ne!(a, c);
        // An address someone has is linked to them; an unknown one is not.
        let linked = enqueue(s, &outbound(None, "+447700902001", "Hi", ts(1)))
            .await
            .unwrap();
        let stranger = enqueue(s, &outbound(None, "+447700902999", "Hi", ts(1)))
            .await
            .unwrap();
        let mut tx = s.begin().await.unwrap();
        assert_eq!(
            tx.outbox_row(linked).await.unwrap().unwrap().person,
            Some(p)
        );
        assert_eq!(tx.outbox_row(stranger).await.unwrap().unwrap().person, None);
        let row = tx.outbox_row(first.unwrap()).await.unwrap().unwrap();
        assert_eq!(
            (row.status, row.attempts, row.kind),
            (OutboxStatus::Queued, 0, OutboundKind::Notice)
        );
        // Bad messages are refused, and nothing is half-stored.
        for bad in [
            outbound(Some(p), "", "text", ts(1)),
            outbound(Some(p), "+447700902001", "  ", ts(1)),
            outbound(Some(p), "+447700902001", &"x".repeat(1601), ts(1)),
        ] {
            assert!(
                matches!(tx.enqueue(&bad, ts(1)).await, Err(StoreError::Invalid(_))),
                "{}",
                b.name
            );
        }
        assert!(matches!(
            tx.enqueue(&outbound(Some(9999), "+447700902001", "x", ts(1)), ts(1))
                .await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(tx.outbox_summary().await.unwrap().queued, 5, "{}", b.name);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn outbox_claims_due_messages_and_stale_claims_once() {
    for b in backends().await {
        let s = &b.store;
        let a = enqueue(s, &outbound(None, "+447700902101", "a", ts(100)))
            .await
            .unwrap();
        let later = enqueue(s, &outbound(None, "+447700902102", "b", ts(200)))
            .await
            .unwrap();
        // Another channel's messages are another worker's.
        enqueue(
            s,
            &NewOutbound {
                channel: Channel::Discord,
                ..outbound(None, "1234567", "c", ts(0))
            },
        )
        .await
        .unwrap();

        assert_eq!(claim(s, 150, 10, "w1").await, vec![a], "{}", b.name);
        assert_eq!(claim(s, 150, 10, "w1").await, Vec::<i64>::new());
        // Not stale yet: only the message that has come due.
        assert_eq!(claim(s, 150 + STALE_MS - 1, 10, "w2").await, vec![later]);
        // w1 died between claim and send: after stale_after, w2 takes over.
        assert_eq!(claim(s, 150 + STALE_MS, 10, "w2").await, vec![a]);

        let mut tx = s.begin().await.unwrap();
        let row = tx.outbox_row(a).await.unwrap().unwrap();
        assert_eq!((row.status, row.attempts), (OutboxStatus::Sending, 2));
        // w1's claim is gone; w2's is current (and renewed by the check).
        assert_eq!(
            tx.check_claim(a, "w1", 1, ts(150 + STALE_MS))
                .await
                .unwrap(),
            ClaimCheck::Lost,
            "{}",
            b.name
        );
        assert_eq!(
            tx.check_claim(a, "w2", 2, ts(150 + 2 * STALE_MS - 1))
                .await
                .unwrap(),
            ClaimCheck::Send
        );
        tx.commit().await.unwrap();
        // Renewed at 150 + 2*STALE - 1, so not stale a moment later.
        assert_eq!(claim(s, 150 + 2 * STALE_MS, 10, "w3").await, vec![later]);
    }
}

/// A claim says whether it took the message over from a stale claim, and
/// that claim's last renewal (the worker then asks the provider before
/// sending again); queued messages, retried ones included, are fresh.
#[tokio::test]
async fn outbox_claims_say_when_they_take_over_a_stale_claim() {
    for b in backends().await {
        let s = &b.store;
        let id = enqueue(s, &outbound(None, "+447700902151", "a", ts(100)))
            .await
            .unwrap();
        let claimed = |now: i64, worker: &'static str| async move {
            let mut tx = s.begin().await.unwrap();
            let items = tx
                .claim_outbox(Channel::Sms, ts(now), 10, STALE_MS, worker)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            items
                .iter()
                .map(|i| (i.id, i.attempts, i.stale_claim))
                .collect::<Vec<_>>()
        };
        assert_eq!(claimed(150, "w1").await, vec![(id, 1, None)], "{}", b.name);
        // w1 renews its claim just before sending, then dies.
        let mut tx = s.begin().await.unwrap();
        assert_eq!(
            tx.check_claim(id, "w1", 1, ts(170)).await.unwrap(),
            ClaimCheck::Send
        );
        tx.commit().await.unwrap();
        assert_eq!(
            claimed(170 + STALE_MS, "w2").await,
            vec![(id, 2, Some(ts(170)))],
            "{}",
            b.name
        );
        // w2 dies too: w3 sees w2's claim.
        assert_eq!(
            claimed(170 + 2 * STALE_MS, "w3").await,
            vec![(id, 3, Some(ts(170 + STALE_MS)))]
        );
        // Recorded as a retry: back in the queue, and claimed fresh.
        let mut tx = s.begin().await.unwrap();
        tx.mark_retry(id, "HTTP 500", ts(200 + 2 * STALE_MS))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            claimed(200 + 2 * STALE_MS, "w3").await,
            vec![(id, 4, None)],
            "{}",
            b.name
        );
    }
}

/// Whether a provider id is some message's already.
#[tokio::test]
async fn outbox_knows_which_provider_ids_are_taken() {
    for b in backends().await {
        let s = &b.store;
        let id = enqueue(s, &outbound(None, "+447700902161", "a", ts(1)))
            .await
            .unwrap();
        claim(s, 1, 10, "w").await;
        let mut tx = s.begin().await.unwrap();
        assert!(!tx.provider_id_taken("twilio", "SM-taken").await.unwrap());
        tx.mark_sent(id, "twilio", "SM-taken", Some(1), Some("GSM-7"), ts(2))
            .await
            .unwrap();
        assert!(
            tx.provider_id_taken("twilio", "SM-taken").await.unwrap(),
            "{}",
            b.name
        );
        assert!(!tx.provider_id_taken("kannel", "SM-taken").await.unwrap());
        assert!(!tx.provider_id_taken("twilio", "SM-other").await.unwrap());
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn outbox_transitions_and_summary() {
    for b in backends().await {
        let s = &b.store;
        let ids: Vec<i64> = futures_ids(s, 5).await;
        let claimed = claim(s, 10, 10, "w").await;
        assert_eq!(claimed, ids, "{}: oldest first", b.name);

        let mut tx = s.begin().await.unwrap();
        tx.mark_sent(ids[0], "twilio", "SM0", Some(2), Some("UCS-2"), ts(20))
            .await
            .unwrap();
        tx.mark_retry(ids[1], "HTTP 500", ts(5_000)).await.unwrap();
        tx.mark_deferred(ids[2], ts(9_000)).await.unwrap();
        tx.mark_failed(ids[3], "HTTP 400 code 21211: invalid To", ts(20))
            .await
            .unwrap();
        tx.mark_cancelled(ids[4], "opted out", ts(20))
            .await
            .unwrap();
        // Marking a sent message sent again keeps its first provider id.
        tx.mark_sent(ids[0], "twilio", "SM-other", Some(1), Some("GSM-7"), ts(30))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = s.begin().await.unwrap();
        let sent = tx.outbox_row(ids[0]).await.unwrap().unwrap();
        assert_eq!(sent.status, OutboxStatus::Sent);
        assert_eq!(sent.provider_id.as_deref(), Some("SM0"));
        assert_eq!(sent.provider.as_deref(), Some("twilio"));
        assert_eq!(
            (sent.segments, sent.encoding.as_deref()),
            (Some(2), Some("UCS-2"))
        );
        assert_eq!(sent.sent_at, Some(ts(20)));
        let retry = tx.outbox_row(ids[1]).await.unwrap().unwrap();
        assert_eq!(
            (retry.status, retry.attempts, retry.next_attempt_at),
            (OutboxStatus::Queued, 1, ts(5_000))
        );
        assert_eq!(retry.last_error.as_deref(), Some("HTTP 500"));
        let deferred = tx.outbox_row(ids[2]).await.unwrap().unwrap();
        assert_eq!(
            (deferred.status, deferred.attempts, deferred.next_attempt_at),
            (OutboxStatus::Queued, 0, ts(9_000)),
            "{}: a deferral is not an attempt",
            b.name
        );
        let failed = tx.outbox_row(ids[3]).await.unwrap().unwrap();
        assert_eq!(failed.status, OutboxStatus::Failed);
        assert!(failed.last_error.unwrap().contains("21211"));
        let cancelled = tx.outbox_row(ids[4]).await.unwrap().unwrap();
        assert_eq!(cancelled.status, OutboxStatus::Cancelled);

        let summary = tx.outbox_summary().await.unwrap();
        assert_eq!(
            (
                summary.queued,
                summary.sending,
                summary.sent,
                summary.failed,
                summary.cancelled
            ),
            (2, 0, 1, 1, 1),
            "{}",
            b.name
        );
        assert_eq!(summary.oldest_due, Some(ts(5_000)));
        assert_eq!(summary.delivery, vec![("unknown".to_string(), 1)]);
        tx.commit().await.unwrap();
        // Queued again: due at their new times only.
        assert_eq!(claim(s, 4_999, 10, "w").await, Vec::<i64>::new());
        assert_eq!(claim(s, 9_000, 10, "w").await, vec![ids[1], ids[2]]);
    }
}

/// Queues `n` notices to different numbers, due at 1, 2, 3…
async fn futures_ids(store: &Arc<dyn Store>, n: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let to = format!("+4477009022{i:02}");
        ids.push(
            enqueue(store, &outbound(None, &to, "text", ts(1 + i)))
                .await
                .unwrap(),
        );
    }
    ids
}

#[tokio::test]
async fn outbox_sees_opt_out_at_claim_and_at_the_last_check() {
    for b in backends().await {
        let s = &b.store;
        let p = new_person(s, "+447700902301").await;
        let q = new_person(s, "+447700902302").await;
        enqueue(s, &outbound(Some(p), "+447700902301", "to p", ts(1))).await;
        enqueue(s, &outbound(Some(q), "+447700902302", "to q", ts(2))).await;
        let mut tx = s.begin().await.unwrap();
        tx.set_opted_out(p, true, ts(3)).await.unwrap();
        let items = tx
            .claim_outbox(Channel::Sms, ts(5), 10, STALE_MS, "w")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let flags: Vec<(Option<PersonId>, bool)> =
            items.iter().map(|i| (i.person, i.opted_out)).collect();
        assert_eq!(flags, vec![(Some(p), true), (Some(q), false)], "{}", b.name);

        // q sends STOP between the claim and the send.
        let mut tx = s.begin().await.unwrap();
        tx.set_opted_out(q, true, ts(6)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = s.begin().await.unwrap();
        assert_eq!(
            tx.check_claim(items[1].id, "w", items[1].attempts, ts(7))
                .await
                .unwrap(),
            ClaimCheck::OptedOut,
            "{}",
            b.name
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn delivery_reports_move_forward_and_may_come_before_the_send() {
    for b in backends().await {
        let s = &b.store;
        let p = new_person(s, "+447700902401").await;
        let early = enqueue(s, &outbound(Some(p), "+447700902401", "one", ts(1)))
            .await
            .unwrap();
        let normal = enqueue(s, &outbound(Some(p), "+447700902401", "two", ts(1)))
            .await
            .unwrap();
        claim(s, 2, 10, "w").await;

        let mut tx = s.begin().await.unwrap();
        // The callback overtakes the worker's write: kept, nobody known yet.
        assert_eq!(
            tx.record_delivery_status("twilio", "SM-early", DeliveryStatus::Sent, None, ts(3))
                .await
                .unwrap(),
            None,
            "{}",
            b.name
        );
        tx.record_delivery_status("twilio", "SM-early", DeliveryStatus::Delivered, None, ts(4))
            .await
            .unwrap();
        tx.mark_sent(early, "twilio", "SM-early", Some(1), Some("GSM-7"), ts(5))
            .await
            .unwrap();
        let row = tx.outbox_row(early).await.unwrap().unwrap();
        assert_eq!(
            row.delivery_status.as_deref(),
            Some("delivered"),
            "{}",
            b.name
        );

        tx.mark_sent(normal, "twilio", "SM-normal", Some(1), Some("GSM-7"), ts(5))
            .await
            .unwrap();
        let target = tx
            .record_delivery_status("twilio", "SM-normal", DeliveryStatus::Sent, None, ts(6))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (target.outbox_id, target.person, target.address.as_str()),
            (normal, Some(p), "+447700902401")
        );
        let steps = [
            (DeliveryStatus::Undelivered, Some("30003"), "undelivered"),
            // Late and out of order: no change.
            (DeliveryStatus::Sent, None, "undelivered"),
            (DeliveryStatus::Delivered, None, "undelivered"),
            // The same callback again: no change either.
            (DeliveryStatus::Undelivered, Some("30003"), "undelivered"),
        ];
        for (status, code, expected) in steps {
            tx.record_delivery_status("twilio", "SM-normal", status, code, ts(7))
                .await
                .unwrap();
            let row = tx.outbox_row(normal).await.unwrap().unwrap();
            assert_eq!(row.delivery_status.as_deref(), Some(expected), "{}", b.name);
            assert_eq!(row.error_code.as_deref(), Some("30003"));
        }
        // A provider's ids are its own.
        assert_eq!(
            tx.record_delivery_status("kannel", "SM-normal", DeliveryStatus::Sent, None, ts(8))
                .await
                .unwrap(),
            None
        );
        let summary = tx.outbox_summary().await.unwrap();
        assert_eq!(
            summary.delivery,
            vec![("delivered".to_string(), 1), ("undelivered".to_string(), 1)]
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn opt_out_by_address_and_person_address() {
    for b in backends().await {
        let s = &b.store;
        let p = new_person(s, "+447700902501").await;
        let mut tx = s.begin().await.unwrap();
        assert_eq!(
            tx.opt_out_address(IdentityKind::Phone, "+447700902501", ts(5))
                .await
                .unwrap(),
            Some(p),
            "{}",
            b.name
        );
        assert!(tx.person(p).await.unwrap().unwrap().opted_out);
        assert_eq!(
            tx.opt_out_address(IdentityKind::Phone, "+447700902999", ts(5))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            tx.person_address(p, IdentityKind::Phone)
                .await
                .unwrap()
                .as_deref(),
            Some("+447700902501")
        );
        assert_eq!(
            tx.person_address(p, IdentityKind::Discord).await.unwrap(),
            None
        );
        tx.commit().await.unwrap();
    }
}

/// Several workers claiming at once never get the same message.
#[tokio::test]
async fn concurrent_claimers_never_share_a_message() {
    for b in backends().await {
        const N: usize = 120;
        let mut tx = b.store.begin().await.unwrap();
        for i in 0..N {
            tx.enqueue(
                &outbound(None, &format!("+4477009030{i:02}"), "x", ts(1)),
                ts(1),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let mut tasks = Vec::new();
        for w in 0..4 {
            // A store of its own per worker, like separate instances.
            let store = reopen(&b).await;
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let got = claim(&store, 10, 7, &format!("w{w}")).await;
                    if got.is_empty() {
                        return mine;
                    }
                    mine.extend(got);
                    tokio::task::yield_now().await;
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let total = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), total, "{}: a message was claimed twice", b.name);
        assert_eq!(total, N, "{}: every message claimed", b.name);
    }
}

/// PostgreSQL: a claim does not wait for another claimer's uncommitted
/// transaction; it takes the next rows (`SKIP LOCKED`).
#[tokio::test]
async fn postgres_claims_skip_rows_locked_by_another_claimer() {
    let Some(b) = postgres_only("claims_skip_locked").await else {
        return;
    };
    let ids = futures_ids(&b.store, 6).await;
    let mut first = b.store.begin().await.unwrap();
    let a: Vec<i64> = first
        .claim_outbox(Channel::Sms, ts(10), 3, STALE_MS, "a")
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    // `first` is still open and holds its rows.
    let other = reopen(&b).await;
    let second = tokio::time::timeout(Duration::from_secs(5), async {
        let mut tx = other.begin().await.unwrap();
        let got: Vec<i64> = tx
            .claim_outbox(Channel::Sms, ts(10), 3, STALE_MS, "b")
            .await
            .unwrap()
            .iter()
            .map(|i| i.id)
            .collect();
        tx.commit().await.unwrap();
        got
    })
    .await
    .expect("the second claimer waited for the first");
    first.commit().await.unwrap();
    assert_eq!(a, ids[..3].to_vec());
    assert_eq!(second, ids[3..].to_vec());
}

// --- one vote per identity; opt-out (issue 17) -------------------------------

/// The vote secret is made once and then always the same; identity hashes
/// are kept per round, idempotently, and outlive FORGET.
#[tokio::test]
async fn vote_secret_and_round_voters_outlive_forget() {
    for b in backends().await {
        let s = &b.store;
        let p = new_person(s, "+447700903001").await;
        let mut tx = s.begin().await.unwrap();
        assert_eq!(
            tx.server_secret("vote_secret", "first", ts(1))
                .await
                .unwrap(),
            "first",
            "{}",
            b.name
        );
        assert_eq!(
            tx.server_secret("vote_secret", "second", ts(2))
                .await
                .unwrap(),
            "first",
            "the first secret stays ({})",
            b.name
        );
        approved(&mut tx, &[1001, 1002]).await;
        let round = open_round(&mut tx, &[1001, 1002], 1).await;
        let hashes = vec!["h-one".to_string(), "h-two".to_string()];
        assert!(!tx.round_voted(round, &hashes).await.unwrap());
        assert!(!tx.round_voted(round, &[]).await.unwrap());
        tx.add_round_voters(round, &hashes).await.unwrap();
        tx.add_round_voters(round, &hashes[1..]).await.unwrap();
        assert!(
            tx.round_voted(round, &["x".to_string(), "h-two".to_string()])
                .await
                .unwrap(),
            "{}",
            b.name
        );
        assert!(!tx.round_voted(round + 1, &hashes).await.unwrap());
        assert_eq!(
            tx.identities_of(p).await.unwrap(),
            vec![phone("+447700903001")],
            "{}",
            b.name
        );
        assert_eq!(tx.ballot_rounds(p).await.unwrap(), Vec::<RoundId>::new());
        tx.commit().await.unwrap();

        vote(s, round, p, &[1001]).await;
        let mut tx = s.begin().await.unwrap();
        assert_eq!(tx.ballot_rounds(p).await.unwrap(), vec![round]);
        tx.forget_person(p).await.unwrap();
        assert!(tx.round_voted(round, &hashes).await.unwrap(), "{}", b.name);
        assert!(tx.identities_of(p).await.unwrap().is_empty());
        tx.commit().await.unwrap();
    }
}

/// An opt-out (STOP on any channel, or the carrier's 21610) stops every
/// queued message to the person: a fan-out's rows, and messages queued to
/// their number before it was anyone's. The one exempt message (the STOP
/// confirmation, HELP) still goes.
#[tokio::test]
async fn opt_out_stops_every_queued_message_to_the_person() {
    use gather::store::fanout::{Audience, FanOutKind, FanOutSpec};
    const A: &str = "+447700903101";
    const B: &str = "+447700903102";
    for b in backends().await {
        let s = &b.store;
        // Queued to A's number before A was a person (e.g. `gather send`).
        let early = enqueue(s, &outbound(None, A, "early notice", ts(1)))
            .await
            .unwrap();
        let a = new_person(s, A).await;
        let bp = new_person(s, B).await;
        let mut tx = s.begin().await.unwrap();
        let (_, queued) = tx
            .fan_out(
                &FanOutSpec {
                    kind: FanOutKind::Announce,
                    response_id: None,
                    round_id: None,
                    audience: Audience::Everyone,
                    texts: vec![("en".into(), "Board update".into())],
                    default_text: "Board update".into(),
                    sms_texts: Vec::new(),
                    not_before: ts(1),
                },
                ts(1),
            )
            .await
            .unwrap();
        assert_eq!(queued, 2, "{}", b.name);
        let confirmation = tx
            .enqueue(
                &NewOutbound {
                    kind: OutboundKind::Reply,
                    ..outbound(None, A, "You will get no more messages", ts(1))
                },
                ts(1),
            )
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();

        // A's carrier says they unsubscribed; B opts out with STOP, then the
        // confirmation of A's opt-out is queued and marked exempt.
        let mut tx = s.begin().await.unwrap();
        assert_eq!(
            tx.opt_out_address(IdentityKind::Phone, A, ts(2))
                .await
                .unwrap(),
            Some(a)
        );
        tx.exempt_from_opt_out(confirmation).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = s.begin().await.unwrap();
        let items = tx
            .claim_outbox(Channel::Sms, ts(5), 100, STALE_MS, "w")
            .await
            .unwrap();
        tx.set_opted_out(bp, true, ts(6)).await.unwrap();
        let mut to_send = Vec::new();
        for i in &items {
            let check = tx.check_claim(i.id, "w", i.attempts, ts(7)).await.unwrap();
            if !i.opted_out && check == ClaimCheck::Send {
                to_send.push(i.text.clone());
            }
        }
        tx.commit().await.unwrap();
        assert_eq!(items.len(), 4, "{}", b.name);
        assert!(
            items.iter().any(|i| i.id == early && i.person == Some(a)),
            "the early message is A's now ({})",
            b.name
        );
        assert_eq!(
            to_send,
            vec!["You will get no more messages".to_string()],
            "only the exempt confirmation goes ({})",
            b.name
        );
    }
}

/// What a fan-out would reach, by language and by the identity it would
/// use: phone first, so a linked chat account does not count twice; people
/// who opted out are not counted.
#[tokio::test]
async fn audience_groups_by_language_and_channel() {
    use gather::store::fanout::{Audience, AudienceGroup};
    for b in backends().await {
        let pl = LanguageTag::parse("pl").unwrap();
        let mut tx = b.store.begin().await.unwrap();
        let a = tx
            .create_person(&phone("+447700900001"), &en(), ts(1))
            .await
            .unwrap();
        let c = tx
            .create_person(&phone("+48600111222"), &pl, ts(1))
            .await
            .unwrap();
        let d = tx
            .create_person(&phone("+48600111223"), &pl, ts(1))
            .await
            .unwrap();
        let m = tx
            .create_person(
                &Identity {
                    kind: IdentityKind::Matrix,
                    address: "@ola:example.org".into(),
                },
                &pl,
                ts(1),
            )
            .await
            .unwrap();
        tx.set_opted_out(d.id, true, ts(2)).await.unwrap();
        let _ = (a, c, m);
        let mut groups = tx.audience_groups(&Audience::Everyone).await.unwrap();
        tx.commit().await.unwrap();
        groups.sort_by(|x, y| (&x.language, &x.kind).cmp(&(&y.language, &y.kind)));
        let group = |language: &str, kind: &str, people| AudienceGroup {
            language: language.into(),
            kind: kind.into(),
            people,
        };
        assert_eq!(
            groups,
            vec![
                group(en().as_str(), "phone", 1),
                group("pl", "matrix", 1),
                group("pl", "phone", 1)
            ],
            "{}",
            b.name
        );
    }
}

// --- abuse bounds (issue 17) ----------------------------------------------------

#[tokio::test]
async fn idempotency_keys_replay_the_stored_response_and_refuse_another_body() {
    use gather::store::guard::{IDEMPOTENCY_KEEP_MS, IdempotencyClaim};
    for b in backends().await {
        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(
            tx.claim_idempotency("k1", "body-a", ts(1_000))
                .await
                .unwrap(),
            IdempotencyClaim::Fresh,
            "{}",
            b.name
        );
        tx.finish_idempotency("k1", 201, r#"{"id":1}"#)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(
            tx.claim_idempotency("k1", "body-a", ts(2_000))
                .await
                .unwrap(),
            IdempotencyClaim::Replay {
                status: 201,
                body: r#"{"id":1}"#.into()
            },
            "{}",
            b.name
        );
        assert_eq!(
            tx.claim_idempotency("k1", "body-b", ts(2_000))
                .await
                .unwrap(),
            IdempotencyClaim::Mismatch,
            "{}",
            b.name
        );
        tx.commit().await.unwrap();

        // A rolled-back claim leaves the key free.
        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(
            tx.claim_idempotency("k2", "x", ts(2_000)).await.unwrap(),
            IdempotencyClaim::Fresh
        );
        drop(tx);
        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(
            tx.claim_idempotency("k2", "y", ts(2_000)).await.unwrap(),
            IdempotencyClaim::Fresh,
            "{}",
            b.name
        );
        tx.finish_idempotency("k2", 202, "{}").await.unwrap();
        tx.commit().await.unwrap();

        // After a day the key is forgotten.
        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(
            tx.claim_idempotency("k1", "body-b", ts(2_000 + IDEMPOTENCY_KEEP_MS))
                .await
                .unwrap(),
            IdempotencyClaim::Fresh,
            "{}",
            b.name
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn counters_count_in_fixed_windows_and_lock() {
    for b in backends().await {
        let mut tx = b.store.begin().await.unwrap();
        let counts: Vec<i64> = {
            let mut v = Vec::new();
            for t in [0, 10, 59_999] {
                v.push(tx.bump_counter("in:a", ts(t), 60_000).await.unwrap().count);
            }
            v
        };
        assert_eq!(counts, [1, 2, 3], "{}", b.name);
        assert_eq!(
            tx.bump_counter("in:b", ts(20), 60_000).await.unwrap().count,
            1,
            "{}: others unaffected",
            b.name
        );
        let next = tx.bump_counter("in:a", ts(60_000), 60_000).await.unwrap();
        assert_eq!(
            (next.count, next.window_start),
            (1, ts(60_000)),
            "{}",
            b.name
        );
        tx.lock_counter("in:a", ts(90_000)).await.unwrap();
        assert_eq!(
            tx.counter("in:a").await.unwrap().unwrap().locked_until,
            ts(90_000)
        );
        // Swept once the window is over and nothing is locked out.
        tx.sweep_counters("in:", ts(70_000), ts(80_000))
            .await
            .unwrap();
        assert!(tx.counter("in:a").await.unwrap().is_some(), "still locked");
        assert!(tx.counter("in:b").await.unwrap().is_none(), "{}", b.name);
        tx.clear_counter("in:a").await.unwrap();
        assert!(tx.counter("in:a").await.unwrap().is_none());
        // One secret per database, whoever asks first.
        let s = tx.instance_secret("counters", "first").await.unwrap();
        assert_eq!(s, "first");
        let s = tx.instance_secret("counters", "second").await.unwrap();
        assert_eq!(s, "first", "{}", b.name);
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn organiser_sessions_are_stored_and_swept() {
    use gather::store::guard::SessionRow;
    for b in backends().await {
        let row = SessionRow {
            csrf: "c".into(),
            created_at: ts(0),
            last_seen: ts(5),
            data: "{}".into(),
        };
        let mut tx = b.store.begin().await.unwrap();
        tx.save_session("h1", &row).await.unwrap();
        tx.save_session(
            "h2",
            &SessionRow {
                last_seen: ts(500),
                ..row.clone()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tx = b.store.begin().await.unwrap();
        assert_eq!(tx.session("h1").await.unwrap(), Some(row.clone()));
        tx.save_session(
            "h1",
            &SessionRow {
                data: r#"{"flash":[]}"#.into(),
                ..row.clone()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            tx.session("h1").await.unwrap().unwrap().data,
            r#"{"flash":[]}"#
        );
        tx.sweep_sessions(ts(100), ts(-1)).await.unwrap();
        assert!(tx.session("h1").await.unwrap().is_none(), "{}", b.name);
        assert!(tx.session("h2").await.unwrap().is_some());
        tx.end_session("h2").await.unwrap();
        assert!(tx.session("h2").await.unwrap().is_none());
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn postgres_a_second_claim_of_an_idempotency_key_waits_for_the_first() {
    use gather::store::guard::IdempotencyClaim;
    let Some(b) = postgres_only("postgres_a_second_claim_of_an_idempotency_key_waits").await else {
        return;
    };
    let mut first = b.store.begin().await.unwrap();
    assert_eq!(
        first.claim_idempotency("k", "body", ts(1)).await.unwrap(),
        IdempotencyClaim::Fresh
    );
    let store = b.store.clone();
    let second = tokio::spawn(async move {
        let mut tx = store.begin().await.unwrap();
        let claim = tx.claim_idempotency("k", "body", ts(2)).await.unwrap();
        tx.commit().await.unwrap();
        claim
    });
    first.finish_idempotency("k", 201, "done").await.unwrap();
    first.commit().await.unwrap();
    assert_eq!(
        second.await.unwrap(),
        IdempotencyClaim::Replay {
            status: 201,
            body: "done".into()
        }
    );
}
