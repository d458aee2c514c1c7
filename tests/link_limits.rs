//! LINK cannot be used to flood a phone with codes (issue 17, item 8): at
//! most 3 codes an hour to one number and 5 an hour for one chat account,
//! counted in the store (so two instances on one database share them), and
//! the requester's reply is the same whether a code went, the number is
//! known to Gather or not, or a limit held it back.

use gather::clock::ManualClock;
use gather::config::Config;
use gather::domain::{Channel, Identity, IdentityKind, Timestamp};
use gather::engine::Content;
use gather::service::{Gather, InboundMessage};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

async fn instance(db: &Path, clock: Arc<ManualClock>) -> Gather {
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
    Gather::new(
        gather::app::open_store(&config).await.unwrap(),
        gather::app::engine(&config).unwrap(),
        clock,
    )
}

async fn say(g: &Gather, user: &str, text: &str, id: &str) -> String {
    g.handle_inbound(InboundMessage {
        identity: Identity {
            kind: IdentityKind::Discord,
            address: user.to_string(),
        },
        channel: Channel::Discord,
        content: Content::Text(text.into()),
        provider_id: Some(("discord".into(), id.into())),
        language_hint: None,
    })
    .await
    .unwrap()
    .messages
    .join("\n")
}

/// Asks for a code to `phone`; returns the reply to the number.
async fn ask(g: &Gather, user: &str, phone: &str, n: &mut u32) -> String {
    *n += 1;
    say(g, user, "LINK", &format!("i{n}")).await;
    *n += 1;
    say(g, user, phone, &format!("i{n}")).await
}

/// Codes queued to each number so far.
async fn codes_to(g: &Gather, phone_e164: &str) -> usize {
    let rows = g.store.dump_all_text().await.unwrap();
    // An outbox row's values come out in column order: address, then text.
    let values: Vec<&String> = rows
        .iter()
        .filter(|(t, _)| t == "outbox")
        .map(|(_, v)| v)
        .collect();
    values
        .windows(2)
        .filter(|w| w[0] == phone_e164 && w[1].contains("Your Gather code is"))
        .count()
}

#[tokio::test]
async fn link_codes_are_limited_per_number_and_per_requester_across_instances() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let clock = Arc::new(ManualClock::new(
        Timestamp::parse_rfc3339("2026-01-05T12:00:00Z").unwrap(),
    ));
    // Two instances on one database, taking turns.
    let a = instance(&db, clock.clone()).await;
    let b = instance(&db, clock.clone()).await;
    let mut n = 0;
    const VICTIM: &str = "+447700900555";

    // Six accounts ask for codes to one number, through both instances.
    let mut replies = Vec::new();
    for i in 0..6 {
        let g = if i % 2 == 0 { &a } else { &b };
        replies.push(
            ask(
                g,
                &format!("1000000000000000{i:02}"),
                "07700 900555",
                &mut n,
            )
            .await,
        );
    }
    assert_eq!(
        codes_to(&a, VICTIM).await,
        3,
        "3 codes an hour to one number"
    );
    // Every requester heard the same, sent or not.
    assert!(replies[0].contains("6-digit code"), "{}", replies[0]);
    assert!(replies.iter().all(|r| *r == replies[0]), "{replies:#?}");

    // One account asking for codes to many numbers: 5 an hour.
    const BOMBER: &str = "200000000000000001";
    let mut replies = Vec::new();
    for i in 0..7 {
        let g = if i % 2 == 0 { &b } else { &a };
        replies.push(ask(g, BOMBER, &format!("07700 9001{i:02}"), &mut n).await);
    }
    let mut sent = 0;
    for i in 0..7 {
        sent += codes_to(&a, &format!("+4477009001{i:02}")).await;
    }
    assert_eq!(sent, 5, "5 codes an hour for one requester");
    assert!(replies.iter().all(|r| *r == replies[0]), "{replies:#?}");

    // An hour later, codes go again.
    clock.advance_secs(3601);
    ask(&a, "100000000000000099", "07700 900555", &mut n).await;
    assert_eq!(codes_to(&a, VICTIM).await, 4);
    ask(&b, BOMBER, "07700 900199", &mut n).await;
    assert_eq!(codes_to(&a, "+447700900199").await, 1);

    // The limits keep no number and no handle.
    let rows = a.store.dump_all_text().await.unwrap();
    for (table, value) in rows.iter().filter(|(t, _)| t == "link_requests") {
        for needle in ["7700900", BOMBER, "1000000000000000"] {
            assert!(!value.contains(needle), "{table}: {value}");
        }
    }
    assert!(rows.iter().any(|(t, _)| t == "link_requests"));
}
