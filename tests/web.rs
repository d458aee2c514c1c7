//! The organiser pages and the public page, through the real router and a
//! real (SQLite) database, with a clock the tests move: login, sessions
//! that expire, CSRF, double submits, escaping, languages.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gather::clock::ManualClock;
use gather::config::{Config, PublicContact};
use gather::domain::{Channel, Identity, PhoneNumber, Timestamp};
use gather::engine::Content;
use gather::http::Webhooks;
use gather::http::web::WebConfig;
use gather::service::{Gather, InboundMessage};
use gather::store::IssueStatus;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "organiser-token-for-tests-0123456789";
/// Monday 5 January 2026, 10:00 UTC.
const START: i64 = 1_767_607_200_000;

struct App {
    gather: Gather,
    clock: Arc<ManualClock>,
    router: Router,
    _dir: tempfile::TempDir,
}

struct Resp {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Resp {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// The value of the first hidden field `name` on the page.
    fn field(&self, name: &str) -> String {
        let needle = format!(r#"name="{name}" value=""#);
        let start = self
            .body
            .find(&needle)
            .unwrap_or_else(|| panic!("no field {name} in:\n{}", self.body))
            + needle.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_string()
    }
}

async fn spawn_with(web: WebConfig) -> App {
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
    let built = gather::app::build(&config).await.unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp(START)));
    let gather = Gather::new(built.store.clone(), built.engine.clone(), clock.clone());
    let webhooks = Webhooks {
        admin_token: Some(Arc::new(TOKEN.to_string())),
        web,
        ..Default::default()
    };
    // One router for the whole test: the sessions live in it.
    let router = gather::http::router_with(gather.clone(), webhooks);
    App {
        gather,
        clock,
        router,
        _dir: dir,
    }
}

async fn spawn() -> App {
    spawn_with(WebConfig {
        secure_cookies: false,
        contact: PublicContact {
            sms_number: Some("+44 7700 900123".into()),
            phone_number: Some("+44 20 7946 0000".into()),
            discord_url: Some("https://discord.gg/example".into()),
            matrix_url: Some("https://matrix.to/#/#gather:example.org".into()),
        },
        timezone: "Europe/London".into(),
    })
    .await
}

async fn send(
    app: &App,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    form: Option<&[(&str, &str)]>,
    headers: &[(&str, &str)],
) -> Resp {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = match form {
        Some(pairs) => {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs.iter())
                .finish();
            req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
        }
        None => req.body(Body::empty()),
    }
    .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &App, uri: &str, cookie: Option<&str>) -> Resp {
    send(app, "GET", uri, cookie, None, &[]).await
}

async fn post(app: &App, uri: &str, cookie: &str, form: &[(&str, &str)]) -> Resp {
    send(app, "POST", uri, Some(cookie), Some(form), &[]).await
}

/// Logs in; returns the cookie to send and the session's CSRF token.
async fn login(app: &App) -> (String, String) {
    let r = send(
        app,
        "POST",
        "/admin/login",
        None,
        Some(&[("token", TOKEN)]),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let set = r.header(header::SET_COOKIE).to_string();
    let cookie = set.split(';').next().unwrap().to_string();
    let page = get(app, "/admin", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (cookie, page.field("csrf"))
}

async fn say(app: &App, from: &str, text: &str) -> String {
    app.gather
        .handle_inbound(InboundMessage {
            identity: Identity::phone(&PhoneNumber::parse(from).unwrap()),
            channel: Channel::Sms,
            content: Content::Text(text.into()),
            provider_id: None,
            language_hint: None,
        })
        .await
        .unwrap()
        .messages
        .join("\n")
}

async fn raise(app: &App, from: &str, description: &str) {
    for t in [description, "0", "0", "YES", "YES"] {
        say(app, from, t).await;
    }
}

async fn status_of(app: &App, r: &str) -> IssueStatus {
    app.gather
        .list_issues(None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.issue_ref.to_string() == r)
        .unwrap()
        .status
}

#[tokio::test]
async fn login_wrong_token_is_a_401_page_and_the_right_one_a_strict_cookie() {
    let app = spawn().await;
    // No session: the organiser pages send you to log in.
    let r = get(&app, "/admin", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/admin/login");
    let r = get(&app, "/admin/login", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"<label for="token">"#), "{}", r.body);

    let r = send(
        &app,
        "POST",
        "/admin/login",
        None,
        Some(&[("token", "not-the-token-not-the-token")]),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    assert!(r.body.contains("That token is not right"), "{}", r.body);
    assert!(r.headers.get(header::SET_COOKIE).is_none());
    assert!(
        !r.body.contains("not-the-token"),
        "the attempt is not echoed"
    );
    let r = send(&app, "POST", "/admin/login", None, Some(&[]), &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let r = send(
        &app,
        "POST",
        "/admin/login",
        None,
        Some(&[("token", TOKEN)]),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/admin");
    let cookie = r.header(header::SET_COOKIE);
    assert!(cookie.starts_with("gather_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let id = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("gather_session=");
    assert_eq!(id.len(), 64, "256 random bits, hex");

    // Behind https the cookie is Secure.
    let secure = spawn_with(WebConfig {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let r = send(
        &secure,
        "POST",
        "/admin/login",
        None,
        Some(&[("token", TOKEN)]),
        &[],
    )
    .await;
    assert!(r.header(header::SET_COOKIE).contains("; Secure"));
    // The Secure flag follows GATHER_PUBLIC_URL.
    let env: BTreeMap<String, String> = [
        ("GATHER_PUBLIC_URL", "https://gather.example.org"),
        ("GATHER_PUBLIC_SMS_NUMBER", "60060"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let c = Config::from_sources(None, &env).unwrap();
    let web = WebConfig::from_config(&c);
    assert!(web.secure_cookies);
    assert_eq!(web.contact.sms_number.as_deref(), Some("60060"));
}

#[tokio::test]
async fn pages_are_off_without_a_token_and_logout_ends_the_session() {
    let app = spawn().await;
    let (cookie, csrf) = login(&app).await;
    let r = post(&app, "/admin/logout", &cookie, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.header(header::SET_COOKIE).contains("Max-Age=0"));
    let r = get(&app, "/admin", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/admin/login"));

    let off = gather::http::router(app.gather.clone());
    let resp = off
        .oneshot(
            Request::builder()
                .uri("/admin/login")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_idle_session_expires_and_sends_you_to_log_in() {
    let app = spawn().await;
    let (cookie, _) = login(&app).await;
    // Used within 8 hours, it stays alive (the idle time restarts).
    for _ in 0..3 {
        app.clock.advance_secs(7 * 3600);
        let r = get(&app, "/admin", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    app.clock.advance_secs(8 * 3600 + 1);
    let r = get(&app, "/admin/rounds", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/admin/login?expired=1");
    let r = get(&app, r.location(), None).await;
    assert!(r.body.contains("Your session has ended"), "{}", r.body);
    // An expired session cannot post either.
    let r = post(&app, "/admin/issues/G-1001/approve", &cookie, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/admin/login?expired=1");
    // A made-up session id is no session.
    let r = get(&app, "/admin", Some("gather_session=0123abcd")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_forged_csrf_token_is_refused_with_403() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900501",
        "The walk-in centre closes far too early",
    )
    .await;
    let (cookie, csrf) = login(&app).await;
    let (other_cookie, other_csrf) = login(&app).await;
    assert_ne!(csrf, other_csrf, "each session has its own token");
    assert_ne!(cookie, other_cookie);
    let forged = "0".repeat(64);
    for form in [
        vec![("csrf", forged.as_str())],
        vec![],
        vec![("csrf", other_csrf.as_str())],
        vec![("csrf", "")],
    ] {
        let r = post(&app, "/admin/issues/G-1001/approve", &cookie, &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{form:?}");
        assert!(r.body.contains("did not come from your Gather session"));
    }
    // The token in the query string does not count; a JSON body is refused.
    let r = send(
        &app,
        "POST",
        &format!("/admin/issues/G-1001/approve?csrf={csrf}"),
        Some(&cookie),
        Some(&[]),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .method("POST")
                .uri("/admin/issues/G-1001/approve")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(r#"{{"csrf":"{csrf}"}}"#)))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(status_of(&app, "G-1001").await, IssueStatus::New);

    let r = post(
        &app,
        "/admin/issues/G-1001/approve",
        &cookie,
        &[("csrf", &csrf), ("back", "/admin?status=new")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/admin?status=new#G-1001");
    assert_eq!(status_of(&app, "G-1001").await, IssueStatus::Approved);
    // `back` never leaves the organiser pages.
    let r = post(
        &app,
        "/admin/issues/G-1001/approve",
        &cookie,
        &[("csrf", &csrf), ("back", "https://evil.example/")],
    )
    .await;
    assert_eq!(r.location(), "/admin#G-1001");
}

#[tokio::test]
async fn double_submitted_forms_act_once() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900601",
        "Hospital parking costs too much for visitors",
    )
    .await;
    raise(
        &app,
        "+447700900602",
        "Hospital car parks charge carers every single day",
    )
    .await;
    raise(
        &app,
        "+447700900603",
        "We need an evening GP surgery in our town",
    )
    .await;
    let (cookie, csrf) = login(&app).await;

    // Approving (and hiding) twice is the same as once.
    for _ in 0..2 {
        for r in ["G-1001", "G-1002", "G-1003"] {
            let resp = post(
                &app,
                &format!("/admin/issues/{r}/approve"),
                &cookie,
                &[("csrf", &csrf)],
            )
            .await;
            assert_eq!(resp.status, StatusCode::SEE_OTHER);
        }
    }
    assert_eq!(status_of(&app, "G-1003").await, IssueStatus::Approved);

    // Merging twice: the second finds it done.
    for _ in 0..2 {
        let r = post(
            &app,
            "/admin/issues/G-1002/merge",
            &cookie,
            &[("csrf", &csrf), ("into", "G-1001")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = get(&app, r.location(), Some(&cookie)).await;
        assert!(page.body.contains("G-1002"), "{}", page.body);
        assert!(!page.body.contains("flash error"), "{}", page.body);
    }
    assert_eq!(status_of(&app, "G-1002").await, IssueStatus::Merged);

    // A new round, submitted twice with one nonce: one round.
    let page = get(&app, "/admin/rounds", Some(&cookie)).await;
    let nonce = page.field("nonce");
    let form = [
        ("csrf", csrf.as_str()),
        ("nonce", nonce.as_str()),
        ("title", "Winter vote"),
        ("items", "G-1001"),
        ("items", "G-1003"),
        ("max_choices", "1"),
        ("closes_at", "2026-01-12T18:00"),
        ("action", "open"),
    ];
    let first = post(&app, "/admin/rounds", &cookie, &form).await;
    let second = post(&app, "/admin/rounds", &cookie, &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), second.location());
    let rounds = app.gather.rounds().await.unwrap();
    assert_eq!(rounds.len(), 1);
    let id = rounds[0].id;
    assert_eq!(
        rounds[0].closes_at,
        Some(Timestamp(1_768_240_800_000)),
        "18:00 in London in January is 18:00 UTC"
    );

    say(&app, "+447700900601", "VOTE 1").await;
    say(&app, "+447700900601", "YES").await;
    // Closing twice is closing once.
    for _ in 0..2 {
        let r = post(
            &app,
            &format!("/admin/rounds/{id}/close"),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }

    // Announcing twice with one nonce: one fan-out.
    let page = get(&app, &format!("/admin/rounds/{id}"), Some(&cookie)).await;
    assert!(page.body.contains("Results"), "{}", page.body);
    // What the announcement costs, before it goes: the one voter by phone.
    assert!(
        page.body
            .contains("about 1 SMS segment to 1 phone, 0 in chat (free)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("pl · 1 segment, GSM-7"), "{}", page.body);
    let nonce = page.field("nonce");
    let form = [
        ("csrf", csrf.as_str()),
        ("nonce", nonce.as_str()),
        ("audience", "voters"),
    ];
    let a = post(
        &app,
        &format!("/admin/rounds/{id}/announce"),
        &cookie,
        &form,
    )
    .await;
    let b = post(
        &app,
        &format!("/admin/rounds/{id}/announce"),
        &cookie,
        &form,
    )
    .await;
    assert!(
        a.location().starts_with("/admin/fanouts/"),
        "{}",
        a.location()
    );
    assert_eq!(a.location(), b.location());
    assert_eq!(app.gather.fanout_status(None).await.unwrap().len(), 1);

    // A Board response sent twice with one nonce: recorded once.
    let page = get(&app, "/admin/issues/G-1001/respond", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let nonce = page.field("nonce");
    let form = [
        ("csrf", csrf.as_str()),
        ("nonce", nonce.as_str()),
        ("status", "committed"),
        ("progress", ""),
        (
            "text_en-GB",
            "We will pay for parking for carers from April.",
        ),
        ("text_pl", ""),
        ("action", "send"),
    ];
    let a = post(&app, "/admin/issues/G-1001/respond", &cookie, &form).await;
    let b = post(&app, "/admin/issues/G-1001/respond", &cookie, &form).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), b.location());
    let responses = app.gather.store.reports().responses().await.unwrap();
    assert_eq!(responses.len(), 1);
    assert_eq!(app.gather.fanout_status(None).await.unwrap().len(), 2);
    let page = get(&app, a.location(), Some(&cookie)).await;
    assert!(page.body.contains("already sent"), "{}", page.body);
    // A nonce this session never issued does nothing.
    let forged = [
        ("csrf", csrf.as_str()),
        ("nonce", "made-up"),
        ("status", "done"),
        ("text_en-GB", "Done."),
        ("action", "send"),
    ];
    let r = post(&app, "/admin/issues/G-1001/respond", &cookie, &forged).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.gather.store.reports().responses().await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_response_with_errors_keeps_what_was_typed_and_previews_each_language() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900611",
        "There is no interpreter at my GP surgery",
    )
    .await;
    let (cookie, csrf) = login(&app).await;
    post(
        &app,
        "/admin/issues/G-1001/approve",
        &cookie,
        &[("csrf", &csrf)],
    )
    .await;
    let page = get(&app, "/admin/issues/G-1001/respond", Some(&cookie)).await;
    let nonce = page.field("nonce");
    // Every textarea has a label and a language.
    for tag in ["en-GB", "pl", "ar", "ur", "bn"] {
        assert!(
            page.body.contains(&format!(r#"<label for="text-{tag}">"#)),
            "{tag}"
        );
        assert!(
            page.body.contains(&format!(
                r#"id="text-{tag}" name="text_{tag}" lang="{tag}""#
            )),
            "{tag}"
        );
    }
    assert!(page.body.contains(r#"name="text_ar" lang="ar" dir="rtl""#));

    // Preview: a message per language, missing translations marked.
    let preview = post(
        &app,
        "/admin/issues/G-1001/respond",
        &cookie,
        &[
            ("csrf", &csrf),
            ("nonce", &nonce),
            ("status", "in_progress"),
            ("progress", "40"),
            ("text_en-GB", "Interpreters are being booked."),
            ("text_pl", "Rezerwujemy tłumaczy."),
            ("action", "preview"),
        ],
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK);
    let b = &preview.body;
    assert!(
        b.contains("Work is in progress (40%). Interpreters are being booked."),
        "{b}"
    );
    assert!(b.contains("Rezerwujemy tłumaczy."), "{b}");
    assert!(
        b.contains("Interpreters are being booked. (الترجمة قريبا.)"),
        "the English text with the note in Arabic: {b}"
    );
    assert!(b.contains("no translation yet"), "{b}");
    // By SMS, the short notice; what it costs before it is sent (one
    // person, the raiser, reached by phone: one segment).
    assert!(
        b.contains("News on G-1001: work is in progress. Send UPDATES to read it."),
        "{b}"
    );
    assert!(
        b.contains("Estimated cost: <strong>1 SMS segment</strong> to 1 phone, and 0 people in chat (free)."),
        "{b}"
    );
    // Each text's own cost, kept live by the script as it is typed.
    assert!(b.contains(r#"data-cost-of="text-pl""#), "{b}");
    assert!(
        b.contains(r#"<pre class="sms" lang="ur" dir="rtl">"#),
        "{b}"
    );
    assert!(b.contains("UCS-2"), "segment counts shown: {b}");
    assert!(
        b.contains(">Interpreters are being booked.</textarea>"),
        "kept: {b}"
    );
    assert!(
        app.gather
            .store
            .reports()
            .responses()
            .await
            .unwrap()
            .is_empty()
    );

    // Sending without the default language is an error on the same page,
    // with the text kept; the nonce can then be used.
    let r = post(
        &app,
        "/admin/issues/G-1001/respond",
        &cookie,
        &[
            ("csrf", &csrf),
            ("nonce", &nonce),
            ("status", "committed"),
            ("text_pl", "Tak."),
            ("action", "send"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("default language"), "{}", r.body);
    assert!(r.body.contains(">Tak.</textarea>"));
    let r = post(
        &app,
        "/admin/issues/G-1001/respond",
        &cookie,
        &[
            ("csrf", &csrf),
            ("nonce", &nonce),
            ("status", "committed"),
            ("text_en-GB", "Yes."),
            ("action", "send"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let fanout = get(&app, r.location(), Some(&cookie)).await;
    assert!(fanout.body.contains("<progress"), "{}", fanout.body);
}

#[tokio::test]
async fn script_in_issue_texts_is_inert_everywhere() {
    let app = spawn().await;
    let evil = r#"<script>alert('x')</script><img src=x onerror=alert(1)> the clinic is shut"#;
    raise(&app, "+447700900701", evil).await;
    let (cookie, csrf) = login(&app).await;
    let r = post(
        &app,
        "/admin/issues/G-1001/title",
        &cookie,
        &[
            ("csrf", &csrf),
            ("title", r#"<b>bold</b>"><script>t()</script>"#),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    post(
        &app,
        "/admin/issues/G-1001/approve",
        &cookie,
        &[("csrf", &csrf)],
    )
    .await;
    let page = get(&app, "/admin/issues/G-1001/respond", Some(&cookie)).await;
    let nonce = page.field("nonce");
    let r = post(
        &app,
        "/admin/issues/G-1001/respond",
        &cookie,
        &[
            ("csrf", &csrf),
            ("nonce", &nonce),
            ("status", "declined"),
            ("text_en-GB", "<script>evil()</script> No money."),
            ("action", "send"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let round = post(
        &app,
        "/admin/rounds",
        &cookie,
        &[
            ("csrf", &csrf),
            (
                "nonce",
                &get(&app, "/admin/rounds", Some(&cookie))
                    .await
                    .field("nonce"),
            ),
            ("title", "<script>r()</script>"),
            ("items", "G-1001"),
            ("max_choices", "1"),
            ("action", "open"),
        ],
    )
    .await;
    assert_eq!(round.status, StatusCode::SEE_OTHER);

    for (uri, shows_texts) in [
        ("/admin?status=all", true),
        ("/admin/issues/G-1001/respond", true),
        ("/admin/issues/G-1001/merge?q=clinic", true),
        ("/admin/rounds", true),
        ("/admin/rounds/1", true),
        ("/admin/reach", false),
        ("/admin/fanouts", false),
        ("/", true),
        ("/?lang=ar", true),
    ] {
        let page = get(&app, uri, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.body);
        let b = &page.body;
        for raw in [
            "<script>alert",
            "<img src=x",
            "<b>bold",
            "<script>t()",
            "<script>evil",
            "<script>r()",
        ] {
            assert!(!b.contains(raw), "{uri} has {raw} unescaped:\n{b}");
        }
        if shows_texts {
            assert!(b.contains("&lt;script&gt;"), "{uri} shows the text escaped");
        }
        let csp = page.header(header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("script-src 'self'"), "{uri}: {csp}");
        assert!(!b.contains("<script>"), "{uri}: no inline script at all");
    }
    // The people's own words stay off the public page.
    let public = get(&app, "/", None).await;
    assert!(!public.body.contains("onerror"), "{}", public.body);
    assert!(public.body.contains("No money."), "{}", public.body);
}

#[tokio::test]
async fn the_public_page_speaks_the_visitors_language() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900801",
        "The wait for a GP appointment is far too long",
    )
    .await;
    let (cookie, csrf) = login(&app).await;
    post(
        &app,
        "/admin/issues/G-1001/approve",
        &cookie,
        &[("csrf", &csrf)],
    )
    .await;

    let r = get(&app, "/", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .starts_with("<!DOCTYPE html><html lang=\"en-GB\" dir=\"ltr\">"),
        "{}",
        r.body
    );
    assert!(r.body.contains("How to take part"));
    assert!(r.body.contains(r#"href="sms:+447700900123""#), "{}", r.body);
    assert!(r.body.contains(r#"href="tel:+442079460000""#));
    assert!(r.body.contains("https://discord.gg/example"));
    assert!(r.body.contains("NHS 111"));
    assert!(
        r.body.contains(r#"Supporters: <bdi dir="ltr">&lt;5</bdi>"#),
        "small counts hidden: {}",
        r.body
    );
    assert!(!r.body.contains("+447700900801"), "no personal data");
    assert_eq!(r.header(header::VARY), "Accept-Language");

    let r = get(&app, "/?lang=pl", None).await;
    assert!(r.body.contains(r#"<html lang="pl" dir="ltr">"#));
    assert!(r.body.contains("Jak wziąć udział"), "{}", r.body);
    assert_eq!(r.header(header::CONTENT_LANGUAGE), "pl");

    let r = send(
        &app,
        "GET",
        "/",
        None,
        None,
        &[("accept-language", "ar-EG,ar;q=0.9,en;q=0.5")],
    )
    .await;
    assert!(
        r.body.contains(r#"<html lang="ar" dir="rtl">"#),
        "{}",
        r.body
    );
    assert!(r.body.contains("كيف تشارك"));
    // Each language's name is marked with its own language.
    assert!(
        r.body.contains(r#"lang="ur" hreflang="ur" dir="rtl""#),
        "{}",
        r.body
    );

    let r = send(
        &app,
        "GET",
        "/?lang=xx",
        None,
        None,
        &[("accept-language", "de-DE")],
    )
    .await;
    assert!(r.body.contains(r#"<html lang="en-GB""#));

    // A Board response shows in the visitor's language, or in English
    // marked as English with a note.
    let page = get(&app, "/admin/issues/G-1001/respond", Some(&cookie)).await;
    let nonce = page.field("nonce");
    post(
        &app,
        "/admin/issues/G-1001/respond",
        &cookie,
        &[
            ("csrf", &csrf),
            ("nonce", &nonce),
            ("status", "in_progress"),
            ("progress", "25"),
            ("text_en-GB", "More GPs start in March."),
            ("text_pl", "W marcu zaczną pracę nowi lekarze."),
            ("action", "send"),
        ],
    )
    .await;
    let r = get(&app, "/?lang=pl", None).await;
    assert!(
        r.body
            .contains(r#"<blockquote lang="pl" dir="ltr">W marcu"#),
        "{}",
        r.body
    );
    assert!(r.body.contains(r#"<progress value="25""#));
    let r = get(&app, "/?lang=ur", None).await;
    assert!(
        r.body
            .contains(r#"<blockquote lang="en-GB" dir="ltr">More GPs"#),
        "{}",
        r.body
    );
    assert!(r.body.contains("ترجمہ جلد آ رہا ہے"), "{}", r.body);
}

#[tokio::test]
async fn the_inbox_puts_safeguarding_first_and_shows_title_costs() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900901",
        "Buses to the hospital stop running at six",
    )
    .await;
    // After the safeguarding signpost, the person carries on (YES).
    for t in [
        "I feel suicidal and my GP has no appointments for weeks",
        "YES",
        "0",
        "0",
        "YES",
        "YES",
    ] {
        say(&app, "+447700900902", t).await;
    }
    let (cookie, csrf) = login(&app).await;
    let r = get(&app, "/admin", Some(&cookie)).await;
    let b = &r.body;
    let flagged = b
        .find("Safeguarding flags")
        .expect("a safeguarding section");
    let g1002 = b.find(r#"id="G-1002""#).unwrap();
    let g1001 = b.find(r#"id="G-1001""#).unwrap();
    assert!(flagged < g1002 && g1002 < g1001, "flagged first");
    assert_eq!(r.header(header::CACHE_CONTROL), "no-store");
    // Every input of the page has a label.
    for id in ["title-G-1001", "reason-G-1001", "merge-G-1001"] {
        assert!(b.contains(&format!(r#"<label for="{id}">"#)), "{id}");
    }
    assert!(b.contains("GSM-7"), "{b}");

    // A title with a non-GSM character costs UCS-2 everywhere.
    let r = post(
        &app,
        "/admin/issues/G-1001/title",
        &cookie,
        &[("csrf", &csrf), ("title", "  Late  buses –\n to hospital ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let issues = app.gather.list_issues(None).await.unwrap();
    let g = issues
        .iter()
        .find(|i| i.issue_ref.to_string() == "G-1001")
        .unwrap();
    assert_eq!(g.title, "Late buses – to hospital");
    let r = get(&app, "/admin", Some(&cookie)).await;
    assert!(r.body.contains("now reads"), "flash shown");
    assert!(!r.body.contains(
        r#"<strong data-segments="">1</strong> <span class="enc" data-encoding="">GSM-7"#
    ));
    // Too long: refused, title unchanged.
    let long = "x".repeat(81);
    post(
        &app,
        "/admin/issues/G-1001/title",
        &cookie,
        &[("csrf", &csrf), ("title", &long)],
    )
    .await;
    let r = get(&app, "/admin", Some(&cookie)).await;
    assert!(r.body.contains("1 to 80 characters"), "{}", r.body);

    // Hiding needs a reason.
    let r = post(
        &app,
        "/admin/issues/G-1001/hide",
        &cookie,
        &[("csrf", &csrf), ("reason", " ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "G-1001").await, IssueStatus::New);
    post(
        &app,
        "/admin/issues/G-1001/hide",
        &cookie,
        &[("csrf", &csrf), ("reason", "personal data")],
    )
    .await;
    assert_eq!(status_of(&app, "G-1001").await, IssueStatus::Hidden);

    // The merge search finds issues by words or by reference.
    post(
        &app,
        "/admin/issues/G-1001/approve",
        &cookie,
        &[("csrf", &csrf)],
    )
    .await;
    let r = get(
        &app,
        "/admin/issues/G-1002/merge?q=late+hospital",
        Some(&cookie),
    )
    .await;
    assert!(r.body.contains("Merge G-1002 into G-1001"), "{}", r.body);
    let r = get(&app, "/admin/issues/G-1002/merge?q=g-1001", Some(&cookie)).await;
    assert!(r.body.contains("Merge G-1002 into G-1001"), "{}", r.body);
    let r = get(
        &app,
        "/admin/issues/G-1002/merge?q=nothing+matches",
        Some(&cookie),
    )
    .await;
    assert!(r.body.contains("No new or approved issue matches"));
}

#[tokio::test]
async fn static_files_and_reach() {
    let app = spawn().await;
    let css = get(&app, "/static/gather.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header(header::CONTENT_TYPE).starts_with("text/css"));
    let js = get(&app, "/static/gather.js", None).await;
    assert!(
        js.header(header::CONTENT_TYPE)
            .starts_with("text/javascript")
    );
    raise(
        &app,
        "+447700900911",
        "The pharmacy closes before people finish work",
    )
    .await;
    let (cookie, _) = login(&app).await;
    let r = get(&app, "/admin/reach", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg"), "{}", r.body);
    assert!(r.body.contains("People by language"));
    assert!(r.body.contains(r#"role="img""#));
}

#[tokio::test]
async fn a_voice_issue_has_a_player_and_asks_for_a_written_summary() {
    let app = spawn().await;
    raise(&app, "+447700900951", "[voice recording 14s] from a caller").await;
    let mut tx = app.gather.store.begin().await.unwrap();
    tx.set_issue_recording(
        gather::domain::IssueRef::new(1001),
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        14,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (cookie, _) = login(&app).await;
    let page = get(&app, "/admin", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<audio controls"), "{}", page.body);
    assert!(page.body.contains("Recordings/RE1"));
    assert!(page.body.contains("Awaiting a written summary"));
    assert!(
        page.body
            .contains("Written summary (the short title for ballots)")
    );
    let csp = page.header(header::CONTENT_SECURITY_POLICY).to_string();
    assert!(csp.contains("media-src 'self' https:"), "{csp}");
}

/// A login attempt from `address`; the response.
async fn login_from(app: &App, address: &str, token: &str) -> Resp {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("token", token)])
        .finish();
    let mut req = Request::builder()
        .method("POST")
        .uri("/admin/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let addr: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[tokio::test]
async fn login_attempts_are_limited_per_address_and_for_the_account_with_backoff() {
    let app = spawn().await;
    let wrong = "not-the-token-not-the-token";
    let a = "203.0.113.1";
    for n in 1..=5 {
        let r = login_from(&app, a, wrong).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    // The sixth wrong token locks the address out for a second...
    let r = login_from(&app, a, wrong).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.header(header::RETRY_AFTER), "1");
    assert!(r.body.contains("Too many wrong tokens"), "{}", r.body);
    // ...during which not even the right token is checked.
    let r = login_from(&app, a, TOKEN).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address is not affected.
    let r = login_from(&app, "203.0.113.2", TOKEN).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Each further failure doubles the wait.
    app.clock.advance_secs(1);
    let r = login_from(&app, a, wrong).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header(header::RETRY_AFTER), "2");
    app.clock.advance_secs(2);
    let r = login_from(&app, a, wrong).await;
    assert_eq!(r.header(header::RETRY_AFTER), "4");
    // After the wait the right token works, and forgives the address.
    app.clock.advance_secs(4);
    let r = login_from(&app, a, TOKEN).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = login_from(&app, a, wrong).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a fresh count");

    // The account: 20 wrong tokens from anywhere (9 so far), then a lockout
    // for every address, even with the right token.
    for n in 10..=20 {
        let r = login_from(&app, &format!("198.51.100.{n}"), wrong).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "failure {n}");
    }
    let r = login_from(&app, "198.51.100.21", wrong).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = login_from(&app, "198.51.100.22", TOKEN).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance_secs(1);
    let r = login_from(&app, "198.51.100.22", TOKEN).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn the_inbox_has_a_title_field_per_language_with_its_cost() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900901",
        "Buses to the hospital stop running at six",
    )
    .await;
    let (cookie, csrf) = login(&app).await;
    let r = get(&app, "/admin", Some(&cookie)).await;
    for tag in ["pl", "ar", "ur", "bn", "it"] {
        let id = format!("title-G-1001-{tag}");
        assert!(r.body.contains(&format!(r#"<label for="{id}">"#)), "{tag}");
        assert!(
            r.body.contains(&format!(r#"data-costs-for="{id}""#)),
            "{tag}: its SMS cost"
        );
    }
    assert!(
        !r.body.contains("title-G-1001-en-GB"),
        "the default is the main title"
    );
    let r = post(
        &app,
        "/admin/issues/G-1001/titles",
        &cookie,
        &[
            ("csrf", &csrf),
            ("lang", "ar"),
            ("title", "الحافلات إلى المستشفى"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let titles = app
        .gather
        .issue_titles(&[gather::domain::IssueRef::new(1001)])
        .await
        .unwrap();
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0].1, "ar");
    let r = get(&app, "/admin", Some(&cookie)).await;
    assert!(r.body.contains("الحافلات إلى المستشفى"), "{}", r.body);
    assert!(r.body.contains("(1 written)"));
    // Too long for UCS-2: refused, nothing changes.
    post(
        &app,
        "/admin/issues/G-1001/titles",
        &cookie,
        &[("csrf", &csrf), ("lang", "ar"), ("title", &"ا".repeat(31))],
    )
    .await;
    let titles = app
        .gather
        .issue_titles(&[gather::domain::IssueRef::new(1001)])
        .await
        .unwrap();
    assert_eq!(titles[0].2, "الحافلات إلى المستشفى");
}

#[tokio::test]
async fn the_rounds_page_opens_without_titles_only_with_the_fallback_ticked() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900901",
        "Buses to the hospital stop running at six",
    )
    .await;
    // A Polish reader: LANGUAGE, then Polski.
    say(&app, "+48600111222", "LANGUAGE").await;
    say(&app, "+48600111222", "2").await;
    app.gather
        .set_issue_status(
            gather::domain::IssueRef::new(1001),
            IssueStatus::Approved,
            None,
        )
        .await
        .unwrap();
    let (cookie, csrf) = login(&app).await;
    let page = get(&app, "/admin/rounds", Some(&cookie)).await;
    assert!(
        page.body.contains(r#"name="accept_fallback""#),
        "{}",
        page.body
    );
    let open = |nonce: String, fallback: bool| {
        let mut form = vec![
            ("csrf", csrf.clone()),
            ("nonce", nonce),
            ("title", "Spring".to_string()),
            ("items", "G-1001".to_string()),
            ("max_choices", "1".to_string()),
            ("action", "open".to_string()),
        ];
        if fallback {
            form.push(("accept_fallback", "yes".to_string()));
        }
        form
    };
    let form = open(page.field("nonce"), false);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(&app, "/admin/rounds", &cookie, &pairs).await;
    assert!(
        app.gather.rounds().await.unwrap().is_empty(),
        "no Polish title, no fallback: not opened"
    );
    let page = get(&app, "/admin/rounds", Some(&cookie)).await;
    let form = open(page.field("nonce"), true);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post(&app, "/admin/rounds", &cookie, &pairs).await;
    let rounds = app.gather.rounds().await.unwrap();
    assert_eq!(rounds.len(), 1);
    assert!(say(&app, "+48600111222", "GŁOSUJ").await.contains("(EN)"));
}
