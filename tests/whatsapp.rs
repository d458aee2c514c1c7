//! A whole cycle by WhatsApp (issue 22), with Twilio played by the official
//! `twilio` Python package (tests/peers/whatsapp_drive.py signs every
//! webhook with its RequestValidator and sends Twilio's WhatsApp payload
//! shapes), Twilio's REST API played by a recorder, and the clock injected:
//!
//! - Ana raises an issue on WhatsApp with a voice note (the issue's
//!   recording), follows it, votes with a tapped quick-reply button, votes
//!   again by SMS from the same number (one person, one vote), chooses
//!   WhatsApp again with the WHATSAPP command;
//! - Bartek (Polish, WhatsApp only) and Carmen (Romanian, texted before)
//!   vote on WhatsApp;
//! - a Board update inside the 24-hour window goes free-form on WhatsApp;
//!   its status callbacks (delivered, read) reach the outbox;
//! - 25 hours later, a Board update goes as Ana's English template
//!   (ContentSid, ContentVariables = the reference), by SMS to Carmen (no
//!   Romanian template, she agreed to SMS), and is held for Bartek (no
//!   Polish template, no SMS), with the reason as its status;
//! - WhatsApp's "unreachable" error (63024) opts Bartek out as STOP does;
//! - Ana sends STOP on WhatsApp (nothing more goes to her), then FORGET:
//!   her number, WhatsApp id, window and voice note are gone, and Twilio is
//!   asked to delete the voice note's media.
//!
//! On SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

mod common;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use common::twilio_list::{Listed, list};
use gather::clock::{Clock, ManualClock};
use gather::config::Config;
use gather::domain::{Channel, Identity, IssueRef, PhoneNumber, Timestamp};
use gather::http::Webhooks;
use gather::outbox::{Accepted, Outgoing, SendError, Sender, Worker, WorkerOptions};
use gather::service::{Gather, ResponseInput, RoundInput};
use gather::store::postgres::PgStore;
use gather::store::{IssueStatus, ResponseStatus, Store};
use serde_json::{Value, json};
use sqlx::Connection;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const TOKEN: &str = "whatsapp-test-auth-token-0123";
const ACCOUNT: &str = "AC0000000000000000000000000000beef";
const WA_NUMBER: &str = "+14155238886";
const SMS_NUMBER: &str = "+447700900000";
const TEMPLATE_UPDATE: &str = "HX00000000000000000000000000000001";
const TEMPLATE_NOTICE: &str = "HX00000000000000000000000000000002";
const ANA: &str = "+447700900777";
const BARTEK: &str = "+48600111222";
const CARMEN: &str = "+40722111222";
const NOTE_URL: &str = "https://api.twilio.com/2010-04-01/Accounts/AC0000000000000000000000000000beef/Messages/MM00000000000000000000000000000a01/Media/ME00000000000000000000000000000a01";

/// One request Twilio's REST API got.
#[derive(Debug, Clone)]
struct Sent {
    sid: String,
    form: BTreeMap<String, String>,
    /// When the recorder accepted it (its own clock, as Twilio's).
    at: i64,
}

#[derive(Clone, Default)]
struct FakeTwilio {
    sent: Arc<Mutex<Vec<Sent>>>,
    deleted: Arc<Mutex<Vec<String>>>,
}

async fn create_message(
    State(t): State<FakeTwilio>,
    UrlPath(_account): UrlPath<String>,
    body: String,
) -> (StatusCode, String) {
    let form: BTreeMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut sent = t.sent.lock().unwrap();
    let sid = format!("SM{:032}", sent.len() + 1);
    sent.push(Sent {
        sid: sid.clone(),
        form,
        at: chrono::Utc::now().timestamp_millis(),
    });
    (
        StatusCode::CREATED,
        json!({"sid": sid, "status": "queued"}).to_string(),
    )
}

/// Twilio's list of messages, filtered as Twilio filters it; a template's
/// body is Twilio's rendering of it (not the text Gather holds).
async fn list_messages(
    State(t): State<FakeTwilio>,
    UrlPath(account): UrlPath<String>,
    RawQuery(query): RawQuery,
) -> (StatusCode, String) {
    let listed: Vec<Listed> = t
        .sent()
        .into_iter()
        .map(|s| Listed {
            sid: s.sid.clone(),
            to: s.form["To"].clone(),
            from: s.form.get("From").cloned().unwrap_or_default(),
            service: None,
            body: s
                .form
                .get("Body")
                .cloned()
                .unwrap_or_else(|| "Twilio's rendering of the template".into()),
            created_ms: s.at,
        })
        .collect();
    let (status, body) = list(&account, &query.unwrap_or_default(), &listed);
    (StatusCode::from_u16(status).unwrap(), body.to_string())
}

async fn delete_media(
    State(t): State<FakeTwilio>,
    UrlPath((_account, message, media)): UrlPath<(String, String, String)>,
) -> StatusCode {
    t.deleted
        .lock()
        .unwrap()
        .push(format!("{message}/{}", media.trim_end_matches(".json")));
    StatusCode::NO_CONTENT
}

impl FakeTwilio {
    async fn start() -> (FakeTwilio, String) {
        let t = FakeTwilio::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{account}/Messages.json",
                post(create_message).get(list_messages),
            )
            .route(
                "/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}",
                delete(delete_media),
            )
            .with_state(t.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (t, base)
    }

    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }
}

/// The Python peer, one JSON command per line.
struct Peer {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    n: u32,
}

#[derive(Debug)]
struct Answer {
    status: u16,
    messages: Vec<String>,
}

impl Answer {
    fn text(&self) -> String {
        self.messages.join("\n")
    }
}

impl Peer {
    async fn start(base: &str) -> Peer {
        let python = common::twilio_python();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut child = tokio::process::Command::new(python)
            .arg(root.join("tests/peers/whatsapp_drive.py"))
            .args([base, TOKEN, WA_NUMBER, SMS_NUMBER])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Peer {
            child,
            stdin,
            stdout,
            n: 0,
        }
    }

    async fn send(&mut self, cmd: Value) -> Answer {
        self.stdin
            .write_all(format!("{cmd}\n").as_bytes())
            .await
            .unwrap();
        self.stdin.flush().await.unwrap();
        let line = self
            .stdout
            .next_line()
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("the peer stopped at {cmd}"));
        let v: Value = serde_json::from_str(&line).unwrap();
        Answer {
            status: v["status"].as_u64().unwrap() as u16,
            messages: v["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect(),
        }
    }

    fn sid(&mut self) -> String {
        self.n += 1;
        format!("SM{:032}", 900_000 + self.n)
    }

    /// A WhatsApp text.
    async fn wa(&mut self, from: &str, body: &str) -> Answer {
        let sid = self.sid();
        let a = self
            .send(json!({"op": "message", "sid": sid, "from": from, "body": body}))
            .await;
        assert_eq!(a.status, 200, "{from} {body}: {a:?}");
        a
    }

    async fn sms(&mut self, from: &str, body: &str) -> Answer {
        let sid = self.sid();
        let a = self
            .send(
                json!({"op": "message", "channel": "sms", "sid": sid, "from": from, "body": body}),
            )
            .await;
        assert_eq!(a.status, 200, "{from} {body}: {a:?}");
        a
    }

    async fn status(&mut self, sid: &str, to: &str, status: &str, error: Option<&str>) -> u16 {
        self.send(json!({"op": "status", "sid": sid, "to": to, "status": status, "error": error}))
            .await
            .status
    }
}

fn env(db: &str, public: &str, api: &str) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = format!("en-GB={TEMPLATE_UPDATE}");
    let notice = format!("en-GB={TEMPLATE_NOTICE}");
    [
        ("GATHER_DATABASE_URL", db.to_string()),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
        ("GATHER_PUBLIC_URL", public.to_string()),
        ("GATHER_TWILIO_AUTH_TOKEN", TOKEN.to_string()),
        ("GATHER_TWILIO_ACCOUNT_SID", ACCOUNT.to_string()),
        ("GATHER_TWILIO_FROM", SMS_NUMBER.to_string()),
        ("GATHER_TWILIO_API_BASE", api.to_string()),
        ("GATHER_SMS_RATE", "100".to_string()),
        ("GATHER_WHATSAPP_FROM", format!("whatsapp:{WA_NUMBER}")),
        ("GATHER_WHATSAPP_TEMPLATES_UPDATE", update),
        ("GATHER_WHATSAPP_TEMPLATES_NOTICE", notice),
        ("GATHER_WHATSAPP_RATE", "100".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Drains the WhatsApp worker, then the SMS worker (which gets what the
/// WhatsApp worker handed it).
async fn drain(workers: &[Worker]) {
    for channel in [Channel::WhatsApp, Channel::Sms] {
        for w in workers.iter().filter(|w| w.channel() == channel) {
            w.drain_until_idle().await.unwrap();
        }
    }
}

async fn opted_out(g: &Gather, number: &str) -> bool {
    let mut tx = g.store.begin().await.unwrap();
    let p = tx
        .person_by_identity(&Identity::phone(&PhoneNumber::parse(number).unwrap()))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    p.is_some_and(|p| p.opted_out)
}

/// Outbox rows, by id, whatever their state.
async fn outbox_rows(g: &Gather) -> Vec<gather::store::OutboxRow> {
    let mut tx = g.store.begin().await.unwrap();
    let mut rows = Vec::new();
    for id in 1..200 {
        if let Some(r) = tx.outbox_row(id).await.unwrap() {
            rows.push(r);
        }
    }
    tx.commit().await.unwrap();
    rows
}

async fn respond(g: &Gather, text: &str) -> i64 {
    g.record_response(ResponseInput {
        issue: IssueRef::new(1001),
        status: ResponseStatus::InProgress,
        progress: Some(30),
        texts: vec![(g.engine.locales().default_language().clone(), text.into())],
    })
    .await
    .unwrap()
    .fanout
}

struct Setup {
    g: Gather,
    clock: Arc<ManualClock>,
    workers: Vec<Worker>,
    twilio: FakeTwilio,
    api: String,
    peer: Peer,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

/// Gather on `store` with Twilio (SMS and WhatsApp) configured against the
/// recorder, its HTTP server, and the Python peer.
async fn setup(store: Arc<dyn Store>, extra: &[(&str, &str)]) -> Setup {
    let (twilio, api) = FakeTwilio::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut vars = env(
        &format!("sqlite://{}", dir.path().join("unused.db").display()),
        &base,
        &api,
    );
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    let config = Config::from_sources(None, &vars).unwrap();
    // Monday 5 January 2026, 10:00 UTC: outside quiet hours, and so is
    // 25 hours later.
    let clock = Arc::new(ManualClock::new(Timestamp(1_767_607_200_000)));
    let g = Gather::new(store, gather::app::engine(&config).unwrap(), clock.clone());
    let workers = gather::app::outbox_workers(&config, &g).unwrap();
    assert!(workers.iter().any(|w| w.channel() == Channel::WhatsApp));
    let mut webhooks = Webhooks::from_config(&config);
    if let Some(t) = webhooks.twilio.as_mut() {
        t.numbers = vec![SMS_NUMBER.into(), format!("whatsapp:{WA_NUMBER}")];
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gather::http::serve_on(
        listener,
        g.clone(),
        webhooks,
        async move {
            let _ = stopped.await;
        },
    ));
    let peer = Peer::start(&base).await;
    Setup {
        g,
        clock,
        workers,
        twilio,
        api,
        peer,
        stop,
        server,
        _dir: dir,
    }
}

impl Setup {
    async fn finish(self) {
        let mut peer = self.peer;
        drop(peer.stdin);
        let _ = peer.child.wait().await;
        let _ = self.stop.send(());
        self.server.await.unwrap().unwrap();
    }
}

async fn cycle(store: Arc<dyn Store>, label: &str) {
    let s = setup(store, &[]).await;
    let (g, clock, workers, twilio, api) = (&s.g, &s.clock, &s.workers, &s.twilio, &s.api);
    let mut peer = s.peer;

    // --- Raise, by WhatsApp, with a voice note -------------------------
    let hello = peer.wa(ANA, "Hello").await;
    assert!(hello.text().starts_with("Welcome to Gather"), "{hello:?}");
    let describe = peer.wa(ANA, "1").await;
    assert!(describe.text().contains("Describe it"), "{describe:?}");
    let sid = peer.sid();
    let noted = peer
        .send(json!({"op": "message", "sid": sid, "from": ANA, "audio": NOTE_URL}))
        .await;
    assert!(noted.text().contains("Which area"), "{noted:?}");
    peer.wa(ANA, "E8").await;
    peer.wa(ANA, "0").await;
    let raised = peer.wa(ANA, "YES").await;
    // WhatsApp writes the reference in bold.
    assert!(raised.text().contains("*G-1001*"), "{raised:?}");
    let follow = peer.wa(ANA, "YES").await;
    assert!(
        follow.text().contains("updates about *G-1001*"),
        "{follow:?}"
    );
    let issue = g
        .list_issues(None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.issue_ref == IssueRef::new(1001))
        .unwrap();
    assert_eq!(issue.channel, "whatsapp", "{label}");
    assert_eq!(issue.recording_url.as_deref(), Some(NOTE_URL), "{label}");

    // A tampered request is refused before anything happens.
    let sid = peer.sid();
    let tampered = peer
        .send(json!({"op": "tampered", "sid": sid, "from": ANA, "body": "MENU"}))
        .await;
    assert_eq!(tampered.status, 403);

    // --- Vote ---------------------------------------------------------
    g.set_issue_title(IssueRef::new(1001), "Walk-in centre hours")
        .await
        .unwrap();
    g.set_issue_status(IssueRef::new(1001), IssueStatus::Approved, None)
        .await
        .unwrap();
    let round = g
        .open_round_with(
            RoundInput {
                title: "Priorities".into(),
                items: vec![IssueRef::new(1001)],
                max_choices: 1,
                closes_at: None,
            },
            true,
        )
        .await
        .unwrap();
    peer.wa(ANA, "VOTE").await;
    peer.wa(ANA, "1").await;
    // The confirmation tapped as a quick-reply button.
    let sid = peer.sid();
    let counted = peer
        .send(json!({"op": "message", "sid": sid, "from": ANA, "button": ["Yes", "YES"]}))
        .await;
    assert!(
        counted.text().contains("your vote is counted"),
        "{counted:?}"
    );
    // The same number by SMS is the same person: the vote is replaced.
    let again = peer.sms(ANA, "VOTE 1").await;
    assert!(again.text().contains("counts once"), "{again:?}");
    // SMS was the last channel used; WHATSAPP chooses WhatsApp again.
    let chosen = peer.sms(ANA, "WHATSAPP").await;
    assert!(chosen.text().contains("on WhatsApp"), "{chosen:?}");

    let welcome = peer.wa(BARTEK, "Dzień dobry").await;
    assert!(welcome.text().contains("Gather"), "{welcome:?}");
    peer.wa(BARTEK, "JĘZYK polski").await;
    peer.wa(BARTEK, "GŁOSUJ 1").await;
    peer.wa(BARTEK, "TAK").await;
    // Carmen texted first (she agreed to SMS), then wrote on WhatsApp.
    peer.sms(CARMEN, "Buna ziua").await;
    peer.sms(CARMEN, "LIMBA romana").await;
    peer.wa(CARMEN, "VOT 1").await;
    peer.wa(CARMEN, "DA").await;

    let results = g.close_round(round.id).await.unwrap();
    assert_eq!(results[0].votes, 3, "{label}: Ana votes once: {results:?}");
    // The reach report counts WhatsApp as its own channel: three people
    // wrote on WhatsApp, two texted (Ana and Carmen); the ballots too.
    let reach = g.reach().await.unwrap();
    let people = |key: &str| {
        reach
            .by_channel
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.people)
    };
    assert_eq!(people("whatsapp"), Some(3), "{label}: {reach:?}");
    assert_eq!(people("sms"), Some(2), "{label}: {reach:?}");
    let ballots = &reach
        .per_round
        .iter()
        .find(|r| r.round_id == round.id)
        .unwrap()
        .by_channel;
    assert_eq!(
        ballots
            .iter()
            .map(|c| (c.key.as_str(), c.items))
            .collect::<Vec<_>>(),
        vec![("sms", 1), ("whatsapp", 2)],
        "{label}: Ana's ballot is the one she cast last, by SMS"
    );

    // --- A Board update inside the window ------------------------------
    let before = twilio.sent().len();
    respond(g, "The local team is reviewing opening hours.").await;
    drain(workers).await;
    let sent: Vec<Sent> = twilio.sent()[before..].to_vec();
    assert_eq!(sent.len(), 3, "{label}: {sent:?}");
    for s in &sent {
        assert!(s.form["To"].starts_with("whatsapp:+"), "{s:?}");
        assert_eq!(s.form["From"], format!("whatsapp:{WA_NUMBER}"));
        assert!(
            !s.form.contains_key("ContentSid"),
            "inside the window: {s:?}"
        );
        assert!(s.form["StatusCallback"].ends_with("/webhooks/twilio/status"));
    }
    let to_ana = sent
        .iter()
        .find(|s| s.form["To"] == format!("whatsapp:{ANA}"))
        .unwrap();
    assert!(to_ana.form["Body"].contains("reviewing opening hours"));
    // Status callbacks, read receipts included, reach the outbox.
    assert_eq!(peer.status(&to_ana.sid, ANA, "delivered", None).await, 204);
    assert_eq!(peer.status(&to_ana.sid, ANA, "read", None).await, 204);
    let row = outbox_rows(g)
        .await
        .into_iter()
        .find(|r| r.provider_id.as_deref() == Some(to_ana.sid.as_str()))
        .unwrap();
    assert_eq!(row.channel, "whatsapp");
    assert_eq!(row.delivery_status.as_deref(), Some("read"), "{label}");

    // --- 25 hours later: outside the window ---------------------------
    clock.advance_secs(25 * 3600);
    let before = twilio.sent().len();
    let fanout = respond(g, "The Board agreed to open until 9pm.").await;
    drain(workers).await;
    let sent: Vec<Sent> = twilio.sent()[before..].to_vec();
    let to_ana = sent
        .iter()
        .find(|s| s.form["To"] == format!("whatsapp:{ANA}"))
        .unwrap_or_else(|| panic!("{label}: a template to Ana: {sent:?}"));
    assert_eq!(to_ana.form["ContentSid"], TEMPLATE_UPDATE);
    assert_eq!(
        serde_json::from_str::<Value>(&to_ana.form["ContentVariables"]).unwrap(),
        json!({"1": "G-1001"})
    );
    assert!(!to_ana.form.contains_key("Body"), "{to_ana:?}");
    // No Romanian template: Carmen, who texted before, gets an SMS.
    let to_carmen = sent
        .iter()
        .find(|s| s.form["To"] == CARMEN)
        .unwrap_or_else(|| panic!("{label}: an SMS to Carmen: {sent:?}"));
    assert_eq!(to_carmen.form["From"], SMS_NUMBER);
    assert!(!to_carmen.form.contains_key("ContentSid"));
    // No Polish template and no SMS: Bartek's update is held, and says why.
    assert!(
        !sent.iter().any(|s| s.form["To"].contains(BARTEK)),
        "{label}: {sent:?}"
    );
    assert_eq!(sent.len(), 2, "{label}: {sent:?}");
    let held = outbox_rows(g)
        .await
        .into_iter()
        .filter(|r| {
            r.last_error
                .as_deref()
                .is_some_and(|e| e.starts_with("held:"))
        })
        .collect::<Vec<_>>();
    assert_eq!(held.len(), 1, "{label}: {held:?}");
    assert!(
        held[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("no update template for pl and no SMS agreed"),
        "{held:?}"
    );
    let status = g.fanout_status(Some(fanout)).await.unwrap();
    assert_eq!(
        (status[0].sent, status[0].cancelled),
        (2, 1),
        "{label}: {status:?}"
    );

    // --- WhatsApp says Bartek cannot be reached: no more messages -------
    assert_eq!(
        peer.status(
            "SM0000000000000000000000000000dead",
            BARTEK,
            "undelivered",
            Some("63024")
        )
        .await,
        204
    );
    assert!(opted_out(g, BARTEK).await, "{label}");

    // --- STOP by WhatsApp ---------------------------------------------
    let stopped_reply = peer.wa(ANA, "STOP").await;
    assert!(stopped_reply.text().contains("START"), "{stopped_reply:?}");
    assert!(opted_out(g, ANA).await);
    let before = twilio.sent().len();
    respond(g, "Opening hours change from June.").await;
    drain(workers).await;
    let sent: Vec<Sent> = twilio.sent()[before..].to_vec();
    assert!(
        sent.iter().all(|s| s.form["To"] == CARMEN),
        "{label}: only Carmen now: {sent:?}"
    );

    // --- FORGET by WhatsApp -------------------------------------------
    let ana = {
        let mut tx = g.store.begin().await.unwrap();
        let p = tx
            .person_by_identity(&Identity::phone(&PhoneNumber::parse(ANA).unwrap()))
            .await
            .unwrap()
            .unwrap();
        assert!(tx.whatsapp().contact(p.id).await.unwrap().is_some());
        tx.commit().await.unwrap();
        p.id
    };
    peer.wa(ANA, "FORGET").await;
    let done = peer.wa(ANA, "YES").await;
    assert_eq!(done.status, 200);
    let dump = g.store.dump_all_text().await.unwrap();
    for needle in [ANA, "447700900777", "07700900777", NOTE_URL] {
        let found: Vec<_> = dump
            .iter()
            .filter(|(t, v)| v.contains(needle) && t != "recording_deletions")
            .collect();
        assert!(found.is_empty(), "{label}: `{needle}` kept in {found:?}");
    }
    assert!(
        !dump.iter().any(|(t, _)| t == "whatsapp_voice_notes"),
        "{label}: a voice note is kept"
    );
    let mut tx = g.store.begin().await.unwrap();
    assert_eq!(tx.whatsapp().contact(ana).await.unwrap(), None, "{label}");
    tx.commit().await.unwrap();
    // The voice note is deleted at Twilio.
    let deleter = gather::channels::twilio_recordings::RecordingDeleter::new(
        api,
        ACCOUNT,
        TOKEN,
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    g.delete_recordings_once(Some(&deleter)).await.unwrap();
    assert_eq!(
        twilio.deleted.lock().unwrap().clone(),
        vec!["MM00000000000000000000000000000a01/ME00000000000000000000000000000a01".to_string()],
        "{label}"
    );
    assert!(clock.now().millis() > 0);

    drop(peer.stdin);
    let _ = peer.child.wait().await;
    let _ = s.stop.send(());
    s.server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_cycle_by_whatsapp_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let store = gather::store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    cycle(store, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_cycle_by_whatsapp_on_postgres() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL is not set: the PostgreSQL run is skipped");
        return;
    };
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let schema = format!("gather_test_{secs}_{}_whatsapp", std::process::id());
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let store = PgStore::connect_with_schema(&url, &schema).await.unwrap();
    store.migrate().await.unwrap();
    cycle(Arc::new(store), "postgres").await;
    common::drop_schema_blocking(url, schema);
}

/// With quick-reply contents configured, a yes/no question goes with two
/// buttons through the Content API (the TwiML is empty), and the tap
/// answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_goes_with_quick_reply_buttons() {
    const BUTTONS_2: &str = "HX00000000000000000000000000000b02";
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let store = gather::store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let buttons = format!("2={BUTTONS_2}");
    let mut s = setup(store, &[("GATHER_WHATSAPP_BUTTONS", &buttons)]).await;
    // A menu of five is numbered, in the TwiML.
    let hello = s.peer.wa(ANA, "Hello").await;
    assert!(hello.text().contains("1 Raise an issue"), "{hello:?}");
    // FORGET asks yes or no: two buttons.
    let asked = s.peer.wa(ANA, "FORGET").await;
    assert!(asked.messages.is_empty(), "{asked:?}");
    drain(&s.workers).await;
    let sent = s.twilio.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].form["ContentSid"], BUTTONS_2);
    assert_eq!(sent[0].form["To"], format!("whatsapp:{ANA}"));
    let vars: Value = serde_json::from_str(&sent[0].form["ContentVariables"]).unwrap();
    assert!(
        vars["1"].as_str().unwrap().contains("deletes your number"),
        "{vars}"
    );
    assert_eq!(
        (&vars["2"], &vars["3"], &vars["4"], &vars["5"]),
        (&json!("Yes"), &json!("YES"), &json!("No"), &json!("NO"))
    );
    // Tapping "No" answers the question.
    let sid = s.peer.sid();
    let kept = s
        .peer
        .send(json!({"op": "message", "sid": sid, "from": ANA, "button": ["No", "NO"]}))
        .await;
    assert!(kept.text().contains("nothing was deleted"), "{kept:?}");
    drain(&s.workers).await;
    assert_eq!(s.twilio.sent().len(), 1);
    s.finish().await;
}

/// A sender that gets the provider to accept a message and dies before the
/// worker can record it.
struct DiesAfterAccept {
    inner: gather::channels::twilio_rest::TwilioSender,
    accepted: tokio::sync::mpsc::UnboundedSender<String>,
}

#[async_trait]
impl Sender for DiesAfterAccept {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn rate_key(&self) -> String {
        self.inner.rate_key()
    }
    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let accepted = self.inner.send(msg).await?;
        let _ = self.accepted.send(accepted.provider_id);
        std::future::pending().await
    }
}

/// The outbox's crash safety holds for a template: a worker sends a
/// WhatsApp template outside the window and dies before recording it; the
/// worker that takes the stale claim over finds the copy in Twilio's list
/// (matched on recipient, sender and time: its body is Twilio's) and
/// records it with the first sid instead of sending it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_whose_worker_died_is_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let store = gather::store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let mut s = setup(store, &[("GATHER_OUTBOX_STALE_SECS", "60")]).await;
    s.peer.wa(ANA, "Hello").await;
    s.clock.advance_secs(25 * 3600);
    let now = s.clock.now();
    let id = {
        let mut tx = s.g.store.begin().await.unwrap();
        let id = tx
            .enqueue(
                &gather::store::NewOutbound {
                    person: None,
                    channel: Channel::WhatsApp,
                    address: ANA.into(),
                    text: "A vote is open: send VOTE.".into(),
                    kind: gather::store::OutboundKind::Notice,
                    not_before: now,
                    dedupe_key: Some("crash-test".into()),
                },
                now,
            )
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let policy = gather::outbox::whatsapp::Policy::new(
        s.g.engine.shared_locales(),
        gather::outbox::whatsapp::Templates {
            update: Default::default(),
            notice: [("en-GB".to_string(), TEMPLATE_NOTICE.to_string())].into(),
        },
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sender = gather::channels::twilio_rest::TwilioSender::new(
        &s.api,
        ACCOUNT,
        TOKEN,
        &format!("whatsapp:{WA_NUMBER}"),
        None,
        std::time::Duration::from_secs(5),
    )
    .unwrap()
    .for_whatsapp();
    let dying = Worker::new(
        s.g.store.clone(),
        Arc::new(DiesAfterAccept {
            inner: sender,
            accepted: tx,
        }),
        Channel::WhatsApp,
        s.clock.clone(),
        WorkerOptions {
            rate_per_second: 100.0,
            batch: Some(1),
            ..WorkerOptions::default()
        },
    )
    .with_whatsapp(policy);
    let item = dying.claim().await.unwrap().into_iter().next().unwrap();
    let running = tokio::spawn(async move { dying.process(item).await });
    let sid = rx.recv().await.expect("Twilio accepts the template");
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    assert_eq!(s.twilio.sent().len(), 1);
    assert_eq!(s.twilio.sent()[0].form["ContentSid"], TEMPLATE_NOTICE);

    s.clock.advance_secs(61);
    drain(&s.workers).await;
    assert_eq!(s.twilio.sent().len(), 1, "not sent again");
    let row = outbox_rows(&s.g)
        .await
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!(row.status, gather::store::OutboxStatus::Sent);
    assert_eq!(row.provider_id.as_deref(), Some(sid.as_str()));
    assert_eq!(row.attempts, 2);
    s.finish().await;
}
