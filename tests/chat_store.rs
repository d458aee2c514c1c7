//! Store support for the chat channels: bookkeeping values and merging two
//! people into one (the store half of LINK).

use gather::domain::{Channel, Identity, IdentityKind, IssueRef, LanguageTag, Timestamp};
use gather::store::sqlite::SqliteStore;
use gather::store::{IssueStatus, NewIssue, Store};

fn identity(kind: IdentityKind, address: &str) -> Identity {
    Identity {
        kind,
        address: address.into(),
    }
}

#[tokio::test]
async fn chat_state_and_merge() {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let en = LanguageTag::parse("en-GB").unwrap();
    let t = |s: i64| Timestamp(1_767_607_200_000 + s * 1000);
    let mut tx = store.begin().await.unwrap();

    tx.set_chat_state("matrix:since", Some("s1"), t(0))
        .await
        .unwrap();
    tx.set_chat_state("matrix:since", Some("s2"), t(1))
        .await
        .unwrap();
    tx.set_chat_state("matrix:round:1:!a", Some("posted"), t(1))
        .await
        .unwrap();
    assert_eq!(
        tx.chat_state("matrix:since").await.unwrap().as_deref(),
        Some("s2")
    );
    assert_eq!(tx.chat_states("matrix:round:").await.unwrap().len(), 1);
    tx.set_chat_state("matrix:since", None, t(2)).await.unwrap();
    assert_eq!(tx.chat_state("matrix:since").await.unwrap(), None);

    let phone = tx
        .create_person(&identity(IdentityKind::Phone, "+447700900123"), &en, t(0))
        .await
        .unwrap();
    let chat = tx
        .create_person(&identity(IdentityKind::Matrix, "@a:x"), &en, t(0))
        .await
        .unwrap();
    let mut refs = Vec::new();
    for title in ["One", "Two"] {
        let number = tx.next_issue_number().await.unwrap();
        tx.create_issue(&NewIssue {
            number,
            description: format!("{title} thing to fix"),
            title: title.into(),
            area: None,
            involvement: None,
            language: en.clone(),
            channel: Channel::Matrix,
            raised_by: Some(chat.id),
            created_at: t(0),
            safeguarding: false,
        })
        .await
        .unwrap();
        let r: IssueRef = format!("G-{number}").parse().unwrap();
        tx.set_issue_status(r, IssueStatus::Approved, None)
            .await
            .unwrap();
        refs.push(r);
    }
    let round = tx.create_round("R", &refs, 1, None, t(0)).await.unwrap();
    tx.open_round(round, t(0)).await.unwrap();
    tx.cast_ballot(round, phone.id, &[refs[0]], Channel::Sms, t(1))
        .await
        .unwrap();
    tx.cast_ballot(round, chat.id, &[refs[1]], Channel::Matrix, t(2))
        .await
        .unwrap();
    tx.follow(chat.id, refs[0], t(2)).await.unwrap();

    tx.merge_people(chat.id, phone.id).await.unwrap();
    // The chat identity now reaches the phone person.
    let p = tx
        .person_by_identity(&identity(IdentityKind::Matrix, "@a:x"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.id, phone.id);
    assert!(tx.person(chat.id).await.unwrap().is_none());
    // One ballot: the more recent one.
    assert_eq!(
        tx.ballot(round, phone.id).await.unwrap(),
        Some(vec![refs[1]])
    );
    let results = tx.close_round(round, t(3)).await.unwrap();
    assert_eq!(results.iter().map(|r| r.votes).sum::<i64>(), 1);
    tx.commit().await.unwrap();
}
