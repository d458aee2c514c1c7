//! Discord interactions over HTTP, with payloads shaped like Discord's
//! documented examples, signed with a test Ed25519 key.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ed25519_dalek::{Signer, SigningKey};
use gather::clock::ManualClock;
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, IssueRef, LanguageTag, Timestamp};
use gather::http::Webhooks;
use gather::http::discord::DiscordWebhookConfig;
use gather::service::{Gather, RoundInput};
use gather::store::{IssueStatus, NewIssue};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use tower::ServiceExt;

const ORGANISER_ROLE: &str = "539082325061836999";
const TIMESTAMP: &str = "1767607200";
/// The app's clock: the moment `TIMESTAMP` names.
const NOW_MS: i64 = 1_767_607_200_000;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn public_hex() -> String {
    key()
        .verifying_key()
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct App {
    gather: Gather,
    _dir: tempfile::TempDir,
}

async fn app() -> App {
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
    let mut gather = gather::app::build(&config).await.unwrap();
    gather.clock = std::sync::Arc::new(ManualClock::new(Timestamp(NOW_MS)));
    App { gather, _dir: dir }
}

async fn post(app: &App, body: &Value, signature: Option<String>) -> (StatusCode, Value) {
    post_at(app, body, signature, TIMESTAMP).await
}

async fn post_at(
    app: &App,
    body: &Value,
    signature: Option<String>,
    timestamp: &str,
) -> (StatusCode, Value) {
    let raw = serde_json::to_vec(body).unwrap();
    let mut req = Request::post("/webhooks/discord/interactions")
        .header("content-type", "application/json")
        .header("x-signature-timestamp", timestamp);
    let sig = signature.unwrap_or_else(|| {
        let mut msg = timestamp.as_bytes().to_vec();
        msg.extend_from_slice(&raw);
        key()
            .sign(&msg)
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    });
    if !sig.is_empty() {
        req = req.header("x-signature-ed25519", sig);
    }
    let webhooks = Webhooks {
        discord: DiscordWebhookConfig::new(&public_hex(), vec![ORGANISER_ROLE.into()]),
        ..Default::default()
    };
    let resp = gather::http::router_with(app.gather.clone(), webhooks)
        .oneshot(req.body(Body::from(raw)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn member(user: &str, roles: &[&str]) -> Value {
    json!({
        "user": {"id": user, "username": "Mason", "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432",
                 "discriminator": "1337", "public_flags": 131141},
        "roles": roles, "premium_since": null, "permissions": "2147483647", "pending": false,
        "nick": null, "mute": false, "joined_at": "2017-03-13T19:19:14.040000+00:00",
        "is_pending": false, "deaf": false
    })
}

fn command(id: &str, user: &str, roles: &[&str], name: &str, options: Value) -> Value {
    json!({
        "type": 2, "token": "A_UNIQUE_TOKEN", "member": member(user, roles), "id": id,
        "guild_id": "290926798626357999", "app_permissions": "442368",
        "guild_locale": "en-US", "locale": "en-GB",
        "data": {"options": options, "type": 1, "name": name, "id": "771825006014889984"},
        "channel_id": "645027906669510667", "application_id": "775799577604522054", "version": 1
    })
}

fn button(id: &str, user: &str, custom_id: &str) -> Value {
    json!({
        "type": 3, "token": "A_UNIQUE_TOKEN", "member": member(user, &[]), "id": id,
        "guild_id": "290926798626357999", "channel_id": "645027906669510667",
        "application_id": "775799577604522054", "version": 1, "locale": "en-GB",
        "message": {"id": "1000", "type": 0, "content": "…", "components": []},
        "data": {"custom_id": custom_id, "component_type": 2}
    })
}

fn custom_ids(v: &Value) -> Vec<String> {
    v["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

async fn issue(g: &Gather, title: &str) -> IssueRef {
    let mut tx = g.store.begin().await.unwrap();
    let number = tx.next_issue_number().await.unwrap();
    tx.create_issue(&NewIssue {
        number,
        description: format!("{title}, please"),
        title: title.into(),
        area: None,
        involvement: None,
        language: LanguageTag::parse("en-GB").unwrap(),
        channel: Channel::Sms,
        raised_by: None,
        created_at: g.clock.now(),
        safeguarding: false,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let r: IssueRef = format!("G-{number}").parse().unwrap();
    g.set_issue_status(r, IssueStatus::Approved, None)
        .await
        .unwrap();
    r
}

#[tokio::test]
async fn signatures_are_checked_and_ping_answered() {
    let app = app().await;
    let ping = json!({"id": "1", "application_id": "775799577604522054", "type": 1,
                      "token": "A_UNIQUE_TOKEN", "version": 1});
    assert_eq!(
        post(&app, &ping, None).await,
        (StatusCode::OK, json!({"type": 1}))
    );
    let (status, _) = post(&app, &ping, Some(String::new())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(&app, &ping, Some("ab".repeat(64))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A signature over another body is refused.
    let other = SigningKey::from_bytes(&[9u8; 32]);
    let sig: String = other
        .sign(b"whatever")
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (status, _) = post(&app, &ping, Some(sig)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_replayed_interaction_with_an_old_or_future_timestamp_is_refused() {
    let app = app().await;
    let ping = json!({"id": "1", "application_id": "775799577604522054", "type": 1,
                      "token": "A_UNIQUE_TOKEN", "version": 1});
    let at = |delta: i64| (NOW_MS / 1000 + delta).to_string();
    // Correctly signed, but captured more than five minutes ago (or dated
    // more than five minutes ahead): refused.
    for delta in [-301, -3600, -86_400, 301, 3600] {
        let (status, _) = post_at(&app, &ping, None, &at(delta)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{delta}s");
    }
    for bad in ["", "soon", "1767607200.5", "-1"] {
        let (status, _) = post_at(&app, &ping, None, bad).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad:?}");
    }
    // Within five minutes either way: answered.
    for delta in [-300, -60, 0, 60, 300] {
        assert_eq!(
            post_at(&app, &ping, None, &at(delta)).await,
            (StatusCode::OK, json!({"type": 1})),
            "{delta}s"
        );
    }
}

#[tokio::test]
async fn raise_runs_the_flow_with_buttons() {
    let app = app().await;
    let user = "53908232506183680";
    let (status, v) = post(
        &app,
        &command(
            "786008729715212338",
            user,
            &[],
            "raise",
            json!([{"type": 3, "name": "issue",
                    "value": "The walk-in clinic closes before people finish work"}]),
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["type"], 4);
    assert_eq!(v["data"]["flags"], 64);
    assert!(
        v["data"]["content"].as_str().unwrap().contains("postcode"),
        "{v}"
    );
    let (_, v) = post(&app, &button("2", user, "answer:0"), None).await;
    // Involvement: a choice, so buttons.
    let ids = custom_ids(&v);
    assert!(ids.contains(&"answer:1".to_string()), "{v}");
    let (_, v) = post(&app, &button("3", user, "answer:1"), None).await;
    assert_eq!(custom_ids(&v), vec!["answer:YES", "answer:NO"], "{v}");
    let (_, v) = post(&app, &button("4", user, "answer:YES"), None).await;
    assert!(
        v["data"]["content"].as_str().unwrap().contains("G-1001"),
        "{v}"
    );
    // A redelivered interaction acts once.
    let (_, again) = post(&app, &button("4", user, "answer:YES"), None).await;
    assert!(
        again["data"]["content"]
            .as_str()
            .unwrap()
            .contains("G-1001")
    );
    assert_eq!(app.gather.list_issues(None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn round_post_and_button_votes_replace() {
    let app = app().await;
    let g = &app.gather;
    let a = issue(g, "Evening GP appointments").await;
    let b = issue(g, "Parking at the hospital").await;
    let round = g
        .open_round(RoundInput {
            title: "Spring priorities".into(),
            items: vec![a, b],
            max_choices: 1,
            closes_at: None,
        })
        .await
        .unwrap();
    let post_cmd = |id: &str, roles: &[&str]| {
        command(
            id,
            "111",
            roles,
            "round",
            json!([{"type": 1, "name": "post", "options": []}]),
        )
    };
    // Not an organiser: refused, privately.
    let (_, v) = post(&app, &post_cmd("10", &[]), None).await;
    assert_eq!(v["data"]["flags"], 64);
    assert!(custom_ids(&v).is_empty());
    let (_, v) = post(&app, &post_cmd("11", &[ORGANISER_ROLE]), None).await;
    assert!(v["data"]["flags"].is_null(), "posted for everyone: {v}");
    assert!(
        v["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Spring priorities")
    );
    let r = round.id;
    assert_eq!(
        custom_ids(&v),
        vec![format!("vote:{r}:1"), format!("vote:{r}:2")]
    );
    let voter = "222";
    let (_, v) = post(&app, &button("20", voter, &format!("vote:{r}:1")), None).await;
    assert_eq!(v["data"]["flags"], 64);
    assert!(v["data"]["content"].as_str().unwrap().contains("counted"));
    let (_, v) = post(&app, &button("21", voter, &format!("vote:{r}:2")), None).await;
    assert!(v["data"]["content"].as_str().unwrap().contains("replaces"));
    let results = g.close_round(r).await.unwrap();
    let total: i64 = results.iter().map(|x| x.votes).sum();
    assert_eq!(total, 1, "one person, one vote: {results:?}");
    let mut tx = g.store.begin().await.unwrap();
    let person = tx
        .person_by_identity(&Identity {
            kind: IdentityKind::Discord,
            address: voter.into(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tx.ballot(r, person.id).await.unwrap(), Some(vec![b]));
}

/// A button vote after the round's closing time, before the closing job has
/// run: "voting has closed; results soon", not an HTTP 409 (issue 16).
#[tokio::test]
async fn a_button_vote_after_closing_time_gets_results_soon() {
    let app = app().await;
    let g = &app.gather;
    let a = issue(g, "Evening GP appointments").await;
    let round = g
        .open_round(RoundInput {
            title: "Spring priorities".into(),
            items: vec![a],
            max_choices: 1,
            closes_at: Some(g.clock.now().plus_secs(-60)),
        })
        .await
        .unwrap();
    let (status, v) = post(
        &app,
        &button("30", "333", &format!("vote:{}:1", round.id)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["flags"], 64);
    assert!(
        v["data"]["content"]
            .as_str()
            .unwrap()
            .contains("results soon"),
        "{v}"
    );
}

fn modal_submit(id: &str, user: &str, description: &str, area: &str) -> Value {
    // Discord's documented MODAL_SUBMIT shape: text inputs in action rows.
    json!({
        "type": 5, "token": "A_UNIQUE_TOKEN", "member": member(user, &[]), "id": id,
        "guild_id": "290926798626357999", "channel_id": "645027906669510667",
        "application_id": "775799577604522054", "version": 1, "locale": "en-GB",
        "app_permissions": "442368",
        "data": {"custom_id": "raise", "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "description", "value": description}]},
            {"type": 1, "components": [{"type": 4, "custom_id": "area", "value": area}]}
        ]}
    })
}

/// `/raise` without text opens a form (MODAL, type 9) with a paragraph for
/// the description and a short field for the area; submitting it
/// (MODAL_SUBMIT, type 5) goes on with the journey (issue 16).
#[tokio::test]
async fn raise_without_text_opens_a_form_and_its_answers_continue_the_journey() {
    let app = app().await;
    let user = "53908232506183681";
    let (status, v) = post(
        &app,
        &command("786008729715212339", user, &[], "raise", json!([])),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["type"], 9, "{v}");
    assert_eq!(v["data"]["custom_id"], "raise");
    let inputs: Vec<&Value> = v["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap())
        .collect();
    assert_eq!(inputs.len(), 2, "{v}");
    assert_eq!(inputs[0]["type"], 4);
    assert_eq!(inputs[0]["style"], 2, "a paragraph for the description");
    assert_eq!(inputs[0]["custom_id"], "description");
    assert_eq!(inputs[1]["style"], 1);
    assert_eq!(inputs[1]["required"], false, "the area is optional");
    assert!(
        inputs
            .iter()
            .all(|i| i["label"].as_str().unwrap().chars().count() <= 45)
    );

    let (status, v) = post(
        &app,
        &modal_submit(
            "786008729715212340",
            user,
            "The walk-in clinic closes before people finish work",
            "se15",
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["type"], 4, "{v}");
    // Next: how you are involved, with buttons.
    assert!(custom_ids(&v).contains(&"answer:1".to_string()), "{v}");
    let (_, v) = post(&app, &button("5", user, "answer:1"), None).await;
    assert!(
        v["data"]["content"].as_str().unwrap().contains("(SE15, "),
        "the read-back has the area: {v}"
    );
    let (_, v) = post(&app, &button("6", user, "answer:YES"), None).await;
    assert!(
        v["data"]["content"].as_str().unwrap().contains("G-1001"),
        "{v}"
    );
    let issues = app.gather.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].area.as_deref(), Some("SE15"));
    assert!(issues[0].description.contains("walk-in clinic"));
}
