//! Gather driven by the official `twilio` Python package: signatures made
//! by Twilio's own `RequestValidator`, replies parsed as Twilio would.
//! The package is installed in a virtualenv under `target/peers/` the first
//! time (`.ci/run` does it up front).

mod common;

use common::twilio_python;
use gather::config::Config;
use gather::http::Webhooks;
use gather::http::twilio::TwilioWebhookConfig;
use std::collections::BTreeMap;
use std::path::Path;

const TOKEN: &str = "official-package-token-42";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_twilio_package_drives_a_conversation() {
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
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
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

    let script = root.join("tests/peers/twilio_drive.py");
    let output = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(&base)
        .arg(TOKEN)
        .output()
        .await
        .expect("run python");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    assert!(
        output.status.success(),
        "twilio_drive.py failed:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let issues = gather.list_issues(None).await.unwrap();
    assert_eq!(issues.len(), 1, "one issue, however often Twilio retried");
    assert!(issues[0].description.contains("<never> comes & we wait"));
}
