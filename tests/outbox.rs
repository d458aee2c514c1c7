//! The outbox against a local recorder standing in for Twilio's REST API
//! (`POST /2010-04-01/Accounts/{sid}/Messages.json`): the real
//! `TwilioSender` and worker, a SQLite store, and an injected clock for
//! everything the worker decides by the time of day (quiet hours, backoff,
//! stale claims). Only the rate limiter runs on real time, and its test
//! checks the recorder's timestamps, never how fast the drain went.
//!
//! The recorder also answers Twilio's list of messages (`GET` on the same
//! URL, tests/common/twilio_list.rs), which the outbox asks after a crash,
//! with its own dates from the injected clock.
//!
//! Nothing here sleeps to synchronise: tests wait on the recorder's request
//! count (a watch channel), always under a timeout.

mod common;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use common::twilio_list::{self, Listed};
use gather::channels::twilio_rest::TwilioSender;
use gather::clock::{Clock, ManualClock};
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, LanguageTag, Timestamp};
use gather::engine::Content;
use gather::outbox::quiet::QuietHours;
use gather::outbox::{Accepted, Outcome, Outgoing, SendError, Sender, Worker, WorkerOptions};
use gather::service::{Gather, InboundMessage};
use gather::store::{NewOutbound, OutboundKind, OutboxStatus, PersonId};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

const ACCOUNT: &str = "AC00000000000000000000000000000001";
const TOKEN: &str = "recorder-auth-token-0123456789";
const FROM: &str = "+447700900000";
/// A Messaging Service, and the number of its pool the recorder sends from.
const SERVICE: &str = "MG00000000000000000000000000000001";
const POOL_NUMBER: &str = "+447700900099";
const PUBLIC: &str = "https://gather.example.org";
/// How long a test waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(20);

// --- the recorder --------------------------------------------------------------

/// One request as the recorder saw it.
#[derive(Debug, Clone)]
struct Recorded {
    at: Instant,
    account: String,
    /// `user:password` from the basic auth header.
    auth: Option<String>,
    to: String,
    from: String,
    body: String,
    status_callback: Option<String>,
    answered: u16,
}

/// How the recorder answers.
#[derive(Debug, Clone)]
enum Answer {
    Accept,
    Status(u16),
    /// 429 with `Retry-After`.
    TooMany {
        retry_after_secs: u64,
    },
    /// A 400 with Twilio's error body.
    TwilioError {
        code: i64,
        message: &'static str,
    },
    /// Accepted, and the answer never comes (the client times out).
    AcceptedButSilent,
}

#[derive(Default)]
struct Script {
    /// Answers for the next requests, in order; then `Accept`.
    next: VecDeque<Answer>,
    /// Answers for one recipient, always.
    by_recipient: HashMap<String, Answer>,
    /// Statuses for the next look-ups (list requests), in order; then the
    /// list.
    lookups: VecDeque<u16>,
}

#[derive(Clone)]
struct Recorder {
    log: Arc<Mutex<Vec<Recorded>>>,
    /// What was accepted, as Twilio lists it.
    accepted: Arc<Mutex<Vec<Listed>>>,
    /// The query of every list request.
    lookups: Arc<Mutex<Vec<String>>>,
    script: Arc<Mutex<Script>>,
    count: Arc<watch::Sender<usize>>,
    /// Twilio's clock: the test's.
    clock: Arc<ManualClock>,
    base: String,
}

impl Recorder {
    async fn start(clock: Arc<ManualClock>) -> Recorder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let recorder = Recorder {
            log: Arc::default(),
            accepted: Arc::default(),
            lookups: Arc::default(),
            script: Arc::default(),
            count: Arc::new(watch::channel(0).0),
            clock,
            base,
        };
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{account}/Messages.json",
                post(messages).get(list_messages),
            )
            .with_state(recorder.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        recorder
    }

    fn then(&self, answers: impl IntoIterator<Item = Answer>) {
        self.script.lock().unwrap().next.extend(answers);
    }

    fn for_recipient(&self, to: &str, answer: Answer) {
        self.script
            .lock()
            .unwrap()
            .by_recipient
            .insert(to.to_string(), answer);
    }

    fn fail_lookups(&self, statuses: impl IntoIterator<Item = u16>) {
        self.script.lock().unwrap().lookups.extend(statuses);
    }

    fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    /// The sids of the messages accepted, in order.
    fn sids(&self) -> Vec<String> {
        self.accepted
            .lock()
            .unwrap()
            .iter()
            .map(|m| m.sid.clone())
            .collect()
    }

    /// The queries of the list requests so far.
    fn lookups(&self) -> Vec<HashMap<String, String>> {
        self.lookups
            .lock()
            .unwrap()
            .iter()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .collect()
    }

    fn to(&self, number: &str) -> usize {
        self.requests().iter().filter(|r| r.to == number).count()
    }

    /// Waits until at least `n` requests have arrived.
    async fn wait_for(&self, n: usize) {
        let mut rx = self.count.subscribe();
        tokio::time::timeout(PATIENCE, rx.wait_for(|c| *c >= n))
            .await
            .unwrap_or_else(|_| panic!("the recorder never saw {n} requests"))
            .unwrap();
    }

    /// Waits until the requests so far satisfy `done`.
    async fn wait_until(&self, what: &str, done: impl Fn(&[Recorded]) -> bool) {
        let mut rx = self.count.subscribe();
        let log = self.log.clone();
        tokio::time::timeout(PATIENCE, rx.wait_for(|_| done(&log.lock().unwrap())))
            .await
            .unwrap_or_else(|_| panic!("the recorder never saw {what}"))
            .unwrap();
    }

    /// Each message reached the recorder once (every test uses distinct
    /// texts per recipient).
    fn assert_nothing_twice(&self) {
        let accepted: Vec<(String, String)> = self
            .requests()
            .into_iter()
            .filter(|r| r.answered == 201)
            .map(|r| (r.to, r.body))
            .collect();
        let mut unique = accepted.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), accepted.len(), "a message was sent twice");
    }
}

async fn messages(
    State(rec): State<Recorder>,
    UrlPath(account): UrlPath<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let to = form.get("To").cloned().unwrap_or_default();
    let answer = {
        let mut script = rec.script.lock().unwrap();
        match script.by_recipient.get(&to) {
            Some(a) => a.clone(),
            None => script.next.pop_front().unwrap_or(Answer::Accept),
        }
    };
    let service = form.get("MessagingServiceSid").cloned();
    let from = form.get("From").cloned().unwrap_or_default();
    let body = form.get("Body").cloned().unwrap_or_default();
    let n = {
        let mut log = rec.log.lock().unwrap();
        let response_code = match &answer {
            Answer::Accept | Answer::AcceptedButSilent => 201,
            Answer::Status(s) => *s,
            Answer::TooMany { .. } => 429,
            Answer::TwilioError { .. } => 400,
        };
        log.push(Recorded {
            at: Instant::now(),
            account,
            auth,
            to: to.clone(),
            from: from.clone(),
            body: body.clone(),
            status_callback: form.get("StatusCallback").cloned(),
            answered: response_code,
        });
        if response_code == 201 {
            rec.accepted.lock().unwrap().push(Listed {
                sid: format!("SM{:032}", log.len()),
                to,
                from: if service.is_some() {
                    POOL_NUMBER.to_string()
                } else {
                    from
                },
                service,
                body,
                created_ms: rec.clock.now().millis(),
            });
        }
        log.len()
    };
    rec.count.send_replace(n);
    match answer {
        Answer::Accept => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({"sid": format!("SM{n:032}"), "status": "queued"})),
        )
            .into_response(),
        Answer::Status(s) => (
            StatusCode::from_u16(s).unwrap(),
            axum::Json(serde_json::json!({"code": 20500, "message": "Internal Server Error"})),
        )
            .into_response(),
        Answer::TooMany { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after_secs.to_string())],
            axum::Json(serde_json::json!({"code": 20429, "message": "Too Many Requests"})),
        )
            .into_response(),
        Answer::TwilioError { code, message } => (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"code": code, "message": message, "status": 400})),
        )
            .into_response(),
        Answer::AcceptedButSilent => std::future::pending().await,
    }
}

/// Twilio's list of messages, after any scripted failure.
async fn list_messages(
    State(rec): State<Recorder>,
    UrlPath(account): UrlPath<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.unwrap_or_default();
    rec.lookups.lock().unwrap().push(query.clone());
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&expected) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({"code": 20003, "message": "Authenticate"})),
        )
            .into_response();
    }
    if let Some(status) = rec.script.lock().unwrap().lookups.pop_front() {
        return (
            StatusCode::from_u16(status).unwrap(),
            axum::Json(serde_json::json!({"code": 20500, "message": "scripted failure"})),
        )
            .into_response();
    }
    let accepted = rec.accepted.lock().unwrap().clone();
    let (status, body) = twilio_list::list(&account, &query, &accepted);
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}

// --- the application -------------------------------------------------------------

struct App {
    gather: Gather,
    clock: Arc<ManualClock>,
    recorder: Recorder,
    _dir: tempfile::TempDir,
}

/// Monday 5 January 2026, 12:00 in London (UTC in winter).
fn noon() -> Timestamp {
    Timestamp::parse_rfc3339("2026-01-05T12:00:00Z").unwrap()
}

async fn spawn_app(start: Timestamp) -> App {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        (
            "GATHER_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("g.db").display()),
        ),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).unwrap();
    let engine = gather::app::engine(&config).unwrap();
    let store = gather::app::open_store(&config).await.unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let gather = Gather::new(store, engine, clock.clone());
    App {
        gather,
        recorder: Recorder::start(clock.clone()).await,
        clock,
        _dir: dir,
    }
}

impl App {
    /// The real Twilio sender, against the recorder, from `from`.
    fn twilio(&self, from: &str) -> TwilioSender {
        TwilioSender::new(
            &self.recorder.base,
            ACCOUNT,
            TOKEN,
            from,
            Some(format!("{PUBLIC}/webhooks/twilio/status")),
            Duration::from_secs(10),
        )
        .unwrap()
    }

    fn worker(&self, options: WorkerOptions) -> Worker {
        self.worker_with(Arc::new(self.twilio(FROM)), options)
    }

    fn worker_with(&self, sender: Arc<dyn Sender>, options: WorkerOptions) -> Worker {
        Worker::new(
            self.gather.store.clone(),
            sender,
            Channel::Sms,
            self.clock.clone(),
            options,
        )
        .with_wake(self.gather.outbox_wake.clone())
    }

    async fn person(&self, number: &str) -> PersonId {
        let mut tx = self.gather.store.begin().await.unwrap();
        let p = tx
            .create_person(
                &phone(number),
                &LanguageTag::parse("en").unwrap(),
                self.clock.now(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        p.id
    }

    async fn queue(&self, to: &str, text: &str, kind: OutboundKind) -> i64 {
        let now = self.clock.now();
        let mut tx = self.gather.store.begin().await.unwrap();
        let id = tx
            .enqueue(
                &NewOutbound {
                    person: None,
                    channel: Channel::Sms,
                    address: to.to_string(),
                    text: text.to_string(),
                    kind,
                    not_before: now,
                    dedupe_key: None,
                },
                now,
            )
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn row(&self, id: i64) -> gather::store::OutboxRow {
        let mut tx = self.gather.store.begin().await.unwrap();
        let row = tx.outbox_row(id).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        row
    }

    async fn opted_out(&self, person: PersonId) -> bool {
        let mut tx = self.gather.store.begin().await.unwrap();
        let p = tx.person(person).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        p.opted_out
    }
}

fn phone(number: &str) -> Identity {
    Identity {
        kind: IdentityKind::Phone,
        address: number.to_string(),
    }
}

fn options(rate: f64) -> WorkerOptions {
    WorkerOptions {
        rate_per_second: rate,
        quiet_hours: QuietHours::parse("21:00-08:00", "Europe/London").unwrap(),
        max_attempts: 8,
        stale_after: Duration::from_secs(60),
        ..WorkerOptions::default()
    }
}

// --- tests ---------------------------------------------------------------------

#[tokio::test]
async fn sends_within_the_rate_limit_and_records_each_send() {
    let app = spawn_app(noon()).await;
    let rate = 20.0;
    let worker = app.worker(options(rate));
    let mut ids = Vec::new();
    for i in 0..10 {
        let text = if i == 0 {
            "Your issue G-1001 was answered 🎉".to_string()
        } else {
            format!("Board update number {i}")
        };
        ids.push(
            app.queue(&format!("+4477009001{i:02}"), &text, OutboundKind::Notice)
                .await,
        );
    }
    let started = std::time::Instant::now();
    let drained = worker.drain_until_idle().await.unwrap();
    assert_eq!(drained.sent, 10);

    let requests = app.recorder.requests();
    assert_eq!(requests.len(), 10);
    for (i, r) in requests.iter().enumerate() {
        assert_eq!(r.account, ACCOUNT);
        assert_eq!(r.auth.as_deref(), Some(&*format!("{ACCOUNT}:{TOKEN}")));
        assert_eq!(r.from, FROM);
        assert_eq!(r.to, format!("+4477009001{i:02}"), "oldest first");
        assert_eq!(
            r.status_callback.as_deref(),
            Some("https://gather.example.org/webhooks/twilio/status")
        );
    }
    assert_eq!(requests[0].body, "Your issue G-1001 was answered 🎉");
    // Never above the limit: the tenth send cannot reach the provider
    // before nine intervals after the worker started. Only a lower bound,
    // which a loaded machine cannot break (delays only add): the gaps
    // between arrivals are not compared, since one late arrival shortens
    // the next gap without any send going early. The limiter's exact
    // spacing is tested with paused time in `outbox::rate`. How fast it
    // went is not asserted.
    let interval = Duration::from_secs_f64(1.0 / rate);
    let span = requests[9].at.duration_since(started);
    assert!(span >= interval * 9, "ten sends within {span:?}");
    for pair in requests.windows(2) {
        assert!(pair[1].at >= pair[0].at, "sent in order");
    }

    // What was recorded: the provider's id, segments and encoding.
    let first = app.row(ids[0]).await;
    assert_eq!(first.status, OutboxStatus::Sent);
    assert_eq!(first.provider.as_deref(), Some("twilio"));
    assert!(first.provider_id.as_deref().unwrap().starts_with("SM"));
    assert_eq!(
        (first.segments, first.encoding.as_deref()),
        (Some(1), Some("UCS-2"))
    );
    assert_eq!(first.sent_at, Some(noon()));
    let plain = app.row(ids[1]).await;
    assert_eq!(plain.encoding.as_deref(), Some("GSM-7"));
    assert_eq!(plain.attempts, 1);
    app.recorder.assert_nothing_twice();
    assert!(
        app.recorder.lookups().is_empty(),
        "a fresh claim never asks the provider"
    );
}

#[tokio::test]
async fn retries_500_and_429_with_backoff_then_succeeds() {
    let app = spawn_app(noon()).await;
    let worker = app.worker(options(50.0));
    app.recorder.then([
        Answer::Status(500),
        Answer::TooMany {
            retry_after_secs: 5,
        },
        Answer::Status(503),
    ]);
    let id = app
        .queue("+447700900201", "Round 3 is open", OutboundKind::Notice)
        .await;

    // Attempt 1: 500 → again in 30 s.
    assert_eq!(worker.drain_until_idle().await.unwrap().retried, 1);
    let row = app.row(id).await;
    assert_eq!(row.status, OutboxStatus::Queued);
    assert_eq!(row.next_attempt_at, noon().plus_secs(30));
    assert!(row.last_error.unwrap().contains("HTTP 500"));
    app.clock.advance_secs(29);
    assert_eq!(worker.drain_until_idle().await.unwrap().claimed, 0);
    // Attempt 2: 429 with Retry-After: 5 → the provider's wait is used.
    app.clock.advance_secs(1);
    assert_eq!(worker.drain_until_idle().await.unwrap().retried, 1);
    assert_eq!(app.row(id).await.next_attempt_at, noon().plus_secs(35));
    // Attempt 3: 503 → backoff for a third try, 120 s.
    app.clock.advance_secs(5);
    assert_eq!(worker.drain_until_idle().await.unwrap().retried, 1);
    assert_eq!(app.row(id).await.next_attempt_at, noon().plus_secs(155));
    // Attempt 4 goes through.
    app.clock.advance_secs(120);
    assert_eq!(worker.drain_until_idle().await.unwrap().sent, 1);

    let codes: Vec<u16> = app.recorder.requests().iter().map(|r| r.answered).collect();
    assert_eq!(codes, vec![500, 429, 503, 201]);
    let row = app.row(id).await;
    assert_eq!((row.status, row.attempts), (OutboxStatus::Sent, 4));
    assert_eq!(row.last_error, None);
    app.recorder.assert_nothing_twice();
}

#[tokio::test]
async fn gives_up_after_max_attempts_and_says_why() {
    let app = spawn_app(noon()).await;
    let worker = app.worker(WorkerOptions {
        max_attempts: 3,
        ..options(50.0)
    });
    app.recorder
        .for_recipient("+447700900301", Answer::Status(500));
    let id = app
        .queue("+447700900301", "Never arrives", OutboundKind::Notice)
        .await;
    for _ in 0..3 {
        worker.drain_until_idle().await.unwrap();
        app.clock.advance_secs(3600);
    }
    assert_eq!(worker.drain_until_idle().await.unwrap().claimed, 0);
    let row = app.row(id).await;
    assert_eq!(row.status, OutboxStatus::Failed);
    let why = row.last_error.unwrap();
    assert!(why.contains("gave up after 3 attempts"), "{why}");
    assert!(why.contains("HTTP 500"), "{why}");
    assert_eq!(app.recorder.requests().len(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_21610_opts_out() {
    let app = spawn_app(noon()).await;
    let worker = app.worker(options(50.0));
    let bad_number = "+447700900401";
    let unsubscribed = "+447700900402";
    app.recorder.for_recipient(
        bad_number,
        Answer::TwilioError {
            code: 21211,
            message: "The 'To' number is not a valid phone number.",
        },
    );
    app.recorder.for_recipient(
        unsubscribed,
        Answer::TwilioError {
            code: 21610,
            message: "Attempt to send to unsubscribed recipient",
        },
    );
    let person = app.person(unsubscribed).await;
    let a = app
        .queue(bad_number, "Hello there", OutboundKind::Notice)
        .await;
    let b = app
        .queue(unsubscribed, "First update", OutboundKind::Notice)
        .await;
    let c = app
        .queue(unsubscribed, "Second update", OutboundKind::Notice)
        .await;

    let drained = worker.drain_until_idle().await.unwrap();
    assert_eq!((drained.failed, drained.cancelled), (2, 1));
    // An hour later: still nothing retried.
    app.clock.advance_secs(3600);
    assert_eq!(worker.drain_until_idle().await.unwrap().claimed, 0);

    assert_eq!(app.recorder.to(bad_number), 1, "a 4xx is not retried");
    assert_eq!(app.recorder.to(unsubscribed), 1, "nothing after the 21610");
    let row = app.row(a).await;
    assert_eq!(row.status, OutboxStatus::Failed);
    assert!(row.last_error.unwrap().contains("21211"));
    assert_eq!(app.row(b).await.status, OutboxStatus::Failed);
    assert_eq!(app.row(c).await.status, OutboxStatus::Cancelled);
    assert!(app.opted_out(person).await, "21610 opts the person out");
}

/// STOP while a person's notices are queued: none of theirs goes after it
/// (at most the one already past its last check), everyone else's do.
#[tokio::test]
async fn stop_while_queued_stops_that_persons_messages() {
    let app = spawn_app(noon()).await;
    let stopper = "+447700900501";
    let other = "+447700900502";
    let person = app.person(stopper).await;
    for i in 0..10 {
        app.queue(
            stopper,
            &format!("Update {i} for you"),
            OutboundKind::Notice,
        )
        .await;
    }
    for i in 0..5 {
        app.queue(other, &format!("Update {i} for them"), OutboundKind::Notice)
            .await;
    }
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(app.worker(options(20.0)).run(stopped));

    app.recorder.wait_for(2).await;
    let reply = app
        .gather
        .handle_inbound(InboundMessage {
            identity: phone(stopper),
            channel: Channel::Sms,
            content: Content::Text("STOP".into()),
            provider_id: Some(("twilio".into(), "SMstop".into())),
            language_hint: None,
        })
        .await
        .unwrap();
    assert!(!reply.messages.is_empty(), "STOP is confirmed once");
    assert!(app.opted_out(person).await);
    // The other person's five come after the stopper's ten.
    app.recorder
        .wait_until("the other person's five", |r| {
            r.iter().filter(|r| r.to == other).count() == 5
        })
        .await;
    let _ = stop.send(true);
    tokio::time::timeout(PATIENCE, running)
        .await
        .expect("the worker stops")
        .unwrap();

    let sent_to_stopper = app.recorder.to(stopper);
    assert!(
        (2..=3).contains(&sent_to_stopper),
        "{sent_to_stopper} sent after STOP"
    );
    assert_eq!(app.recorder.to(other), 5);
    let summary = app.gather.outbox_summary().await.unwrap();
    assert_eq!(summary.cancelled, 10 - sent_to_stopper as i64);
    assert_eq!((summary.queued, summary.sending), (0, 0));
    app.recorder.assert_nothing_twice();
}

/// The same, deterministically: the batch was claimed before the STOP, and
/// the check just before each send catches it.
#[tokio::test]
async fn stop_between_claim_and_send_cancels_the_rest_of_the_batch() {
    let app = spawn_app(noon()).await;
    let number = "+447700900601";
    let person = app.person(number).await;
    for i in 0..4 {
        app.queue(number, &format!("Update {i}"), OutboundKind::Notice)
            .await;
    }
    let worker = app.worker(WorkerOptions {
        batch: Some(10),
        ..options(50.0)
    });
    let mut items = worker.claim().await.unwrap().into_iter();
    assert_eq!(items.len(), 4);
    assert_eq!(
        worker.process(items.next().unwrap()).await.unwrap(),
        Outcome::Sent
    );
    let mut tx = app.gather.store.begin().await.unwrap();
    tx.set_opted_out(person, true, app.clock.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for item in items {
        assert_eq!(worker.process(item).await.unwrap(), Outcome::Cancelled);
    }
    assert_eq!(app.recorder.to(number), 1);
}

#[tokio::test]
async fn quiet_hours_defer_notices_but_never_replies() {
    // 22:30 in London on a winter Monday.
    let evening = Timestamp::parse_rfc3339("2026-01-05T22:30:00Z").unwrap();
    let app = spawn_app(evening).await;
    let worker = app.worker(options(50.0));
    let notice = app
        .queue(
            "+447700900701",
            "Round 4 opens tomorrow",
            OutboundKind::Notice,
        )
        .await;
    let reply = app
        .queue(
            "+447700900702",
            "Thanks, your issue is G-1042",
            OutboundKind::Reply,
        )
        .await;

    let drained = worker.drain_until_idle().await.unwrap();
    assert_eq!((drained.sent, drained.deferred), (1, 1));
    assert_eq!(app.recorder.to("+447700900702"), 1, "the reply goes now");
    assert_eq!(app.row(reply).await.status, OutboxStatus::Sent);
    let waiting = app.row(notice).await;
    let morning = Timestamp::parse_rfc3339("2026-01-06T08:00:00Z").unwrap();
    assert_eq!(
        (waiting.status, waiting.next_attempt_at, waiting.attempts),
        (OutboxStatus::Queued, morning, 0)
    );

    // 07:59:59: still quiet, and not even claimed.
    app.clock
        .advance_secs((morning.millis() - evening.millis()) / 1000 - 1);
    assert_eq!(worker.drain_until_idle().await.unwrap().claimed, 0);
    app.clock.advance_secs(1);
    assert_eq!(worker.drain_until_idle().await.unwrap().sent, 1);
    assert_eq!(app.recorder.to("+447700900701"), 1);
    assert_eq!(app.row(notice).await.attempts, 1);
}

/// A worker claims and dies before sending: the message is not lost (taken
/// over after stale_after) and not sent twice (the dead worker's claim is
/// void if it wakes up).
#[tokio::test]
async fn a_claim_whose_worker_died_is_taken_over_and_sent_once() {
    let app = spawn_app(noon()).await;
    let id = app
        .queue("+447700900801", "Results of round 2", OutboundKind::Notice)
        .await;
    let crashed = app.worker(options(50.0));
    let claimed = crashed.claim().await.unwrap();
    assert_eq!(claimed.len(), 1);
    // (The crash: the claimed item is simply never processed.)

    let rescuer = app.worker(options(50.0));
    assert_eq!(
        rescuer.drain_until_idle().await.unwrap().claimed,
        0,
        "a fresh claim is left alone"
    );
    app.clock.advance_secs(60);
    assert_eq!(rescuer.drain_until_idle().await.unwrap().sent, 1);
    assert_eq!(app.row(id).await.attempts, 2);
    // Taken over from a stale claim, so the provider was asked first; it
    // had no copy.
    assert_eq!(app.recorder.lookups().len(), 1);

    // The first worker was only stuck, and carries on with its old claim.
    let stale = claimed.into_iter().next().unwrap();
    assert_eq!(crashed.process(stale).await.unwrap(), Outcome::Lost);
    assert_eq!(app.recorder.requests().len(), 1);
    app.recorder.assert_nothing_twice();
}

/// An enqueue in this process wakes an idle worker at once, and a shutdown
/// hands back what the worker had claimed but not started.
#[tokio::test]
async fn wakes_on_enqueue_and_releases_its_claims_on_shutdown() {
    let app = spawn_app(noon()).await;
    let person = app.person("+447700900901").await;
    let (stop, stopped) = watch::channel(false);
    let worker = app.worker(WorkerOptions {
        // Without the wake-up this test would wait a minute.
        poll_interval: Duration::from_secs(60),
        batch: Some(50),
        ..options(10.0)
    });
    let running = tokio::spawn(worker.run(stopped));
    // Whether or not the worker has gone idle yet, the wake-up is kept.
    tokio::task::yield_now().await;
    app.gather
        .queue_notice(person, Channel::Sms, "Board update: G-1001 is done", None)
        .await
        .unwrap();
    app.recorder.wait_for(1).await;

    // Now a long queue at 10/s; stop after the first of it went out.
    for i in 0..30 {
        app.queue(&format!("+4477009009{i:02}"), "News", OutboundKind::Notice)
            .await;
    }
    nudge_workers(&app.gather);
    app.recorder.wait_for(2).await;
    let _ = stop.send(true);
    tokio::time::timeout(PATIENCE, running)
        .await
        .expect("the worker stops")
        .unwrap();
    let sent = app.recorder.requests().len();
    assert!(sent < 31, "the worker stopped early ({sent} sent)");
    let summary = app.gather.outbox_summary().await.unwrap();
    assert_eq!(summary.sending, 0, "claims handed back");
    assert_eq!(summary.sent as usize, sent);
    assert_eq!(summary.queued as usize, 31 - sent);
    app.recorder.assert_nothing_twice();
}

// --- a worker that dies after the provider accepted ---------------------------------

/// A sender whose process dies right after the provider accepted the
/// message: it passes the send on, says so, and never returns, so the worker
/// never records it; the test then aborts the task (the SIGKILL).
struct DiesAfterAccept {
    inner: TwilioSender,
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

impl App {
    /// Claims the next message as a worker sending from `from` that sends it
    /// and dies before recording the send; the provider's sid.
    async fn send_and_die(&self, from: &str) -> String {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = self.worker_with(
            Arc::new(DiesAfterAccept {
                inner: self.twilio(from),
                accepted: tx,
            }),
            WorkerOptions {
                batch: Some(1),
                ..options(50.0)
            },
        );
        let item = worker.claim().await.unwrap().into_iter().next().unwrap();
        let running = tokio::spawn(async move { worker.process(item).await });
        let sid = tokio::time::timeout(PATIENCE, rx.recv())
            .await
            .expect("the provider accepts")
            .unwrap();
        running.abort();
        assert!(running.await.unwrap_err().is_cancelled());
        sid
    }
}

/// The window the outbox used to leave open: the provider accepted the
/// message and the process died before `mark_sent`. The claim goes stale;
/// the worker that takes it over asks the provider, finds the copy, and
/// records it (with the first sid) instead of sending again. From a number,
/// and from a Messaging Service (listed without `From`).
#[tokio::test]
async fn a_send_whose_worker_died_before_recording_it_is_not_sent_again() {
    for from in [FROM, SERVICE] {
        let app = spawn_app(noon()).await;
        let id = app
            .queue(
                "+447700901001",
                "Your issue G-1001 is done",
                OutboundKind::Notice,
            )
            .await;
        let sid = app.send_and_die(from).await;
        assert_eq!(app.recorder.requests().len(), 1);
        let row = app.row(id).await;
        assert_eq!((row.status, row.provider_id), (OutboxStatus::Sending, None));

        let rescuer = app.worker_with(Arc::new(app.twilio(from)), options(50.0));
        assert_eq!(
            rescuer.drain_until_idle().await.unwrap().claimed,
            0,
            "{from}: a fresh claim is left alone"
        );
        app.clock.advance_secs(60);
        let drained = rescuer.drain_until_idle().await.unwrap();
        assert_eq!((drained.claimed, drained.sent), (1, 1), "{from}");

        assert_eq!(app.recorder.requests().len(), 1, "{from}: sent once");
        let row = app.row(id).await;
        assert_eq!(row.status, OutboxStatus::Sent);
        assert_eq!(
            row.provider_id.as_deref(),
            Some(&*sid),
            "{from}: the first sid"
        );
        assert_eq!(row.provider.as_deref(), Some("twilio"));
        assert_eq!(
            (row.segments, row.encoding.as_deref()),
            (Some(1), Some("GSM-7"))
        );
        assert_eq!(row.attempts, 2);
        // What was asked: Twilio's filters, from the day of the earliest
        // possible attempt (less the skew allowance).
        let lookups = app.recorder.lookups();
        assert_eq!(lookups.len(), 1, "{from}");
        let q = &lookups[0];
        assert_eq!(q.get("To").map(String::as_str), Some("+447700901001"));
        assert_eq!(
            q.get("From").map(String::as_str),
            (from == FROM).then_some(FROM),
            "a Messaging Service's messages are listed without From"
        );
        assert_eq!(q.get("DateSent>").map(String::as_str), Some("2026-01-05"));
        assert_eq!(q.get("PageSize").map(String::as_str), Some("50"));
        app.recorder.assert_nothing_twice();
    }
}

/// A look-up that fails is a retry: the message is not sent blind, and the
/// claim is left to go stale so the next worker asks again (queued again it
/// would lose that mark).
#[tokio::test]
async fn a_look_up_that_fails_is_retried_and_never_sent_blind() {
    let app = spawn_app(noon()).await;
    let id = app
        .queue("+447700901101", "Round 5 results", OutboundKind::Notice)
        .await;
    let sid = app.send_and_die(FROM).await;
    app.recorder.fail_lookups([503, 429]);
    let rescuer = app.worker(options(50.0));
    for attempt in [2, 3] {
        app.clock.advance_secs(60);
        let drained = rescuer.drain_until_idle().await.unwrap();
        assert_eq!((drained.retried, drained.sent), (1, 0), "attempt {attempt}");
        let row = app.row(id).await;
        assert_eq!((row.status, row.attempts), (OutboxStatus::Sending, attempt));
        assert_eq!(app.recorder.requests().len(), 1, "not sent blind");
        // Not taken again before the claim goes stale.
        assert_eq!(rescuer.drain_until_idle().await.unwrap().claimed, 0);
    }
    app.clock.advance_secs(60);
    assert_eq!(rescuer.drain_until_idle().await.unwrap().sent, 1);
    let row = app.row(id).await;
    assert_eq!(
        (row.status, row.provider_id.as_deref(), row.attempts),
        (OutboxStatus::Sent, Some(&*sid), 4)
    );
    assert_eq!(app.recorder.lookups().len(), 3);
    assert_eq!(app.recorder.requests().len(), 1);
}

/// Look-ups that keep failing end like sends that do: given up after
/// max_attempts, with the reason.
#[tokio::test]
async fn look_ups_that_keep_failing_give_up_after_max_attempts() {
    let app = spawn_app(noon()).await;
    let id = app
        .queue("+447700901201", "Never confirmed", OutboundKind::Notice)
        .await;
    app.send_and_die(FROM).await;
    app.recorder.fail_lookups([500, 500]);
    let rescuer = app.worker(WorkerOptions {
        max_attempts: 3,
        ..options(50.0)
    });
    app.clock.advance_secs(60);
    assert_eq!(rescuer.drain_until_idle().await.unwrap().retried, 1);
    app.clock.advance_secs(60);
    assert_eq!(rescuer.drain_until_idle().await.unwrap().failed, 1);
    let row = app.row(id).await;
    assert_eq!((row.status, row.attempts), (OutboxStatus::Failed, 3));
    let why = row.last_error.unwrap();
    assert!(why.contains("gave up after 3 attempts"), "{why}");
    assert!(why.contains("cannot tell whether it was sent"), "{why}");
    assert_eq!(app.recorder.requests().len(), 1);
}

/// Twilio accepted the message but its answer never came (the client timed
/// out): not queued to be sent again blind, but left claimed, so the worker
/// that takes the stale claim over finds the copy and records it.
#[tokio::test]
async fn a_send_without_an_answer_is_looked_up_not_sent_again() {
    let app = spawn_app(noon()).await;
    let id = app
        .queue("+447700901501", "Round 7 is open", OutboundKind::Notice)
        .await;
    app.recorder.then([Answer::AcceptedButSilent]);
    let impatient = TwilioSender::new(
        &app.recorder.base,
        ACCOUNT,
        TOKEN,
        FROM,
        None,
        Duration::from_millis(300),
    )
    .unwrap();
    let worker = app.worker_with(Arc::new(impatient), options(50.0));
    let drained = worker.drain_until_idle().await.unwrap();
    assert_eq!((drained.retried, drained.sent), (1, 0));
    let row = app.row(id).await;
    assert_eq!((row.status, row.attempts), (OutboxStatus::Sending, 1));

    app.clock.advance_secs(60);
    assert_eq!(worker.drain_until_idle().await.unwrap().sent, 1);
    assert_eq!(app.recorder.requests().len(), 1, "sent once");
    let row = app.row(id).await;
    assert_eq!(row.status, OutboxStatus::Sent);
    assert_eq!(row.provider_id.as_deref(), Some(&*app.recorder.sids()[0]));
}

/// The same text queued twice for one person is two messages: the second,
/// taken over from a stale claim, finds the first one's copy at the
/// provider, but that sid is already the first message's, so it is sent.
#[tokio::test]
async fn identical_texts_to_one_person_are_both_sent() {
    let app = spawn_app(noon()).await;
    let number = "+447700901301";
    let text = "Reminder: round 6 closes tonight";
    let first = app.queue(number, text, OutboundKind::Notice).await;
    let second = app.queue(number, text, OutboundKind::Notice).await;
    let one_at_a_time = WorkerOptions {
        batch: Some(1),
        ..options(50.0)
    };
    let worker = app.worker(one_at_a_time.clone());
    let item = worker.claim().await.unwrap().into_iter().next().unwrap();
    assert_eq!(item.id, first);
    assert_eq!(worker.process(item).await.unwrap(), Outcome::Sent);
    // The second message's worker claims it and dies before sending.
    let died = app.worker(one_at_a_time);
    assert_eq!(died.claim().await.unwrap()[0].id, second);

    app.clock.advance_secs(60);
    let drained = app.worker(options(50.0)).drain_until_idle().await.unwrap();
    assert_eq!(drained.sent, 1);
    assert_eq!(app.recorder.lookups().len(), 1, "the provider was asked");
    assert_eq!(app.recorder.requests().len(), 2, "and the second one sent");
    let sids = app.recorder.sids();
    assert_eq!(app.row(first).await.provider_id.as_deref(), Some(&*sids[0]));
    assert_eq!(
        app.row(second).await.provider_id.as_deref(),
        Some(&*sids[1])
    );
}

/// A provider with Twilio's API that cannot list messages (a 404 on the
/// list): the worker cannot tell, and falls back to sending again — the
/// at-least-once of providers without a look-up.
#[tokio::test]
async fn a_provider_that_cannot_list_messages_gets_it_again() {
    let app = spawn_app(noon()).await;
    let id = app
        .queue("+447700901401", "Board update", OutboundKind::Notice)
        .await;
    let first = app.send_and_die(FROM).await;
    app.recorder.fail_lookups([404]);
    app.clock.advance_secs(60);
    assert_eq!(
        app.worker(options(50.0))
            .drain_until_idle()
            .await
            .unwrap()
            .sent,
        1
    );
    assert_eq!(app.recorder.requests().len(), 2, "sent again");
    let row = app.row(id).await;
    assert_eq!(row.status, OutboxStatus::Sent);
    assert_ne!(row.provider_id.as_deref(), Some(&*first));
}

fn nudge_workers(gather: &Gather) {
    gather::outbox::nudge(&gather.outbox_wake);
}
