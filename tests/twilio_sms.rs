//! Twilio SMS webhooks, table-driven in the style of RapidPro courier's
//! handler tests: each case is a request and the status and body expected,
//! and a refused request must leave no trace in the database.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gather::channels::twilio::signature;
use gather::config::Config;
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use gather::service::Gather;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::path::Path;
use tower::ServiceExt;

const TOKEN: &str = "test-auth-token-0123456789";
const PUBLIC: &str = "https://gather.example.org";
const PATH: &str = "/webhooks/twilio/sms";
const OUR_NUMBER: &str = "+447700900000";

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
            numbers: vec![OUR_NUMBER.into()],
        }),
        ..Default::default()
    }
}

fn form(params: &[(&str, &str)]) -> (Vec<(String, String)>, String) {
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(owned.iter())
        .finish();
    (owned, body)
}

fn sms(sid: &str, from: &str, body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("MessageSid", sid.to_string()),
        ("AccountSid", "AC0000".to_string()),
        ("From", from.to_string()),
        ("To", OUR_NUMBER.to_string()),
        ("Body", body.to_string()),
        ("NumSegments", "1".to_string()),
    ]
}

enum Sign {
    Right,
    None,
    /// Signed for another URL.
    Url(&'static str),
    /// Signed, then the body was changed.
    Altered,
}

async fn post(
    app: &App,
    params: &[(&str, String)],
    sign: Sign,
    content_type: &str,
) -> (StatusCode, String) {
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (owned, mut body) = form(&pairs);
    let mut req = Request::builder()
        .method("POST")
        .uri(PATH)
        .header("content-type", content_type);
    match sign {
        Sign::Right => {
            req = req.header(
                "x-twilio-signature",
                signature(TOKEN, &format!("{PUBLIC}{PATH}"), &owned),
            )
        }
        Sign::None => {}
        Sign::Url(url) => req = req.header("x-twilio-signature", signature(TOKEN, url, &owned)),
        Sign::Altered => {
            req = req.header(
                "x-twilio-signature",
                signature(TOKEN, &format!("{PUBLIC}{PATH}"), &owned),
            );
            body = body.replace("Body=", "Body=VOTE+1+");
        }
    }
    let resp = gather::http::router_with(app.gather.clone(), webhooks())
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn stored_anything_about(app: &App, needle: &str) -> bool {
    app.gather
        .store
        .dump_all_text()
        .await
        .unwrap()
        .iter()
        .any(|(_, v)| v.contains(needle))
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn table_of_requests() {
    struct Case {
        name: &'static str,
        params: Vec<(&'static str, String)>,
        sign: Sign,
        content_type: &'static str,
        status: StatusCode,
        body_contains: &'static str,
        /// Must the sender leave a trace in the database?
        stored: bool,
    }
    let long = "word ".repeat(320);
    let cases = vec![
        Case {
            name: "valid",
            params: sms("SM01", "+447700900101", "Hello"),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::OK,
            body_contains: "<Message>Welcome to Gather.",
            stored: true,
        },
        Case {
            name: "content type with charset",
            params: sms("SM02", "+447700900102", "Hello"),
            sign: Sign::Right,
            content_type: "application/x-www-form-urlencoded; charset=utf-8",
            status: StatusCode::OK,
            body_contains: "<Response><Message>",
            stored: true,
        },
        Case {
            name: "missing signature",
            params: sms("SM03", "+447700900103", "Hello"),
            sign: Sign::None,
            content_type: FORM,
            status: StatusCode::FORBIDDEN,
            body_contains: "missing X-Twilio-Signature",
            stored: false,
        },
        Case {
            name: "altered body",
            params: sms("SM04", "+447700900104", "Hello"),
            sign: Sign::Altered,
            content_type: FORM,
            status: StatusCode::FORBIDDEN,
            body_contains: "invalid X-Twilio-Signature",
            stored: false,
        },
        Case {
            name: "signed for another URL",
            params: sms("SM05", "+447700900105", "Hello"),
            sign: Sign::Url("https://gather.example.org/webhooks/twilio/other"),
            content_type: FORM,
            status: StatusCode::FORBIDDEN,
            body_contains: "invalid",
            stored: false,
        },
        Case {
            name: "signed with the default port",
            params: sms("SM06", "+447700900106", "Hello"),
            sign: Sign::Url("https://gather.example.org:443/webhooks/twilio/sms"),
            content_type: FORM,
            status: StatusCode::OK,
            body_contains: "<Message>",
            stored: true,
        },
        Case {
            name: "not a form",
            params: sms("SM07", "+447700900107", "Hello"),
            sign: Sign::Right,
            content_type: "application/json",
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            body_contains: "application/x-www-form-urlencoded",
            stored: false,
        },
        Case {
            name: "missing From",
            params: sms("SM08", "", "Hello"),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::BAD_REQUEST,
            body_contains: "missing field `From`",
            stored: false,
        },
        Case {
            name: "From is not a phone number",
            params: sms("SM09", "not-a-number", "Hello"),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::BAD_REQUEST,
            body_contains: "not a phone number",
            stored: false,
        },
        Case {
            name: "unknown To number",
            params: {
                let mut p = sms("SM10", "+447700900110", "Hello");
                p[3].1 = "+447700900999".into();
                p
            },
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::BAD_REQUEST,
            body_contains: "To number",
            stored: false,
        },
        Case {
            name: "missing MessageSid",
            params: sms("", "+447700900111", "Hello"),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::BAD_REQUEST,
            body_contains: "SmsSid",
            stored: false,
        },
        Case {
            name: "1,600-character body",
            params: sms("SM12", "+447700900112", &long[..1600]),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::OK,
            body_contains: "a few sentences is enough",
            stored: true,
        },
        Case {
            name: "emoji",
            params: sms("SM13", "+447700900113", "👋🏽🙂"),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::OK,
            body_contains: "What would you like to do?",
            stored: true,
        },
        Case {
            name: "empty body",
            params: sms("SM14", "+447700900114", ""),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::OK,
            body_contains: "What would you like to do?",
            stored: true,
        },
        Case {
            name: "XML in the body is escaped in the reply",
            params: sms("SM15", "+447700900115", "LANGUAGE <script>"),
            sign: Sign::Right,
            content_type: FORM,
            status: StatusCode::OK,
            body_contains: "<Message>",
            stored: true,
        },
    ];
    let app = spawn().await;
    for case in cases {
        let from = case
            .params
            .iter()
            .find(|(k, _)| *k == "From")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let (status, body) = post(&app, &case.params, case.sign, case.content_type).await;
        assert_eq!(status, case.status, "{}: {body}", case.name);
        assert!(body.contains(case.body_contains), "{}: {body}", case.name);
        if !from.is_empty() && from.starts_with('+') {
            assert_eq!(
                stored_anything_about(&app, &from).await,
                case.stored,
                "{}: stored?",
                case.name
            );
        }
        if status == StatusCode::OK {
            assert!(
                !body.contains("<script>"),
                "{}: unescaped: {body}",
                case.name
            );
        }
    }
}

#[tokio::test]
async fn a_retried_webhook_gets_the_same_reply_and_acts_once() {
    let app = spawn().await;
    let from = "+447700900201";
    // Raise an issue up to the confirmation.
    for (i, text) in [
        "1",
        "The wait for the eye clinic is now eight months",
        "0",
        "0",
    ]
    .iter()
    .enumerate()
    {
        let (status, _) = post(
            &app,
            &sms(&format!("SMa{i}"), from, text),
            Sign::Right,
            FORM,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let confirm = sms("SMconfirm", from, "YES");
    let (s1, first) = post(&app, &confirm, Sign::Right, FORM).await;
    let (s2, second) = post(&app, &confirm, Sign::Right, FORM).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert!(first.contains("G-1001"), "{first}");
    assert_eq!(first, second, "a retry must get the same reply");
    let issues = app.gather.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1, "the retry must not raise a second issue");
    // The conversation moved on once: the next answer is to "follow it?".
    let (_, next) = post(&app, &sms("SMnext", from, "YES"), Sign::Right, FORM).await;
    assert!(next.contains("You will get updates about G-1001"), "{next}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_parsing() {
    let app = spawn().await;
    let huge = "x".repeat(gather::http::BODY_LIMIT + 10);
    let (status, _) = post(
        &app,
        &sms("SMhuge", "+447700900301", &huge),
        Sign::Right,
        FORM,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!stored_anything_about(&app, "+447700900301").await);
}

#[tokio::test]
async fn a_field_given_twice_with_different_values_is_refused() {
    let app = spawn().await;
    let mut params = sms("SMdup", "+447700900401", "Hello");
    params.push(("From", "+447700900402".into()));
    let (status, body) = post(&app, &params, Sign::Right, FORM).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("given twice"), "{body}");
}
