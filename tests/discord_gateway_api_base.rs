//! The gateway bot's own REST calls (serenity's: the gateway URL, command
//! registration, interaction answers) go to `GATHER_DISCORD_API_BASE`, not
//! to discord.com: a local server stands in for Discord's REST API and sees
//! serenity's first call, `GET /api/v10/gateway`.

use gather::channels::discord_gateway::{GatewaySettings, run};
use gather::config::Config;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

#[tokio::test]
async fn the_gateway_calls_the_configured_api_base() {
    // Discord's REST API, as far as this test needs it: record each path.
    let (seen_tx, mut seen) = mpsc::unbounded_channel::<String>();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let seen_tx = seen_tx.clone();
        async move {
            let _ = seen_tx.send(uri.path().to_string());
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "not Discord")
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

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
    let settings = GatewaySettings {
        // The shape of serenity's documentation example: not a real token.
        bot_token: "Mjg4NzYwMjQxMzYzODc3ODg4.C_ikow.j3VupLBuE1QWZng3TMGH0z_UAwg".into(),
        application_id: 288_760_241_363_877_888,
        organiser_roles: Vec::new(),
        api_base: format!("http://{addr}/api/v10"),
    };
    let (stop, stopped) = watch::channel(false);
    let bot = tokio::spawn(run(gather, settings, stopped));

    // A bound on the wait, not a synchronisation: the first request arrives
    // as soon as the client starts.
    let first = tokio::time::timeout(Duration::from_secs(60), seen.recv())
        .await
        .expect("serenity called the configured API base")
        .expect("a request");
    assert!(first.starts_with("/api/v10/"), "{first}");
    assert!(first.contains("gateway"), "{first}");

    let _ = stop.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(30), bot).await;
}
