//! Abuse and privacy: the per-sender inbound rate limit, and FORGET leaving
//! nothing of a person in any table (SQLite always; PostgreSQL too when
//! `TEST_DATABASE_URL` is set, in a fresh schema) while the issue they raised
//! stays, unattributed, and their vote still counts.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use gather::channels::twilio::signature;
use gather::config::Config;
use gather::domain::{Channel, Identity, IssueRef, LanguageTag, PhoneNumber};
use gather::engine::Content;
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use gather::i18n::Args;
use gather::service::{Gather, InboundMessage, RoundInput};
use gather::store::IssueStatus;
use gather::store::postgres::PgStore;
use http_body_util::BodyExt;
use sqlx::Connection;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "security-test-auth-token-0123";
const PUBLIC: &str = "https://gather.example.org";

fn env(db: &str, extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut env: BTreeMap<String, String> = [
        ("GATHER_DATABASE_URL", db.to_string()),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    env
}

async fn sqlite_app(dir: &Path, extra: &[(&str, &str)]) -> Gather {
    let db = format!("sqlite://{}", dir.join("g.db").display());
    let config = Config::from_sources(None, &env(&db, extra)).unwrap();
    gather::app::build(&config).await.unwrap()
}

async fn sms(router: &axum::Router, sid: &str, from: &str, body: &str) -> (StatusCode, String) {
    let params: Vec<(String, String)> = [
        ("MessageSid", sid),
        ("From", from),
        ("To", "+447700900000"),
        ("Body", body),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let form = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    let path = "/webhooks/twilio/sms";
    let req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "x-twilio-signature",
            signature(TOKEN, &format!("{PUBLIC}{path}"), &params),
        )
        .body(Body::from(form))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn twilio_router(gather: &Gather) -> axum::Router {
    gather::http::router_with(
        gather.clone(),
        Webhooks {
            twilio: Some(TwilioWebhookConfig {
                auth_token: TOKEN.into(),
                public_url: PUBLIC.into(),
                skip_signature: false,
                numbers: vec![],
            }),
            ..Default::default()
        },
    )
}

#[tokio::test]
async fn a_flooding_number_gets_one_slow_down_then_silence_and_others_are_unaffected() {
    let dir = tempfile::tempdir().unwrap();
    let gather = sqlite_app(dir.path(), &[("GATHER_INBOUND_RATE", "5")]).await;
    let router = twilio_router(&gather);
    let en = LanguageTag::parse("en-GB").unwrap();
    let slow_down = gather
        .engine
        .locales()
        .format(&en, "slow-down", &Args::new());
    const FLOOD: &str = "+447700900501";
    const CALM: &str = "+447700900502";

    let mut answers = Vec::new();
    for i in 0..12 {
        let (status, twiml) = sms(&router, &format!("SMflood{i}"), FLOOD, "hello").await;
        assert_eq!(status, StatusCode::OK, "{twiml}");
        answers.push(twiml);
    }
    for (i, twiml) in answers.iter().enumerate() {
        match i {
            0..5 => {
                assert!(twiml.contains("<Message>"), "{i}: {twiml}");
                assert!(!twiml.contains(&slow_down), "{i}: {twiml}");
            }
            5 => assert!(twiml.contains(&slow_down), "{i}: {twiml}"),
            _ => assert!(!twiml.contains("<Message>"), "{i}: silence, got {twiml}"),
        }
    }
    // A provider's retry of the limited message gets the same answer.
    let (_, again) = sms(&router, "SMflood5", FLOOD, "hello").await;
    assert!(again.contains(&slow_down), "{again}");
    // HELP (like STOP, START and FORGET) is never held back by the limit.
    let (_, help) = sms(&router, "SMfloodhelp", FLOOD, "HELP").await;
    assert!(help.contains("<Message>"), "{help}");
    // Someone else, at the same time, is answered as usual.
    for i in 0..5 {
        let (status, twiml) = sms(&router, &format!("SMcalm{i}"), CALM, "HELP").await;
        assert_eq!(status, StatusCode::OK);
        assert!(twiml.contains("<Message>"), "{twiml}");
        assert!(!twiml.contains(&slow_down), "{twiml}");
    }
    // The limited messages reached neither the conversation nor the log.
    let texts = gather.store.dump_all_text().await.unwrap();
    let logged = texts
        .iter()
        .filter(|(t, v)| t == "messages" && (v == "HELP" || v == "hello"))
        .count();
    assert_eq!(
        logged,
        5 + 1 + 5,
        "5 from each number were handled, and HELP"
    );
}

#[test]
fn the_inbound_rate_is_configurable_and_checked() {
    let db = "sqlite://unused.db";
    let c = Config::from_sources(None, &env(db, &[])).unwrap();
    assert_eq!(c.inbound_rate, 20);
    let c = Config::from_sources(None, &env(db, &[("GATHER_INBOUND_RATE", "0")])).unwrap();
    assert_eq!(c.inbound_rate, 0);
    let e = Config::from_sources(None, &env(db, &[("GATHER_INBOUND_RATE", "lots")])).unwrap_err();
    assert!(e.to_string().contains("GATHER_INBOUND_RATE"), "{e}");
}

/// A fresh PostgreSQL schema, dropped at the end (best effort).
struct PgSchema {
    url: String,
    schema: String,
}

impl PgSchema {
    async fn create(url: &str) -> PgSchema {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let schema = format!("gather_test_{secs}_{}_sec", std::process::id());
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        PgSchema {
            url: url.to_string(),
            schema,
        }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let url = self.url.clone();
        let schema = self.schema.clone();
        common::drop_schema_blocking(url, schema);
    }
}

async fn say(g: &Gather, from: &str, text: &str, sid: &str) -> String {
    g.handle_inbound(InboundMessage {
        identity: Identity::phone(&PhoneNumber::parse(from).unwrap()),
        channel: Channel::Sms,
        content: Content::Text(text.into()),
        provider_id: Some(("twilio".into(), sid.into())),
        language_hint: None,
    })
    .await
    .unwrap()
    .messages
    .join("\n")
}

/// The FORGET scenario on one backend.
async fn forget_leaves_nothing(name: &str, g: &Gather) {
    const NUMBER: &str = "+447700900777";
    // Words only this person wrote (not the issue itself, which stays).
    const CHATTER: &str = "Hello Quokkaville";
    const ISSUE: &str = "The pharmacy on Zebra Street closes far too early";
    let mut n = 0;
    let mut sid = || {
        n += 1;
        format!("SMforget{n}")
    };
    say(g, NUMBER, CHATTER, &sid()).await;
    for t in [ISSUE, "0", "0", "YES", "YES"] {
        say(g, NUMBER, t, &sid()).await;
    }
    // Someone else raises one too, so the round has two.
    for (i, t) in [
        "The bus to the hospital stopped running on Sundays",
        "0",
        "0",
        "YES",
        "YES",
    ]
    .iter()
    .enumerate()
    {
        say(g, "+447700900778", t, &format!("SMother{i}")).await;
    }
    let issues = g.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 2, "{name}");
    let theirs = issues
        .iter()
        .find(|i| i.description.contains("Zebra Street"))
        .unwrap()
        .issue_ref;
    for i in &issues {
        g.set_issue_status(i.issue_ref, IssueStatus::Approved, None)
            .await
            .unwrap();
    }
    let others: Vec<IssueRef> = issues.iter().map(|i| i.issue_ref).collect();
    let round = g
        .create_round(RoundInput {
            title: "What first?".into(),
            items: others,
            max_choices: 1,
            closes_at: None,
        })
        .await
        .unwrap();
    g.open_round_id(round.id).await.unwrap();
    let position = round
        .items
        .iter()
        .position(|i| i.issue_ref == theirs)
        .unwrap()
        + 1;
    let voted = say(g, NUMBER, &format!("VOTE {position}"), &sid()).await;
    let before = g.results(round.id).await.unwrap();
    let votes_for = |rows: &[gather::store::ResultRow]| {
        rows.iter()
            .find(|r| r.issue_ref == theirs)
            .map(|r| r.votes)
            .unwrap_or(0)
    };
    assert_eq!(votes_for(&before), 1, "{name}: {voted}");

    say(g, NUMBER, "FORGET", &sid()).await;
    let done = say(g, NUMBER, "YES", &sid()).await;
    assert!(!done.is_empty(), "{name}");

    let rows = g.store.dump_all_text().await.unwrap();
    let national = NUMBER.trim_start_matches("+44");
    for (table, value) in &rows {
        for needle in [NUMBER, "447700900777", national, CHATTER, "Quokkaville"] {
            assert!(
                !value.contains(needle),
                "{name}: `{needle}` is still in table {table}: {value:?}"
            );
        }
    }
    // The issue stays, with no one's name on it; the vote still counts.
    // (Its raised_by is gone with the person row: the store's own test,
    // tests/store.rs, checks the column.)
    let issue = g
        .list_issues(None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.issue_ref == theirs)
        .expect("the issue stays");
    assert!(issue.description.contains("Zebra Street"), "{name}");
    assert_eq!(votes_for(&g.results(round.id).await.unwrap()), 1, "{name}");
    // Someone texting from that number again is a new person.
    let again = say(g, NUMBER, "HELP", &sid()).await;
    assert!(!again.is_empty());
}

#[tokio::test]
async fn forget_leaves_no_trace_in_any_table_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let g = sqlite_app(dir.path(), &[]).await;
    forget_leaves_nothing("sqlite", &g).await;

    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        println!("TEST_DATABASE_URL is not set: PostgreSQL not tested");
        return;
    };
    let pg = PgSchema::create(&url).await;
    let store = PgStore::connect_with_schema(&pg.url, &pg.schema)
        .await
        .unwrap();
    use gather::store::Store;
    store.migrate().await.unwrap();
    let config = Config::from_sources(None, &env("sqlite://unused.db", &[])).unwrap();
    let engine = gather::app::engine(&config).unwrap();
    let g = Gather::new(
        Arc::new(store),
        engine,
        Arc::new(gather::clock::SystemClock),
    );
    forget_leaves_nothing("postgres", &g).await;
    drop(g);
    drop(pg);
}
