//! End to end in headless Chromium: a real Gather server (the wiring of
//! `gather serve`: router, webhooks from the configuration, an outbox
//! worker) on 127.0.0.1 with a temporary SQLite database, and
//! `tests/e2e/organiser.mjs` driving Chromium through Playwright: log in,
//! moderate, open a round, votes by signed Twilio SMS webhooks, close,
//! announce, record a Board response, watch the fan-out complete, read the
//! public page in three languages. Screenshots go to `docs/screenshots/`.
//!
//! Needs `/usr/bin/chromium` (or `$CHROMIUM`), `node` and
//! `tests/e2e/node_modules` (`npm ci`); `.ci/run` installs all three. The
//! test fails, never skips, without them.

use gather::clock::ManualClock;
use gather::config::Config;
use gather::domain::{Channel, Identity, LanguageTag, PhoneNumber, Timestamp};
use gather::engine::Content;
use gather::http::Webhooks;
use gather::outbox::console::ConsoleSender;
use gather::outbox::{Worker, WorkerOptions};
use gather::service::{Gather, InboundMessage};
use gather::store::{IssueStatus, RoundStatus};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const TOKEN: &str = "e2e-organiser-token-0123456789abcdef";
const TWILIO_TOKEN: &str = "e2e-twilio-auth-token-0123456789";
const NUMBER: &str = "+447700900000";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What the test needs on the machine, or a message saying how to get it.
fn preconditions() -> Result<PathBuf, String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let mut missing = Vec::new();
    if !chromium.exists() {
        missing.push(format!(
            "{} is missing (apt-get install chromium fonts-noto-color-emoji fonts-noto-core)",
            chromium.display()
        ));
    }
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        missing.push("node is missing (apt-get install nodejs npm)".to_string());
    }
    let module = root().join("tests/e2e/node_modules/playwright-core/package.json");
    if !module.exists() {
        missing.push(format!(
            "{} is missing (cd tests/e2e && npm ci)",
            module.display()
        ));
    }
    if missing.is_empty() {
        Ok(chromium)
    } else {
        Err(format!(
            "the browser test cannot run: {}.\nRun .ci/run once: it installs Chromium, its fonts and tests/e2e/node_modules.",
            missing.join("; ")
        ))
    }
}

async fn say(gather: &Gather, from: &str, lang: Option<&str>, text: &str) -> String {
    gather
        .handle_inbound(InboundMessage {
            identity: Identity::phone(&PhoneNumber::parse(from).unwrap()),
            channel: Channel::Sms,
            content: Content::Text(text.into()),
            provider_id: None,
            language_hint: lang.map(|l| LanguageTag::parse(l).unwrap()),
        })
        .await
        .unwrap()
        .messages
        .join("\n")
}

/// Raises an issue the way a person does by SMS: the words, an area, how
/// they are involved, yes to send, yes to follow it.
async fn raise(gather: &Gather, from: &str, lang: Option<&str>, steps: &[&str]) {
    for s in steps {
        say(gather, from, lang, s).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organiser_journey_in_headless_chromium() {
    let chromium = match preconditions() {
        Ok(c) => c,
        Err(message) => panic!("{message}"),
    };
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let env: BTreeMap<String, String> = [
        (
            "GATHER_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("gather.db").display()),
        ),
        (
            "GATHER_FLOWS_DIR",
            root().join("flows").display().to_string(),
        ),
        (
            "GATHER_LOCALES_DIR",
            root().join("locales").display().to_string(),
        ),
        ("GATHER_ADMIN_TOKEN", TOKEN.to_string()),
        ("GATHER_PUBLIC_URL", base.clone()),
        ("GATHER_TWILIO_AUTH_TOKEN", TWILIO_TOKEN.to_string()),
        ("GATHER_QUIET_HOURS", "off".to_string()),
        ("GATHER_PUBLIC_SMS_NUMBER", "+44 7700 900000".to_string()),
        ("GATHER_PUBLIC_PHONE_NUMBER", "+44 20 7946 0000".to_string()),
        (
            "GATHER_PUBLIC_DISCORD_URL",
            "https://discord.gg/gather-example".to_string(),
        ),
        (
            "GATHER_PUBLIC_MATRIX_URL",
            "https://matrix.to/#/#gather:example.org".to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).unwrap();
    // A fixed clock (Monday 5 January 2026, 10:00 UTC), so the pages and
    // their screenshots are the same on every run.
    let built = gather::app::build(&config).await.unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp(1_767_607_200_000)));
    let gather = Gather::new(built.store.clone(), built.engine.clone(), clock);

    // Issues people raised by SMS before the organiser looks.
    raise(
        &gather,
        "+447700900101",
        None,
        &[
            "The walk-in centre closes at six so everyone waits for hours in A&E",
            "SE15",
            "1",
            "YES",
            "YES",
        ],
    )
    .await;
    raise(
        &gather,
        "+48601000102",
        Some("pl"),
        &[
            "Na wizytę u lekarza rodzinnego czekamy kilka tygodni",
            "LS6",
            "2",
            "TAK",
            "TAK",
        ],
    )
    .await;
    raise(
        &gather,
        "+447700900103",
        Some("ar"),
        &[
            "لا يوجد مترجم في عيادة الطبيب ولا أستطيع شرح مرضي",
            "B11",
            "1",
            "نعم",
            "لا",
        ],
    )
    .await;
    raise(
        &gather,
        "+447700900104",
        None,
        &[
            "<script>alert('boo')</script> the bus to the hospital stopped running",
            "0",
            "0",
            "YES",
            "NO",
        ],
    )
    .await;
    raise(
        &gather,
        "+447700900105",
        None,
        &[
            "I feel suicidal and my GP has no appointments for weeks",
            // After the signpost: carry on raising it.
            "YES",
            "0",
            "1",
            "YES",
            "NO",
        ],
    )
    .await;
    raise(
        &gather,
        "+447700900106",
        None,
        &[
            "Walk in centre shuts at 6pm so A and E is full every evening",
            "SE15",
            "2",
            "YES",
            "YES",
        ],
    )
    .await;
    let issues = gather.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 6, "{issues:#?}");
    assert!(issues[4].safeguarding, "G-1005 is flagged");

    // The server, as `gather serve` wires it, and an outbox worker whose
    // sender accepts everything.
    let webhooks = Webhooks::from_config(&config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = Worker::new(
        gather.store.clone(),
        Arc::new(ConsoleSender {
            from: NUMBER.into(),
        }),
        Channel::Sms,
        gather.clock.clone(),
        WorkerOptions {
            rate_per_second: 100.0,
            quiet_hours: None,
            poll_interval: Duration::from_millis(100),
            ..WorkerOptions::default()
        },
    )
    .with_wake(gather.outbox_wake.clone());
    let worker = tokio::spawn(worker.run(stopped.clone()));
    let mut server_stop = stopped.clone();
    let server = tokio::spawn(gather::http::serve_on(
        listener,
        gather.clone(),
        webhooks,
        async move {
            let _ = server_stop.wait_for(|s| *s).await;
        },
    ));

    let shots = root().join("docs/screenshots");
    let run = tokio::process::Command::new("node")
        .arg("organiser.mjs")
        .current_dir(root().join("tests/e2e"))
        .env("GATHER_URL", &base)
        .env("GATHER_TOKEN", TOKEN)
        .env("TWILIO_TOKEN", TWILIO_TOKEN)
        .env("GATHER_NUMBER", NUMBER)
        .env("SCREENSHOTS", &shots)
        .env("CLOSES_AT", "2026-01-12T18:00")
        .env("CHROMIUM", &chromium)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(300), run)
        .await
        .expect("the browser test took more than 5 minutes")
        .expect("cannot run node");
    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser test failed ({}):\n{stdout}\n{stderr}",
        output.status
    );

    // What the browser did is in the database.
    let now = gather.list_issues(None).await.unwrap();
    let by_ref = |r: &str| now.iter().find(|i| i.issue_ref.to_string() == r).unwrap();
    assert_eq!(by_ref("G-1001").status, IssueStatus::Approved);
    assert_eq!(by_ref("G-1001").title, "Walk-in centre closes too early");
    assert_eq!(by_ref("G-1005").status, IssueStatus::Hidden);
    assert_eq!(by_ref("G-1006").status, IssueStatus::Merged);
    let rounds = gather.rounds().await.unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].status, RoundStatus::Closed);
    assert_eq!(rounds[0].ballots, 7);
    let results = gather.results(rounds[0].id).await.unwrap();
    assert_eq!(results[0].issue_ref.to_string(), "G-1001");
    assert_eq!(results[0].votes, 4);
    let responses = gather.store.reports().responses().await.unwrap();
    assert_eq!(responses.len(), 1);
    let fanouts = gather.fanout_status(None).await.unwrap();
    assert_eq!(fanouts.len(), 2, "the announcement and the response");
    for f in &fanouts {
        assert_eq!(f.queued + f.sending, 0, "{f:?}");
        assert!(f.recipients > 0, "{f:?}");
    }
    for name in [
        "login",
        "inbox",
        "merge",
        "rounds",
        "round-open",
        "round-closed",
        "respond",
        "fanout",
        "reach",
        "public-en",
        "public-pl",
        "public-ar",
    ] {
        let file = shots.join(format!("{name}.png"));
        let len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        assert!(len > 10_000, "{} is missing or empty", file.display());
    }
}
