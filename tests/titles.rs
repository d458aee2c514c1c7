//! Per-language issue titles (issue 19): what an organiser may write, and
//! that a round opens only when every voter language has its titles, or
//! with the marked English fallback accepted.

use gather::clock::ManualClock;
use gather::domain::{Channel, Identity, IssueRef, LanguageTag, PhoneNumber};
use gather::engine::Content;
use gather::service::{Gather, InboundMessage, RoundInput, ServiceError};
use gather::store::IssueStatus;
use std::path::Path;
use std::sync::Arc;

async fn gather() -> Gather {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engine = gather::transcript::engine_from(root).expect("flows and locales load");
    let store = gather::store::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(ManualClock::new(gather::transcript::START));
    Gather::new(store, engine, clock).with_inbound_rate(0)
}

async fn say(g: &Gather, from: &str, lang: Option<&str>, text: &str) -> Vec<String> {
    g.handle_inbound(InboundMessage {
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

fn tag(t: &str) -> LanguageTag {
    LanguageTag::parse(t).unwrap()
}

/// An approved issue G-1001 raised in English, and a Polish person.
async fn setup() -> Gather {
    let g = gather().await;
    for t in [
        "1",
        "There are no evening GP appointments for people who work",
        "0",
        "0",
        "YES",
        "NO",
    ] {
        say(&g, "+447700900001", None, t).await;
    }
    g.set_issue_status(IssueRef::new(1001), IssueStatus::Approved, None)
        .await
        .unwrap();
    g.set_issue_title(IssueRef::new(1001), "Evening GP appointments")
        .await
        .unwrap();
    say(&g, "+48600111222", Some("pl"), "Dzień dobry").await;
    g
}

fn input() -> RoundInput {
    RoundInput {
        title: "Spring".into(),
        items: vec![IssueRef::new(1001)],
        max_choices: 1,
        closes_at: None,
    }
}

#[tokio::test]
async fn a_round_opens_only_with_titles_for_every_voter_language_or_the_fallback() {
    let g = setup().await;
    let refused = g.open_round(input()).await;
    match refused {
        Err(ServiceError::Conflict(m)) => {
            assert!(m.contains("pl: round 1, G-1001"), "{m}");
            assert!(m.contains("--accept-fallback"), "{m}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A draft too.
    let draft = g.create_round(input()).await.unwrap();
    assert!(matches!(
        g.open_round_id(draft.id).await,
        Err(ServiceError::Conflict(_))
    ));
    // With the fallback accepted it opens, and the Polish voter reads the
    // English title, marked.
    g.open_round_id_with(draft.id, true).await.unwrap();
    let ballot = say(&g, "+48600111222", None, "GŁOSUJ").await.join("\n");
    assert!(
        ballot.contains("1 Evening GP appointments (EN)"),
        "{ballot}"
    );
    // English voters read it as it is.
    let en = say(&g, "+447700900001", None, "VOTE").await.join("\n");
    assert!(
        en.contains("1 Evening GP appointments\n") || en.ends_with("1 Evening GP appointments"),
        "{en}"
    );
}

#[tokio::test]
async fn with_a_title_in_every_voter_language_the_round_opens() {
    let g = setup().await;
    g.set_issue_title_in(
        IssueRef::new(1001),
        &tag("pl"),
        Some("Wieczorne wizyty u lekarza"),
    )
    .await
    .unwrap();
    // Someone who opted out does not count.
    say(&g, "+40700000001", Some("ro"), "Bună").await;
    say(&g, "+40700000001", None, "STOP").await;
    // The round's own title is a title too: without its Polish title the
    // round does not open.
    let refused = g.open_round(input()).await.unwrap_err();
    assert!(refused.to_string().contains("pl: round"), "{refused}");
    let draft = g.create_round(input()).await.unwrap();
    let refused = g.open_round_id(draft.id).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains(&format!("pl: round {}", draft.id)),
        "{refused}"
    );
    g.set_round_title_in(draft.id, &tag("pl"), Some("Wiosenne głosowanie"))
        .await
        .unwrap();
    g.open_round_id(draft.id).await.unwrap();
    let ballot = say(&g, "+48600111222", None, "GŁOSUJ").await.join("\n");
    assert!(ballot.contains("1 Wieczorne wizyty u lekarza"), "{ballot}");
    // By SMS, Polish is spelt plain (GSM-7): "Wiosenne glosowanie".
    assert!(ballot.contains("Wiosenne glosowanie"), "{ballot}");
    assert!(!ballot.contains("(EN)"), "{ballot}");
    assert!(!ballot.contains("Spring"), "{ballot}");
    // English voters read the round's own title.
    let en = say(&g, "+447700900001", None, "VOTE").await.join("\n");
    assert!(en.contains("Spring"), "{en}");
}

#[tokio::test]
async fn round_titles_rules_and_from_the_sheet() {
    let g = setup().await;
    let draft = g.create_round(input()).await.unwrap();
    // The default language's is the round's own; unknown locales, emoji and
    // over-long titles are refused.
    for (lang, title) in [
        ("en-GB", "Spring"),
        ("xx", "Whatever"),
        ("pl", "Wiosna 🌸"),
        ("bn", "বসন্তকালীন ভোট যেখানে সবাই তাদের মতামত জানাতে পারেন"),
    ] {
        let lang = LanguageTag::parse(lang).unwrap();
        let err = g
            .set_round_title_in(draft.id, &lang, Some(title))
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(_)), "{lang}: {err:?}");
    }
    assert!(matches!(
        g.set_round_title_in(999, &tag("pl"), Some("Wiosna")).await,
        Err(ServiceError::NotFound(_))
    ));
    // From a sheet, with the issues' titles.
    let sheet = format!(
        "issue,language,title\nround {},pl,Wiosna\nG-1001,pl,Wieczorne wizyty\nR{},ar,الربيع\n",
        draft.id, draft.id
    );
    let done = g.import_issue_titles(&sheet).await.unwrap();
    assert_eq!(done.set, 3);
    assert_eq!(
        g.round_titles(draft.id).await.unwrap(),
        [
            ("ar".to_string(), "الربيع".to_string()),
            ("pl".to_string(), "Wiosna".to_string())
        ]
    );
    let err = g
        .import_issue_titles("issue,language,title\nround 77,pl,Wiosna\nround 1,en-GB,Spring\n")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 3: a round's `en-GB` title is its own title"),
        "{err}"
    );
    g.open_round_id(draft.id).await.unwrap();
    // Cleared, the Polish reader sees the round's own title, marked.
    g.set_round_title_in(draft.id, &tag("pl"), None)
        .await
        .unwrap();
    let ballot = say(&g, "+48600111222", None, "GŁOSUJ").await.join("\n");
    assert!(ballot.contains("Spring (EN)"), "{ballot}");
}

#[tokio::test]
async fn a_title_fits_the_sms_budget_and_has_no_emoji() {
    let g = setup().await;
    let r = IssueRef::new(1001);
    let invalid = |res: Result<_, ServiceError>| matches!(res, Err(ServiceError::Invalid(_)));
    // GSM-7 (Polish is sent plain): up to 60 characters.
    let pl60 = "Wizyty wieczorne i w weekendy u lekarza rodzinnego: ąęśćżółń";
    assert_eq!(pl60.chars().count(), 60);
    g.set_issue_title_in(r, &tag("pl"), Some(pl60))
        .await
        .unwrap();
    assert!(invalid(
        g.set_issue_title_in(r, &tag("pl"), Some(&format!("{pl60}x")))
            .await
    ));
    // UCS-2 (Arabic): up to 30.
    let ar30 = "ا".repeat(30);
    g.set_issue_title_in(r, &tag("ar"), Some(&ar30))
        .await
        .unwrap();
    assert!(invalid(
        g.set_issue_title_in(r, &tag("ar"), Some(&"ا".repeat(31)))
            .await
    ));
    // No emoji or pictographs, in any language.
    for t in ["Wizyty 🏥", "Wizyty ☎", "Wizyty ❤️"] {
        match g.set_issue_title_in(r, &tag("pl"), Some(t)).await {
            Err(ServiceError::Invalid(m)) => assert!(m.contains("emoji"), "{m}"),
            other => panic!("{t}: expected a refusal, got {other:?}"),
        }
    }
    // Only loaded locales; never empty; clearing works.
    assert!(invalid(
        g.set_issue_title_in(r, &tag("fr"), Some("Rendez-vous"))
            .await
    ));
    assert!(invalid(
        g.set_issue_title_in(r, &tag("pl"), Some("   ")).await
    ));
    g.set_issue_title_in(r, &tag("pl"), None).await.unwrap();
    let titles = g.issue_titles(&[r]).await.unwrap();
    assert_eq!(titles, vec![(r, "ar".to_string(), ar30)]);
}

/// A translator's sheet, as a spreadsheet exports it (a byte order mark,
/// quoted fields, CRLF, columns in another order, an extra column).
#[tokio::test]
async fn titles_import_from_a_csv_sheet_all_or_nothing() {
    let g = setup().await;
    let sheet = "\u{feff}title,issue,language,notes\r\n\
        \"Wieczorne wizyty, lekarz\",G-1001,pl,checked by Ania\r\n\
        مواعيد مسائية للطبيب,G-1001,ar,\r\n\
        Evening GP visits,G-1001,en-GB,\r\n";
    let done = g.import_issue_titles(sheet).await.unwrap();
    assert_eq!((done.set, done.cleared), (3, 0));
    let titles = g.issue_titles(&[IssueRef::new(1001)]).await.unwrap();
    let mut by_lang: Vec<(String, String)> = titles.into_iter().map(|(_, l, t)| (l, t)).collect();
    by_lang.sort();
    assert_eq!(
        by_lang,
        [
            ("ar".to_string(), "مواعيد مسائية للطبيب".to_string()),
            ("pl".to_string(), "Wieczorne wizyty, lekarz".to_string()),
        ]
    );
    let issues = g.list_issues(None).await.unwrap();
    let issue = issues
        .iter()
        .find(|i| i.issue_ref == IssueRef::new(1001))
        .unwrap();
    assert_eq!(issue.title, "Evening GP visits", "en-GB is the main title");

    // One wrong line, and nothing of the file is stored; every wrong line
    // is named with its reason.
    let sheet = "issue,language,title\n\
        G-1001,pl,Nowy tytuł\n\
        G-1001,xx,Whatever\n\
        G-9999,ro,Programari seara\n\
        G-1001,bn,সন্ধ্যায় ডাক্তারের অ্যাপয়েন্টমেন্ট পাওয়া যায় না কাজের মানুষের জন্য\n\
        G-1001,en-GB,\n\
        G-1001,pl,Znowu 👍\n";
    let err = g.import_issue_titles(sheet).await.unwrap_err();
    let ServiceError::Invalid(why) = err else {
        panic!("refused as invalid: {err:?}")
    };
    for expected in [
        "line 3: Gather has no locale `xx`",
        "line 5: a `bn` title needs 1 to 30 characters",
        "line 6: the default language's title",
        "line 7: a title has no emoji",
    ] {
        assert!(why.contains(expected), "{expected:?} in {why}");
    }
    assert!(why.contains("nothing was imported"), "{why}");
    let titles = g.issue_titles(&[IssueRef::new(1001)]).await.unwrap();
    assert!(
        titles
            .iter()
            .any(|(_, l, t)| l == "pl" && t == "Wieczorne wizyty, lekarz"),
        "unchanged: {titles:?}"
    );

    // Every row is good but one issue does not exist: still nothing.
    let sheet = "issue,language,title\nG-1001,pl,Nowy tytuł\nG-9999,ro,Programari seara\n";
    let err = g.import_issue_titles(sheet).await.unwrap_err();
    assert!(
        err.to_string().contains("line 3: there is no issue G-9999"),
        "{err}"
    );
    let titles = g.issue_titles(&[IssueRef::new(1001)]).await.unwrap();
    assert!(
        titles
            .iter()
            .any(|(_, l, t)| l == "pl" && t == "Wieczorne wizyty, lekarz")
    );

    // An empty title clears a language; a sheet without the columns is refused.
    let done = g
        .import_issue_titles("issue,language,title\nG-1001,ar,\n")
        .await
        .unwrap();
    assert_eq!((done.set, done.cleared), (0, 1));
    let err = g.import_issue_titles("ref;lang;title\n").await.unwrap_err();
    assert!(err.to_string().contains("must name the columns"), "{err}");
}
