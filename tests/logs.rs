//! Logs carry no secret and no full phone number. Every log line of a run
//! (at TRACE, every target) is captured in a buffer while a conversation
//! goes through the signed Twilio webhook and the Kannel webhook, requests
//! with wrong signatures, secrets and tokens are refused, the admin API and
//! the organiser login are used, a round is voted in, someone is rate
//! limited and someone FORGETs; then the buffer is searched for the admin
//! token, the Twilio auth token, the Kannel secret and every number in any
//! form. Masked forms (`+44*****123`) are fine.
//!
//! One test in this binary: the subscriber is process-wide.

use axum::body::Body;
use axum::http::{Request, header};
use gather::channels::twilio::signature;
use gather::config::Config;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const ADMIN: &str = "admin-secret-LEAKCHECK-0123456789";
const TWILIO: &str = "twilio-secret-LEAKCHECK-abcdef";
const KANNEL: &str = "kannelLEAKCHECKsecret42";
const PUBLIC: &str = "https://gather.example.org";
const NUMBERS: [&str; 3] = ["+447700900611", "+447700900612", "+447700900613"];

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

struct Client {
    router: axum::Router,
}

impl Client {
    async fn send(&self, req: Request<Body>) -> (u16, String) {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let cookie = resp
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&body).into_owned();
        (status, cookie.unwrap_or(text))
    }

    async fn sms(&self, sid: &str, from: &str, text: &str, token: &str) -> (u16, String) {
        let params: Vec<(String, String)> = [
            ("MessageSid", sid),
            ("From", from),
            ("To", "+447700900000"),
            ("Body", text),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let path = "/webhooks/twilio/sms";
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        self.send(
            Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header(
                    "x-twilio-signature",
                    signature(token, &format!("{PUBLIC}{path}"), &params),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    async fn admin(&self, method: &str, uri: &str, token: &str, body: Option<Value>) -> Value {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
            .unwrap();
        let (_, text) = self.send(req).await;
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

#[tokio::test]
async fn no_secret_or_full_number_is_ever_logged() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

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
        ("GATHER_ADMIN_TOKEN", ADMIN.to_string()),
        ("GATHER_PUBLIC_URL", PUBLIC.to_string()),
        (
            "GATHER_TWILIO_ACCOUNT_SID",
            "AC0123456789abcdef0123456789abcdef".into(),
        ),
        ("GATHER_TWILIO_AUTH_TOKEN", TWILIO.to_string()),
        ("GATHER_TWILIO_FROM", "+447700900000".to_string()),
        ("GATHER_KANNEL_SECRET", KANNEL.to_string()),
        ("GATHER_INBOUND_RATE", "8".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = Config::from_sources(None, &env).unwrap();
    tracing::info!(config = ?config, "config");
    let gather = gather::app::build(&config).await.unwrap();
    let webhooks = gather::http::Webhooks::from_config(&config);
    let c = Client {
        router: gather::http::router_with(gather.clone(), webhooks),
    };
    let [a, b, flood] = NUMBERS;

    // Conversations: two issues raised by SMS, one through Kannel.
    let mut n = 0;
    for (from, issue) in [
        (a, "The pharmacy on the high street closes far too early"),
        (b, "The bus to the hospital stopped running on Sundays"),
    ] {
        for text in ["Hello", issue, "0", "0", "YES", "YES"] {
            n += 1;
            c.sms(&format!("SMlog{n}"), from, text, TWILIO).await;
        }
    }
    // Refused: a wrong signature, a wrong Kannel secret, wrong admin token.
    c.sms("SMbad", a, "Hello", "not-the-token").await;
    let q = |secret: &str| {
        format!("/webhooks/kannel/sms?id=k1&from=%2B447700900612&text=HELP&secret={secret}")
    };
    c.send(Request::get(q("wrong")).body(Body::empty()).unwrap())
        .await;
    c.send(Request::get(q(KANNEL)).body(Body::empty()).unwrap())
        .await;
    c.send(
        Request::get(format!(
            "/webhooks/kannel/dlr?id=1&status=1&secret={KANNEL}"
        ))
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    c.admin("GET", "/api/v1/issues", "wrong-token", None).await;
    // The organiser login, right and wrong.
    for token in ["wrong-token", ADMIN] {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token)
            .finish();
        c.send(
            Request::post("/admin/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    }
    // The admin API: approve both, a round, open it; votes; close.
    let issues = c.admin("GET", "/api/v1/issues", ADMIN, None).await;
    let refs: Vec<String> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ref"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(refs.len(), 2, "{issues}");
    for r in &refs {
        c.admin("POST", &format!("/api/v1/issues/{r}/approve"), ADMIN, None)
            .await;
    }
    let round = c
        .admin(
            "POST",
            "/api/v1/rounds",
            ADMIN,
            Some(json!({"title": "What first?", "items": refs, "max_choices": 1})),
        )
        .await;
    let id = round["id"].as_i64().unwrap();
    c.admin("POST", &format!("/api/v1/rounds/{id}/open"), ADMIN, None)
        .await;
    c.sms("SMvote1", a, "VOTE 1", TWILIO).await;
    c.sms("SMvote2", b, "VOTE 2", TWILIO).await;
    c.admin("POST", &format!("/api/v1/rounds/{id}/close"), ADMIN, None)
        .await;
    c.admin("GET", &format!("/api/v1/rounds/{id}/results"), ADMIN, None)
        .await;
    // A flood: rate limited.
    for i in 0..12 {
        c.sms(&format!("SMflood{i}"), flood, "hello", TWILIO).await;
    }
    // FORGET.
    c.sms("SMforget1", a, "FORGET", TWILIO).await;
    c.sms("SMforget2", a, "YES", TWILIO).await;
    // A delivery report for a number.
    let status: Vec<(String, String)> = [
        ("MessageSid", "SM0123"),
        ("MessageStatus", "undelivered"),
        ("ErrorCode", "21610"),
        ("To", b),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(status.iter())
        .finish();
    c.send(
        Request::post("/webhooks/twilio/status")
            .header("content-type", "application/x-www-form-urlencoded")
            .header(
                "x-twilio-signature",
                signature(TWILIO, &format!("{PUBLIC}/webhooks/twilio/status"), &status),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await;

    let logs = String::from_utf8_lossy(
        &buffer
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_owned();
    assert!(logs.contains("twilio sms"), "the capture works: {logs}");
    assert!(logs.contains("inbound rate limit"), "{logs}");
    let mut leaks = Vec::new();
    for secret in [ADMIN, TWILIO, KANNEL, "LEAKCHECK"] {
        if logs.contains(secret) {
            leaks.push(format!("secret `{secret}`"));
        }
    }
    for number in NUMBERS {
        let digits = number.trim_start_matches('+');
        let national = format!("0{}", &number[3..]);
        for form in [
            number.to_string(),
            digits.to_string(),
            national,
            number[3..].to_string(),
        ] {
            if logs.contains(&form) {
                leaks.push(format!("number `{form}`"));
            }
        }
        // Percent-encoded, as in a query string.
        if logs.contains(&number.replace('+', "%2B")) {
            leaks.push(format!("number `{number}` percent-encoded"));
        }
    }
    let lines: Vec<&str> = logs
        .lines()
        .filter(|l| {
            leaks.iter().any(|_| {
                [ADMIN, TWILIO, KANNEL, "LEAKCHECK"]
                    .iter()
                    .any(|s| l.contains(s))
                    || NUMBERS.iter().any(|n| l.contains(&n[3..]))
            })
        })
        .take(10)
        .collect();
    assert!(
        leaks.is_empty(),
        "leaked into the logs: {leaks:?}\n{}",
        lines.join("\n")
    );
    println!("log lines checked: {}", logs.lines().count());
}
