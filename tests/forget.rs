//! FORGET forgets everywhere (issue 17, item 7). A person texts, raises an
//! issue, speaks one on a call (its recording), links a Discord and a
//! Matrix account by LINK (and someone else asks a code for their number),
//! the chat channels remember their direct rooms, the outbox sends to them
//! through "Kannel" and "Twilio" (one send failing with an error that
//! quotes the number) and holds one more; then they FORGET. After it:
//! every table (SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set),
//! every file of the SQLite database (db, -wal, -shm), every log line (at
//! TRACE), `/metrics`, `/open/*` and the organiser pages hold neither the
//! number (E.164, national, digits only) nor the chat handles nor the
//! recordings; and the recordings are deleted at the provider through its
//! REST API (a recorder standing in for Twilio, tests/common), durably:
//! a failed delete is tried again by a later pass, from the database.
//!
//! One test in this binary: the log subscriber is process-wide.

mod common;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, header};
use common::twilio_recordings::Recordings;
use gather::channels::twilio_recordings::RecordingDeleter;
use gather::clock::{Clock, ManualClock};
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, IssueRef, PhoneNumber, Timestamp};
use gather::engine::Content;
use gather::outbox::{Accepted, Outgoing, SendError, Sender, Worker, WorkerOptions};
use gather::service::{Gather, InboundMessage};
use gather::store::postgres::PgStore;
use gather::store::{NewOutbound, OutboundKind, Store, VoiceCall};
use http_body_util::BodyExt;
use sqlx::Connection;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

const NUMBER: &str = "+447700900777";
/// Every form of the number a leak could take: E.164, digits only,
/// national, national with a space, and the part all of them share.
const NUMBER_FORMS: [&str; 5] = [
    NUMBER,
    "447700900777",
    "07700900777",
    "07700 900777",
    "7700900777",
];
const DISCORD_ID: &str = "80351110224678912";
const MATRIX_ID: &str = "@quokka:example.org";
/// Someone else who asks for a code to the number and never enters it
/// (they are not forgotten; the number they typed is).
const OTHER_DISCORD: &str = "80351110224678999";
const CHATTER: &str = "Hello Quokkaville";
const ISSUE: &str = "The pharmacy on Zebra Street closes far too early";
const ACCOUNT: &str = "AC0000000000000000000000000000f0f0";
const TOKEN: &str = "forget-test-auth-token-0123";
const ADMIN: &str = "forget-test-admin-token-0123456789";
const SID_ISSUE: &str = "RE0000000000000000000000000000a001";
const SID_CALL: &str = "RE0000000000000000000000000000a002";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn env(db: &str) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        ("GATHER_DATABASE_URL", db.to_string()),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A provider that accepts everything, under the name it is given; the
/// first send fails with an error that quotes the recipient, as real
/// providers' errors do.
struct FakeProvider {
    name: &'static str,
    failed_once: Mutex<bool>,
}

#[async_trait]
impl Sender for FakeProvider {
    fn name(&self) -> &'static str {
        self.name
    }
    fn rate_key(&self) -> String {
        self.name.to_string()
    }
    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let mut failed = self.failed_once.lock().unwrap();
        if !*failed {
            *failed = true;
            return Err(SendError::Retry {
                reason: format!("HTTP 503: cannot reach {} just now", msg.to),
                after: None,
            });
        }
        Ok(Accepted {
            provider_id: format!("{}-{}", self.name, msg.id),
        })
    }
}

struct App {
    gather: Gather,
    clock: Arc<ManualClock>,
}

impl App {
    async fn say(&self, identity: Identity, channel: Channel, text: &str, sid: &str) -> String {
        self.gather
            .handle_inbound(InboundMessage {
                identity,
                channel,
                content: Content::Text(text.into()),
                provider_id: Some((channel.as_str().to_string(), sid.into())),
                language_hint: None,
            })
            .await
            .unwrap()
            .messages
            .join("\n")
    }

    async fn sms(&self, text: &str, sid: &str) -> String {
        let phone = Identity::phone(&PhoneNumber::parse(NUMBER).unwrap());
        self.say(phone, Channel::Sms, text, sid).await
    }

    /// The latest LINK code texted (read from the outbox, as the phone
    /// would).
    async fn last_code(&self) -> String {
        let rows = self.gather.store.dump_all_text().await.unwrap();
        let text = rows
            .iter()
            .rfind(|(t, v)| t == "outbox" && v.contains("Your Gather code is"))
            .map(|(_, v)| v.clone())
            .expect("a code was texted");
        text.chars().filter(char::is_ascii_digit).take(6).collect()
    }

    async fn link(&self, kind: IdentityKind, handle: &str, confirm: bool) {
        let who = Identity {
            kind,
            address: handle.to_string(),
        };
        let channel = match kind {
            IdentityKind::Discord => Channel::Discord,
            _ => Channel::Matrix,
        };
        // Provider ids are opaque (a Matrix event id, a Discord interaction id).
        let id = |n: u32| format!("ev{}{n}", handle.len());
        self.say(who.clone(), channel, "LINK", &id(1)).await;
        let asked = self.say(who.clone(), channel, "07700 900777", &id(2)).await;
        assert!(asked.contains("6-digit code"), "{asked}");
        if confirm {
            let code = self.last_code().await;
            let done = self.say(who, channel, &code, &id(3)).await;
            assert!(done.contains("now one"), "{done}");
        }
    }

    async fn drain(&self, name: &'static str) {
        let worker = Worker::new(
            self.gather.store.clone(),
            Arc::new(FakeProvider {
                name,
                failed_once: Mutex::new(false),
            }),
            Channel::Sms,
            self.clock.clone(),
            WorkerOptions {
                rate_per_second: 1000.0,
                ..WorkerOptions::default()
            },
        );
        worker.drain_until_idle().await.unwrap();
        // The failed send is due again a little later.
        self.clock.advance_secs(3600);
        worker.drain_until_idle().await.unwrap();
    }
}

/// Where each needle was found.
fn find_leaks(place: &str, text: &str, needles: &[&str], leaks: &mut Vec<String>) {
    for n in needles {
        if text.contains(n) {
            let at = text.find(n).unwrap();
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(60)
                .map_or(0, |(i, _)| i);
            let to = (at + n.len() + 60).min(text.len());
            let to = (to..=text.len())
                .find(|i| text.is_char_boundary(*i))
                .unwrap();
            leaks.push(format!("{place}: `{n}` in …{}…", &text[from..to]));
        }
    }
}

fn needles() -> Vec<&'static str> {
    let mut v: Vec<&str> = NUMBER_FORMS.to_vec();
    v.extend([
        DISCORD_ID,
        MATRIX_ID,
        "quokka:example",
        CHATTER,
        "Quokkaville",
        SID_ISSUE,
        SID_CALL,
    ]);
    v
}

async fn get(router: &axum::Router, uri: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = Request::get(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let resp = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The pages anyone, and an organiser, can read.
async fn pages(g: &Gather, round: i64) -> Vec<(String, String)> {
    let router = gather::http::router_with(
        g.clone(),
        gather::http::Webhooks {
            admin_token: Some(Arc::new(ADMIN.to_string())),
            ..Default::default()
        },
    );
    let login = router
        .clone()
        .oneshot(
            Request::post("/admin/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("token={ADMIN}")))
                .unwrap(),
        )
        .await
        .unwrap();
    let cookie = login
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("logged in")
        .to_string();
    let mut out = Vec::new();
    for uri in [
        "/metrics",
        "/",
        "/open/issues.json",
        "/open/issues.csv",
        "/open/rounds.json",
        "/open/commitments.json",
        "/open/commitments.csv",
    ] {
        let (status, body) = get(&router, uri, None).await;
        assert_eq!(status, 200, "{uri}: {body}");
        out.push((uri.to_string(), body));
    }
    for uri in [
        "/admin".to_string(),
        "/admin?status=new".to_string(),
        "/admin/reach".to_string(),
        "/admin/rounds".to_string(),
        format!("/admin/rounds/{round}"),
        "/admin/fanouts".to_string(),
    ] {
        let (status, body) = get(&router, &uri, Some(&cookie)).await;
        assert_eq!(status, 200, "{uri}: {body}");
        out.push((uri, body));
    }
    out
}

/// The scenario on one backend; returns what leaked where.
async fn scenario(name: &str, app: &App, recordings: &Recordings, files: Option<&Path>) {
    let g = &app.gather;
    let mut n = 0;
    let mut sid = || {
        n += 1;
        format!("SM{name}{n}")
    };
    app.sms(CHATTER, &sid()).await;
    for t in [ISSUE, "0", "0", "YES", "YES"] {
        app.sms(t, &sid()).await;
    }
    // Two chat accounts linked to the number, and someone else's code.
    app.link(IdentityKind::Discord, DISCORD_ID, true).await;
    app.link(IdentityKind::Matrix, MATRIX_ID, true).await;
    app.link(IdentityKind::Discord, OTHER_DISCORD, false).await;
    // The chat channels remember their direct rooms with them.
    g.set_chat_state(
        &format!("discord:dm:{DISCORD_ID}"),
        Some("1100000000000000001"),
    )
    .await
    .unwrap();
    g.set_chat_state(
        &format!("matrix:dm:{MATRIX_ID}"),
        Some("!dmroom:example.org"),
    )
    .await
    .unwrap();
    // Their issue carries a recording; a dropped call holds another.
    let issues = g.list_issues(None).await.unwrap();
    let theirs: IssueRef = issues
        .iter()
        .find(|i| i.description.contains("Zebra Street"))
        .unwrap()
        .issue_ref;
    let url = |sid: &str| {
        format!("https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{sid}")
    };
    {
        let mut tx = g.store.begin().await.unwrap();
        let person = tx
            .person_by_identity(&Identity::phone(&PhoneNumber::parse(NUMBER).unwrap()))
            .await
            .unwrap()
            .unwrap();
        tx.set_issue_recording(theirs, &url(SID_ISSUE), 14)
            .await
            .unwrap();
        tx.save_voice_call(&VoiceCall {
            call_sid: format!("CA{name}0000000000000000000000000001"),
            person_id: Some(person.id),
            recording_url: Some(url(SID_CALL)),
            recording_secs: Some(9),
            issue_number: None,
            status: "completed".into(),
            updated_at: app.clock.now(),
        })
        .await
        .unwrap();
        // A Board update for them, sent later by "Twilio".
        tx.enqueue(
            &NewOutbound {
                person: Some(person.id),
                channel: Channel::Sms,
                address: NUMBER.into(),
                text: "Board update: Zebra Street".into(),
                kind: OutboundKind::Notice,
                not_before: app.clock.now(),
                dedupe_key: None,
            },
            app.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    // The codes go through "Kannel", the update through "Twilio"…
    app.drain("kannel").await;
    // …and one more waits in the outbox.
    {
        let mut tx = g.store.begin().await.unwrap();
        tx.enqueue(
            &NewOutbound {
                person: None,
                channel: Channel::Sms,
                address: NUMBER.into(),
                text: "Another update".into(),
                kind: OutboundKind::Notice,
                not_before: Timestamp(app.clock.now().0 + 86_400_000),
                dedupe_key: None,
            },
            app.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    // A round with their issue, and their vote in it.
    g.set_issue_status(theirs, gather::store::IssueStatus::Approved, None)
        .await
        .unwrap();
    let round = g
        .create_round(gather::service::RoundInput {
            title: "What first?".into(),
            items: vec![theirs],
            max_choices: 1,
            closes_at: None,
        })
        .await
        .unwrap()
        .id;
    g.open_round_id(round).await.unwrap();
    app.sms("VOTE 1", &sid()).await;

    // Before: the data is there, so the checks below mean something.
    let before: String = g
        .store
        .dump_all_text()
        .await
        .unwrap()
        .into_iter()
        .map(|(t, v)| format!("{t}: {v}\n"))
        .collect();
    for n in [NUMBER, DISCORD_ID, MATRIX_ID, SID_ISSUE, SID_CALL] {
        assert!(
            before.contains(n),
            "{name}: `{n}` should be stored before FORGET"
        );
    }

    // FORGET.
    app.sms("FORGET", &sid()).await;
    let done = app.sms("YES", &sid()).await;
    assert!(!done.is_empty(), "{name}");

    // The recordings are deleted at the provider; the first attempt fails
    // and stays queued in the database for a later pass.
    recordings.script.lock().unwrap().push_back(503);
    let deleter = || {
        RecordingDeleter::new(&recordings.base, ACCOUNT, TOKEN, Duration::from_secs(10)).unwrap()
    };
    let first = g.delete_recordings_once(Some(&deleter())).await.unwrap();
    assert_eq!(first, 1, "{name}: one deleted, one failed");
    // Not yet due again.
    assert_eq!(g.delete_recordings_once(Some(&deleter())).await.unwrap(), 0);
    app.clock.advance_secs(10 * 60);
    // A later pass (another process would do the same: it is all in the
    // database) deletes the other.
    assert_eq!(g.delete_recordings_once(Some(&deleter())).await.unwrap(), 1);
    let deleted = recordings.deleted();
    let auth = format!("{ACCOUNT}:{TOKEN}");
    for sid in [SID_ISSUE, SID_CALL] {
        assert!(
            deleted.iter().any(|d| d.sid == sid
                && d.status == 204
                && d.account == ACCOUNT
                && d.auth.as_deref() == Some(auth.as_str())),
            "{name}: {sid} not deleted: {deleted:?}"
        );
    }
    assert_eq!(deleted.len(), 3, "{name}: {deleted:?}");

    // Now look everywhere.
    let needles = needles();
    let mut leaks = Vec::new();
    for (table, value) in g.store.dump_all_text().await.unwrap() {
        find_leaks(&format!("table {table}"), &value, &needles, &mut leaks);
    }
    for (uri, body) in pages(g, round).await {
        find_leaks(&format!("page {uri}"), &body, &needles, &mut leaks);
    }
    if let Some(db) = files {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            find_leaks(&format!("file g.db{suffix}"), &text, &needles, &mut leaks);
        }
    }
    assert!(
        leaks.is_empty(),
        "{name}: still there after FORGET:\n{}",
        leaks.join("\n")
    );

    // The issue stays, without its recording.
    let issue = g
        .list_issues(None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.issue_ref == theirs)
        .expect("the issue stays");
    assert_eq!(issue.recording_url, None, "{name}");
}

#[tokio::test]
async fn forget_leaves_nothing_in_tables_files_logs_pages_or_at_the_provider() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let start = Timestamp::parse_rfc3339("2026-01-05T12:00:00Z").unwrap();
    let recordings = Recordings::start().await;

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let config = Config::from_sources(None, &env(&format!("sqlite://{}", db.display()))).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let app = App {
        gather: Gather::new(
            gather::app::open_store(&config).await.unwrap(),
            gather::app::engine(&config).unwrap(),
            clock.clone(),
        ),
        clock,
    };
    scenario("sqlite", &app, &recordings, Some(&db)).await;

    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let schema = format!("gather_test_{secs}_{}_forget", std::process::id());
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let store = PgStore::connect_with_schema(&url, &schema).await.unwrap();
        store.migrate().await.unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let app = App {
            gather: Gather::new(
                Arc::new(store),
                gather::app::engine(&config).unwrap(),
                clock.clone(),
            ),
            clock,
        };
        recordings.deleted.lock().unwrap().clear();
        scenario("postgres", &app, &recordings, None).await;
        drop(app);
        common::drop_schema_blocking(url, schema);
    } else {
        println!("TEST_DATABASE_URL is not set: PostgreSQL not tested");
    }

    let logs = String::from_utf8_lossy(
        &buffer
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_owned();
    assert!(logs.contains("link: code queued"), "the capture works");
    let mut leaks = Vec::new();
    for line in logs.lines() {
        find_leaks("log", line, &needles(), &mut leaks);
    }
    leaks.truncate(20);
    assert!(leaks.is_empty(), "in the logs:\n{}", leaks.join("\n"));
}
