//! Fan-out benchmark (not a test): one Board update to N followers on
//! SQLite. Gather's whole path — record the response, render the update in
//! every locale, queue one outbox row per follower in their language with
//! `INSERT … SELECT` — against a raw `INSERT … SELECT` of the same rows,
//! in the same run, on identically seeded databases. Also reports the
//! process's peak RSS: followers are never loaded into memory.
//!
//! cargo bench --bench fanout                 # 100,000 followers
//! cargo bench --bench fanout -- --followers 20000
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
        let raw = sqlx::query(
            "INSERT INTO outbox (person_id, channel, address, text, kind, status, attempts, \
               next_attempt_at, dedupe_key, created_at) \
             SELECT f.person_id, 'sms', i.address, 'The Board committed to act.', 'notice', 'queued', 0, 0, \
               'raw:' || f.person_id, 0 \
             FROM follows f JOIN identities i ON i.person_id = f.person_id AND i.kind = 'phone' \
             WHERE f.issue_number = 1001",
        )
        .execute(&raw_pool)
        .await
        .expect("raw insert")
        .rows_affected();
        let raw_time = t.elapsed();

        // Gather: record the response; the update fans out in the same transaction.
        let (gather, _pool) = seeded(dir.path(), "gather.db", followers).await;
        let t = Instant::now();
        let recorded = gather
            .record_response(ResponseInput {
                issue: IssueRef::new(1001),
                status: ResponseStatus::Committed,
                progress: None,
                texts: vec![
                    (LanguageTag::parse("en-GB").expect("tag"), "The Board will fund evening GP appointments.".into()),
                    (LanguageTag::parse("pl").expect("tag"), "Zarząd sfinansuje wieczorne wizyty u lekarza.".into()),
                ],
            })
            .await
            .expect("record response");
        let gather_time = t.elapsed();
        let rss_after = peak_rss_kib();

        assert_eq!(raw as i64, followers, "baseline rows");
        assert_eq!(recorded.recipients, followers, "every follower queued once");
        let ratio = gather_time.as_secs_f64() / raw_time.as_secs_f64().max(1e-9);
        println!("| followers | raw INSERT … SELECT | Gather fan-out (response + 11 locales) | ratio | peak RSS |");
        println!("|--:|--:|--:|--:|--:|");
        println!(
            "| {followers} | {:.0} ms | {:.0} ms | {ratio:.2}× | {} MiB (before seeding {} MiB) |",
            raw_time.as_secs_f64() * 1000.0,
            gather_time.as_secs_f64() * 1000.0,
            rss_after.unwrap_or(0) / 1024,
            rss_before.unwrap_or(0) / 1024,
        );
        ExitCode::SUCCESS
    })
}
