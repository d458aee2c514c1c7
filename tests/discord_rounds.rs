//! A round posted into a Discord channel with `/round post`: the shortlist
//! is a channel message posted with the bot token, and when the round
//! closes its buttons are disabled and the results follow it — against a
//! local recorder standing in for Discord's REST API.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use axum::response::IntoResponse;
use ed25519_dalek::{Signer, SigningKey};
use gather::channels::discord_rounds::{DiscordRest, post_due_results};
use gather::config::Config;
use gather::domain::{Channel, IssueRef, LanguageTag};
use gather::http::Webhooks;
use gather::http::discord::DiscordWebhookConfig;
use gather::service::{Gather, RoundInput};
use gather::store::{IssueStatus, NewIssue};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

const ORGANISER_ROLE: &str = "539082325061836999";
const CHANNEL: &str = "645027906669510667";
const GONE_CHANNEL: &str = "645027906669510999";
/// Discord's signed timestamp: now, in Unix seconds (Gather refuses one more
/// than five minutes away from its clock).
fn discord_ts() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}
const TOKEN: &str = "test-bot-token-xyz";

#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    auth: String,
    body: Value,
}

#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<Call>>,
    /// Statuses for the next results replies (then 200).
    fail_results: Mutex<Vec<u16>>,
    next_id: Mutex<u64>,
}

async fn record(
    State(rec): State<Arc<Recorder>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_string();
    rec.calls.lock().unwrap().push(Call {
        method: method.to_string(),
        path: path.clone(),
        auth: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
        body: body.clone(),
    });
    let is_results = body.get("message_reference").is_some();
    if is_results && path.contains(GONE_CHANNEL) {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(json!({"message": "Missing Access", "code": 50001})),
        )
            .into_response();
    }
    if is_results && let Some(status) = rec.fail_results.lock().unwrap().pop() {
        return (
            StatusCode::from_u16(status).unwrap(),
            axum::Json(json!({"message": "try later", "code": 0})),
        )
            .into_response();
    }
    let id = {
        let mut n = rec.next_id.lock().unwrap();
        *n += 1;
        format!("{}", 1_200_000_000_000_000_000u64 + *n)
    };
    let channel = path.split('/').nth(3).unwrap_or("").to_string();
    axum::Json(json!({"id": id, "channel_id": channel, "type": 0})).into_response()
}

/// The stand-in for `https://discord.com/api/v10`.
async fn recorder() -> (Arc<Recorder>, String) {
    let rec = Arc::new(Recorder::default());
    let app = Router::new()
        .route("/api/v10/{*rest}", axum::routing::any(record))
        .with_state(rec.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (rec, format!("http://{addr}/api/v10"))
}

fn calls(rec: &Recorder) -> Vec<Call> {
    rec.calls.lock().unwrap().clone()
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
    App {
        gather: gather::app::build(&config).await.unwrap(),
        _dir: dir,
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn post(g: &Gather, rest: Option<Arc<DiscordRest>>, body: &Value) -> Value {
    let raw = serde_json::to_vec(body).unwrap();
    let ts = discord_ts();
    let mut msg = ts.as_bytes().to_vec();
    msg.extend_from_slice(&raw);
    let req = Request::post("/webhooks/discord/interactions")
        .header("content-type", "application/json")
        .header("x-signature-timestamp", &ts)
        .header("x-signature-ed25519", hex(&key().sign(&msg).to_bytes()));
    let webhooks = Webhooks {
        discord: DiscordWebhookConfig::new(
            &hex(&key().verifying_key().to_bytes()),
            vec![ORGANISER_ROLE.into()],
        )
        .map(|c| c.with_rest(rest)),
        ..Default::default()
    };
    let resp = gather::http::router_with(g.clone(), webhooks)
        .oneshot(req.body(Body::from(raw)).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

fn member(user: &str, roles: &[&str]) -> Value {
    json!({
        "user": {"id": user, "username": "Mason", "discriminator": "1337", "avatar": null},
        "roles": roles, "permissions": "2147483647", "pending": false, "nick": null,
        "mute": false, "deaf": false, "joined_at": "2017-03-13T19:19:14.040000+00:00"
    })
}

fn round_post(id: &str, channel: &str) -> Value {
    json!({
        "type": 2, "token": "A_UNIQUE_TOKEN", "member": member("111", &[ORGANISER_ROLE]),
        "id": id, "guild_id": "290926798626357999", "channel_id": channel,
        "application_id": "775799577604522054", "version": 1, "locale": "en-GB",
        "data": {"options": [{"type": 1, "name": "post", "options": []}], "type": 1,
                 "name": "round", "id": "771825006014889984"}
    })
}

fn vote_button(id: &str, user: &str, custom_id: &str) -> Value {
    json!({
        "type": 3, "token": "A_UNIQUE_TOKEN", "member": member(user, &[]), "id": id,
        "guild_id": "290926798626357999", "channel_id": CHANNEL,
        "application_id": "775799577604522054", "version": 1, "locale": "en-GB",
        "message": {"id": "1000", "type": 0, "content": "…", "components": []},
        "data": {"custom_id": custom_id, "component_type": 2}
    })
}

fn buttons(components: &Value) -> Vec<Value> {
    components
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
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

async fn open_round(g: &Gather) -> i64 {
    let a = issue(g, "Evening GP appointments").await;
    let b = issue(g, "Parking at the hospital").await;
    g.open_round(RoundInput {
        title: "Spring priorities".into(),
        items: vec![a, b],
        max_choices: 1,
        closes_at: None,
    })
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn results_follow_the_posted_round_when_it_closes() {
    let app = app().await;
    let g = &app.gather;
    let (rec, base) = recorder().await;
    let rest = Arc::new(DiscordRest::new(&base, TOKEN, Duration::from_secs(5)).unwrap());
    let r = open_round(g).await;

    // The organiser posts the round: a channel message, confirmed privately.
    let v = post(g, Some(rest.clone()), &round_post("11", CHANNEL)).await;
    assert_eq!(v["type"], 4);
    assert_eq!(v["data"]["flags"], 64, "{v}");
    let posted = calls(&rec);
    assert_eq!(posted.len(), 1, "{posted:?}");
    let p = &posted[0];
    assert_eq!(
        (p.method.as_str(), p.path.as_str()),
        ("POST", "/api/v10/channels/645027906669510667/messages")
    );
    assert_eq!(p.auth, format!("Bot {TOKEN}"));
    let nonce = gather::channels::discord_rounds::shortlist_nonce(r, CHANNEL);
    assert_eq!(p.body["nonce"], nonce.as_str());
    assert_eq!(p.body["enforce_nonce"], true);
    assert_eq!(nonce.len(), 25);
    assert!(
        p.body["content"]
            .as_str()
            .unwrap()
            .contains("Spring priorities")
    );
    let ids: Vec<String> = buttons(&p.body["components"])
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![format!("vote:{r}:1"), format!("vote:{r}:2")]);
    let message = "1200000000000000001";
    let key = format!("discord:round:{r}:{CHANNEL}:{message}");
    assert_eq!(g.chat_state(&key).await.unwrap().as_deref(), Some("posted"));

    // Members vote with the buttons (the same handler as ever).
    let v = post(
        g,
        Some(rest.clone()),
        &vote_button("20", "222", &format!("vote:{r}:2")),
    )
    .await;
    assert!(v["data"]["content"].as_str().unwrap().contains("counted"));

    // Still open: nothing to post.
    assert_eq!(post_due_results(g, &rest).await.unwrap(), 0);
    assert_eq!(calls(&rec).len(), 1);

    g.close_round(r).await.unwrap();
    // Discord has trouble: the buttons are disabled, the results wait.
    rec.fail_results.lock().unwrap().push(503);
    assert_eq!(post_due_results(g, &rest).await.unwrap(), 0);
    assert_eq!(g.chat_state(&key).await.unwrap().as_deref(), Some("posted"));
    // The next check posts them.
    assert_eq!(post_due_results(g, &rest).await.unwrap(), 1);
    assert_eq!(
        g.chat_state(&key).await.unwrap().as_deref(),
        Some("results")
    );
    let all = calls(&rec);
    assert_eq!(all.len(), 5, "{all:?}");
    let edit = &all[1];
    assert_eq!(edit.method, "PATCH");
    assert_eq!(
        edit.path,
        format!("/api/v10/channels/{CHANNEL}/messages/{message}")
    );
    let disabled = buttons(&edit.body["components"]);
    assert_eq!(disabled.len(), 2);
    assert!(
        disabled.iter().all(|b| b["disabled"] == true),
        "{disabled:?}"
    );
    // The failed reply and its retry are the same message to Discord.
    assert_eq!(all[2].body["nonce"], all[4].body["nonce"]);
    let reply = &all[4];
    assert_eq!(reply.method, "POST");
    assert_eq!(reply.body["message_reference"]["message_id"], message);
    assert_eq!(reply.body["enforce_nonce"], true);
    let text = reply.body["content"].as_str().unwrap();
    assert!(text.contains("Results of Spring priorities"), "{text}");
    assert!(text.contains("Parking at the hospital (1)"), "{text}");

    // Once only.
    assert_eq!(post_due_results(g, &rest).await.unwrap(), 0);
    assert_eq!(calls(&rec).len(), 5);
}

/// Discord was slow, so the organiser posts the round again: both posts
/// carry the same enforced nonce, and Discord answers the second with the
/// message the first made instead of a second shortlist.
#[tokio::test]
async fn posting_a_round_again_reuses_its_nonce() {
    let app = app().await;
    let g = &app.gather;
    let (rec, base) = recorder().await;
    let rest = Arc::new(DiscordRest::new(&base, TOKEN, Duration::from_secs(5)).unwrap());
    let r = open_round(g).await;
    post(g, Some(rest.clone()), &round_post("31", CHANNEL)).await;
    post(g, Some(rest.clone()), &round_post("32", CHANNEL)).await;
    let posted = calls(&rec);
    assert_eq!(posted.len(), 2, "{posted:?}");
    assert_eq!(posted[0].body["nonce"], posted[1].body["nonce"]);
    assert!(posted.iter().all(|p| p.body["enforce_nonce"] == true));
    // Another channel, or another round, is another message.
    let other = gather::channels::discord_rounds::shortlist_nonce(r, "645027906669510668");
    assert_ne!(posted[0].body["nonce"], other.as_str());
    let next = gather::channels::discord_rounds::shortlist_nonce(r + 1, CHANNEL);
    assert_ne!(posted[0].body["nonce"], next.as_str());
}

#[tokio::test]
async fn a_channel_the_bot_lost_is_given_up() {
    let app = app().await;
    let g = &app.gather;
    let (rec, base) = recorder().await;
    let rest = Arc::new(DiscordRest::new(&base, TOKEN, Duration::from_secs(5)).unwrap());
    let r = open_round(g).await;
    let v = post(g, Some(rest.clone()), &round_post("12", GONE_CHANNEL)).await;
    assert_eq!(v["data"]["flags"], 64, "{v}");
    g.close_round(r).await.unwrap();
    assert_eq!(post_due_results(g, &rest).await.unwrap(), 0);
    let states = g.chat_states("discord:round:").await.unwrap();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].1, "gone");
    let n = calls(&rec).len();
    assert_eq!(post_due_results(g, &rest).await.unwrap(), 0);
    assert_eq!(calls(&rec).len(), n, "not tried again");
}

#[tokio::test]
async fn without_discord_the_round_is_the_answer() {
    let app = app().await;
    let g = &app.gather;
    let r = open_round(g).await;
    // Nothing listens there: the shortlist comes back as the answer.
    let rest =
        Arc::new(DiscordRest::new("http://127.0.0.1:9", TOKEN, Duration::from_secs(2)).unwrap());
    let v = post(g, Some(rest), &round_post("13", CHANNEL)).await;
    assert!(v["data"]["flags"].is_null(), "{v}");
    assert_eq!(buttons(&v["data"]["components"]).len(), 2);
    assert!(g.chat_states("discord:round:").await.unwrap().is_empty());
    let _ = r;
}

/// The gateway adapter hands the handler what the HTTP endpoint would: the
/// same payload, through serenity's model, gets the same answer.
#[tokio::test]
async fn the_gateway_gets_the_same_answers_as_http() {
    let payload = json!({
        "type": 2, "token": "A_UNIQUE_TOKEN", "member": member("53908232506183680", &[]),
        "id": "786008729715212338", "guild_id": "290926798626357999",
        "app_permissions": "442368", "guild_locale": "en-US", "locale": "en-GB",
        "entitlements": [], "attachment_size_limit": 10485760,
        "data": {"options": [{"type": 3, "name": "issue",
                              "value": "The walk-in clinic closes before people finish work"}],
                 "type": 1, "name": "raise", "id": "771825006014889984"},
        "channel_id": CHANNEL, "application_id": "775799577604522054", "version": 1
    });
    let mut with_flags = payload.clone();
    with_flags["member"]["flags"] = json!(0);
    let interaction: serenity::all::Interaction = serde_json::from_value(with_flags).unwrap();
    let converted = gather::channels::discord_gateway::to_handler_json(&interaction).unwrap();
    let roles = vec![ORGANISER_ROLE.to_string()];
    let (a, b) = (app().await, app().await);
    let over_http = gather::http::discord::handle_interaction(&a.gather, &roles, &payload)
        .await
        .unwrap();
    let over_gateway = gather::http::discord::handle_interaction(&b.gather, &roles, &converted)
        .await
        .unwrap();
    assert_eq!(over_http, over_gateway);
    assert!(
        over_gateway["data"]["content"]
            .as_str()
            .unwrap()
            .contains("postcode")
    );
}
