//! The admin API and the open record, through the real router and a real
//! (SQLite) database: auth, validation, merges that never double a vote,
//! and open data that carries no personal data.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gather::config::Config;
use gather::domain::{Channel, Identity, PhoneNumber};
use gather::engine::Content;
use gather::http::Webhooks;
use gather::service::{Gather, InboundMessage};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "admin-token-for-tests-0123456789";

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
    App {
        gather: gather::app::build(&config).await.unwrap(),
        _dir: dir,
    }
}

async fn call(
    app: &App,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    call_raw(
        app,
        method,
        uri,
        token,
        body.map(|b| ("application/json", b.to_string())),
    )
    .await
}

async fn call_raw(
    app: &App,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> (StatusCode, Value, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some((ct, b)) => req.header("content-type", ct).body(Body::from(b)),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let webhooks = Webhooks {
        admin_token: Some(Arc::new(TOKEN.to_string())),
        ..Default::default()
    };
    let resp = gather::http::router_with(app.gather.clone(), webhooks)
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json, text)
}

async fn say(app: &App, from: &str, text: &str) -> String {
    let reply = app
        .gather
        .handle_inbound(InboundMessage {
            identity: Identity::phone(&PhoneNumber::parse(from).unwrap()),
            channel: Channel::Sms,
            content: Content::Text(text.into()),
            provider_id: None,
            language_hint: None,
        })
        .await
        .unwrap();
    reply.messages.join("\n")
}

async fn raise(app: &App, from: &str, description: &str) {
    for t in ["MENU", "1", description, "0", "0", "YES", "YES"] {
        say(app, from, t).await;
    }
}

#[tokio::test]
async fn auth_none_wrong_right_and_off() {
    let app = spawn().await;
    let (s, body, _) = call(&app, "GET", "/api/v1/issues", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthorized");
    let (s, _, _) = call(
        &app,
        "GET",
        "/api/v1/issues",
        Some("wrong-token-wrong-token"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body, _) = call(&app, "GET", "/api/v1/issues", Some(TOKEN), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, json!([]));
    // Without a configured token the API is off for everyone.
    let resp = gather::http::router(app.gather.clone())
        .oneshot(
            Request::builder()
                .uri("/api/v1/issues")
                .header("authorization", format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn openapi_document_lists_the_endpoints() {
    let app = spawn().await;
    let (s, doc, _) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        "/api/v1/issues",
        "/api/v1/issues/{ref}/approve",
        "/api/v1/issues/{ref}/merge",
        "/api/v1/rounds",
        "/api/v1/rounds/{id}/close",
        "/api/v1/issues/{ref}/responses",
        "/api/v1/reach",
    ] {
        assert!(doc["paths"].get(path).is_some(), "missing {path}");
    }
}

#[tokio::test]
async fn a_whole_cycle_with_validation_errors_along_the_way() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900701",
        "The walk-in centre closes at six and people go to A&E",
    )
    .await;
    raise(
        &app,
        "+447700900702",
        "Walk in centre shuts at 6pm so A and E is full every evening",
    )
    .await;
    raise(
        &app,
        "+447700900703",
        "Hospital parking is too expensive for daily visitors",
    )
    .await;
    let t = Some(TOKEN);

    // Bad references and unknown issues.
    let (s, b, _) = call(&app, "POST", "/api/v1/issues/..%2Fetc/approve", t, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let (s, _, _) = call(&app, "POST", "/api/v1/issues/G-9999/approve", t, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, b, _) = call(&app, "GET", "/api/v1/issues?status=bogus", t, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");

    for r in ["G-1001", "G-1002", "G-1003"] {
        let (s, b, _) = call(
            &app,
            "POST",
            &format!("/api/v1/issues/{r}/approve"),
            t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["status"], "approved");
    }

    // Rounds: validation, create, open.
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/rounds",
        t,
        Some(json!({"title": "Empty", "items": [], "max_choices": 1})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b, _) = call_raw(
        &app,
        "POST",
        "/api/v1/rounds",
        t,
        Some(("application/json", "{not json".into())),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let (s, _, _) = call_raw(
        &app,
        "POST",
        "/api/v1/rounds",
        t,
        Some(("text/plain", "{}".into())),
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, b, _) = call(&app, "POST", "/api/v1/rounds", t, Some(json!({"title": "Winter vote", "items": ["G-1001", "G-1002", "G-1003"], "max_choices": 1}))).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["status"], "draft");
    let id = b["id"].as_i64().unwrap();
    let (s, b, _) = call(&app, "POST", &format!("/api/v1/rounds/{id}/open"), t, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Votes for both duplicates from one person (replacing), and others.
    say(&app, "+447700900701", "VOTE 1").await;
    say(&app, "+447700900702", "VOTE 2").await;
    say(&app, "+447700900703", "VOTE 2").await;
    say(&app, "+447700900704", "VOTE 3").await;

    // Merge G-1002 into G-1001: the votes move, nobody counts twice.
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1002/merge",
        t,
        Some(json!({"into": "G-1001"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1002/merge",
        t,
        Some(json!({"into": "G-1003"})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, results, _) = call(&app, "POST", &format!("/api/v1/rounds/{id}/close"), t, None).await;
    assert_eq!(s, StatusCode::OK, "{results}");
    let total: i64 = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["votes"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 4, "four people, four votes: {results}");
    let first = &results[0];
    assert_eq!(first["ref"], "G-1001");
    assert_eq!(first["votes"], 3, "{results}");
    // Closing a closed round is a conflict, not a 500.
    let (s, _, _) = call(&app, "POST", &format!("/api/v1/rounds/{id}/close"), t, None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _, _) = call(&app, "POST", "/api/v1/rounds/abc/close", t, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Responses: validation, then one that people hear with UPDATES.
    let bad = [
        json!({"status": "maybe", "text": {"en-GB": "x"}}),
        json!({"status": "declined", "text": {"en-GB": ""}}),
        json!({"status": "done", "text": {"pl": "tylko po polsku"}}),
        json!({"status": "done", "text": {"en-GB": "ok", "xx": "?"}}),
        json!({"status": "done", "text": {"en-GB": "x".repeat(1001)}}),
        json!({"status": "in_progress", "text": {"en-GB": "ok"}, "progress": 101}),
        json!({"status": "done", "text": {"en-GB": "ok"}, "extra": 1}),
    ];
    for body in bad {
        let (s, b, _) = call(
            &app,
            "POST",
            "/api/v1/issues/G-1001/responses",
            t,
            Some(body.clone()),
        )
        .await;
        assert!(s.is_client_error(), "{body} → {s} {b}");
        assert!(b["detail"].as_str().is_some_and(|d| !d.is_empty()), "{b}");
    }
    let (s, b, _) = call(&app, "POST", "/api/v1/issues/G-1001/responses", t, Some(json!({
        "status": "committed",
        "text": {"en-GB": "The Board will fund evening opening.", "pl": "Zarząd sfinansuje otwarcie wieczorem."},
        "progress": 10
    }))).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // Someone who voted for the merged duplicate hears about the target.
    let heard = say(&app, "+447700900702", "UPDATES").await;
    assert!(
        heard.contains("The Board will fund evening opening."),
        "{heard}"
    );

    // Reach (admin) counts people by channel and language.
    let (s, reach, _) = call(&app, "GET", "/api/v1/reach", t, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(reach["people"], 4);

    // Open data: public, no token, no personal data.
    for path in [
        "/open/issues.json",
        "/open/issues.csv",
        "/open/rounds.json",
        "/open/commitments.json",
        "/open/commitments.csv",
    ] {
        let (s, _, text) = call(&app, "GET", path, None, None).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        for number in [
            "+447700900701",
            "447700900701",
            "7700900702",
            "+447700900704",
        ] {
            assert!(
                !text.contains(number),
                "{path} leaks a phone number: {text}"
            );
        }
        // Only the moderated short title is public, never the description.
        assert!(
            !text.contains("\"description\""),
            "{path} carries descriptions"
        );
    }
    let (_, issues, _) = call(&app, "GET", "/open/issues.json", None, None).await;
    let refs: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        vec!["G-1001", "G-1003"],
        "merged and unapproved issues are not listed"
    );
    assert_eq!(issues[0]["status"], "committed");
    // Counts under five are not published exactly.
    assert_eq!(issues[0]["supporters"], "<5");
    let (_, rounds, _) = call(&app, "GET", "/open/rounds.json", None, None).await;
    assert_eq!(rounds[0]["results"][0]["ref"], "G-1001");
}

#[tokio::test]
async fn hidden_issues_stay_out_of_the_open_record() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900801",
        "My neighbour John Smith at 12 High Street is ill",
    )
    .await;
    let t = Some(TOKEN);
    let (s, _, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1001/hide",
        t,
        Some(json!({"reason": ""})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1001/hide",
        t,
        Some(json!({"reason": "personal data"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, _, text) = call(&app, "GET", "/open/issues.json", None, None).await;
    assert_eq!(text, "[]");
    let (_, _, csv) = call(&app, "GET", "/open/issues.csv", None, None).await;
    assert!(!csv.contains("John Smith"));
}

/// A POST with an `Idempotency-Key`; status, body and whether it was a
/// replay.
async fn post_keyed(
    app: &App,
    uri: &str,
    key: Option<&str>,
    body: Value,
) -> (StatusCode, String, bool) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json");
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let webhooks = Webhooks {
        admin_token: Some(Arc::new(TOKEN.to_string())),
        ..Default::default()
    };
    let resp = gather::http::router_with(app.gather.clone(), webhooks)
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let replayed = resp.headers().get("idempotent-replayed").is_some();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        String::from_utf8_lossy(&bytes).into_owned(),
        replayed,
    )
}

#[tokio::test]
async fn a_retried_post_with_an_idempotency_key_acts_once() {
    let app = spawn().await;
    let t = Some(TOKEN);
    raise(
        &app,
        "+447700900801",
        "The bus to the hospital no longer runs on Sundays at all",
    )
    .await;
    let (s, b, _) = call(&app, "POST", "/api/v1/issues/G-1001/approve", t, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // A Board response, sent twice with one key: one fan-out.
    let response =
        json!({"status": "committed", "text": {"en-GB": "We will restore the Sunday bus."}});
    let uri = "/api/v1/issues/G-1001/responses";
    let (s1, first, replayed) = post_keyed(&app, uri, Some("resp-1"), response.clone()).await;
    assert_eq!(s1, StatusCode::CREATED, "{first}");
    assert!(!replayed);
    let (s2, second, replayed) = post_keyed(&app, uri, Some("resp-1"), response.clone()).await;
    assert_eq!(s2, StatusCode::CREATED, "{second}");
    assert_eq!(second, first, "the retry gets the first response");
    assert!(replayed, "and is marked as a replay");
    let (_, fanouts, _) = call(&app, "GET", "/api/v1/fanouts", t, None).await;
    assert_eq!(
        fanouts.as_array().unwrap().len(),
        1,
        "one fan-out: {fanouts}"
    );
    assert_eq!(fanouts[0]["recipients"], 1, "{fanouts}");

    // The same key with another body is refused, and does nothing.
    let other = json!({"status": "done", "text": {"en-GB": "Done."}});
    let (s, b, _) = post_keyed(&app, uri, Some("resp-1"), other.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // A key is scoped to its route: the same key elsewhere is a new request.
    let (s, b, _) = post_keyed(
        &app,
        "/api/v1/rounds",
        Some("resp-1"),
        json!({"title": "Spring vote", "items": ["G-1001"], "max_choices": 1}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // A bad key is a 400.
    let (s, _, _) = post_keyed(&app, uri, Some("has space"), other.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, fanouts, _) = call(&app, "GET", "/api/v1/fanouts", t, None).await;
    assert_eq!(fanouts.as_array().unwrap().len(), 1, "{fanouts}");

    // A round, created twice with one key: one round.
    let round = json!({"title": "Winter vote", "items": ["G-1001"], "max_choices": 1});
    let (s, a, _) = post_keyed(&app, "/api/v1/rounds", Some("round-1"), round.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, b, replayed) = post_keyed(&app, "/api/v1/rounds", Some("round-1"), round).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, true), "{b}");
    assert_eq!(a, b);
    let (_, rounds, _) = call(&app, "GET", "/api/v1/rounds", t, None).await;
    assert_eq!(
        rounds.as_array().unwrap().len(),
        2,
        "Spring and Winter: {rounds}"
    );

    // An announcement, sent twice with one key: one fan-out.
    let id: Value = serde_json::from_str(&a).unwrap();
    let id = id["id"].as_i64().unwrap();
    let (s, b, _) = call(&app, "POST", &format!("/api/v1/rounds/{id}/open"), t, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    say(&app, "+447700900802", "VOTE 1").await;
    let (s, b, _) = call(&app, "POST", &format!("/api/v1/rounds/{id}/close"), t, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let announce = format!("/api/v1/rounds/{id}/announce");
    let everyone = json!({"audience": "everyone"});
    let (s, a, _) = post_keyed(&app, &announce, Some("ann-1"), everyone.clone()).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{a}");
    let (s, b, replayed) = post_keyed(&app, &announce, Some("ann-1"), everyone).await;
    assert_eq!((s, replayed), (StatusCode::ACCEPTED, true), "{b}");
    assert_eq!(a, b);
    let (_, fanouts, _) = call(&app, "GET", "/api/v1/fanouts", t, None).await;
    assert_eq!(fanouts.as_array().unwrap().len(), 2, "{fanouts}");

    // Without a key, a second POST acts again (as before).
    let (s, _, _) = post_keyed(&app, uri, None, response.clone()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, fanouts, _) = call(&app, "GET", "/api/v1/fanouts", t, None).await;
    assert_eq!(fanouts.as_array().unwrap().len(), 3, "{fanouts}");

    // The OpenAPI document says how.
    let (_, doc, _) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    let params = &doc["paths"]["/api/v1/issues/{ref}/responses"]["post"]["parameters"];
    assert!(
        params
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
        "{params}"
    );
}

#[tokio::test]
async fn wrong_bearer_tokens_are_limited_with_retry_after() {
    let app = spawn().await;
    let wrong = "wrong-token-wrong-token";
    for n in 1..=5 {
        let (s, _, _) = call(&app, "GET", "/api/v1/issues", Some(wrong), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "attempt {n}");
    }
    // A token of another length is refused the same way.
    let mut req = Request::builder()
        .uri("/api/v1/issues")
        .header("authorization", "Bearer x")
        .body(Body::empty())
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        "192.0.2.9:1234".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let webhooks = Webhooks {
        admin_token: Some(Arc::new(TOKEN.to_string())),
        ..Default::default()
    };
    let resp = gather::http::router_with(app.gather.clone(), webhooks)
        .oneshot(req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let (s, body, _) = call(&app, "GET", "/api/v1/issues", Some(wrong), None).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too many requests");
    let (s, _, _) = call(&app, "GET", "/api/v1/issues", Some(TOKEN), None).await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "locked out, even the right token"
    );
}

#[tokio::test]
async fn titles_per_language_and_opening_with_the_fallback() {
    let app = spawn().await;
    let t = Some(TOKEN);
    raise(
        &app,
        "+447700900801",
        "Buses to the hospital stop running at six",
    )
    .await;
    // A Polish reader: LANGUAGE, then Polski.
    say(&app, "+48600111222", "LANGUAGE").await;
    say(&app, "+48600111222", "2").await;
    let (s, _, _) = call(&app, "POST", "/api/v1/issues/G-1001/approve", t, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/rounds",
        t,
        Some(json!({"title": "Spring", "items": ["G-1001"], "max_choices": 1})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    // No Polish title: refused, and the message says what is missing.
    let (s, b, _) = call(&app, "POST", &format!("/api/v1/rounds/{id}/open"), t, None).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b.to_string().contains("pl: round 1, G-1001"), "{b}");
    // The round's own title in Polish: validated, listed back.
    let (s, b, _) = call(
        &app,
        "POST",
        &format!("/api/v1/rounds/{id}/titles"),
        t,
        Some(json!({"language": "en-GB", "title": "Spring"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b, _) = call(
        &app,
        "POST",
        &format!("/api/v1/rounds/{id}/titles"),
        t,
        Some(json!({"language": "pl", "title": "Wiosna"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["titles"]["pl"], "Wiosna");
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/rounds/99/titles",
        t,
        Some(json!({"language": "pl", "title": "Wiosna"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let (s, b, _) = call(&app, "POST", &format!("/api/v1/rounds/{id}/open"), t, None).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(
        b.to_string().contains("pl: G-1001"),
        "only the issue now: {b}"
    );
    // Titles: validated, and listed back.
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1001/titles",
        t,
        Some(json!({"language": "pl", "title": "Autobusy 🚌"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1001/titles",
        t,
        Some(json!({"language": "xx", "title": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1001/titles",
        t,
        Some(json!({"language": "pl", "title": "Autobusy do szpitala"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["titles"]["pl"], "Autobusy do szpitala");
    // Cleared again, then opened with the fallback accepted.
    let (s, b, _) = call(
        &app,
        "POST",
        "/api/v1/issues/G-1001/titles",
        t,
        Some(json!({"language": "pl", "title": null})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["titles"].as_object().unwrap().is_empty(), "{b}");
    let (s, b, _) = call(
        &app,
        "POST",
        &format!("/api/v1/rounds/{id}/open"),
        t,
        Some(json!({"accept_fallback": true})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "open");
    let ballot = say(&app, "+48600111222", "GŁOSUJ").await;
    assert!(ballot.contains("(EN)"), "{ballot}");
    // The OpenAPI document has the route and the open body.
    let (_, doc, _) = call(&app, "GET", "/api/v1/openapi.json", None, None).await;
    assert!(doc["paths"].get("/api/v1/issues/{ref}/titles").is_some());
    assert!(doc["paths"].get("/api/v1/rounds/{id}/titles").is_some());
    assert!(doc["paths"].get("/api/v1/titles").is_some());
    assert!(doc["components"]["schemas"].get("OpenBody").is_some());
}

#[tokio::test]
async fn titles_import_as_csv_over_the_api() {
    let app = spawn().await;
    raise(
        &app,
        "+447700900101",
        "No evening GP appointments for people who work",
    )
    .await;
    let sheet =
        "issue,language,title\nG-1001,pl,Wieczorne wizyty u lekarza\nG-1001,ur,شام کی اپوائنٹمنٹ\n";

    // JSON is not a sheet.
    let (status, body, _) = call_raw(
        &app,
        "POST",
        "/api/v1/titles",
        Some(TOKEN),
        Some(("application/json", sheet.to_string())),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");

    let (status, body, _) = call_raw(
        &app,
        "POST",
        "/api/v1/titles",
        Some(TOKEN),
        Some(("text/csv; charset=utf-8", sheet.to_string())),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"set": 2, "cleared": 0}));

    // A wrong line: 422 naming it, nothing stored.
    let (status, body, _) = call_raw(
        &app,
        "POST",
        "/api/v1/titles",
        Some(TOKEN),
        Some((
            "text/csv",
            "issue,language,title\nG-1001,pl,Inny\nG-1002,pl,Brak\n".into(),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("line 3: there is no issue G-1002"),
        "{body}"
    );
    let titles = app
        .gather
        .issue_titles(&[gather::domain::IssueRef::new(1001)])
        .await
        .unwrap();
    assert!(
        titles
            .iter()
            .any(|(_, l, t)| l == "pl" && t == "Wieczorne wizyty u lekarza")
    );

    // Without the token, nothing.
    let (status, _, _) = call_raw(
        &app,
        "POST",
        "/api/v1/titles",
        None,
        Some(("text/csv", sheet.to_string())),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
