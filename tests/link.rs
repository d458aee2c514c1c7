//! LINK: a chat identity joined to a phone becomes the same person — one
//! vote per round whatever the channel — and the code's failure paths.

use gather::clock::ManualClock;
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, IssueRef, PhoneNumber, Timestamp};
use gather::engine::Content;
use gather::service::{ChatVote, Gather, InboundMessage, RoundInput};
use gather::store::IssueStatus;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

struct App {
    g: Gather,
    clock: Arc<ManualClock>,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        ("GATHER_DATABASE_URL", format!("sqlite://{}", db.display())),
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
    let engine = gather::app::engine(&config).unwrap();
    let store = gather::app::open_store(&config).await.unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp(1_767_607_200_000)));
    App {
        g: Gather::new(store, engine, clock.clone()),
        clock,
        db,
        _dir: dir,
    }
}

fn chat(kind: IdentityKind, address: &str) -> Identity {
    Identity {
        kind,
        address: address.into(),
    }
}

fn channel(kind: IdentityKind) -> Channel {
    match kind {
        IdentityKind::Matrix => Channel::Matrix,
        IdentityKind::Discord => Channel::Discord,
        IdentityKind::Phone => Channel::Sms,
    }
}

async fn say(app: &App, who: &Identity, text: &str) -> String {
    app.g
        .handle_inbound(InboundMessage {
            identity: who.clone(),
            channel: channel(who.kind),
            content: Content::Text(text.into()),
            provider_id: None,
            language_hint: None,
        })
        .await
        .unwrap()
        .messages
        .join("\n")
}

/// The latest SMS queued to `to` (the code).
async fn last_sms(app: &App, to: &str) -> (String, String) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db.display()))
        .await
        .unwrap();
    let row: (String, String) = sqlx::query_as(
        "SELECT text, kind FROM outbox WHERE channel = 'sms' AND address = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    row
}

fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string()
}

fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect()
}

async fn round(app: &App) -> i64 {
    for t in [
        "The night bus to the hospital was cancelled last month",
        "More evening GP appointments are needed round here",
    ] {
        let who = Identity::phone(&PhoneNumber::parse("+447700900999").unwrap());
        say(app, &who, t).await;
        say(app, &who, "0").await;
        say(app, &who, "0").await;
        say(app, &who, "YES").await;
        say(app, &who, "NO").await;
    }
    for r in [1001, 1002] {
        app.g
            .set_issue_status(IssueRef::new(r), IssueStatus::Approved, None)
            .await
            .unwrap();
    }
    app.g
        .open_round(RoundInput {
            title: "Spring".into(),
            items: vec![IssueRef::new(1001), IssueRef::new(1002)],
            max_choices: 1,
            closes_at: None,
        })
        .await
        .unwrap()
        .id
}

async fn link(app: &App, who: &Identity, number: &str, to: &str) {
    let asked = say(app, who, "LINK").await;
    assert!(asked.contains("mobile number"), "{asked}");
    let sent = say(app, who, number).await;
    assert!(sent.contains("6-digit code"), "{sent}");
    let (sms, kind) = last_sms(app, to).await;
    assert_eq!(kind, "reply", "codes never wait for quiet hours");
    let code = code_in(&sms);
    let done = say(app, who, &code).await;
    assert!(done.contains("now one"), "{done}");
}

#[tokio::test]
async fn after_linking_an_sms_voter_votes_once_whatever_the_channel() {
    let app = app().await;
    let round = round(&app).await;
    let phone = Identity::phone(&PhoneNumber::parse("+447700900501").unwrap());
    say(&app, &phone, "VOTE 1").await;
    // A Discord vote before linking: a separate identity, counted apart.
    let discord = chat(IdentityKind::Discord, "80351110224678912");
    let v = app
        .g
        .cast_vote_direct(&discord, Channel::Discord, Some(round), 2, None)
        .await
        .unwrap();
    assert!(matches!(
        v,
        ChatVote::Counted {
            replaced: false,
            ..
        }
    ));
    let reach = app.g.reach().await.unwrap();
    assert_eq!(reach.unlinked_chat, 1);

    let matrix = chat(IdentityKind::Matrix, "@amira:example.org");
    link(&app, &matrix, "07700 900501", "+447700900501").await;
    // Matrix now votes as the phone's person: the vote is replaced.
    let v = app
        .g
        .cast_vote_direct(&matrix, Channel::Matrix, Some(round), 2, None)
        .await
        .unwrap();
    assert!(
        matches!(v, ChatVote::Counted { replaced: true, .. }),
        "{v:?}"
    );
    // Discord joins too: its ballot and the phone's become one.
    link(&app, &discord, "+447700900501", "+447700900501").await;
    let again = say(&app, &matrix, "LINK").await;
    assert!(again.contains("already linked"), "{again}");
    assert_eq!(app.g.reach().await.unwrap().unlinked_chat, 0);
    let results = app.g.close_round(round).await.unwrap();
    assert_eq!(
        results.iter().map(|r| r.votes).sum::<i64>(),
        1,
        "{results:?}"
    );
    // One person: the phone answers in the same conversation history.
    let from_sms = say(&app, &phone, "LINK").await;
    assert!(from_sms.contains("Discord or Matrix"), "{from_sms}");
}

#[tokio::test]
async fn wrong_expired_and_too_many_codes_get_clear_replies() {
    let app = app().await;
    let who = chat(IdentityKind::Matrix, "@bo:example.org");
    assert!(say(&app, &who, "LINK").await.contains("mobile number"));
    let bad = say(&app, &who, "12345").await;
    assert!(bad.contains("not a mobile number"), "{bad}");
    say(&app, &who, "07700900502").await;
    let code = code_in(&last_sms(&app, "+447700900502").await.0);
    let w = say(&app, &who, &wrong(&code)).await;
    assert!(w.contains("not right"), "{w}");
    // Ten minutes later the right code no longer works.
    app.clock.advance_secs(601);
    let late = say(&app, &who, &code).await;
    assert!(late.contains("no longer works"), "{late}");

    // Five wrong tries end a code, even the right one after them.
    say(&app, &who, "LINK").await;
    say(&app, &who, "07700900502").await;
    let code = code_in(&last_sms(&app, "+447700900502").await.0);
    for _ in 0..4 {
        let w = say(&app, &who, &wrong(&code)).await;
        assert!(w.contains("not right"), "{w}");
    }
    let fifth = say(&app, &who, &wrong(&code)).await;
    assert!(fifth.contains("no longer works"), "{fifth}");
    let after = say(&app, &who, &code).await;
    assert!(!after.contains("now one"), "{after}");
    let p = {
        let mut tx = app.g.store.begin().await.unwrap();
        let p = tx.person_by_identity(&who).await.unwrap().unwrap();
        let phone = tx.person_address(p.id, IdentityKind::Phone).await.unwrap();
        tx.commit().await.unwrap();
        phone
    };
    assert_eq!(p, None, "not linked");
}
