//! Containment: a panic in one conversation turn never reaches the channel.
//! The person gets an apology and the menu, the provider's id is recorded
//! (a retried webhook gets the same apology, not a second panic) and the
//! next message works. The panic is injected through `Gather::fault`, a
//! test-only hook (see its documentation for why this seam).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gather::channels::twilio::signature;
use gather::config::Config;
use gather::engine::Content;
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use gather::service::{FaultPoint, Gather};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tower::ServiceExt;

const TOKEN: &str = "test-auth-token-0123456789";
const PUBLIC: &str = "https://gather.example.org";
const PATH: &str = "/webhooks/twilio/sms";
const OUR_NUMBER: &str = "+447700900000";
const APOLOGY: &str = "Sorry, something went wrong on our side.";
const MENU: &str = "What would you like to do? Send a number:";

async fn app(dir: &Path) -> Gather {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        (
            "GATHER_DATABASE_URL",
            format!("sqlite://{}", dir.join("g.db").display()),
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
    gather::app::build(&config).await.unwrap()
}

/// Panics every turn at `point` whose text contains `PANIC`; counts them.
fn panic_on(g: &mut Gather, point: FaultPoint) -> Arc<AtomicU32> {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    g.fault = Some(Arc::new(move |p, content: &Content| {
        let hit = p == point && matches!(content, Content::Text(t) if t.contains("PANIC"));
        if hit {
            c.fetch_add(1, Ordering::SeqCst);
        }
        hit
    }));
    calls
}

async fn sms(g: &Gather, sid: &str, from: &str, body: &str) -> (StatusCode, String) {
    let webhooks = Webhooks {
        twilio: Some(TwilioWebhookConfig {
            auth_token: TOKEN.into(),
            public_url: PUBLIC.into(),
            skip_signature: false,
            numbers: vec![OUR_NUMBER.into()],
        }),
        ..Default::default()
    };
    let owned: Vec<(String, String)> = [
        ("MessageSid", sid),
        ("AccountSid", "AC0000"),
        ("From", from),
        ("To", OUR_NUMBER),
        ("Body", body),
        ("NumSegments", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(owned.iter())
        .finish();
    let req = Request::builder()
        .method("POST")
        .uri(PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "x-twilio-signature",
            signature(TOKEN, &format!("{PUBLIC}{PATH}"), &owned),
        )
        .body(Body::from(form))
        .unwrap();
    let resp = gather::http::router_with(g.clone(), webhooks)
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_panicking_sms_turn_gets_the_apology_and_the_next_message_works() {
    let dir = tempfile::tempdir().unwrap();
    let mut g = app(dir.path()).await;
    let calls = panic_on(&mut g, FaultPoint::Turn);
    let me = "+447700900201";
    let panics = gather::metrics::TURN_PANICS.get();

    // Half way through raising an issue...
    let (status, body) = sms(
        &g,
        "SM01",
        me,
        "The walk-in clinic closes before people finish work",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Which area"), "{body}");

    // ...the turn panics: HTTP 200, the apology and the menu, in TwiML.
    let (status, body) = sms(&g, "SM02", me, "PANIC please").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.starts_with("<?xml") || body.contains("<Response>"),
        "{body}"
    );
    assert!(body.contains(APOLOGY), "{body}");
    assert!(body.contains(MENU), "{body}");
    assert_eq!(gather::metrics::TURN_PANICS.get() - panics, 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Twilio retries the webhook: the same apology, no second panic.
    let (status, again) = sms(&g, "SM02", me, "PANIC please").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, body);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(gather::metrics::TURN_PANICS.get() - panics, 1);

    // The conversation went back to the menu: "1" raises an issue.
    let (status, body) = sms(&g, "SM03", me, "1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("What is the problem or idea?"), "{body}");
    assert!(!body.contains(APOLOGY), "{body}");
}

#[tokio::test]
async fn the_apology_is_in_the_persons_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut g = app(dir.path()).await;
    panic_on(&mut g, FaultPoint::Turn);
    let me = "+447700900202";
    let (status, _) = sms(&g, "SM11", me, "LANGUAGE polski").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = sms(&g, "SM12", me, "PANIC").await;
    assert_eq!(status, StatusCode::OK);
    let pl = gather::domain::LanguageTag::parse("pl").unwrap();
    let locales = g.engine.locales();
    for id in ["error-generic", "menu-prompt"] {
        // As SMS spell it: Polish SMS are plain (locales/pl/sms.toml).
        let line = locales
            .sms_text(&pl, &locales.format(&pl, id, &Default::default()))
            .into_owned();
        assert!(body.contains(&line), "{id}: {body}");
    }
    assert!(!body.contains(APOLOGY), "{body}");
}

/// A panic outside the turn's boundary (here injected before it) reaches
/// the HTTP layer: a plain 500 with no details, and the server goes on.
#[tokio::test]
async fn a_panicking_request_is_a_plain_500_and_the_server_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut g = app(dir.path()).await;
    panic_on(&mut g, FaultPoint::Inbound);
    let me = "+447700900203";
    let (status, body) = sms(&g, "SM21", me, "PANIC").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body, r#"{"error":"internal error"}"#);
    let (status, body) = sms(&g, "SM22", me, "Hello").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Welcome to Gather"), "{body}");
}

/// Both counters are on `/metrics`.
#[tokio::test]
async fn the_counters_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let g = app(dir.path()).await;
    gather::metrics::task_restarted("test-task");
    let resp = gather::http::router(g)
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("gather_turn_panics_total "), "{text}");
    assert!(
        text.contains("gather_task_restarts_total{task=\"test-task\"} 1"),
        "{text}"
    );
}
