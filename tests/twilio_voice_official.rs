//! A whole phone call driven by the official `twilio` Python package:
//! requests signed by its `RequestValidator`, TwiML read with an XML parser
//! and checked against the verbs the package itself emits. Shares the
//! virtualenv under target/peers/ with tests/twilio_official.rs.

mod common;

use common::twilio_python;
use gather::config::Config;
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use gather::service::RoundInput;
use gather::store::{IssueStatus, ResponseStatus};
use std::collections::BTreeMap;
use std::path::Path;

const TOKEN: &str = "official-voice-token-42";

async fn drive(python: &Path, base: &str, stage: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = tokio::process::Command::new(python)
        .arg(root.join("tests/peers/twilio_voice_drive.py"))
        .arg(base)
        .arg(TOKEN)
        .arg(stage)
        .output()
        .await
        .expect("run python");
    assert!(
        output.status.success(),
        "twilio_voice_drive.py stage {stage} failed:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_twilio_package_drives_a_call() {
    let python = twilio_python();
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let webhooks = Webhooks {
        twilio: Some(TwilioWebhookConfig {
            auth_token: TOKEN.into(),
            public_url: base.clone(),
            skip_signature: false,
            numbers: vec![],
        }),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gather::http::serve_on(
        listener,
        gather.clone(),
        webhooks,
        async move {
            let _ = stopped.await;
        },
    ));

    // First call: Polish, a recorded issue, confirmed.
    drive(&python, &base, "1").await;
    let r = gather::domain::IssueRef::new(1001);
    // A spoken issue needs a written ballot title before approval.
    gather
        .set_issue_title(r, "Długie kolejki w przychodni")
        .await
        .unwrap();
    gather
        .set_issue_status(r, IssueStatus::Approved, None)
        .await
        .unwrap();
    // The Polish caller's ballot title (issue 19: titles per language).
    gather
        .set_issue_title_in(
            r,
            &gather::domain::LanguageTag::parse("pl").unwrap(),
            Some("Długie kolejki w przychodni"),
        )
        .await
        .unwrap();
    let draft = gather
        .create_round(RoundInput {
            title: "Spring".into(),
            items: vec![r],
            max_choices: 1,
            closes_at: None,
        })
        .await
        .unwrap();
    gather
        .set_round_title_in(
            draft.id,
            &gather::domain::LanguageTag::parse("pl").unwrap(),
            Some("Wiosna"),
        )
        .await
        .unwrap();
    let round = gather.open_round_id(draft.id).await.unwrap();
    // Second call: vote by keypad.
    drive(&python, &base, "2").await;
    gather
        .record_response(gather::service::ResponseInput {
            issue: r,
            status: ResponseStatus::Committed,
            progress: None,
            texts: vec![
                (
                    gather::domain::LanguageTag::parse("en-GB").unwrap(),
                    "We will fix it".into(),
                ),
                (
                    gather::domain::LanguageTag::parse("pl").unwrap(),
                    "Naprawimy to".into(),
                ),
            ],
        })
        .await
        .unwrap();
    // Third call: the update, in Polish.
    drive(&python, &base, "3").await;
    let _ = stop.send(());
    server.await.unwrap().unwrap();

    let issues = gather.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1, "one issue, however often Twilio retried");
    assert_eq!(issues[0].recording_secs, Some(14));
    let results = gather.close_round(round.id).await.unwrap();
    assert_eq!(results[0].votes, 1, "one vote by phone, counted once");
}
