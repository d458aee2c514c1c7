//! Channels: each turns a provider's payload into an inbound message and
//! renders the engine's events for its medium.

pub mod chat_config;
pub mod chat_send;
pub mod discord_gateway;
pub mod discord_rounds;
pub mod kannel;
pub mod matrix;
pub mod render;
/// SMS segments are a property of text (GSM-7 or UCS-2): they live in
/// `i18n`, below the engine and the flow checks that count them.
pub use crate::i18n::segments;
pub mod twilio;
pub mod twilio_recordings;
pub mod twilio_rest;
pub mod twilio_voice;
pub mod whatsapp;
pub mod whatsapp_config;

/// Starts the community chat channels `config` turns on (the Matrix bot's
/// sync loop), each stopping when `stopped` turns true, and says once which
/// are on and which are off. Each runs supervised (see
/// [`crate::supervise`]): a panic or a failure restarts it.
pub fn start_chat(
    config: &crate::config::Config,
    gather: &crate::service::Gather,
    stopped: &tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    match &config.chat.matrix {
        Some(m) => {
            tracing::info!(matrix = "on", "chat");
            let (gather, m, s) = (gather.clone(), m.clone(), stopped.clone());
            // Signing in again is part of a restart.
            tasks.push(crate::supervise::spawn(
                "matrix",
                crate::supervise::Backoff::DEFAULT,
                stopped.clone(),
                move || {
                    let (gather, m, stopped) = (gather.clone(), m.clone(), s.clone());
                    async move {
                        let bot = matrix::MatrixBot::connect(gather, &m).await?;
                        bot.run(stopped).await;
                        Ok::<(), matrix::MatrixError>(())
                    }
                },
            ));
        }
        None => tracing::info!(
            matrix = "off (set GATHER_MATRIX_HOMESERVER and GATHER_MATRIX_ACCESS_TOKEN or _USER/_PASSWORD)",
            "chat"
        ),
    }
    let discord_gateway = config
        .chat
        .discord
        .as_ref()
        .and_then(discord_gateway::GatewaySettings::from_settings);
    // Results of rounds posted into Discord channels, once they close.
    if let Some(token) = config
        .chat
        .discord
        .as_ref()
        .and_then(|d| d.bot_token.as_ref().map(|t| (d, t)))
    {
        let (d, t) = token;
        match discord_rounds::DiscordRest::new(&d.api_base, t, crate::app::SEND_TIMEOUT) {
            Ok(rest) => {
                let (gather, rest, s) =
                    (gather.clone(), std::sync::Arc::new(rest), stopped.clone());
                tasks.push(crate::supervise::spawn(
                    "discord-results",
                    crate::supervise::Backoff::DEFAULT,
                    stopped.clone(),
                    move || {
                        discord_rounds::run(
                            gather.clone(),
                            rest.clone(),
                            s.clone(),
                            discord_rounds::RESULTS_INTERVAL,
                        )
                    },
                ))
            }
            Err(e) => {
                tracing::warn!(error = %e, "discord: cannot build the HTTP client; round results are off")
            }
        }
    }
    if let Some(settings) = discord_gateway {
        tracing::info!(discord = "on (gateway)", "chat");
        let (gather, s) = (gather.clone(), stopped.clone());
        tasks.push(crate::supervise::spawn(
            "discord-gateway",
            crate::supervise::Backoff::DEFAULT,
            stopped.clone(),
            move || discord_gateway::run(gather.clone(), settings.clone(), s.clone()),
        ));
    } else {
        tracing::info!(
            discord = "off (set GATHER_DISCORD_BOT_TOKEN and GATHER_DISCORD_APPLICATION_ID)",
            "chat"
        );
    }
    tasks
}

/// reqwest is built with `rustls-no-provider`: it needs a process-wide
/// crypto provider before it can build a client (else it panics). Installing
/// it twice is harmless. One provider (ring) for the whole process.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
