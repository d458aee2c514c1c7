//! Twilio's status callbacks (`POST /webhooks/twilio/status`), table-driven
//! like tests/twilio_sms.rs: each case is a request, the status expected and
//! what must (or must not) have been stored.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gather::channels::twilio::signature;
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, Timestamp};
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use gather::service::Gather;
use gather::store::{NewOutbound, OutboundKind, PersonId};
use std::collections::BTreeMap;
use std::path::Path;
use tower::ServiceExt;

const TOKEN: &str = "test-auth-token-0123456789";
const PUBLIC: &str = "https://gather.example.org";
const PATH: &str = "/webhooks/twilio/status";
const FORM: &str = "application/x-www-form-urlencoded";
const PERSON: &str = "+447700900111";
const STRANGER: &str = "+447700900222";

struct App {
    gather: Gather,
    _dir: tempfile::TempDir,
}

async fn spawn() -> App {
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
    let gather = gather::app::build(&config).await.unwrap();
    App { gather, _dir: dir }
}

fn webhooks() -> Webhooks {
    Webhooks {
        twilio: Some(TwilioWebhookConfig {
            auth_token: TOKEN.into(),
            public_url: PUBLIC.into(),
            skip_signature: false,
            numbers: vec![],
        }),
        ..Default::default()
    }
}

#[derive(Clone, Copy)]
enum Sign {
    Right,
    None,
    /// Signed for the inbound SMS URL instead.
    WrongUrl,
    /// Signed, then the body was changed.
    Altered,
}

async fn post(app: &App, params: &[(&str, &str)], sign: Sign, content_type: &str) -> StatusCode {
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(owned.iter())
        .finish();
    let mut req = Request::builder()
        .method("POST")
        .uri(PATH)
        .header("content-type", content_type);
    let url = match sign {
        Sign::WrongUrl => format!("{PUBLIC}/webhooks/twilio/sms"),
        _ => format!("{PUBLIC}{PATH}"),
    };
    if !matches!(sign, Sign::None) {
        req = req.header("x-twilio-signature", signature(TOKEN, &url, &owned));
    }
    if matches!(sign, Sign::Altered) {
        body = body.replace("MessageStatus=", "MessageStatus=un");
    }
    gather::http::router_with(app.gather.clone(), webhooks())
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap()
        .status()
}

fn ts(ms: i64) -> Timestamp {
    Timestamp(ms)
}

/// A person with a message the worker sent as `sid`.
async fn sent_message(app: &App, number: &str, sid: &str) -> (PersonId, i64) {
    let store = &app.gather.store;
    let mut tx = store.begin().await.unwrap();
    let identity = Identity {
        kind: IdentityKind::Phone,
        address: number.to_string(),
    };
    let person = match tx.person_by_identity(&identity).await.unwrap() {
        Some(p) => p.id,
        None => {
            let en = gather::domain::LanguageTag::parse("en").unwrap();
            tx.create_person(&identity, &en, ts(1)).await.unwrap().id
        }
    };
    let id = tx
        .enqueue(
            &NewOutbound {
                person: Some(person),
                channel: Channel::Sms,
                address: number.to_string(),
                text: "Board update".into(),
                kind: OutboundKind::Notice,
                not_before: ts(1),
                dedupe_key: None,
            },
            ts(1),
        )
        .await
        .unwrap()
        .unwrap();
    tx.claim_outbox(Channel::Sms, ts(2), 100, 60_000, "test")
        .await
        .unwrap();
    tx.mark_sent(id, "twilio", sid, Some(1), Some("GSM-7"), ts(3))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (person, id)
}

async fn delivery_status(app: &App, id: i64) -> (Option<String>, Option<String>) {
    let mut tx = app.gather.store.begin().await.unwrap();
    let row = tx.outbox_row(id).await.unwrap().unwrap();
    (row.delivery_status, row.error_code)
}

async fn opted_out(app: &App, number: &str) -> Option<bool> {
    let mut tx = app.gather.store.begin().await.unwrap();
    tx.person_by_identity(&Identity {
        kind: IdentityKind::Phone,
        address: number.to_string(),
    })
    .await
    .unwrap()
    .map(|p| p.opted_out)
}

async fn stored(app: &App, needle: &str) -> bool {
    app.gather
        .store
        .dump_all_text()
        .await
        .unwrap()
        .iter()
        .any(|(t, v)| t == "delivery_reports" && v.contains(needle))
}

fn callback<'a>(sid: &'a str, status: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("MessageSid", sid),
        ("AccountSid", "AC0000"),
        ("MessageStatus", status),
        ("To", PERSON),
        ("From", "+447700900000"),
        ("ApiVersion", "2010-04-01"),
    ]
}

/// A refused request: name, form, signing, content type, status expected.
type Refused<'a> = (&'a str, Vec<(&'a str, &'a str)>, Sign, &'a str, StatusCode);

/// Requests that are refused, and leave nothing behind.
#[tokio::test]
async fn bad_callbacks_are_refused_without_a_trace() {
    let app = spawn().await;
    let sid = "SMbad0000000000000000000000000001";
    let without = |name: &str| -> Vec<(&str, &str)> {
        callback(sid, "delivered")
            .into_iter()
            .filter(|(k, _)| *k != name)
            .collect()
    };
    let with = |name: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut p: Vec<(&str, &str)> = callback(sid, "delivered")
            .into_iter()
            .filter(|(k, _)| *k != name)
            .collect();
        p.push((name, value));
        p
    };
    let cases: Vec<Refused> = vec![
        (
            "no signature",
            callback(sid, "delivered"),
            Sign::None,
            FORM,
            StatusCode::FORBIDDEN,
        ),
        (
            "altered body",
            callback(sid, "delivered"),
            Sign::Altered,
            FORM,
            StatusCode::FORBIDDEN,
        ),
        (
            "signed for another URL",
            callback(sid, "delivered"),
            Sign::WrongUrl,
            FORM,
            StatusCode::FORBIDDEN,
        ),
        (
            "not a form",
            callback(sid, "delivered"),
            Sign::Right,
            "application/json",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "no MessageSid",
            without("MessageSid"),
            Sign::Right,
            FORM,
            StatusCode::BAD_REQUEST,
        ),
        (
            "no MessageStatus",
            without("MessageStatus"),
            Sign::Right,
            FORM,
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown status",
            with("MessageStatus", "exploded"),
            Sign::Right,
            FORM,
            StatusCode::BAD_REQUEST,
        ),
        (
            "inbound-only status",
            with("MessageStatus", "received"),
            Sign::Right,
            FORM,
            StatusCode::BAD_REQUEST,
        ),
        (
            "ErrorCode not a number",
            with("ErrorCode", "21610; DROP TABLE outbox"),
            Sign::Right,
            FORM,
            StatusCode::BAD_REQUEST,
        ),
        (
            "To not a number",
            with("To", "not-a-phone"),
            Sign::Right,
            FORM,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (name, params, sign, content_type, expected) in cases {
        let got = post(&app, &params, sign, content_type).await;
        assert_eq!(got, expected, "{name}");
        assert!(!stored(&app, sid).await, "{name}: stored something");
    }
    // A MessageSid that is not an id at all.
    let long = "SM".to_string() + &"0".repeat(80);
    for bad in [long.as_str(), "SM../../etc", "SM 123"] {
        let got = post(&app, &callback(bad, "sent"), Sign::Right, FORM).await;
        assert_eq!(got, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(opted_out(&app, PERSON).await, None);
}

/// Each case: callbacks for one message, in the order they arrive, and the
/// delivery status and error code the message ends with.
#[tokio::test]
async fn statuses_are_recorded_forward_only() {
    let app = spawn().await;
    type Case = (
        &'static str,
        &'static [(&'static str, Option<&'static str>)],
        (&'static str, Option<&'static str>),
    );
    let cases: &[Case] = &[
        (
            "in order",
            &[("queued", None), ("sent", None), ("delivered", None)],
            ("delivered", None),
        ),
        (
            "reordered",
            &[("delivered", None), ("sent", None), ("queued", None)],
            ("delivered", None),
        ),
        (
            "duplicate",
            &[("sent", None), ("sent", None)],
            ("sent", None),
        ),
        (
            "failure is final",
            &[
                ("undelivered", Some("30003")),
                ("delivered", None),
                ("sent", None),
            ],
            ("undelivered", Some("30003")),
        ),
        (
            "failed with a code",
            &[("sending", None), ("failed", Some("30008"))],
            ("failed", Some("30008")),
        ),
        (
            "mixed case",
            &[("Sent", None), ("DELIVERED", None)],
            ("delivered", None),
        ),
    ];
    for (i, (name, steps, (status, code))) in cases.iter().enumerate() {
        let sid = format!("SMorder{i:026}");
        let (_, id) = sent_message(&app, PERSON, &sid).await;
        for (s, c) in *steps {
            let mut params = callback(&sid, s);
            if let Some(c) = c {
                params.push(("ErrorCode", c));
            }
            assert_eq!(
                post(&app, &params, Sign::Right, FORM).await,
                StatusCode::NO_CONTENT,
                "{name}: {s}"
            );
        }
        assert_eq!(
            delivery_status(&app, id).await,
            (Some(status.to_string()), code.map(str::to_string)),
            "{name}"
        );
    }
    // Older callbacks name the fields SmsSid/SmsStatus.
    let sid = "SMlegacy000000000000000000000001";
    let (_, id) = sent_message(&app, PERSON, sid).await;
    let legacy = [("SmsSid", sid), ("SmsStatus", "delivered"), ("To", PERSON)];
    assert_eq!(
        post(&app, &legacy, Sign::Right, FORM).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delivery_status(&app, id).await.0.as_deref(),
        Some("delivered")
    );
    assert_eq!(opted_out(&app, PERSON).await, Some(false));
}

/// The callback can overtake the worker's write of the message id: it is
/// kept, and applied when the send is recorded.
#[tokio::test]
async fn callback_before_the_send_is_recorded() {
    let app = spawn().await;
    let sid = "SMearly000000000000000000000001";
    assert_eq!(
        post(&app, &callback(sid, "delivered"), Sign::Right, FORM).await,
        StatusCode::NO_CONTENT
    );
    assert!(stored(&app, sid).await);
    let (_, id) = sent_message(&app, PERSON, sid).await;
    assert_eq!(
        delivery_status(&app, id).await.0.as_deref(),
        Some("delivered")
    );
}

/// 21610: the recipient unsubscribed at the carrier. They are opted out,
/// found by the message we sent or, for a message we do not know, by `To`.
#[tokio::test]
async fn error_21610_opts_the_person_out() {
    let app = spawn().await;
    let sid = "SMstop0000000000000000000000001";
    let (person, id) = sent_message(&app, PERSON, sid).await;
    let mut params = callback(sid, "undelivered");
    params.push(("ErrorCode", "21610"));
    assert_eq!(
        post(&app, &params, Sign::Right, FORM).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(opted_out(&app, PERSON).await, Some(true));
    assert_eq!(
        delivery_status(&app, id).await,
        (Some("undelivered".into()), Some("21610".into()))
    );
    let mut tx = app.gather.store.begin().await.unwrap();
    assert!(tx.person(person).await.unwrap().unwrap().opted_out);
    tx.commit().await.unwrap();

    // A message sent before this database knew it (or by another instance
    // still writing): the person is found by `To`.
    let mut tx = app.gather.store.begin().await.unwrap();
    let en = gather::domain::LanguageTag::parse("en").unwrap();
    tx.create_person(
        &Identity {
            kind: IdentityKind::Phone,
            address: STRANGER.into(),
        },
        &en,
        ts(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let params = [
        ("MessageSid", "SMunknown00000000000000000000001"),
        ("MessageStatus", "failed"),
        ("ErrorCode", "21610"),
        ("To", STRANGER),
    ];
    assert_eq!(
        post(&app, &params, Sign::Right, FORM).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(opted_out(&app, STRANGER).await, Some(true));

    // Another error code opts nobody out.
    let other = "+447700900333";
    let (_, _) = sent_message(&app, other, "SMother0000000000000000000000001").await;
    let params = [
        ("MessageSid", "SMother0000000000000000000000001"),
        ("MessageStatus", "undelivered"),
        ("ErrorCode", "30003"),
        ("To", other),
    ];
    assert_eq!(
        post(&app, &params, Sign::Right, FORM).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(opted_out(&app, other).await, Some(false));
}
