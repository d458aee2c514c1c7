//! One person, one vote (issue 17): FORGET unlinks a ballot, but the number
//! (or a chat account linked to it) that comes back cannot vote again in
//! that round, whether it texts, calls or votes from chat.

use gather::clock::ManualClock;
use gather::config::Config;
use gather::domain::{
    Channel, Identity, IdentityKind, IssueRef, LanguageTag, PhoneNumber, Timestamp,
};
use gather::engine::Content;
use gather::service::voice::CallInput;
use gather::service::{ChatVote, Gather, InboundMessage, RoundInput};
use gather::store::IssueStatus;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

struct App {
    g: Gather,
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
        g: Gather::new(store, engine, clock),
        db,
        _dir: dir,
    }
}

fn phone(n: &str) -> Identity {
    Identity::phone(&PhoneNumber::parse(n).unwrap())
}

fn chat(kind: IdentityKind, address: &str) -> Identity {
    Identity {
        kind,
        address: address.into(),
    }
}

async fn say(app: &App, who: &Identity, text: &str) -> String {
    let channel = match who.kind {
        IdentityKind::Matrix => Channel::Matrix,
        IdentityKind::Discord => Channel::Discord,
        IdentityKind::Phone => Channel::Sms,
    };
    app.g
        .handle_inbound(InboundMessage {
            identity: who.clone(),
            channel,
            content: Content::Text(text.into()),
            provider_id: None,
            language_hint: None,
        })
        .await
        .unwrap()
        .messages
        .join("\n")
}

fn voted_before(app: &App, lang: &str) -> String {
    app.g.engine.locales().format(
        &LanguageTag::parse(lang).unwrap(),
        "vote-voted-before",
        &Default::default(),
    )
}

async fn round(app: &App) -> i64 {
    for t in [
        "The night bus to the hospital was cancelled last month",
        "More evening GP appointments are needed round here",
    ] {
        let who = phone("+447700900999");
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

async fn total_votes(app: &App, round: i64) -> i64 {
    app.g
        .close_round(round)
        .await
        .unwrap()
        .iter()
        .map(|r| r.votes)
        .sum()
}

/// The latest SMS queued to `to` (a LINK code).
async fn last_sms(app: &App, to: &str) -> String {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db.display()))
        .await
        .unwrap();
    let text: String = sqlx::query_scalar(
        "SELECT text FROM outbox WHERE channel = 'sms' AND address = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    text
}

async fn link(app: &App, who: &Identity, number: &str) {
    say(app, who, "LINK").await;
    let sent = say(app, who, number).await;
    assert!(sent.contains("6-digit code"), "{sent}");
    let sms = last_sms(app, number).await;
    let code = sms
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string();
    let done = say(app, who, &code).await;
    assert!(done.contains("now one"), "{done}");
}

async fn forget(app: &App, who: &Identity) {
    say(app, who, "FORGET").await;
    let done = say(app, who, "YES").await;
    assert!(done.contains("deleted"), "{done}");
}

/// VOTE, FORGET, YES, VOTE again: the second vote is refused, by SMS and
/// by a call from the same number (one identity on both channels).
#[tokio::test]
async fn a_number_cannot_vote_again_after_forget_by_sms_or_by_calling() {
    let app = app().await;
    let round = round(&app).await;
    let me = phone("+447700900601");
    let counted = say(&app, &me, "VOTE 1").await;
    assert!(counted.contains("counted"), "{counted}");
    forget(&app, &me).await;

    // The same number calls first (a new caller: language, then the menu)
    // and picks Vote: an SMS and a call from one number are one identity.
    let from = PhoneNumber::parse("+447700900601").unwrap();
    let mut heard = Vec::new();
    for (i, input) in [
        CallInput::Start,
        CallInput::Keys("1".into()),
        CallInput::Keys("2".into()),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = app
            .g
            .voice_turn("CA0001", &from, &format!("CA0001:{i}"), input)
            .await
            .unwrap();
        heard.extend(reply.messages);
    }
    let heard = heard.join("\n");
    assert!(heard.contains(&voted_before(&app, "en-GB")), "{heard}");

    // And by SMS, one-shot and through the menu.
    let again = say(&app, &me, "VOTE 2").await;
    assert!(again.contains(&voted_before(&app, "en-GB")), "{again}");
    let menu = say(&app, &me, "VOTE").await;
    assert!(menu.contains(&voted_before(&app, "en-GB")), "{menu}");

    assert_eq!(total_votes(&app, round).await, 1, "one number, one vote");
}

/// A chat account linked to a phone is the person: after FORGET neither the
/// phone nor the linked account votes again in that round, whichever of
/// them voted.
#[tokio::test]
async fn linked_accounts_cannot_vote_again_after_forget() {
    let app = app().await;
    let round = round(&app).await;

    // The phone votes; a Matrix account is linked to it; FORGET.
    let phone_a = phone("+447700900701");
    say(&app, &phone_a, "VOTE 1").await;
    let matrix = chat(IdentityKind::Matrix, "@amira:example.org");
    link(&app, &matrix, "+447700900701").await;
    forget(&app, &phone_a).await;
    let v = app
        .g
        .cast_vote_direct(&matrix, Channel::Matrix, Some(round), 2, None)
        .await
        .unwrap();
    assert!(matches!(v, ChatVote::VotedBefore { .. }), "{v:?}");
    let by_text = say(&app, &matrix, "VOTE 2").await;
    assert!(by_text.contains(&voted_before(&app, "en-GB")), "{by_text}");
    let again = say(&app, &phone_a, "VOTE 2").await;
    assert!(again.contains(&voted_before(&app, "en-GB")), "{again}");

    // Discord votes, then is linked to a phone that never voted; FORGET
    // from Discord: the phone that comes back cannot vote either.
    let discord = chat(IdentityKind::Discord, "80351110224678913");
    let v = app
        .g
        .cast_vote_direct(&discord, Channel::Discord, Some(round), 2, None)
        .await
        .unwrap();
    assert!(matches!(v, ChatVote::Counted { .. }), "{v:?}");
    link(&app, &discord, "+447700900702").await;
    forget(&app, &discord).await;
    let phone_b = phone("+447700900702");
    let again = say(&app, &phone_b, "VOTE 1").await;
    assert!(again.contains(&voted_before(&app, "en-GB")), "{again}");
    let v = app
        .g
        .cast_vote_direct(&discord, Channel::Discord, Some(round), 1, None)
        .await
        .unwrap();
    assert!(matches!(v, ChatVote::VotedBefore { .. }), "{v:?}");

    assert_eq!(total_votes(&app, round).await, 2, "two people, two votes");
}

/// The hashes kept say nothing of the number.
#[tokio::test]
async fn voter_hashes_keep_no_number() {
    let app = app().await;
    let round = round(&app).await;
    let me = phone("+447700900801");
    say(&app, &me, "VOTE 1").await;
    forget(&app, &me).await;
    let dump = app.g.store.dump_all_text().await.unwrap();
    let voters: Vec<&String> = dump
        .iter()
        .filter(|(t, _)| t == "round_voters")
        .map(|(_, v)| v)
        .collect();
    assert!(!voters.is_empty(), "the vote is remembered");
    for needle in ["447700900801", "07700900801", "7700900801"] {
        assert!(
            !dump
                .iter()
                .filter(|(t, _)| t == "round_voters" || t == "server_secrets")
                .any(|(_, v)| v.contains(needle)),
            "{needle} is kept with the votes"
        );
    }
    assert!(
        say(&app, &me, "VOTE 2")
            .await
            .contains(&voted_before(&app, "en-GB"))
    );
    assert_eq!(total_votes(&app, round).await, 1);
}
