//! Fan-out benchmark (not a test): one Board update to N followers on
//! SQLite. Gather's whole path — record the response, render the update in
//! every locale, queue one outbox row per follower in their language with
//! `INSERT … SELECT` — against a raw `INSERT … SELECT` of the same rows,
//! in the same run, on identically seeded databases. Also reports the
//! process's peak RSS: followers are never loaded into memory.
//!
//! cargo bench --bench fanout                 # 100,000 followers
//! cargo bench --bench fanout -- --followers 20000
//! cargo bench --bench fanout -- --database-url postgres://postgres@127.0.0.1:5432/test
//!     (also on PostgreSQL, in fresh schemas dropped afterwards)
//!
//! Under `cargo test --benches` it does a tiny smoke run.

use gather::config::Config;
use gather::domain::{IssueRef, LanguageTag};
use gather::service::ResponseInput;
use gather::store::ResponseStatus;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const SEED: &str = "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
INSERT INTO people (id, language, opted_out, created_at)
SELECT i, CASE i % 4 WHEN 0 THEN 'pl' WHEN 1 THEN 'en-GB' WHEN 2 THEN 'ur' ELSE 'ro' END, 0, 0 FROM n;
";

async fn seeded(
    dir: &Path,
    name: &str,
    followers: i64,
) -> (gather::service::Gather, sqlx::SqlitePool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let db = dir.join(name);
    let env: BTreeMap<String, String> = [
        ("GATHER_DATABASE_URL", format!("sqlite://{}", db.display())),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
        ("GATHER_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).expect("config");
    let gather = gather::app::build(&config).await.expect("app");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("pool");
    sqlx::query(SEED)
        .bind(followers)
        .execute(&pool)
        .await
        .expect("people");
    for sql in [
        "INSERT INTO identities (kind, address, person_id, created_at) \
         SELECT 'phone', '+4477' || printf('%08d', id), id, 0 FROM people",
        "INSERT INTO issues (number, description, title, language, channel, status, created_at) \
         VALUES (1001, 'GP waiting times are too long', 'GP waiting times', 'en-GB', 'sms', 'approved', 0)",
        "INSERT INTO follows (person_id, issue_number, created_at) SELECT id, 1001, 0 FROM people",
    ] {
        sqlx::query(sql).execute(&pool).await.expect("seed");
    }
    (gather, pool)
}

const RAW: &str = "INSERT INTO outbox (person_id, channel, address, text, kind, status, attempts, \
       next_attempt_at, dedupe_key, created_at) \
     SELECT f.person_id, 'sms', i.address, 'The Board committed to act.', 'notice', 'queued', 0, 0, \
       'raw:' || f.person_id, 0 \
     FROM follows f JOIN identities i ON i.person_id = f.person_id AND i.kind = 'phone' \
     WHERE f.issue_number = 1001";

fn response() -> ResponseInput {
    ResponseInput {
        issue: IssueRef::new(1001),
        status: ResponseStatus::Committed,
        progress: None,
        texts: vec![
            (
                LanguageTag::parse("en-GB").expect("tag"),
                "The Board will fund evening GP appointments.".into(),
            ),
            (
                LanguageTag::parse("pl").expect("tag"),
                "Zarząd sfinansuje wieczorne wizyty u lekarza.".into(),
            ),
        ],
    }
}

/// One fresh schema on a PostgreSQL server, seeded like the SQLite files.
async fn seeded_pg(server: &str, tag: &str, followers: i64) -> (gather::service::Gather, String) {
    use sqlx::Connection;
    let schema = format!("gather_fanout_{}_{tag}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(server).await.expect("postgres");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    )))
    .execute(&mut conn)
    .await
    .expect("schema");
    let _ = conn.close().await;
    let sep = if server.contains('?') { '&' } else { '?' };
    let url = format!("{server}{sep}options=-c%20search_path%3D{schema}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        ("GATHER_DATABASE_URL", url.clone()),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
        ("GATHER_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).expect("config");
    let gather = gather::app::build(&config).await.expect("app");
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("postgres");
    for sql in [
        "INSERT INTO people (id, language, opted_out, created_at) \
         SELECT i, CASE i % 4 WHEN 0 THEN 'pl' WHEN 1 THEN 'en-GB' WHEN 2 THEN 'ur' ELSE 'ro' END, FALSE, 0 \
         FROM generate_series(1, $1) AS i",
        "INSERT INTO identities (kind, address, person_id, created_at) \
         SELECT 'phone', '+4477' || lpad(id::text, 8, '0'), id, 0 FROM people",
        "INSERT INTO issues (number, description, title, language, channel, status, created_at) \
         VALUES (1001, 'GP waiting times are too long', 'GP waiting times', 'en-GB', 'sms', 'approved', 0)",
        "INSERT INTO follows (person_id, issue_number, created_at) SELECT id, 1001, 0 FROM people",
        "ANALYZE",
    ] {
        let q = sqlx::query(sql);
        let q = if sql.contains("$1") {
            q.bind(followers)
        } else {
            q
        };
        q.execute(&mut conn).await.expect("seed");
    }
    let _ = conn.close().await;
    (gather, url)
}

async fn drop_schema(server: &str, url: &str) {
    use sqlx::Connection;
    if let Some(name) = url.rsplit("search_path%3D").next()
        && let Ok(mut conn) = sqlx::PgConnection::connect(server).await
    {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {name} CASCADE"
        )))
        .execute(&mut conn)
        .await;
        let _ = conn.close().await;
    }
}

async fn postgres_row(server: &str, followers: i64) {
    use sqlx::Connection;
    let (_g, raw_url) = seeded_pg(server, "raw", followers).await;
    let mut conn = sqlx::PgConnection::connect(&raw_url)
        .await
        .expect("postgres");
    let t = Instant::now();
    let raw = sqlx::query(RAW)
        .execute(&mut conn)
        .await
        .expect("raw insert")
        .rows_affected();
    let raw_time = t.elapsed();
    let _ = conn.close().await;
    let (gather, url) = seeded_pg(server, "gather", followers).await;
    let t = Instant::now();
    let recorded = gather
        .record_response(response())
        .await
        .expect("record response");
    let gather_time = t.elapsed();
    assert_eq!(raw as i64, followers, "baseline rows");
    assert_eq!(recorded.recipients, followers, "every follower queued once");
    println!(
        "| PostgreSQL | {followers} | {:.0} ms | {:.0} ms | {:.2}× | — |",
        raw_time.as_secs_f64() * 1000.0,
        gather_time.as_secs_f64() * 1000.0,
        gather_time.as_secs_f64() / raw_time.as_secs_f64().max(1e-9)
    );
    drop_schema(server, &raw_url).await;
    drop_schema(server, &url).await;
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let smoke = !args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--followers");
    if args.iter().any(|a| a == "--list") {
        return ExitCode::SUCCESS;
    }
    let followers: i64 = args
        .iter()
        .position(|a| a == "--followers")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(if smoke { 200 } else { 100_000 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let rss_before = peak_rss_kib();

        // Baseline: a raw INSERT … SELECT of the same rows, one text.
        let (_g, raw_pool) = seeded(dir.path(), "raw.db", followers).await;
        let t = Instant::now();
        let raw = sqlx::query(RAW)
        .execute(&raw_pool)
        .await
        .expect("raw insert")
        .rows_affected();
        let raw_time = t.elapsed();

        // Gather: record the response; the update fans out in the same transaction.
        let (gather, _pool) = seeded(dir.path(), "gather.db", followers).await;
        let t = Instant::now();
        let recorded = gather
            .record_response(response())
            .await
            .expect("record response");
        let gather_time = t.elapsed();
        let rss_after = peak_rss_kib();

        assert_eq!(raw as i64, followers, "baseline rows");
        assert_eq!(recorded.recipients, followers, "every follower queued once");
        let ratio = gather_time.as_secs_f64() / raw_time.as_secs_f64().max(1e-9);
        println!("| database | followers | raw INSERT … SELECT | Gather fan-out (response + 11 locales) | ratio | peak RSS |");
        println!("|---|--:|--:|--:|--:|--:|");
        println!(
            "| SQLite | {followers} | {:.0} ms | {:.0} ms | {ratio:.2}× | {} MiB (before seeding {} MiB) |",
            raw_time.as_secs_f64() * 1000.0,
            gather_time.as_secs_f64() * 1000.0,
            rss_after.unwrap_or(0) / 1024,
            rss_before.unwrap_or(0) / 1024,
        );
        if let Some(server) = args
            .iter()
            .position(|a| a == "--database-url")
            .and_then(|i| args.get(i + 1))
        {
            postgres_row(server, followers).await;
        }
        ExitCode::SUCCESS
    })
}
