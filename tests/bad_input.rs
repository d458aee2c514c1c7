//! Bad input, table-driven, over every HTTP endpoint the routers mount
//! (the list is checked against the `.route(…)` calls in `src/http`, so a
//! new route without a row here fails): oversize bodies (refused with 413
//! before anything is parsed), invalid UTF-8, wrong content types, missing
//! and duplicated fields, huge numbers and path traversal in ids. Every
//! request is authenticated where the endpoint wants it (signed webhooks, the
//! admin token, an organiser session with its CSRF token), so the bad input
//! reaches the parsers behind the guards. Each must get a 4xx: never a 5xx,
//! never a panic.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ed25519_dalek::{Signer, SigningKey};
use gather::channels::twilio::signature;
use gather::config::Config;
use gather::domain::{Channel, Identity, PhoneNumber};
use gather::engine::Content;
use gather::http::Webhooks;
use gather::http::discord::DiscordWebhookConfig;
use gather::http::kannel::KannelWebhookConfig;
use gather::http::twilio::TwilioWebhookConfig;
use gather::service::{Gather, InboundMessage};
use http_body_util::BodyExt;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const ADMIN: &str = "admin-token-for-bad-input-0123456789";
const TWILIO: &str = "twilio-token-for-bad-input-0123";
const KANNEL: &str = "kannel-secret-bad-input";
const PUBLIC: &str = "https://gather.example.org";
/// Discord's signed timestamp: now, in Unix seconds (Gather refuses one more
/// than five minutes away from its clock).
fn discord_ts() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

fn discord_key() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32])
}

struct App {
    router: axum::Router,
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
    let public_hex: String = discord_key()
        .verifying_key()
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let webhooks = Webhooks {
        twilio: Some(TwilioWebhookConfig {
            auth_token: TWILIO.into(),
            public_url: PUBLIC.into(),
            skip_signature: false,
            numbers: vec![],
        }),
        kannel: Some(KannelWebhookConfig {
            secret: KANNEL.into(),
        }),
        admin_token: Some(Arc::new(ADMIN.to_string())),
        discord: DiscordWebhookConfig::new(&public_hex, vec!["1".into()]),
        ..Default::default()
    };
    let router = gather::http::router_with(gather.clone(), webhooks);
    App {
        router,
        gather,
        _dir: dir,
    }
}

/// How a request authenticates.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Auth {
    None,
    /// Signed over whatever form parameters the raw body parses to.
    Twilio,
    /// `secret=` appended to the query.
    Kannel,
    /// Ed25519 over timestamp + raw body.
    Discord,
    Admin,
    /// The organiser session's cookie, and its CSRF token in the form. A
    /// refused form may also be answered 303 back to the page with the
    /// reason shown (post/redirect/get).
    Session,
}

/// What a case expects.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Exactly(u16),
    /// Any 4xx.
    ClientError,
}

/// One endpoint: method, a concrete path (ids filled in), the route
/// template it exercises, how it authenticates, and what its body is.
#[derive(Clone, Copy)]
struct Endpoint {
    method: &'static str,
    path: &'static str,
    route: &'static str,
    auth: Auth,
    body: BodyKind,
}

#[derive(Clone, Copy, PartialEq)]
enum BodyKind {
    /// The handler reads no body.
    None,
    Form,
    Json,
}

const fn ep(
    method: &'static str,
    path: &'static str,
    route: &'static str,
    auth: Auth,
    body: BodyKind,
) -> Endpoint {
    Endpoint {
        method,
        path,
        route,
        auth,
        body,
    }
}

/// Every endpoint, as mounted by `gather::http::router_with`.
fn endpoints() -> Vec<Endpoint> {
    use Auth as A;
    use BodyKind as B;
    vec![
        ep("GET", "/healthz", "/healthz", A::None, B::None),
        ep("GET", "/metrics", "/metrics", A::None, B::None),
        ep(
            "POST",
            "/webhooks/twilio/sms",
            "/webhooks/twilio/sms",
            A::Twilio,
            B::Form,
        ),
        ep(
            "POST",
            "/webhooks/twilio/status",
            "/webhooks/twilio/status",
            A::Twilio,
            B::Form,
        ),
        ep(
            "GET",
            "/webhooks/kannel/sms",
            "/webhooks/kannel/sms",
            A::Kannel,
            B::None,
        ),
        ep(
            "GET",
            "/webhooks/kannel/dlr",
            "/webhooks/kannel/dlr",
            A::Kannel,
            B::None,
        ),
        ep(
            "POST",
            "/webhooks/twilio/voice",
            "/webhooks/twilio/voice",
            A::Twilio,
            B::Form,
        ),
        ep(
            "POST",
            "/webhooks/twilio/voice/gather?seq=1",
            "/webhooks/twilio/voice/gather",
            A::Twilio,
            B::Form,
        ),
        ep(
            "POST",
            "/webhooks/twilio/voice/record?seq=1",
            "/webhooks/twilio/voice/record",
            A::Twilio,
            B::Form,
        ),
        ep(
            "POST",
            "/webhooks/twilio/voice/status",
            "/webhooks/twilio/voice/status",
            A::Twilio,
            B::Form,
        ),
        ep(
            "GET",
            "/audio/en-GB/welcome.wav",
            "/audio/{lang}/{file}",
            A::None,
            B::None,
        ),
        ep(
            "POST",
            "/webhooks/discord/interactions",
            "/webhooks/discord/interactions",
            A::Discord,
            B::Json,
        ),
        ep(
            "GET",
            "/open/issues.json",
            "/open/issues.json",
            A::None,
            B::None,
        ),
        ep(
            "GET",
            "/open/issues.csv",
            "/open/issues.csv",
            A::None,
            B::None,
        ),
        ep(
            "GET",
            "/open/rounds.json",
            "/open/rounds.json",
            A::None,
            B::None,
        ),
        ep(
            "GET",
            "/open/commitments.json",
            "/open/commitments.json",
            A::None,
            B::None,
        ),
        ep(
            "GET",
            "/open/commitments.csv",
            "/open/commitments.csv",
            A::None,
            B::None,
        ),
        ep(
            "GET",
            "/api/v1/openapi.json",
            "/api/v1/openapi.json",
            A::None,
            B::None,
        ),
        ep("GET", "/api/v1/issues", "/api/v1/issues", A::Admin, B::None),
        ep(
            "POST",
            "/api/v1/issues/G-1001/approve",
            "/api/v1/issues/{ref}/approve",
            A::Admin,
            B::None,
        ),
        ep(
            "POST",
            "/api/v1/issues/G-1001/hide",
            "/api/v1/issues/{ref}/hide",
            A::Admin,
            B::Json,
        ),
        ep(
            "POST",
            "/api/v1/issues/G-1001/titles",
            "/api/v1/issues/{ref}/titles",
            A::Admin,
            B::Json,
        ),
        // A CSV sheet: any other content type is 415; a sheet without
        // the columns, or with a wrong line, 422.
        ep(
            "POST",
            "/api/v1/titles",
            "/api/v1/titles",
            A::Admin,
            B::Json,
        ),
        ep(
            "POST",
            "/api/v1/rounds/1/titles",
            "/api/v1/rounds/{id}/titles",
            A::Admin,
            B::Json,
        ),
        ep(
            "POST",
            "/api/v1/issues/G-1001/merge",
            "/api/v1/issues/{ref}/merge",
            A::Admin,
            B::Json,
        ),
        ep(
            "POST",
            "/api/v1/issues/G-1001/responses",
            "/api/v1/issues/{ref}/responses",
            A::Admin,
            B::Json,
        ),
        ep("GET", "/api/v1/rounds", "/api/v1/rounds", A::Admin, B::None),
        ep(
            "POST",
            "/api/v1/rounds",
            "/api/v1/rounds",
            A::Admin,
            B::Json,
        ),
        ep(
            "POST",
            "/api/v1/rounds/1/open",
            "/api/v1/rounds/{id}/open",
            A::Admin,
            B::None,
        ),
        ep(
            "POST",
            "/api/v1/rounds/1/close",
            "/api/v1/rounds/{id}/close",
            A::Admin,
            B::None,
        ),
        ep(
            "GET",
            "/api/v1/rounds/1/results",
            "/api/v1/rounds/{id}/results",
            A::Admin,
            B::None,
        ),
        ep(
            "POST",
            "/api/v1/rounds/1/announce",
            "/api/v1/rounds/{id}/announce",
            A::Admin,
            B::Json,
        ),
        ep(
            "GET",
            "/api/v1/fanouts",
            "/api/v1/fanouts",
            A::Admin,
            B::None,
        ),
        ep(
            "GET",
            "/api/v1/fanouts/1",
            "/api/v1/fanouts/{id}",
            A::Admin,
            B::None,
        ),
        ep("GET", "/api/v1/reach", "/api/v1/reach", A::Admin, B::None),
        ep("GET", "/", "/", A::None, B::None),
        ep(
            "GET",
            "/static/gather.css",
            "/static/gather.css",
            A::None,
            B::None,
        ),
        ep(
            "GET",
            "/static/gather.js",
            "/static/gather.js",
            A::None,
            B::None,
        ),
        ep("GET", "/admin/login", "/admin/login", A::None, B::None),
        ep("POST", "/admin/login", "/admin/login", A::None, B::Form),
        ep(
            "POST",
            "/admin/logout",
            "/admin/logout",
            A::Session,
            B::Form,
        ),
        ep("GET", "/admin", "/admin", A::Session, B::None),
        ep(
            "POST",
            "/admin/issues/G-1001/approve",
            "/admin/issues/{ref}/approve",
            A::Session,
            B::Form,
        ),
        ep(
            "POST",
            "/admin/issues/G-1001/hide",
            "/admin/issues/{ref}/hide",
            A::Session,
            B::Form,
        ),
        ep(
            "POST",
            "/admin/issues/G-1001/title",
            "/admin/issues/{ref}/title",
            A::Session,
            B::Form,
        ),
        ep(
            "POST",
            "/admin/issues/G-1001/titles",
            "/admin/issues/{ref}/titles",
            A::Session,
            B::Form,
        ),
        ep(
            "GET",
            "/admin/issues/G-1001/merge",
            "/admin/issues/{ref}/merge",
            A::Session,
            B::None,
        ),
        ep(
            "POST",
            "/admin/issues/G-1001/merge",
            "/admin/issues/{ref}/merge",
            A::Session,
            B::Form,
        ),
        ep(
            "GET",
            "/admin/issues/G-1001/respond",
            "/admin/issues/{ref}/respond",
            A::Session,
            B::None,
        ),
        ep(
            "POST",
            "/admin/issues/G-1001/respond",
            "/admin/issues/{ref}/respond",
            A::Session,
            B::Form,
        ),
        ep("GET", "/admin/rounds", "/admin/rounds", A::Session, B::None),
        ep(
            "POST",
            "/admin/rounds",
            "/admin/rounds",
            A::Session,
            B::Form,
        ),
        ep(
            "GET",
            "/admin/rounds/1",
            "/admin/rounds/{id}",
            A::Session,
            B::None,
        ),
        ep(
            "POST",
            "/admin/rounds/1/open",
            "/admin/rounds/{id}/open",
            A::Session,
            B::Form,
        ),
        ep(
            "POST",
            "/admin/rounds/1/close",
            "/admin/rounds/{id}/close",
            A::Session,
            B::Form,
        ),
        ep(
            "POST",
            "/admin/rounds/1/announce",
            "/admin/rounds/{id}/announce",
            A::Session,
            B::Form,
        ),
        ep(
            "GET",
            "/admin/fanouts",
            "/admin/fanouts",
            A::Session,
            B::None,
        ),
        ep(
            "GET",
            "/admin/fanouts/1",
            "/admin/fanouts/{id}",
            A::Session,
            B::None,
        ),
        ep("GET", "/admin/reach", "/admin/reach", A::Session, B::None),
    ]
}

/// The route templates in `src/http/**/*.rs` (`.route("…"` and the string
/// literal on the line after a bare `.route(`).
fn mounted_routes() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices(".route(") {
                let rest = text[i + ".route(".len()..].trim_start();
                if let Some(lit) = rest.strip_prefix('"')
                    && let Some(end) = lit.find('"')
                {
                    found.insert(lit[..end].to_string());
                }
            }
        }
    }
    found
}

#[test]
fn the_table_covers_every_mounted_route() {
    let covered: BTreeSet<String> = endpoints().iter().map(|e| e.route.to_string()).collect();
    let missing: Vec<_> = mounted_routes().difference(&covered).cloned().collect();
    assert!(
        missing.is_empty(),
        "routes without bad-input cases in tests/bad_input.rs: {missing:?}"
    );
}

/// One request of the table.
struct Case {
    name: String,
    method: &'static str,
    uri: String,
    auth: Auth,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    /// Send the body without a Content-Length (as if chunked).
    stream: bool,
    expect: Expect,
}

fn case(e: &Endpoint, name: &str, content_type: Option<&'static str>, body: Vec<u8>) -> Case {
    Case {
        name: format!("{} {}: {name}", e.method, e.path),
        method: e.method,
        uri: e.path.to_string(),
        auth: e.auth,
        content_type,
        body,
        stream: false,
        expect: Expect::ClientError,
    }
}

/// The form fields an endpoint needs, valid, so that a case can spoil one.
fn valid_form(e: &Endpoint) -> Vec<(&'static str, &'static str)> {
    match e.path {
        "/webhooks/twilio/sms" => vec![
            ("MessageSid", "SM00000000000000000000000000000001"),
            ("From", "+447700900111"),
            ("To", "+447700900000"),
            ("Body", "Hello"),
        ],
        "/webhooks/twilio/status" => vec![
            ("MessageSid", "SM00000000000000000000000000000002"),
            ("MessageStatus", "delivered"),
            ("To", "+447700900111"),
        ],
        p if p.starts_with("/webhooks/twilio/voice") => vec![
            ("CallSid", "CA00000000000000000000000000000001"),
            ("From", "+447700900111"),
        ],
        "/admin/login" => vec![("token", ADMIN)],
        p if p.ends_with("/title") => vec![("title", "A title")],
        p if p.ends_with("/merge") => vec![("into", "G-1002")],
        p if p.ends_with("/respond") => vec![
            ("status", "committed"),
            ("text_en-GB", "Yes"),
            ("action", "send"),
        ],
        p if p.ends_with("/hide") => vec![("reason", "spam")],
        "/admin/rounds" => vec![
            ("title", "Round"),
            ("items", "G-1001"),
            ("max_choices", "1"),
        ],
        _ => vec![],
    }
}

fn encode(pairs: &[(&str, &str)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter())
        .finish()
        .into_bytes()
}

/// The table: generic cases for every endpoint, then specific ones.
fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    let big = vec![b'a'; gather::http::BODY_LIMIT + 1];
    for e in endpoints() {
        // Oversize with a Content-Length: 413 before any handler runs.
        let mut c = case(
            &e,
            "oversize body",
            Some("application/x-www-form-urlencoded"),
            big.clone(),
        );
        c.expect = Expect::Exactly(413);
        all.push(c);
        // Query strings with invalid UTF-8 and huge numbers.
        if e.body == BodyKind::None && e.method == "GET" && e.auth != Auth::Kannel {
            let mut c = case(&e, "junk query", None, vec![]);
            c.uri = format!(
                "{}?status=%FF%FE&id=99999999999999999999999999&page=-1",
                e.path
            );
            c.expect = Expect::Exactly(0); // any answer but 5xx (the query is not read)
            all.push(c);
        }
        match e.body {
            BodyKind::None => {}
            BodyKind::Form | BodyKind::Json => {
                // Oversize and chunked: the limit is enforced while reading.
                let mut c = case(&e, "oversize chunked body", Some(ct(e.body)), big.clone());
                c.stream = true;
                c.expect = Expect::Exactly(413);
                all.push(c);
                all.push(case(
                    &e,
                    "invalid UTF-8",
                    Some(ct(e.body)),
                    b"\xff\xfe\x00=\xc3\x28&\x80".to_vec(),
                ));
                all.push(case(
                    &e,
                    "wrong content type",
                    Some("text/plain"),
                    b"hello".to_vec(),
                ));
                let mut c = case(&e, "no content type", None, b"{}".to_vec());
                if e.auth == Auth::Discord {
                    // The signature covers the body; the type is not checked.
                    c.expect = Expect::Exactly(0);
                }
                all.push(c);
                all.push(case(&e, "empty body", Some(ct(e.body)), vec![]));
            }
        }
        if e.body == BodyKind::Form {
            let valid = valid_form(&e);
            for (i, (missing, _)) in valid.iter().enumerate() {
                // Optional by design: an MMS has no Body, a status
                // callback's To is only used to opt someone out, and a
                // response form without `action=send` is a preview.
                if (matches!(*missing, "Body" | "To") && e.auth == Auth::Twilio)
                    || *missing == "action"
                {
                    continue;
                }
                let mut pairs = valid.clone();
                pairs.remove(i);
                all.push(case(
                    &e,
                    &format!("missing `{missing}`"),
                    Some(ct(e.body)),
                    encode(&pairs),
                ));
            }
            for (field, _) in valid.iter().filter(|(f, _)| *f != "action") {
                let mut pairs = valid.clone();
                pairs.push((field, "+447700900999"));
                all.push(case(
                    &e,
                    &format!("`{field}` twice"),
                    Some(ct(e.body)),
                    encode(&pairs),
                ));
            }
        }
        if e.body == BodyKind::Json {
            all.push(case(
                &e,
                "not JSON",
                Some("application/json"),
                b"{\"title\": ".to_vec(),
            ));
            all.push(case(
                &e,
                "JSON array",
                Some("application/json"),
                b"[1,2,3]".to_vec(),
            ));
            all.push(case(
                &e,
                "duplicated and huge fields",
                Some("application/json"),
                br#"{"title":"a","title":"b","max_choices":99999999999999999999999,"items":["G-1001"],"reason":1e400,"into":"G-99999999999999999999","status":"committed","text":{"en-GB":"x"},"progress":1e309,"type":99999999999999999999}"#.to_vec(),
            ));
        }
        // Ids: path traversal, huge numbers, junk, invalid UTF-8.
        if e.route.contains("{ref}") || e.route.contains("{id}") {
            let placeholder = if e.route.contains("{ref}") {
                "G-1001"
            } else {
                "/1/"
            };
            for bad in [
                "..%2F..%2Fetc",
                "..%2F..%2Fetc%2Fpasswd",
                "%2E%2E",
                "G-99999999999999999999999",
                "99999999999999999999999",
                "-1",
                "0",
                "G-0",
                "%FF%FE",
                "%00",
                "1%20OR%201=1",
            ] {
                let uri = if placeholder == "G-1001" {
                    e.path.replacen("G-1001", bad, 1)
                } else {
                    e.path.replacen("/1/", &format!("/{bad}/"), 1).replacen(
                        "/1",
                        &format!("/{bad}"),
                        usize::from(!e.path.contains("/1/")),
                    )
                };
                let body = match e.body {
                    BodyKind::Form => encode(&valid_form(&e)),
                    BodyKind::Json => b"{}".to_vec(),
                    BodyKind::None => vec![],
                };
                let mut c = case(&e, &format!("id `{bad}`"), Some(ct(e.body)), body);
                c.uri = uri;
                all.push(c);
            }
        }
    }
    // Specific cases.
    let twilio_sms = ep(
        "POST",
        "/webhooks/twilio/sms",
        "",
        Auth::Twilio,
        BodyKind::Form,
    );
    for (name, pairs) in [
        (
            "From not a number",
            vec![
                ("MessageSid", "SM1"),
                ("From", "not-a-number"),
                ("To", "+447700900000"),
                ("Body", "x"),
            ],
        ),
        (
            "From huge",
            vec![
                ("MessageSid", "SM1"),
                ("From", "+9999999999999999999999999999999"),
                ("To", "+447700900000"),
                ("Body", "x"),
            ],
        ),
        (
            "sid too long",
            vec![
                ("MessageSid", &"S".repeat(65)),
                ("From", "+447700900111"),
                ("To", "+447700900000"),
                ("Body", "x"),
            ],
        ),
    ] {
        all.push(case(
            &twilio_sms,
            name,
            Some("application/x-www-form-urlencoded"),
            encode(&pairs),
        ));
    }
    let twilio_status = ep(
        "POST",
        "/webhooks/twilio/status",
        "",
        Auth::Twilio,
        BodyKind::Form,
    );
    for (name, pairs) in [
        (
            "unknown status",
            vec![("MessageSid", "SM2"), ("MessageStatus", "exploded")],
        ),
        (
            "ErrorCode huge",
            vec![
                ("MessageSid", "SM2"),
                ("MessageStatus", "failed"),
                ("ErrorCode", "99999999999999999999999"),
            ],
        ),
        (
            "ErrorCode not a number",
            vec![
                ("MessageSid", "SM2"),
                ("MessageStatus", "failed"),
                ("ErrorCode", "1e3"),
            ],
        ),
        (
            "sid traversal",
            vec![("MessageSid", "../../etc"), ("MessageStatus", "sent")],
        ),
        (
            "To junk",
            vec![
                ("MessageSid", "SM2"),
                ("MessageStatus", "sent"),
                ("To", "../x"),
            ],
        ),
    ] {
        all.push(case(
            &twilio_status,
            name,
            Some("application/x-www-form-urlencoded"),
            encode(&pairs),
        ));
    }
    for (path, name, query) in [
        ("/webhooks/kannel/sms", "empty query", ""),
        (
            "/webhooks/kannel/sms",
            "bad percent",
            "id=1&from=%2B447700900111&text=%G1",
        ),
        ("/webhooks/kannel/sms", "missing from", "id=1&text=hi"),
        (
            "/webhooks/kannel/sms",
            "missing id",
            "from=%2B447700900111&text=hi",
        ),
        (
            "/webhooks/kannel/sms",
            "from twice",
            "id=1&from=%2B447700900111&from=%2B447700900222&text=hi",
        ),
        (
            "/webhooks/kannel/sms",
            "odd UCS-2",
            "id=1&from=%2B447700900111&text=%00A%00&coding=2",
        ),
        (
            "/webhooks/kannel/sms",
            "huge coding",
            "id=1&from=%2B447700900111&text=hi&coding=99999999999999999999",
        ),
        (
            "/webhooks/kannel/sms",
            "alphanumeric from",
            "id=1&from=BANK&text=hi",
        ),
        (
            "/webhooks/kannel/sms",
            "invalid UTF-8 text",
            "id=1&from=%2B447700900111&text=%FF%FE",
        ),
        ("/webhooks/kannel/dlr", "empty query", ""),
        (
            "/webhooks/kannel/dlr",
            "huge type",
            "id=1&status=99999999999999999999",
        ),
        ("/webhooks/kannel/dlr", "status bitmask", "id=1&status=3"),
        (
            "/webhooks/kannel/dlr",
            "id traversal",
            "id=..%2F..%2Fetc&status=1",
        ),
        (
            "/webhooks/kannel/dlr",
            "type twice",
            "id=1&status=1&status=2",
        ),
    ] {
        let e = ep("GET", path, "", Auth::Kannel, BodyKind::None);
        let mut c = case(&e, name, None, vec![]);
        c.uri = format!("{path}?{query}");
        if name == "invalid UTF-8 text" || name == "status bitmask" {
            // 3 is a bitmask of delivered and undelivered (the first wins).
            // Read as Windows-1252/Latin-1 or refused; either is fine.
            c.expect = Expect::Exactly(0);
        }
        all.push(c);
    }
    let discord = ep(
        "POST",
        "/webhooks/discord/interactions",
        "",
        Auth::Discord,
        BodyKind::Json,
    );
    for (name, body) in [
        ("type huge", r#"{"type":99999999999999999999,"id":"1"}"#),
        ("type string", r#"{"type":"2","id":"1"}"#),
        (
            "command without data",
            r#"{"type":2,"id":"1","user":{"id":"5"}}"#,
        ),
        (
            "button without custom_id",
            r#"{"type":3,"id":"1","user":{"id":"5"},"data":{}}"#,
        ),
        (
            "vote junk",
            r#"{"type":3,"id":"1","user":{"id":"5"},"data":{"custom_id":"vote:99999999999999999999:-1"}}"#,
        ),
        ("no user", r#"{"type":2,"id":"1","data":{"name":"raise"}}"#),
        (
            "user id object",
            r#"{"type":2,"id":"1","user":{"id":{"a":1}},"data":{"name":"help"}}"#,
        ),
    ] {
        let mut c = case(
            &discord,
            name,
            Some("application/json"),
            body.as_bytes().to_vec(),
        );
        // Discord must see a 200 for a signed interaction it sent, so a
        // malformed one may get a polite ephemeral answer; never a 5xx.
        c.expect = Expect::Exactly(0);
        all.push(c);
    }
    // An unsigned or wrongly signed webhook is a 4xx whatever it holds.
    for (path, auth) in [
        ("/webhooks/twilio/sms", Auth::None),
        ("/webhooks/discord/interactions", Auth::None),
    ] {
        let e = ep("POST", path, "", auth, BodyKind::Form);
        all.push(case(
            &e,
            "unsigned",
            Some("application/x-www-form-urlencoded"),
            b"From=%2B447700900111".to_vec(),
        ));
    }
    // Paths that do not exist, traversal included.
    for path in [
        "/audio/../x",
        "/audio/en-GB/..%2F..%2F..%2FCargo.toml",
        "/audio/..%2F..%2Fetc/passwd.wav",
        "/audio/en-GB/%2E%2E.wav",
        "/audio/en-GB/..%2Fpl%2Fhelp.wav",
        "/audio/EN-gb/help.wav",
        "/audio/en-GB/help.wav%00.txt",
        "/audio/en-GB/help",
        "/audio/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2FCargo.toml",
        "/static/../Cargo.toml",
        "/open/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/issues/..%2F..%2Fetc/approve",
    ] {
        let e = ep("GET", "/", "", Auth::None, BodyKind::None);
        let mut c = case(&e, "nonexistent path", None, vec![]);
        c.uri = path.to_string();
        c.name = format!("GET {path}");
        all.push(c);
    }
    // Voice callbacks carry their step in the (signed) query.
    for query in [
        "seq=99999999999999999999",
        "seq=-1",
        "seq=1&mode=..%2F..%2Fetc",
        "seq=1&silent=99999999999",
        "seq=%FF",
        "",
    ] {
        let e = ep(
            "POST",
            "/webhooks/twilio/voice/gather",
            "",
            Auth::Twilio,
            BodyKind::Form,
        );
        let mut c = case(
            &e,
            &format!("query `{query}`"),
            Some("application/x-www-form-urlencoded"),
            encode(&[
                ("CallSid", "CA01"),
                ("From", "+447700900111"),
                ("Digits", "1"),
            ]),
        );
        c.uri = format!("/webhooks/twilio/voice/gather?{query}");
        all.push(c);
    }
    all
}

fn ct(b: BodyKind) -> &'static str {
    match b {
        BodyKind::Json => "application/json",
        _ => "application/x-www-form-urlencoded",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Logs in and returns the session cookie and its CSRF token.
async fn login(app: &App) -> (String, String) {
    let req = Request::post("/admin/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(encode(&[("token", ADMIN)])))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let cookie = resp.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let req = Request::get("/admin")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let page = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let at = page.find("name=\"csrf\"").expect("a CSRF field");
    let value = &page[at..];
    let start = value.find("value=\"").unwrap() + 7;
    let end = value[start..].find('"').unwrap();
    (cookie, value[start..start + end].to_string())
}

async fn send(app: &App, c: &Case, session: &(String, String)) -> StatusCode {
    let mut uri = c.uri.clone();
    let mut body = c.body.clone();
    let mut req = Request::builder().method(c.method);
    if let Some(ct) = c.content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    match c.auth {
        Auth::None => {}
        Auth::Twilio => {
            let params: Vec<(String, String)> = form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            req = req.header(
                "x-twilio-signature",
                signature(TWILIO, &format!("{PUBLIC}{uri}"), &params),
            );
        }
        Auth::Kannel => {
            let sep = if uri.contains('?') { '&' } else { '?' };
            uri = format!("{uri}{sep}secret={KANNEL}");
        }
        Auth::Discord => {
            let ts = discord_ts();
            let mut msg = ts.as_bytes().to_vec();
            msg.extend_from_slice(&body);
            req = req.header("x-signature-timestamp", &ts).header(
                "x-signature-ed25519",
                hex(&discord_key().sign(&msg).to_bytes()),
            );
        }
        Auth::Admin => req = req.header(header::AUTHORIZATION, format!("Bearer {ADMIN}")),
        Auth::Session => {
            req = req.header(header::COOKIE, &session.0);
            // The CSRF token rides along, so the bad part is what is tested
            // (except in cases where the body is not a form at all).
            if c.content_type == Some("application/x-www-form-urlencoded")
                && !body.is_empty()
                && body.len() <= gather::http::BODY_LIMIT
                && std::str::from_utf8(&body).is_ok()
            {
                body.extend_from_slice(format!("&csrf={}", session.1).as_bytes());
            }
        }
    }
    let mut req = req.uri(uri);
    if !c.stream && !body.is_empty() {
        // What hyper passes on from the wire; without it (the "chunked"
        // cases) the limit is enforced while the body is read.
        req = req.header(header::CONTENT_LENGTH, body.len());
    }
    let req = req.body(Body::from(body)).unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    resp.status()
}

#[tokio::test]
async fn every_endpoint_answers_bad_input_with_a_4xx() {
    let app = spawn().await;
    // Something for the ids to point at: two issues, a round.
    for (from, words) in [
        (
            "+447700900201",
            "The wait for a GP appointment is far too long",
        ),
        (
            "+447700900202",
            "The bus to the hospital stopped running on Sundays",
        ),
    ] {
        for text in [words, "0", "0", "YES", "YES"] {
            app.gather
                .handle_inbound(InboundMessage {
                    identity: Identity::phone(&PhoneNumber::parse(from).unwrap()),
                    channel: Channel::Sms,
                    content: Content::Text(text.into()),
                    provider_id: None,
                    language_hint: None,
                })
                .await
                .unwrap();
        }
    }
    let session = login(&app).await;
    let cases = cases();
    let mut failures = Vec::new();
    for c in &cases {
        let status = send(&app, c, &session).await;
        // The organiser pages answer a refused form by sending the
        // organiser back with the reason shown (post/redirect/get).
        let redirected = c.auth == Auth::Session && status == StatusCode::SEE_OTHER;
        let ok = redirected
            || match c.expect {
                Expect::Exactly(0) => !status.is_server_error(),
                Expect::Exactly(n) => status.as_u16() == n,
                Expect::ClientError => status.is_client_error(),
            };
        if !ok {
            failures.push(format!("{}: got {status}, expected {:?}", c.name, c.expect));
        }
    }
    println!("bad inputs tried: {}", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs were not refused properly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every route runs under `gather::http::guard`: a request that never
/// finishes is answered 503 with `Retry-After` after
/// `gather::http::REQUEST_TIMEOUT` (virtual time: nothing waits for real).
#[tokio::test(start_paused = true)]
async fn a_request_that_never_finishes_times_out_with_503() {
    let router = axum::Router::new()
        .route(
            "/slow",
            axum::routing::get(std::future::pending::<&'static str>),
        )
        .layer(axum::middleware::from_fn(gather::http::guard));
    let started = tokio::time::Instant::now();
    let resp = router
        .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(resp.headers().contains_key(header::RETRY_AFTER));
    assert_eq!(started.elapsed(), gather::http::REQUEST_TIMEOUT);
}
