//! Wiring: from a [`Config`] to a running [`Gather`] — locales, flows, the
//! store (migrated) and the system clock. Every command that needs the
//! application starts here, so `serve` and `chat` always see the same thing.

use crate::assets::Files;
use crate::clock::SystemClock;
use crate::config::{Config, DEFAULT_FLOWS_DIR, DEFAULT_LOCALES_DIR, redact_url};
use crate::engine::Engine;
use crate::flow::{self, Flows, Problem, Severity};
use crate::i18n::{LocaleError, Locales};
use crate::service::Gather;
use crate::store::{self, Store, StoreError};
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the locales in {} cannot be loaded:\n{}", dir.display(), list(problems))]
    Locales {
        dir: PathBuf,
        problems: Vec<LocaleError>,
    },
    #[error(
        "the flows in {} have {} error(s); run `gather flows check` for details:\n{}",
        dir.display(),
        problems.iter().filter(|p| p.severity == Severity::Error).count(),
        list(problems.iter().filter(|p| p.severity == Severity::Error))
    )]
    Flows {
        dir: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("cannot open the database {url}: {source}")]
    Database { url: String, source: StoreError },
    #[error("cannot migrate the database {url}: {source}")]
    Migrate { url: String, source: StoreError },
    #[error("cannot start the outbox: {0}")]
    Outbox(String),
    #[error("cannot read or make the vote secret: {0}")]
    VoteSecret(String),
}

fn list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let mut out = String::new();
    for item in items {
        let _ = writeln!(out, "  {item}");
    }
    out.trim_end().to_string()
}

/// The flows folder on disk, or the built-in copy when the default folder
/// is not where Gather runs (see [`crate::assets`]).
fn flow_files(config: &Config) -> Files {
    Files::for_dir(&config.flows_dir, DEFAULT_FLOWS_DIR)
}

/// Loads `locales_dir` with the configured default language.
pub fn load_locales(config: &Config) -> Result<Locales, AppError> {
    let files = Files::for_dir(&config.locales_dir, DEFAULT_LOCALES_DIR);
    Locales::load_from(files, &config.locales_dir, &config.default_language).map_err(|problems| {
        AppError::Locales {
            dir: config.locales_dir.clone(),
            problems,
        }
    })
}

/// Loads and validates the flows against the locales, for `gather flows
/// check`: the flows if there were no errors, and every problem found. A
/// locale that cannot be loaded is reported as a problem too.
pub fn load_flows(config: &Config) -> (Option<Flows>, Vec<Problem>) {
    match load_locales(config) {
        Ok(locales) => flow::load_from(flow_files(config), &config.flows_dir, &locales),
        Err(AppError::Locales { problems, .. }) => (None, locale_problems(problems)),
        Err(other) => (
            None,
            vec![Problem {
                severity: Severity::Error,
                file: config.locales_dir.clone(),
                step: None,
                message: other.to_string(),
            }],
        ),
    }
}

fn locale_problems(errors: Vec<LocaleError>) -> Vec<Problem> {
    errors
        .into_iter()
        .map(|e| Problem {
            severity: Severity::Error,
            file: e.file,
            step: None,
            message: e.message,
        })
        .collect()
}

/// The engine for this configuration: locales and validated flows.
pub fn engine(config: &Config) -> Result<Engine, AppError> {
    let locales = load_locales(config)?;
    let (flows, problems) = flow::load_from(flow_files(config), &config.flows_dir, &locales);
    let flows = match flows {
        Some(f) if !problems.iter().any(|p| p.severity == Severity::Error) => f,
        _ => {
            return Err(AppError::Flows {
                dir: config.flows_dir.clone(),
                problems,
            });
        }
    };
    for p in problems.iter().filter(|p| p.severity == Severity::Warning) {
        tracing::warn!(
            file = %p.file.display(),
            step = p.step.as_deref().unwrap_or("-"),
            "{}",
            p.message
        );
    }
    Ok(Engine::new(Arc::new(flows), Arc::new(locales)))
}

/// Connects to the database and applies pending migrations.
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, AppError> {
    let url = redact_url(&config.database_url);
    let store = store::connect(&config.database_url)
        .await
        .map_err(|source| AppError::Database {
            url: url.clone(),
            source,
        })?;
    store
        .migrate()
        .await
        .map_err(|source| AppError::Migrate { url, source })?;
    Ok(store)
}

/// The whole application for `config`, on the system clock.
pub async fn build(config: &Config) -> Result<Gather, AppError> {
    // Flows first: a broken flow file is found before touching the database.
    let engine = engine(config)?;
    let store = open_store(config).await?;
    tracing::debug!(
        database = %redact_url(&config.database_url),
        languages = ?engine.locales().languages().collect::<Vec<_>>(),
        "application ready"
    );
    let gather = Gather::new(store, engine, Arc::new(SystemClock));
    // On PostgreSQL several instances may share the traffic: they share
    // the counts too (see `service::limit`).
    let shared = config.database_url.starts_with("postgres");
    let gather = if shared {
        gather.with_shared_inbound_rate(config.inbound_rate)
    } else {
        gather.with_inbound_rate(config.inbound_rate)
    };
    let gather = match &config.vote_secret {
        Some(secret) => gather.with_vote_secret(secret.expose()),
        None => gather,
    };
    gather
        .load_vote_key()
        .await
        .map_err(|e| AppError::VoteSecret(e.to_string()))?;
    Ok(gather)
}

/// How long one provider request may take. Far below the outbox's
/// stale-claim time, so a slow send is never taken over and sent twice.
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// The outbox workers this configuration asks for, one per configured
/// provider: for SMS, Twilio's REST API or Kannel's sendsms, whichever
/// `config.sms_provider` names.
/// Empty when no provider is configured; queued messages then wait.
pub fn outbox_workers(
    config: &Config,
    gather: &Gather,
) -> Result<Vec<crate::outbox::Worker>, AppError> {
    use crate::outbox::{Worker, WorkerOptions, quiet::QuietHours};
    let quiet = QuietHours::parse(&config.outbox.quiet_hours, &config.outbox.timezone)
        .map_err(|e| AppError::Outbox(e.to_string()))?;
    let options = WorkerOptions {
        rate_per_second: config.outbox.rate_per_second,
        quiet_hours: quiet,
        max_attempts: config.outbox.max_attempts,
        stale_after: std::time::Duration::from_secs(config.outbox.stale_secs),
        ..WorkerOptions::default()
    };
    // reqwest needs a TLS crypto provider before it builds a client.
    crate::channels::install_crypto_provider();
    let mut workers = Vec::new();
    // SMS go through one provider: `GATHER_SMS_PROVIDER`, else Twilio if
    // configured, else Kannel.
    let sms = config.sms_provider;
    if sms == Some(crate::config::SmsProvider::Kannel)
        && let Some(sender) = crate::channels::kannel::KannelSender::from_config(config)
    {
        let sender =
            sender.map_err(|e| AppError::Outbox(format!("cannot build the HTTP client: {e}")))?;
        workers.push(
            Worker::new(
                gather.store.clone(),
                Arc::new(sender),
                crate::domain::Channel::Sms,
                gather.clock.clone(),
                options.clone(),
            )
            .with_wake(gather.outbox_wake.clone()),
        );
    }
    if sms == Some(crate::config::SmsProvider::Twilio)
        && let (Some(t), Some(public_url)) = (&config.twilio, &config.public_url)
    {
        if t.account_sid.trim().is_empty() || t.from.trim().is_empty() {
            tracing::warn!(
                "Twilio sending is off: set GATHER_TWILIO_ACCOUNT_SID and GATHER_TWILIO_FROM"
            );
        } else {
            let sender = crate::channels::twilio_rest::TwilioSender::new(
                &t.api_base,
                &t.account_sid,
                t.auth_token.expose(),
                &t.from,
                Some(format!("{public_url}/webhooks/twilio/status")),
                SEND_TIMEOUT,
            )
            .map_err(|e| AppError::Outbox(format!("cannot build the HTTP client: {e}")))?;
            workers.push(
                Worker::new(
                    gather.store.clone(),
                    Arc::new(sender),
                    crate::domain::Channel::Sms,
                    gather.clock.clone(),
                    options.clone(),
                )
                .with_wake(gather.outbox_wake.clone()),
            );
        }
    }
    workers.extend(whatsapp_worker(config, gather, &options)?);
    workers.extend(chat_workers(config, gather, &options)?);
    Ok(workers)
}

/// The WhatsApp worker: Twilio's REST API with the WhatsApp sender, its
/// own rate, and the 24-hour window's rules (`outbox::whatsapp`). Off
/// without `whatsapp_from` and Twilio's credentials.
fn whatsapp_worker(
    config: &Config,
    gather: &Gather,
    options: &crate::outbox::WorkerOptions,
) -> Result<Option<crate::outbox::Worker>, AppError> {
    let (Some(w), Some(t), Some(public_url)) =
        (&config.whatsapp, &config.twilio, &config.public_url)
    else {
        if config.whatsapp.is_some() {
            tracing::warn!(
                "WhatsApp sending is off: it needs Twilio (GATHER_TWILIO_*) and GATHER_PUBLIC_URL"
            );
        }
        return Ok(None);
    };
    if t.account_sid.trim().is_empty() {
        tracing::warn!("WhatsApp sending is off: set GATHER_TWILIO_ACCOUNT_SID");
        return Ok(None);
    }
    let sender = crate::channels::twilio_rest::TwilioSender::new(
        &t.api_base,
        &t.account_sid,
        t.auth_token.expose(),
        &w.from,
        Some(format!("{public_url}/webhooks/twilio/status")),
        SEND_TIMEOUT,
    )
    .map_err(|e| AppError::Outbox(format!("cannot build the HTTP client: {e}")))?
    .for_whatsapp();
    let policy =
        crate::outbox::whatsapp::Policy::new(gather.engine.shared_locales(), w.templates.clone());
    let options = crate::outbox::WorkerOptions {
        rate_per_second: w.rate_per_second,
        ..options.clone()
    };
    Ok(Some(
        crate::outbox::Worker::new(
            gather.store.clone(),
            Arc::new(sender),
            crate::domain::Channel::WhatsApp,
            gather.clock.clone(),
            options,
        )
        .with_wake(gather.outbox_wake.clone())
        .with_whatsapp(policy),
    ))
}

/// Outbox workers for the chat channels that are configured: Matrix (the
/// bot's account) and Discord (with a bot token).
fn chat_workers(
    config: &Config,
    gather: &Gather,
    options: &crate::outbox::WorkerOptions,
) -> Result<Vec<crate::outbox::Worker>, AppError> {
    use crate::channels::chat_send::{DiscordSender, MatrixSender};
    use crate::outbox::{Sender, Worker};
    let http = |e: reqwest::Error| AppError::Outbox(format!("cannot build the HTTP client: {e}"));
    let mut senders: Vec<(Arc<dyn Sender>, crate::domain::Channel)> = Vec::new();
    if let Some(m) = &config.chat.matrix {
        let s = MatrixSender::new(gather.clone(), m, SEND_TIMEOUT).map_err(http)?;
        senders.push((Arc::new(s), crate::domain::Channel::Matrix));
    }
    if let Some(d) = &config.chat.discord
        && let Some(token) = &d.bot_token
    {
        let s =
            DiscordSender::new(gather.clone(), &d.api_base, token, SEND_TIMEOUT).map_err(http)?;
        senders.push((Arc::new(s), crate::domain::Channel::Discord));
    }
    Ok(senders
        .into_iter()
        .map(|(sender, channel)| {
            Worker::new(
                gather.store.clone(),
                sender,
                channel,
                gather.clock.clone(),
                options.clone(),
            )
            .with_wake(gather.outbox_wake.clone())
        })
        .collect())
}
