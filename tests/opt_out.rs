//! STOP always wins (issue 17): every spelling of an opt-out in every
//! locale, opt-out words and FORGET past the inbound rate limit, and the
//! STOP confirmation and HELP after STOP through Kannel, whose replies go
//! through the outbox and its opt-out re-check.

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use gather::clock::{Clock, ManualClock};
use gather::config::Config;
use gather::domain::{Channel, Identity, LanguageTag, PhoneNumber, Timestamp};
use gather::engine::Content;
use gather::http::Webhooks;
use gather::http::kannel::KannelWebhookConfig;
use gather::outbox::{Accepted, Outgoing, SendError, Sender, Worker, WorkerOptions};
use gather::service::{Gather, InboundMessage, Reply};
use gather::store::{NewOutbound, OutboundKind};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const LOCALES: [&str; 11] = [
    "en-GB", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it",
];
const KANNEL_SECRET: &str = "kannel-secret-0123456789";

struct App {
    gather: Gather,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// Gather on a fresh SQLite file and a manual clock, `per_minute` messages
/// a minute per sender.
async fn spawn(per_minute: u32) -> App {
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
    let clock = Arc::new(ManualClock::new(
        Timestamp::parse_rfc3339("2026-01-05T12:00:00Z").unwrap(),
    ));
    let gather = Gather::new(store, engine, clock.clone()).with_inbound_rate(per_minute);
    App {
        gather,
        clock,
        _dir: dir,
    }
}

fn phone(n: &str) -> Identity {
    Identity::phone(&PhoneNumber::parse(n).unwrap())
}

async fn say(app: &App, from: &str, lang: Option<&str>, text: &str) -> Reply {
    app.gather
        .handle_inbound(InboundMessage {
            identity: phone(from),
            channel: Channel::Sms,
            content: Content::Text(text.into()),
            provider_id: None,
            language_hint: lang.map(|l| LanguageTag::parse(l).unwrap()),
        })
        .await
        .unwrap()
}

/// Whether the person with this number has opted out (`None`: no person).
async fn opted_out(app: &App, number: &str) -> Option<bool> {
    let mut tx = app.gather.store.begin().await.unwrap();
    let p = tx.person_by_identity(&phone(number)).await.unwrap();
    tx.commit().await.unwrap();
    p.map(|p| p.opted_out)
}

/// A locale's words of one kind, from its keywords.toml.
fn locale_words(tag: &str, kind: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("locales").join(tag).join("keywords.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    table
        .get(kind)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_opt_out_spelling_opts_out_in_every_locale() {
    let app = spawn(0).await;
    let mut spellings: Vec<String> = [
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
        "OPT-OUT",
        "OPT OUT",
        "opt out",
        "STOP ALL",
        "Stop all",
        "ＳＴＯＰ",
        "STOP.",
        "stop!!",
        "stop please",
        "Please STOP",
        "STOP, thank you",
        "Revoke.",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    let mut n = 0u32;
    for tag in LOCALES {
        let own = locale_words(tag, "stop");
        assert!(!own.is_empty(), "{tag} has its own opt-out words");
        let mut words = spellings.clone();
        words.extend(own.iter().cloned());
        // A locale's word with its own polite word after it.
        if let (Some(w), Some(p)) = (own.first(), locale_words(tag, "polite").first()) {
            words.push(format!("{w} {p}"));
        }
        for word in &words {
            n += 1;
            let number = format!("+4477009{:05}", 10_000 + n);
            // A known person of that language, then the word.
            say(&app, &number, Some(tag), "Hello").await;
            let reply = say(&app, &number, None, word).await;
            assert_eq!(
                opted_out(&app, &number).await,
                Some(true),
                "{tag}: {word:?} must opt out"
            );
            assert_eq!(reply.messages.len(), 1, "{tag}: {word:?}: one confirmation");
        }
    }
    spellings.clear();

    // A sentence that contains an opt-out word is not an opt-out.
    for sentence in [
        "the bus stop was moved",
        "Stop the closure of our clinic",
        "please stop closing the walk in centre",
        "The end of the waiting list is not in sight",
    ] {
        n += 1;
        let number = format!("+4477009{:05}", 10_000 + n);
        say(&app, &number, None, "Hello").await;
        say(&app, &number, None, sentence).await;
        assert_eq!(
            opted_out(&app, &number).await,
            Some(false),
            "{sentence:?} is not an opt-out"
        );
    }
}

/// A sender over the inbound limit still gets STOP, START, HELP and FORGET
/// (and FORGET's question answered) heard.
#[tokio::test]
async fn stop_start_help_and_forget_pass_the_inbound_limit() {
    let app = spawn(3).await;
    const N: &str = "+447700902001";
    for _ in 0..6 {
        say(&app, N, None, "hello hello").await;
    }
    // Over the limit: an ordinary message is not heard.
    assert!(say(&app, N, None, "MENU").await.messages.is_empty());

    let stop = say(&app, N, None, "STOP").await;
    assert_eq!(opted_out(&app, N).await, Some(true), "STOP is honoured");
    assert_eq!(stop.messages.len(), 1, "and confirmed");
    assert!(
        stop.opt_out_exempt,
        "the confirmation goes despite the opt-out"
    );

    let help = say(&app, N, None, "HELP").await;
    assert_eq!(help.messages.len(), 1, "HELP after STOP is answered");
    assert!(help.opt_out_exempt);

    let start = say(&app, N, None, "START").await;
    assert_eq!(opted_out(&app, N).await, Some(false), "START is honoured");
    assert!(!start.messages.is_empty());
    assert!(!start.opt_out_exempt);

    let forget = say(&app, N, None, "FORGET").await;
    assert!(!forget.messages.is_empty(), "FORGET asks to confirm");
    say(&app, N, None, "YES").await;
    assert_eq!(opted_out(&app, N).await, None, "FORGET is honoured");

    // A minute later the limit starts afresh.
    app.clock.advance_secs(61);
    assert!(!say(&app, N, None, "MENU").await.messages.is_empty());
}

/// Records what the outbox sends.
#[derive(Default)]
struct Recorder(Mutex<Vec<Outgoing>>);

#[async_trait]
impl Sender for Recorder {
    fn name(&self) -> &'static str {
        "kannel"
    }
    fn rate_key(&self) -> String {
        "4790".into()
    }
    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let mut sent = self.0.lock().unwrap();
        sent.push(msg.clone());
        Ok(Accepted {
            provider_id: format!("k-{}", sent.len()),
        })
    }
}

async fn kannel_sms(app: &App, from: &str, text: &str, id: &str) {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("secret", KANNEL_SECRET)
        .append_pair("from", from)
        .append_pair("to", "4790")
        .append_pair("text", text)
        .append_pair("id", id)
        .finish();
    let webhooks = Webhooks {
        kannel: Some(KannelWebhookConfig {
            secret: KANNEL_SECRET.into(),
        }),
        ..Default::default()
    };
    let resp = gather::http::router_with(app.gather.clone(), webhooks)
        .oneshot(
            Request::builder()
                .uri(format!("/webhooks/kannel/sms?{query}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

/// Through Kannel the replies wait in the outbox: the STOP confirmation and
/// HELP after STOP must get past its opt-out re-check; a notice must not.
#[tokio::test]
async fn kannel_sends_the_stop_confirmation_and_help_after_stop() {
    let app = spawn(20).await;
    const N: &str = "+447700902101";
    let recorder = Arc::new(Recorder::default());
    let worker = Worker::new(
        app.gather.store.clone(),
        recorder.clone(),
        Channel::Sms,
        app.clock.clone(),
        WorkerOptions {
            rate_per_second: 1000.0,
            ..WorkerOptions::default()
        },
    );
    kannel_sms(&app, N, "Hello", "k-1").await;
    worker.drain_until_idle().await.unwrap();
    let greeted = recorder.0.lock().unwrap().len();
    assert!(greeted > 0);

    kannel_sms(&app, N, "STOP", "k-2").await;
    // A notice queued after the opt-out is not sent.
    let now = app.clock.now();
    let mut tx = app.gather.store.begin().await.unwrap();
    tx.enqueue(
        &NewOutbound {
            person: None,
            channel: Channel::Sms,
            address: N.into(),
            text: "Board update".into(),
            kind: OutboundKind::Notice,
            not_before: now,
            dedupe_key: None,
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let drained = worker.drain_until_idle().await.unwrap();
    assert_eq!((drained.sent, drained.cancelled), (1, 1), "{drained:?}");
    let stop_text = app.gather.engine.locales().format(
        &LanguageTag::parse("en-GB").unwrap(),
        "stop-confirm",
        &Default::default(),
    );
    assert_eq!(recorder.0.lock().unwrap()[greeted].text, stop_text);

    kannel_sms(&app, N, "HELP", "k-3").await;
    let drained = worker.drain_until_idle().await.unwrap();
    assert_eq!(drained.sent, 1, "HELP after STOP is answered: {drained:?}");
    // Anything else after STOP: nothing.
    kannel_sms(&app, N, "MENU", "k-4").await;
    let drained = worker.drain_until_idle().await.unwrap();
    assert_eq!(drained.claimed, 0, "{drained:?}");
    assert_eq!(recorder.0.lock().unwrap().len(), greeted + 2);
}

/// FORGET works after STOP: erasure does not wait for START.
#[tokio::test]
async fn forget_after_stop_is_honoured() {
    let app = spawn(20).await;
    const N: &str = "+447700902201";
    say(&app, N, None, "Hello").await;
    say(&app, N, None, "STOP").await;
    assert_eq!(opted_out(&app, N).await, Some(true));
    // Anything else stays unanswered.
    assert!(say(&app, N, None, "MENU").await.messages.is_empty());
    let asked = say(&app, N, None, "FORGET").await;
    assert_eq!(asked.messages.len(), 1, "{asked:?}");
    assert!(asked.opt_out_exempt);
    let done = say(&app, N, None, "YES").await;
    assert_eq!(done.messages.len(), 1, "{done:?}");
    assert_eq!(opted_out(&app, N).await, None, "forgotten");
}
