//! Kannel webhooks, table-driven in the style of RapidPro courier's handler
//! tests: each case is a request and the status expected; a refused request
//! must leave no trace, and a retried one must act once. (The real Kannel
//! drives Gather in `tests/kannel.rs`.)

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use gather::config::Config;
use gather::http::Webhooks;
use gather::http::kannel::KannelWebhookConfig;
use gather::service::Gather;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::path::Path;
use tower::ServiceExt;

const SECRET: &str = "kannel-secret-0123456789";

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
        kannel: Some(KannelWebhookConfig {
            secret: SECRET.into(),
        }),
        ..Default::default()
    }
}

enum Auth {
    Query(&'static str),
    Basic(&'static str),
    None,
}

async fn get(app: &App, method: &str, path: &str, query: &str, auth: Auth) -> (StatusCode, String) {
    let uri = match auth {
        Auth::Query(secret) => format!("{path}?secret={secret}&{query}"),
        _ => format!("{path}?{query}"),
    };
    let mut req = Request::builder().method(method).uri(uri);
    if let Auth::Basic(password) = auth {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("kannel:{password}"));
        req = req.header("authorization", format!("Basic {token}"));
    }
    let resp = gather::http::router_with(app.gather.clone(), webhooks())
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn outbox_total(app: &App) -> i64 {
    let s = app.gather.outbox_summary().await.unwrap();
    s.queued + s.sending + s.sent + s.failed + s.cancelled
}

async fn stored(app: &App, needle: &str) -> bool {
    app.gather
        .store
        .dump_all_text()
        .await
        .unwrap()
        .iter()
        .any(|(_, v)| v.contains(needle))
}

const SMS: &str = "/webhooks/kannel/sms";
const DLR: &str = "/webhooks/kannel/dlr";

#[tokio::test]
async fn inbound_cases() {
    // (name, auth, query, status, whether the text may be stored)
    let cases: Vec<(&str, Auth, String, StatusCode, bool)> = vec![
        (
            "valid, secret in the query",
            Auth::Query(SECRET),
            "from=%2B447700900101&to=4790&text=Hello+valid&id=m-1&coding=0&charset=UTF-8".into(),
            StatusCode::OK,
            true,
        ),
        (
            "valid, basic auth",
            Auth::Basic(SECRET),
            "from=%2B447700900102&to=4790&text=Hello+basic&id=m-2".into(),
            StatusCode::OK,
            true,
        ),
        (
            "wrong secret",
            Auth::Query("kannel-secret-0123456780"),
            "from=%2B447700900103&text=Hello+wrong&id=m-3".into(),
            StatusCode::FORBIDDEN,
            false,
        ),
        (
            "wrong basic-auth password",
            Auth::Basic("nope"),
            "from=%2B447700900104&text=Hello+badbasic&id=m-4".into(),
            StatusCode::FORBIDDEN,
            false,
        ),
        (
            "missing secret",
            Auth::None,
            "from=%2B447700900105&text=Hello+nosecret&id=m-5".into(),
            StatusCode::FORBIDDEN,
            false,
        ),
        (
            "missing secret and a malformed query",
            Auth::None,
            "from=%2B447700900106&text=%zz+malformed&id=m-6".into(),
            StatusCode::FORBIDDEN,
            false,
        ),
        (
            "missing from",
            Auth::Query(SECRET),
            "text=Hello+nofrom&id=m-7".into(),
            StatusCode::BAD_REQUEST,
            false,
        ),
        (
            "from is not a phone number",
            Auth::Query(SECRET),
            "from=VODAFONE&text=Hello+alpha&id=m-8".into(),
            StatusCode::BAD_REQUEST,
            false,
        ),
        (
            "missing id",
            Auth::Query(SECRET),
            "from=%2B447700900109&text=Hello+noid".into(),
            StatusCode::BAD_REQUEST,
            false,
        ),
        (
            "malformed percent-encoding",
            Auth::Query(SECRET),
            "from=%2B447700900110&text=Hello+%4malformed&id=m-10".into(),
            StatusCode::BAD_REQUEST,
            false,
        ),
        (
            "UCS-2 with an odd number of bytes",
            Auth::Query(SECRET),
            "from=%2B447700900111&text=%00H%00i%00&id=m-11&coding=2&charset=UTF-16BE".into(),
            StatusCode::BAD_REQUEST,
            false,
        ),
    ];
    for (name, auth, query, want, may_store) in cases {
        let app = spawn().await;
        let (status, body) = get(&app, "GET", SMS, &query, auth).await;
        assert_eq!(status, want, "{name}: {body}");
        let queued = outbox_total(&app).await;
        let word = query
            .split("text=")
            .nth(1)
            .and_then(|t| t.split('&').next())
            .and_then(|t| t.split('+').nth(1))
            .unwrap_or("");
        if may_store {
            assert!(body.is_empty(), "{name}: Kannel would send {body:?}");
            assert!(queued > 0, "{name}: no reply queued");
            assert!(stored(&app, word).await, "{name}: {word} not stored");
        } else {
            assert_eq!(queued, 0, "{name}: something was queued");
            assert!(!stored(&app, "Hello").await, "{name}: the text was stored");
            let phone = query
                .split("from=%2B")
                .nth(1)
                .and_then(|t| t.split('&').next())
                .unwrap_or("none");
            assert!(!stored(&app, phone).await, "{name}: the number was stored");
        }
    }
}

/// Over Twilio's 1,600 characters: not a 400 with no reply, but the answer
/// an overlong Twilio message gets (see tests/twilio_sms.rs), counting no
/// characters.
#[tokio::test]
async fn an_overlong_text_gets_the_answer_twilio_gets() {
    let app = spawn().await;
    let query = format!(
        "from=%2B447700900112&id=m-12&text=Long+{}",
        "word+".repeat(400)
    );
    let (status, body) = get(&app, "GET", SMS, &query, Auth::Query(SECRET)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.is_empty(), "Kannel would send {body:?}");
    assert!(outbox_total(&app).await > 0, "no reply queued");
    assert!(
        stored(&app, "a few sentences is enough").await,
        "the overlong text was not answered"
    );
    assert!(
        !stored(&app, "characters").await,
        "the reply counts characters"
    );
}

#[tokio::test]
async fn ucs2_and_8bit_text_is_decoded() {
    let app = spawn().await;
    let text = "Zażółć gęślą jaźń مرحبا";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    // As Kannel sends it: `+` for the byte 0x20.
    let data: String = bytes
        .iter()
        .map(|&b| {
            if b == b' ' {
                "+".to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let query = format!("from=%2B48600111222&text={data}&id=u-1&coding=2&charset=UTF-16BE");
    let (status, body) = get(&app, "GET", SMS, &query, Auth::Query(SECRET)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(stored(&app, text).await, "UCS-2 text not stored intact");

    let (status, body) = get(
        &app,
        "GET",
        SMS,
        "from=%2B447700900200&text=caf%E9+%FF&id=b-1&coding=1",
        Auth::Query(SECRET),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(stored(&app, "café ÿ").await, "8-bit text read as Latin-1");
}

#[tokio::test]
async fn a_retried_get_url_acts_once() {
    let app = spawn().await;
    let query = "from=%2B447700900300&to=4790&text=Hello+dup-check&id=dup-1";
    let (first, _) = get(&app, "GET", SMS, query, Auth::Query(SECRET)).await;
    assert_eq!(first, StatusCode::OK);
    let queued = outbox_total(&app).await;
    assert!(queued > 0);
    let (second, body) = get(&app, "GET", SMS, query, Auth::Basic(SECRET)).await;
    assert_eq!(second, StatusCode::OK, "{body}");
    assert_eq!(
        outbox_total(&app).await,
        queued,
        "the retry queued replies again"
    );
    // One step, not two: the message is in the log once.
    let logged = app
        .gather
        .store
        .dump_all_text()
        .await
        .unwrap()
        .into_iter()
        .filter(|(table, v)| table == "messages" && v == "Hello dup-check")
        .count();
    assert_eq!(logged, 1, "the message was logged {logged} times");
}

#[tokio::test]
async fn other_methods_are_refused() {
    let app = spawn().await;
    let (status, _) = get(
        &app,
        "POST",
        SMS,
        "from=%2B447700900400&text=hi&id=p-1",
        Auth::Query(SECRET),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(outbox_total(&app).await, 0);
}

#[tokio::test]
async fn delivery_reports() {
    let app = spawn().await;
    let cases = [
        (
            "id=41&status=8&fid=&answer=ACK%2F",
            Auth::Query(SECRET),
            StatusCode::OK,
        ),
        (
            "id=41&status=1&fid=abc&answer=",
            Auth::Basic(SECRET),
            StatusCode::OK,
        ),
        // Late and out of order: still 200, and it does not move back.
        (
            "id=41&status=8&fid=abc&answer=ACK%2F",
            Auth::Query(SECRET),
            StatusCode::OK,
        ),
        (
            "id=42&status=16&answer=NACK%2F0x00000045%2Ffailed",
            Auth::Query(SECRET),
            StatusCode::OK,
        ),
        (
            "id=43&status=1",
            Auth::Query("wrong-secret-0123456789"),
            StatusCode::FORBIDDEN,
        ),
        ("id=43&status=1", Auth::None, StatusCode::FORBIDDEN),
        (
            "id=43&status=0",
            Auth::Query(SECRET),
            StatusCode::BAD_REQUEST,
        ),
        (
            "id=43&status=delivered",
            Auth::Query(SECRET),
            StatusCode::BAD_REQUEST,
        ),
        ("status=1", Auth::Query(SECRET), StatusCode::BAD_REQUEST),
    ];
    for (query, auth, want) in cases {
        let (status, body) = get(&app, "GET", DLR, query, auth).await;
        assert_eq!(status, want, "{query}: {body}");
    }
    let rows = app.gather.store.dump_all_text().await.unwrap();
    let reports: Vec<&String> = rows
        .iter()
        .filter(|(t, _)| t == "delivery_reports")
        .map(|(_, v)| v)
        .collect();
    assert!(reports.iter().any(|v| *v == "delivered"), "{reports:?}");
    assert!(
        !reports.iter().any(|v| *v == "sent"),
        "moved back: {reports:?}"
    );
    assert!(reports.iter().any(|v| *v == "failed"), "{reports:?}");
    assert!(
        reports.iter().any(|v| *v == "69"),
        "SMPP error code: {reports:?}"
    );
    assert!(
        !reports.iter().any(|v| *v == "43"),
        "refused report stored: {reports:?}"
    );
}
