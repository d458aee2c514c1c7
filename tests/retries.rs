//! Providers retry and reorder. Every webhook type — Twilio SMS, Twilio
//! status, Twilio voice, Kannel SMS, Kannel DLR, Discord interaction — is
//! delivered once and in order to one fresh Gather, and twice and out of
//! order (status callbacks and DLRs before the send is recorded) to another;
//! every answer, and everything the database holds afterwards, must be the
//! same. (Values that are times or row ids are left out of the comparison:
//! they differ between two runs by nature.)

use axum::body::Body;
use axum::http::Request;
use ed25519_dalek::{Signer, SigningKey};
use gather::channels::twilio::signature;
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, LanguageTag, Timestamp};
use gather::http::Webhooks;
use gather::http::discord::DiscordWebhookConfig;
use gather::http::kannel::KannelWebhookConfig;
use gather::http::twilio::TwilioWebhookConfig;
use gather::service::Gather;
use gather::store::{NewOutbound, OutboundKind};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const TWILIO: &str = "retries-twilio-token-0123456";
const KANNEL: &str = "retries-kannel-secret";
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
const PERSON: &str = "+447700900801";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[3u8; 32])
}

struct App {
    gather: Gather,
    router: axum::Router,
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
    let public_hex: String = key()
        .verifying_key()
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let router = gather::http::router_with(
        gather.clone(),
        Webhooks {
            twilio: Some(TwilioWebhookConfig {
                auth_token: TWILIO.into(),
                public_url: PUBLIC.into(),
                skip_signature: false,
                numbers: vec![],
            }),
            kannel: Some(KannelWebhookConfig {
                secret: KANNEL.into(),
            }),
            discord: DiscordWebhookConfig::new(&public_hex, vec![]),
            ..Default::default()
        },
    );
    App {
        gather,
        router,
        _dir: dir,
    }
}

/// One webhook delivery.
#[derive(Clone, Debug)]
enum Hook {
    TwilioForm(&'static str, Vec<(&'static str, String)>),
    Kannel(String),
    Discord(String),
    /// Not a webhook: the outbox worker recording that the provider took
    /// message `n` (of those queued by [`queue_two`]) under `id`.
    MarkSent(usize, &'static str, String),
}

async fn deliver(app: &App, hook: &Hook, sent: &[i64]) -> String {
    let req = match hook {
        Hook::TwilioForm(path, pairs) => {
            let params: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params.iter())
                .finish();
            Request::post(*path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header(
                    "x-twilio-signature",
                    signature(TWILIO, &format!("{PUBLIC}{path}"), &params),
                )
                .body(Body::from(body))
                .unwrap()
        }
        Hook::Kannel(query) => {
            let query = query.replace("{sent1}", &sent[1].to_string());
            Request::get(format!("{query}&secret={KANNEL}"))
                .body(Body::empty())
                .unwrap()
        }
        Hook::Discord(body) => {
            let ts = discord_ts();
            let mut msg = ts.as_bytes().to_vec();
            msg.extend_from_slice(body.as_bytes());
            let sig: String = key()
                .sign(&msg)
                .to_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Request::post("/webhooks/discord/interactions")
                .header("content-type", "application/json")
                .header("x-signature-timestamp", &ts)
                .header("x-signature-ed25519", sig)
                .body(Body::from(body.clone()))
                .unwrap()
        }
        Hook::MarkSent(n, provider, id) => {
            let id = id.replace("{sent1}", &sent[1].to_string());
            let mut tx = app.gather.store.begin().await.unwrap();
            tx.mark_sent(sent[*n], provider, &id, Some(1), Some("GSM-7"), ts(3))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            return "marked".into();
        }
    };
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    format!("{status} {}", String::from_utf8_lossy(&body))
}

fn ts(ms: i64) -> Timestamp {
    Timestamp(ms)
}

/// Two notices queued and claimed (the worker is about to send them: one
/// through Twilio, one through Kannel); returns their outbox ids.
async fn queue_two(app: &App) -> Vec<i64> {
    let mut tx = app.gather.store.begin().await.unwrap();
    let identity = Identity {
        kind: IdentityKind::Phone,
        address: "+447700900899".into(),
    };
    let en = LanguageTag::parse("en-GB").unwrap();
    let person = tx.create_person(&identity, &en, ts(1)).await.unwrap().id;
    let mut ids = Vec::new();
    for text in ["Board update one", "Board update two"] {
        let id = tx
            .enqueue(
                &NewOutbound {
                    person: Some(person),
                    channel: Channel::Sms,
                    address: identity.address.clone(),
                    text: text.into(),
                    kind: OutboundKind::Notice,
                    not_before: ts(1),
                    dedupe_key: None,
                },
                ts(1),
            )
            .await
            .unwrap()
            .unwrap();
        ids.push(id);
    }
    tx.claim_outbox(Channel::Sms, ts(2), 100, 60_000, "test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids
}

fn sms(sid: &str, body: &str) -> Hook {
    Hook::TwilioForm(
        "/webhooks/twilio/sms",
        vec![
            ("MessageSid", sid.into()),
            ("From", PERSON.into()),
            ("To", "+447700900000".into()),
            ("Body", body.into()),
        ],
    )
}

fn voice(path: &'static str, extra: &[(&'static str, &str)]) -> Hook {
    let mut pairs = vec![
        ("CallSid", "CA0000000000000000000000000000r1".to_string()),
        ("From", "+447700900802".to_string()),
        ("To", "+447700900000".to_string()),
    ];
    pairs.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    Hook::TwilioForm(path, pairs)
}

/// The script, in order: each entry is one delivery.
fn script() -> Vec<Hook> {
    let status = |s: &str| {
        Hook::TwilioForm(
            "/webhooks/twilio/status",
            vec![
                ("MessageSid", "SMout0000000000000000000000000001".into()),
                ("MessageStatus", s.into()),
            ],
        )
    };
    vec![
        sms("SMr1", "Hello"),
        sms(
            "SMr2",
            "The pharmacy on the high street closes far too early",
        ),
        sms("SMr3", "0"),
        sms("SMr4", "0"),
        sms("SMr5", "YES"),
        sms("SMr6", "YES"),
        voice("/webhooks/twilio/voice", &[]),
        voice("/webhooks/twilio/voice/gather?seq=1", &[("Digits", "9")]),
        voice(
            "/webhooks/twilio/voice/status",
            &[("CallStatus", "completed")],
        ),
        Hook::Kannel("/webhooks/kannel/sms?id=kr-1&from=%2B447700900803&text=Hello".into()),
        Hook::Kannel("/webhooks/kannel/sms?id=kr-2&from=%2B447700900803&text=HELP".into()),
        Hook::Discord(
            r#"{"type":2,"id":"int-r1","user":{"id":"4242"},"data":{"name":"help"}}"#.into(),
        ),
        Hook::MarkSent(0, "twilio", "SMout0000000000000000000000000001".into()),
        status("sent"),
        status("delivered"),
        Hook::MarkSent(1, "kannel", "{sent1}".into()),
        Hook::Kannel("/webhooks/kannel/dlr?id={sent1}&status=8".into()),
        Hook::Kannel("/webhooks/kannel/dlr?id={sent1}&status=1".into()),
    ]
}

/// What the database holds, without times and ids.
async fn state(app: &App) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = app
        .gather
        .store
        .dump_all_text()
        .await
        .unwrap()
        .into_iter()
        // The vote secret is random for each database, by design.
        .filter(|(t, _)| t != "server_secrets")
        .filter(|(_, v)| v.parse::<f64>().is_err())
        .filter(|(_, v)| {
            // RFC 3339 times.
            !(v.len() >= 20 && v.as_bytes().get(4) == Some(&b'-') && v.contains('T'))
        })
        .map(|(t, v)| (t, without_times(&v)))
        .collect();
    rows.sort();
    rows
}

/// Replaces runs of 12 digits or more (times in milliseconds inside JSON,
/// such as a conversation's `expires_at`) with `#`.
fn without_times(v: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for c in v.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.len() >= 12 {
            out.push('#');
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

#[tokio::test]
async fn every_webhook_twice_and_out_of_order_acts_as_once_in_order() {
    // Once, in order.
    let once = spawn().await;
    let sent = queue_two(&once).await;
    let mut answers = Vec::new();
    for hook in script() {
        answers.push(deliver(&once, &hook, &sent).await);
    }

    for (a, h) in answers.iter().zip(script()) {
        assert!(
            a.starts_with('2') || a == "marked",
            "{h:?} was refused: {a}"
        );
    }

    // Twice, with every delivery report before the send it reports on.
    let twice = spawn().await;
    let sent2 = queue_two(&twice).await;
    assert_eq!(sent, sent2, "the same outbox ids on both");
    let mut order: Vec<usize> = (0..script().len()).collect();
    // Move each MarkSent after the reports that follow it.
    let hooks = script();
    for (i, h) in hooks.iter().enumerate() {
        if matches!(h, Hook::MarkSent(..)) {
            let pos = order.iter().position(|&x| x == i).unwrap();
            order.remove(pos);
            order.insert((pos + 2).min(order.len()), i);
        }
    }
    let mut answers2 = vec![Vec::new(); hooks.len()];
    for &i in &order {
        let h = &hooks[i];
        let times = if matches!(h, Hook::MarkSent(..)) {
            1
        } else {
            2
        };
        for _ in 0..times {
            answers2[i].push(deliver(&twice, h, &sent2).await);
        }
    }
    for (i, h) in hooks.iter().enumerate() {
        if matches!(h, Hook::MarkSent(..)) {
            continue;
        }
        for a in &answers2[i] {
            assert_eq!(a, &answers[i], "delivery {i} ({h:?}) answered differently");
        }
    }
    let (a, b) = (state(&once).await, state(&twice).await);
    let only_once: Vec<_> = a.iter().filter(|r| !b.contains(r)).collect();
    let only_twice: Vec<_> = b.iter().filter(|r| !a.contains(r)).collect();
    assert!(
        only_once.is_empty() && only_twice.is_empty() && a.len() == b.len(),
        "the databases differ:\nonly after once: {only_once:?}\nonly after twice: {only_twice:?}\n({} vs {} values)",
        a.len(),
        b.len()
    );
    let _ = Arc::new(());
}
