//! Board updates reach everyone involved, once each, in their own
//! language, through the outbox: raisers, followers and voters (of merged
//! duplicates too), but not people who opted out.

use gather::config::Config;
use gather::domain::{Channel, Identity, IssueRef, LanguageTag, PhoneNumber};
use gather::engine::Content;
use gather::service::{Gather, InboundMessage, ResponseInput, RoundInput};
use gather::store::{IssueStatus, ResponseStatus};
use std::collections::BTreeMap;
use std::path::Path;

struct App {
    gather: Gather,
    db: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

async fn spawn() -> App {
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
    App {
        gather: gather::app::build(&config).await.unwrap(),
        db,
        _dir: dir,
    }
}

async fn say(app: &App, from: &str, lang: Option<&str>, text: &str) -> Vec<String> {
    app.gather
        .handle_inbound(InboundMessage {
            identity: Identity::phone(&PhoneNumber::parse(from).unwrap()),
            channel: Channel::Sms,
            content: Content::Text(text.into()),
            provider_id: None,
            language_hint: lang.map(|l| LanguageTag::parse(l).unwrap()),
        })
        .await
        .unwrap()
        .messages
}

async fn outbox(app: &App) -> Vec<(String, String, i64)> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db.display()))
        .await
        .unwrap();
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT address, text, COALESCE(fanout_id, 0) FROM outbox ORDER BY address")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn an_update_reaches_raisers_followers_and_voters_once_in_their_language() {
    let app = spawn().await;
    let g = &app.gather;
    // +..01 raises G-1001 (English); +..02 raises a duplicate G-1002 (Polish).
    for t in [
        "MENU",
        "1",
        "The night bus to the hospital was cancelled",
        "0",
        "0",
        "YES",
        "NO",
    ] {
        say(&app, "+447700900901", None, t).await;
    }
    for t in [
        "MENU",
        "1",
        "Nocny autobus do szpitala został odwołany",
        "0",
        "0",
        "TAK",
        "NIE",
    ] {
        say(&app, "+447700900902", Some("pl"), t).await;
    }
    for r in [1001, 1002] {
        g.set_issue_status(IssueRef::new(r), IssueStatus::Approved, None)
            .await
            .unwrap();
    }
    // A Polish voter and no Polish titles: the organiser accepts the marked
    // English fallback (issue 19).
    g.open_round_with(
        RoundInput {
            title: "Buses".into(),
            items: vec![IssueRef::new(1001), IssueRef::new(1002)],
            max_choices: 1,
            closes_at: None,
        },
        true,
    )
    .await
    .unwrap();
    // Voters: +..03 (English) for the duplicate, +..01 again for its own.
    say(&app, "+447700900903", None, "VOTE 2").await;
    say(&app, "+447700900901", None, "VOTE 1").await;
    // +..04 voted and then opted out: they hear nothing.
    say(&app, "+447700900904", None, "VOTE 1").await;
    say(&app, "+447700900904", None, "STOP").await;
    // +..05 has nothing to do with it.
    say(&app, "+447700900905", None, "Hello").await;

    g.merge_issue(IssueRef::new(1002), IssueRef::new(1001))
        .await
        .unwrap();
    let recorded = g
        .record_response(ResponseInput {
            issue: IssueRef::new(1001),
            status: ResponseStatus::Committed,
            progress: None,
            texts: vec![(
                LanguageTag::parse("en-GB").unwrap(),
                "The Board will restore the night bus.".into(),
            )],
        })
        .await
        .unwrap();
    assert_eq!(recorded.recipients, 3, "raisers of both, and the voter");

    let rows: Vec<_> = outbox(&app)
        .await
        .into_iter()
        .filter(|(_, _, f)| *f == recorded.fanout)
        .collect();
    let to: Vec<&str> = rows.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(to, vec!["+447700900901", "+447700900902", "+447700900903"]);
    // By SMS, one short notice in their language (plain Polish, GSM-7):
    // the reference, the status, and UPDATES for the whole text.
    let english = &rows[0].1;
    assert_eq!(
        english, "News on G-1001: the Board committed to act. Send UPDATES to read it.",
        "{english}"
    );
    let polish = &rows[1].1;
    assert_eq!(
        polish, "Nowosci w sprawie G-1001: Zarzad obiecal dzialac. Wyslij NOWOSCI, aby przeczytac.",
        "{polish}"
    );
    for (_, text, _) in &rows {
        assert_eq!(
            gather::channels::segments::count(text).segments,
            1,
            "{text}"
        );
    }
    // UPDATES has the whole text, with the note that the Polish is coming.
    let replay = say(&app, "+447700900902", None, "NOWOSCI").await;
    let replay = replay.join("\n");
    assert!(
        replay.contains("The Board will restore the night bus."),
        "{replay}"
    );
    assert!(replay.contains("Tlumaczenie wkrotce"), "{replay}");

    // Asking again is harmless; the status shows what is queued.
    let status = g.fanout_status(Some(recorded.fanout)).await.unwrap();
    assert_eq!(status[0].recipients, 3);
    assert_eq!(status[0].queued, 3);
}

#[tokio::test]
async fn round_results_are_announced_to_voters_or_everyone() {
    let app = spawn().await;
    let g = &app.gather;
    for t in [
        "MENU",
        "1",
        "More GP appointments in the evening please",
        "0",
        "0",
        "YES",
        "NO",
    ] {
        say(&app, "+447700900911", None, t).await;
    }
    g.set_issue_status(IssueRef::new(1001), IssueStatus::Approved, None)
        .await
        .unwrap();
    let round = g
        .open_round(RoundInput {
            title: "Spring".into(),
            items: vec![IssueRef::new(1001)],
            max_choices: 1,
            closes_at: None,
        })
        .await
        .unwrap();
    say(&app, "+447700900912", Some("pl"), "GŁOSUJ 1").await;
    say(&app, "+447700900913", None, "Hello").await;
    // Not before it closes.
    assert!(g.announce(round.id, false).await.is_err());
    g.close_round(round.id).await.unwrap();
    let voters = g.announce(round.id, false).await.unwrap();
    assert_eq!(voters.recipients, 1);
    let everyone = g.announce(round.id, true).await.unwrap();
    assert_eq!(everyone.recipients, 3);
    let rows = outbox(&app).await;
    let polish = rows
        .iter()
        .find(|(a, _, f)| a == "+447700900912" && *f == voters.fanout)
        .unwrap();
    assert!(polish.1.starts_with("Wyniki: Spring"), "{}", polish.1);
    assert!(polish.1.contains("1. More GP appointments"), "{}", polish.1);
}
