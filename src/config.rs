//! Configuration: an optional `gather.toml`, then `GATHER_*` environment
//! variables on top (the environment wins), then defaults.
//!
//! The file is the one named by `--config`, else by `GATHER_CONFIG`, else
//! `./gather.toml` if it exists. A file that was asked for by name must exist;
//! the default one may be missing. Relative paths (`flows_dir`, a SQLite
//! file) are relative to the working directory, like everything else on the
//! command line.
//!
//! Reading the environment takes an iterator of variables rather than the
//! process environment, so tests never touch global state.

use crate::domain::LanguageTag;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The file read when neither `--config` nor `GATHER_CONFIG` names one.
pub const DEFAULT_FILE: &str = "gather.toml";
/// The shortest admin token accepted: long enough not to be guessed.
pub const MIN_TOKEN_CHARS: usize = 16;

const DEFAULT_DATABASE_URL: &str = "sqlite://gather.db";
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_FLOWS_DIR: &str = "flows";
pub const DEFAULT_LOCALES_DIR: &str = "locales";
const DEFAULT_LANGUAGE: &str = "en-GB";
const DEFAULT_LOG: &str = "info";

/// Every setting, its environment variable and its default, for error
/// messages and the README.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    ("database_url", "GATHER_DATABASE_URL", DEFAULT_DATABASE_URL),
    ("listen", "GATHER_LISTEN", DEFAULT_LISTEN),
    ("flows_dir", "GATHER_FLOWS_DIR", DEFAULT_FLOWS_DIR),
    ("locales_dir", "GATHER_LOCALES_DIR", DEFAULT_LOCALES_DIR),
    (
        "default_language",
        "GATHER_DEFAULT_LANGUAGE",
        DEFAULT_LANGUAGE,
    ),
    ("admin_token", "GATHER_ADMIN_TOKEN", ""),
    ("log", "GATHER_LOG", DEFAULT_LOG),
    ("public_url", "GATHER_PUBLIC_URL", ""),
    ("twilio_account_sid", "GATHER_TWILIO_ACCOUNT_SID", ""),
    ("twilio_auth_token", "GATHER_TWILIO_AUTH_TOKEN", ""),
    ("twilio_from", "GATHER_TWILIO_FROM", ""),
    ("twilio_numbers", "GATHER_TWILIO_NUMBERS", ""),
    (
        "twilio_api_base",
        "GATHER_TWILIO_API_BASE",
        DEFAULT_TWILIO_API_BASE,
    ),
    (
        "twilio_skip_signature",
        "GATHER_TWILIO_SKIP_SIGNATURE",
        "false",
    ),
    ("sms_rate", "GATHER_SMS_RATE", "1"),
    ("quiet_hours", "GATHER_QUIET_HOURS", DEFAULT_QUIET_HOURS),
    ("timezone", "GATHER_TIMEZONE", DEFAULT_TIMEZONE),
    ("outbox_max_attempts", "GATHER_OUTBOX_MAX_ATTEMPTS", "8"),
    ("outbox_stale_secs", "GATHER_OUTBOX_STALE_SECS", "300"),
    ("inbound_rate", "GATHER_INBOUND_RATE", "20"),
    ("vote_secret", "GATHER_VOTE_SECRET", ""),
    (
        "http_header_timeout_ms",
        "GATHER_HTTP_HEADER_TIMEOUT_MS",
        "10000",
    ),
    (
        "http_max_connections",
        "GATHER_HTTP_MAX_CONNECTIONS",
        "1024",
    ),
    (
        "http_trust_forwarded_for",
        "GATHER_HTTP_TRUST_FORWARDED_FOR",
        "false",
    ),
    ("kannel_secret", "GATHER_KANNEL_SECRET", ""),
    ("kannel_sendsms_url", "GATHER_KANNEL_SENDSMS_URL", ""),
    ("kannel_username", "GATHER_KANNEL_USERNAME", ""),
    ("kannel_password", "GATHER_KANNEL_PASSWORD", ""),
    ("kannel_from", "GATHER_KANNEL_FROM", ""),
    ("sms_provider", "GATHER_SMS_PROVIDER", ""),
    ("public_sms_number", "GATHER_PUBLIC_SMS_NUMBER", ""),
    ("public_phone_number", "GATHER_PUBLIC_PHONE_NUMBER", ""),
    ("public_discord_url", "GATHER_PUBLIC_DISCORD_URL", ""),
    ("public_matrix_url", "GATHER_PUBLIC_MATRIX_URL", ""),
    ("matrix_homeserver", "GATHER_MATRIX_HOMESERVER", ""),
    ("matrix_access_token", "GATHER_MATRIX_ACCESS_TOKEN", ""),
    ("matrix_user", "GATHER_MATRIX_USER", ""),
    ("matrix_password", "GATHER_MATRIX_PASSWORD", ""),
    ("matrix_organisers", "GATHER_MATRIX_ORGANISERS", ""),
    ("discord_public_key", "GATHER_DISCORD_PUBLIC_KEY", ""),
    ("discord_bot_token", "GATHER_DISCORD_BOT_TOKEN", ""),
    (
        "discord_application_id",
        "GATHER_DISCORD_APPLICATION_ID",
        "",
    ),
    (
        "discord_organiser_roles",
        "GATHER_DISCORD_ORGANISER_ROLES",
        "",
    ),
    ("discord_api_base", "GATHER_DISCORD_API_BASE", ""),
    ("voice_voices", "GATHER_VOICE_VOICES", ""),
    (
        "voice_play_languages",
        "GATHER_VOICE_PLAY_LANGUAGES",
        "pa,ur,bn,gu",
    ),
    ("audio_dir", "GATHER_AUDIO_DIR", "audio"),
    ("whatsapp_from", "GATHER_WHATSAPP_FROM", ""),
    (
        "whatsapp_templates_update",
        "GATHER_WHATSAPP_TEMPLATES_UPDATE",
        "",
    ),
    (
        "whatsapp_templates_notice",
        "GATHER_WHATSAPP_TEMPLATES_NOTICE",
        "",
    ),
    ("whatsapp_buttons", "GATHER_WHATSAPP_BUTTONS", ""),
    ("whatsapp_rate", "GATHER_WHATSAPP_RATE", "10"),
];

const DEFAULT_TWILIO_API_BASE: &str = "https://api.twilio.com";
const DEFAULT_QUIET_HOURS: &str = "21:00-08:00";
const DEFAULT_TIMEZONE: &str = "Europe/London";

/// Twilio (or a provider with Twilio's API): webhooks in, REST out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: Secret,
    /// A number or a Messaging Service SID (`MG…`) to send from.
    pub from: String,
    /// Numbers this Gather answers on (webhook `To`); empty means any.
    pub numbers: Vec<String>,
    pub api_base: String,
    /// Development only: accept unsigned webhooks.
    pub skip_signature: bool,
}

/// A Kannel gateway: its `sms-service` get-url and delivery reports come
/// in (guarded by `secret`), SMS go out through its `sendsms` interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KannelConfig {
    /// In the get-url and dlr-url as `secret=`, or as the basic-auth
    /// password. URL-safe characters only, so it survives Kannel's URLs.
    pub secret: Secret,
    /// `http://127.0.0.1:13013/cgi-bin/sendsms`; `None` when Gather only
    /// receives through Kannel.
    pub sendsms: Option<KannelSendsms>,
}

/// A `sendsms-user` of Kannel's smsbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KannelSendsms {
    pub url: String,
    pub username: String,
    pub password: Secret,
    /// The number or short code to send from.
    pub from: String,
}

/// Which provider the SMS outbox sends through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsProvider {
    Twilio,
    Kannel,
}

impl SmsProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsProvider::Twilio => "twilio",
            SmsProvider::Kannel => "kannel",
        }
    }
}

/// How the outbox sends.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxConfig {
    /// Messages a second per sending number.
    pub rate_per_second: f64,
    /// `21:00-08:00`, or `off`.
    pub quiet_hours: String,
    pub timezone: String,
    pub max_attempts: u32,
    /// Seconds after which a claimed but unfinished send is taken over by
    /// another worker (a worker that died mid-send); `GATHER_OUTBOX_STALE_SECS`.
    pub stale_secs: u64,
}

/// How people take part, as the public page (`/`) tells them. Each is
/// optional; the page lists only those that are set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicContact {
    /// The number people text (`+44 7700 900123` or a short code).
    pub sms_number: Option<String>,
    /// The number people call.
    pub phone_number: Option<String>,
    /// An invitation to the Discord server (`https://discord.gg/…`).
    pub discord_url: Option<String>,
    /// The Matrix room (`https://matrix.to/#/#room:example.org`).
    pub matrix_url: Option<String>,
}

/// How phone calls speak: `<Say>` voices and recorded prompts (see
/// `channels::twilio_voice`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoiceConfig {
    /// `<Say voice=…>` per locale tag: the built-in voices
    /// (`twilio_voice::default_voices`) with the configured ones on top
    /// (`GATHER_VOICE_VOICES="pl=Polly.Maja,ro="`; an empty name removes a
    /// locale's voice, leaving the provider's default for the language).
    pub voices: BTreeMap<String, String>,
    /// Locales whose fixed sentences are `<Play>`ed from recordings
    /// (`GATHER_VOICE_PLAY_LANGUAGES`, `none` for no locale).
    pub play_languages: Vec<String>,
    /// Where the recordings are: `<audio_dir>/<lang>/<message-id>.wav`.
    pub audio_dir: PathBuf,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        use crate::channels::twilio_voice as tv;
        VoiceConfig {
            voices: tv::default_voices(),
            play_languages: tv::DEFAULT_PLAY_LANGUAGES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            audio_dir: PathBuf::from(tv::DEFAULT_AUDIO_DIR),
        }
    }
}

/// The variable naming the config file.
pub const CONFIG_VAR: &str = "GATHER_CONFIG";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {} is not valid: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{key} is not valid ({reason}): {value}")]
    Invalid {
        key: String,
        value: String,
        reason: String,
    },
    #[error("the environment variable {0} is not valid UTF-8")]
    NotUnicode(String),
}

/// A value that must never be printed: Debug and Display show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that compares it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Clone, PartialEq)]
pub struct Config {
    /// `sqlite://path` (created on first run). May hold a password for a
    /// server database, so it is shown only through [`redact_url`].
    pub database_url: String,
    pub listen: SocketAddr,
    pub flows_dir: PathBuf,
    pub locales_dir: PathBuf,
    pub default_language: LanguageTag,
    /// For the admin API (arrives with its own issue).
    pub admin_token: Option<Secret>,
    /// A `tracing` filter such as `info` or `gather=debug,sqlx=warn`.
    pub log: String,
    /// The file the settings came from, if any.
    pub file: Option<PathBuf>,
    /// The public base URL providers call (`https://gather.example.org`),
    /// used to check webhook signatures and build callback URLs.
    pub public_url: Option<String>,
    pub twilio: Option<TwilioConfig>,
    pub outbox: OutboxConfig,
    pub kannel: Option<KannelConfig>,
    /// The provider SMS go out through: `GATHER_SMS_PROVIDER`, else Twilio
    /// if configured, else Kannel if its sendsms is configured.
    pub sms_provider: Option<SmsProvider>,
    /// How to take part, for the public page.
    pub contact: PublicContact,
    /// The community chat channels (Matrix, Discord); each is off unless
    /// configured.
    pub chat: crate::channels::chat_config::ChatSettings,
    /// Sending by WhatsApp (Twilio); off unless `whatsapp_from` is set.
    pub whatsapp: Option<crate::channels::whatsapp_config::WhatsAppSettings>,
    /// Inbound messages a minute per sender (`GATHER_INBOUND_RATE`, 0 for
    /// no limit); see `service::limit`.
    pub inbound_rate: u32,
    /// The key of the identity hashes that keep one vote per person per
    /// round across FORGET (`GATHER_VOTE_SECRET`); unset, Gather makes one
    /// and keeps it in the database (see `service::votes`).
    pub vote_secret: Option<Secret>,
    /// How long a client may take to send a request's headers
    /// (`GATHER_HTTP_HEADER_TIMEOUT_MS`); see `http::ServerLimits`.
    pub http_header_timeout: std::time::Duration,
    /// Connections served at once (`GATHER_HTTP_MAX_CONNECTIONS`).
    pub http_max_connections: usize,
    /// The client's address is the last `X-Forwarded-For` entry
    /// (`GATHER_HTTP_TRUST_FORWARDED_FOR`, behind a proxy only).
    pub http_trust_forwarded_for: bool,
    /// How phone calls speak.
    pub voice: VoiceConfig,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("listen", &self.listen)
            .field("flows_dir", &self.flows_dir)
            .field("locales_dir", &self.locales_dir)
            .field("default_language", &self.default_language)
            .field("admin_token", &self.admin_token)
            .field("log", &self.log)
            .field("file", &self.file)
            .field("public_url", &self.public_url)
            .field("twilio", &self.twilio)
            .field("outbox", &self.outbox)
            .field("kannel", &self.kannel)
            .field("sms_provider", &self.sms_provider)
            .field("contact", &self.contact)
            .field("chat", &self.chat)
            .field("whatsapp", &self.whatsapp)
            .field("voice", &self.voice)
            .field("vote_secret", &self.vote_secret)
            .finish()
    }
}

/// The settings a `gather.toml` may hold; unknown keys are an error so a
/// typo does not silently fall back to a default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    flows_dir: Option<PathBuf>,
    locales_dir: Option<PathBuf>,
    default_language: Option<String>,
    admin_token: Option<String>,
    log: Option<String>,
    public_url: Option<String>,
    twilio_account_sid: Option<String>,
    twilio_auth_token: Option<String>,
    twilio_from: Option<String>,
    twilio_numbers: Option<String>,
    twilio_api_base: Option<String>,
    twilio_skip_signature: Option<bool>,
    sms_rate: Option<f64>,
    quiet_hours: Option<String>,
    timezone: Option<String>,
    outbox_max_attempts: Option<u32>,
    outbox_stale_secs: Option<u64>,
    inbound_rate: Option<u32>,
    vote_secret: Option<String>,
    http_header_timeout_ms: Option<u64>,
    http_max_connections: Option<usize>,
    http_trust_forwarded_for: Option<bool>,
    kannel_secret: Option<String>,
    kannel_sendsms_url: Option<String>,
    kannel_username: Option<String>,
    kannel_password: Option<String>,
    kannel_from: Option<String>,
    sms_provider: Option<String>,
    public_sms_number: Option<String>,
    public_phone_number: Option<String>,
    public_discord_url: Option<String>,
    public_matrix_url: Option<String>,
    matrix_homeserver: Option<String>,
    matrix_access_token: Option<String>,
    matrix_user: Option<String>,
    matrix_password: Option<String>,
    matrix_organisers: Option<String>,
    discord_public_key: Option<String>,
    discord_bot_token: Option<String>,
    discord_application_id: Option<String>,
    discord_organiser_roles: Option<String>,
    discord_api_base: Option<String>,
    /// `"pl=Polly.Maja,ro=Polly.Carmen"` or a `[voice_voices]` table.
    voice_voices: Option<VoicesValue>,
    /// `"pa,ur"` or `["pa", "ur"]`.
    voice_play_languages: Option<ListValue>,
    audio_dir: Option<PathBuf>,
    whatsapp_from: Option<String>,
    /// `"en-GB=HX…,pl=HX…"` or a `[whatsapp_templates_update]` table.
    whatsapp_templates_update: Option<VoicesValue>,
    whatsapp_templates_notice: Option<VoicesValue>,
    /// `"2=HX…,3=HX…"` or a table.
    whatsapp_buttons: Option<VoicesValue>,
    whatsapp_rate: Option<f64>,
}

/// `voice_voices` in the file: the environment's `tag=Voice,…` text, or a
/// table.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum VoicesValue {
    Text(String),
    Table(BTreeMap<String, String>),
}

/// A list in the file: comma-separated text, or an array.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ListValue {
    Text(String),
    Items(Vec<String>),
}

/// Where a raw value came from, for error messages.
fn origin(key: &str, from_env: bool) -> String {
    if from_env {
        SETTINGS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, var, _)| var.to_string())
            .unwrap_or_else(|| key.to_string())
    } else {
        key.to_string()
    }
}

impl Config {
    /// Loads the configuration of this process: the file named by `flag`
    /// (`--config`), `GATHER_CONFIG` or the default, and the environment.
    pub fn load(flag: Option<&Path>) -> Result<Config, ConfigError> {
        let env = gather_vars(std::env::vars_os())?;
        Config::load_from(flag, env)
    }

    /// Like [`Config::load`] with the environment given as variables.
    pub fn load_from<I, K, V>(flag: Option<&Path>, env: I) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let env: BTreeMap<String, String> = env
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, v)| k.starts_with("GATHER_") && !v.is_empty())
            .collect();
        let (path, required) = match (flag, env.get(CONFIG_VAR)) {
            (Some(p), _) => (p.to_path_buf(), true),
            (None, Some(p)) => (PathBuf::from(p), true),
            (None, None) => (PathBuf::from(DEFAULT_FILE), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let file = text.map(|t| (path, t));
        Config::from_sources(file.as_ref().map(|(p, t)| (p.as_path(), t.as_str())), &env)
    }

    /// Builds the configuration from a file's contents (if any) and
    /// `GATHER_*` variables; empty variables count as unset.
    pub fn from_sources(
        file: Option<(&Path, &str)>,
        env: &BTreeMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let parsed = match file {
            Some((path, text)) => {
                toml::from_str::<FileConfig>(text).map_err(|e| ConfigError::Parse {
                    path: path.to_path_buf(),
                    message: e.message().to_string(),
                })?
            }
            None => FileConfig::default(),
        };
        let env_value = |key: &str| -> Option<String> {
            let var = origin(key, true);
            env.get(&var).filter(|v| !v.is_empty()).cloned()
        };
        // (value, came from the environment)
        let pick = |key: &str, file_value: Option<String>, default: &str| -> (String, bool) {
            match (env_value(key), file_value) {
                (Some(v), _) => (v, true),
                (None, Some(v)) => (v, false),
                (None, None) => (default.to_string(), false),
            }
        };

        let (database_url, db_env) =
            pick("database_url", parsed.database_url, DEFAULT_DATABASE_URL);
        if database_url.trim().is_empty() {
            return Err(invalid("database_url", db_env, "", "it is empty"));
        }

        let (listen_raw, listen_env) = pick("listen", parsed.listen, DEFAULT_LISTEN);
        let listen: SocketAddr = listen_raw.trim().parse().map_err(|_| {
            invalid(
                "listen",
                listen_env,
                &listen_raw,
                "expected an IP address and port such as 127.0.0.1:8080",
            )
        })?;

        let flows_dir = PathBuf::from(
            pick(
                "flows_dir",
                parsed.flows_dir.map(|p| p.to_string_lossy().into_owned()),
                DEFAULT_FLOWS_DIR,
            )
            .0,
        );
        let locales_dir = PathBuf::from(
            pick(
                "locales_dir",
                parsed.locales_dir.map(|p| p.to_string_lossy().into_owned()),
                DEFAULT_LOCALES_DIR,
            )
            .0,
        );

        let (lang_raw, lang_env) = pick(
            "default_language",
            parsed.default_language,
            DEFAULT_LANGUAGE,
        );
        let default_language = LanguageTag::parse(&lang_raw).map_err(|_| {
            invalid(
                "default_language",
                lang_env,
                &lang_raw,
                "expected a language tag such as en-GB",
            )
        })?;

        let admin_token = match (env_value("admin_token"), parsed.admin_token) {
            (Some(v), _) => Some((v, true)),
            (None, Some(v)) if !v.is_empty() => Some((v, false)),
            _ => None,
        };
        let admin_token = match admin_token {
            Some((token, from_env)) => {
                if token.trim().chars().count() < MIN_TOKEN_CHARS {
                    return Err(invalid(
                        "admin_token",
                        from_env,
                        "[redacted]",
                        &format!("it must be at least {MIN_TOKEN_CHARS} characters"),
                    ));
                }
                Some(Secret(token.trim().to_string()))
            }
            None => None,
        };

        let (log, log_env) = pick("log", parsed.log, DEFAULT_LOG);
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&log) {
            return Err(invalid("log", log_env, &log, &e.to_string()));
        }

        let public_url = pick("public_url", parsed.public_url, "").0;
        let public_url = public_url.trim().trim_end_matches('/').to_string();
        let is_http = public_url.starts_with("https://") || public_url.starts_with("http://");
        if !public_url.is_empty() && !is_http {
            return Err(invalid(
                "public_url",
                env_value("public_url").is_some(),
                &public_url,
                "expected an http(s) URL such as https://gather.example.org",
            ));
        }
        let public_url = (!public_url.is_empty()).then_some(public_url);

        let flag = |key: &str, file_value: Option<bool>| -> Result<bool, ConfigError> {
            match env_value(key) {
                Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => Ok(true),
                    "0" | "false" | "no" | "off" => Ok(false),
                    _ => Err(invalid(key, true, &v, "expected true or false")),
                },
                None => Ok(file_value.unwrap_or(false)),
            }
        };
        let token = pick("twilio_auth_token", parsed.twilio_auth_token, "").0;
        let twilio = if token.trim().is_empty() {
            None
        } else {
            let numbers = pick("twilio_numbers", parsed.twilio_numbers, "").0;
            Some(TwilioConfig {
                account_sid: pick("twilio_account_sid", parsed.twilio_account_sid, "")
                    .0
                    .trim()
                    .to_string(),
                auth_token: Secret(token.trim().to_string()),
                from: pick("twilio_from", parsed.twilio_from, "")
                    .0
                    .trim()
                    .to_string(),
                numbers: numbers
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect(),
                api_base: pick(
                    "twilio_api_base",
                    parsed.twilio_api_base,
                    DEFAULT_TWILIO_API_BASE,
                )
                .0
                .trim()
                .trim_end_matches('/')
                .to_string(),
                skip_signature: flag("twilio_skip_signature", parsed.twilio_skip_signature)?,
            })
        };
        if twilio.is_some() && public_url.is_none() {
            return Err(invalid(
                "public_url",
                true,
                "",
                "Twilio webhooks are signed over the public URL: set GATHER_PUBLIC_URL",
            ));
        }

        let rate_raw = match env_value("sms_rate") {
            Some(v) => v,
            None => parsed
                .sms_rate
                .map(|r| r.to_string())
                .unwrap_or_else(|| "1".into()),
        };
        let rate_per_second: f64 = rate_raw
            .trim()
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r > 0.0 && *r <= 1000.0)
            .ok_or_else(|| {
                invalid(
                    "sms_rate",
                    true,
                    &rate_raw,
                    "expected messages a second, e.g. 1",
                )
            })?;
        let quiet_hours = pick("quiet_hours", parsed.quiet_hours, DEFAULT_QUIET_HOURS).0;
        let timezone = pick("timezone", parsed.timezone, DEFAULT_TIMEZONE).0;
        if let Err(e) = crate::outbox::quiet::QuietHours::parse(&quiet_hours, &timezone) {
            return Err(invalid("quiet_hours", true, &quiet_hours, &e.to_string()));
        }
        let attempts_raw = match env_value("outbox_max_attempts") {
            Some(v) => v,
            None => parsed.outbox_max_attempts.unwrap_or(8).to_string(),
        };
        let max_attempts: u32 = attempts_raw
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=50).contains(n))
            .ok_or_else(|| {
                invalid(
                    "outbox_max_attempts",
                    true,
                    &attempts_raw,
                    "expected 1 to 50",
                )
            })?;
        let stale_raw = match env_value("outbox_stale_secs") {
            Some(v) => v,
            None => parsed.outbox_stale_secs.unwrap_or(300).to_string(),
        };
        let stale_secs: u64 = stale_raw
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=86_400).contains(n))
            .ok_or_else(|| {
                invalid(
                    "outbox_stale_secs",
                    true,
                    &stale_raw,
                    "expected seconds, 1 to 86400 (well above the 15 s send timeout)",
                )
            })?;
        let inbound_raw = match env_value("inbound_rate") {
            Some(v) => v,
            None => parsed
                .inbound_rate
                .unwrap_or(crate::service::limit::DEFAULT_PER_MINUTE)
                .to_string(),
        };
        let inbound_rate: u32 = inbound_raw.trim().parse().map_err(|_| {
            invalid(
                "inbound_rate",
                true,
                &inbound_raw,
                "expected messages a minute per sender, e.g. 20 (0 for no limit)",
            )
        })?;

        let vote_secret = {
            let (raw, from_env) = pick("vote_secret", parsed.vote_secret, "");
            let raw = raw.trim();
            if raw.is_empty() {
                None
            } else if raw.chars().count() < MIN_TOKEN_CHARS {
                return Err(invalid(
                    "vote_secret",
                    from_env,
                    "[redacted]",
                    &format!("it must be at least {MIN_TOKEN_CHARS} characters"),
                ));
            } else {
                Some(Secret(raw.to_string()))
            }
        };

        let header_raw = match env_value("http_header_timeout_ms") {
            Some(v) => v,
            None => parsed
                .http_header_timeout_ms
                .map_or_else(|| "10000".to_string(), |v| v.to_string()),
        };
        let http_header_timeout = header_raw
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=600_000).contains(n))
            .map(std::time::Duration::from_millis)
            .ok_or_else(|| {
                invalid(
                    "http_header_timeout_ms",
                    env_value("http_header_timeout_ms").is_some(),
                    &header_raw,
                    "expected milliseconds, 1 to 600000 (e.g. 10000)",
                )
            })?;
        let connections_raw = match env_value("http_max_connections") {
            Some(v) => v,
            None => parsed
                .http_max_connections
                .map_or_else(|| "1024".to_string(), |v| v.to_string()),
        };
        let http_max_connections = connections_raw
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| {
                invalid(
                    "http_max_connections",
                    env_value("http_max_connections").is_some(),
                    &connections_raw,
                    "expected a number of connections, 1 to 1000000 (e.g. 1024)",
                )
            })?;
        let forwarded_raw = match env_value("http_trust_forwarded_for") {
            Some(v) => v,
            None => parsed.http_trust_forwarded_for.unwrap_or(false).to_string(),
        };
        let http_trust_forwarded_for = match forwarded_raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => true,
            "false" | "0" | "no" | "off" => false,
            _ => {
                return Err(invalid(
                    "http_trust_forwarded_for",
                    env_value("http_trust_forwarded_for").is_some(),
                    &forwarded_raw,
                    "expected true or false",
                ));
            }
        };

        let kannel = kannel_config(
            pick("kannel_secret", parsed.kannel_secret, "").0,
            pick("kannel_sendsms_url", parsed.kannel_sendsms_url, "").0,
            pick("kannel_username", parsed.kannel_username, "").0,
            pick("kannel_password", parsed.kannel_password, "").0,
            pick("kannel_from", parsed.kannel_from, "").0,
            |key| env_value(key).is_some(),
        )?;
        let provider_raw = pick("sms_provider", parsed.sms_provider, "").0;
        let kannel_sends = kannel.as_ref().is_some_and(|k| k.sendsms.is_some());
        let sms_provider = match provider_raw.trim().to_ascii_lowercase().as_str() {
            "" => {
                if twilio.is_some() {
                    Some(SmsProvider::Twilio)
                } else if kannel_sends {
                    Some(SmsProvider::Kannel)
                } else {
                    None
                }
            }
            "twilio" if twilio.is_some() => Some(SmsProvider::Twilio),
            "kannel" if kannel_sends => Some(SmsProvider::Kannel),
            "twilio" => {
                return Err(invalid(
                    "sms_provider",
                    env_value("sms_provider").is_some(),
                    &provider_raw,
                    "Twilio is not configured: set GATHER_TWILIO_AUTH_TOKEN and friends",
                ));
            }
            "kannel" => {
                return Err(invalid(
                    "sms_provider",
                    env_value("sms_provider").is_some(),
                    &provider_raw,
                    "Kannel's sendsms is not configured: set GATHER_KANNEL_SECRET and GATHER_KANNEL_SENDSMS_URL",
                ));
            }
            _ => {
                return Err(invalid(
                    "sms_provider",
                    env_value("sms_provider").is_some(),
                    &provider_raw,
                    "expected twilio or kannel",
                ));
            }
        };

        let contact = PublicContact {
            sms_number: contact_number(
                "public_sms_number",
                pick("public_sms_number", parsed.public_sms_number, "").0,
                env_value("public_sms_number").is_some(),
            )?,
            phone_number: contact_number(
                "public_phone_number",
                pick("public_phone_number", parsed.public_phone_number, "").0,
                env_value("public_phone_number").is_some(),
            )?,
            discord_url: contact_url(
                "public_discord_url",
                pick("public_discord_url", parsed.public_discord_url, "").0,
                env_value("public_discord_url").is_some(),
            )?,
            matrix_url: contact_url(
                "public_matrix_url",
                pick("public_matrix_url", parsed.public_matrix_url, "").0,
                env_value("public_matrix_url").is_some(),
            )?,
        };

        let chat = {
            let file_values: [(&str, Option<String>); 10] = [
                ("matrix_homeserver", parsed.matrix_homeserver.clone()),
                ("matrix_access_token", parsed.matrix_access_token.clone()),
                ("matrix_user", parsed.matrix_user.clone()),
                ("matrix_password", parsed.matrix_password.clone()),
                ("matrix_organisers", parsed.matrix_organisers.clone()),
                ("discord_public_key", parsed.discord_public_key.clone()),
                ("discord_bot_token", parsed.discord_bot_token.clone()),
                (
                    "discord_application_id",
                    parsed.discord_application_id.clone(),
                ),
                (
                    "discord_organiser_roles",
                    parsed.discord_organiser_roles.clone(),
                ),
                ("discord_api_base", parsed.discord_api_base.clone()),
            ];
            crate::channels::chat_config::ChatSettings::from_values(|key| {
                let file_value = file_values
                    .iter()
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, v)| v.clone());
                pick(key, file_value, "").0
            })
            .map_err(|(key, reason)| {
                let from_env = env_value(&key).is_some();
                invalid(&key, from_env, "", &reason)
            })?
        };

        let whatsapp = {
            let text = |v: Option<VoicesValue>| -> Option<String> {
                v.map(|v| match v {
                    VoicesValue::Text(t) => t,
                    VoicesValue::Table(t) => t
                        .into_iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(","),
                })
            };
            let file_values: [(&str, Option<String>); 5] = [
                ("whatsapp_from", parsed.whatsapp_from.clone()),
                (
                    "whatsapp_templates_update",
                    text(parsed.whatsapp_templates_update),
                ),
                (
                    "whatsapp_templates_notice",
                    text(parsed.whatsapp_templates_notice),
                ),
                ("whatsapp_buttons", text(parsed.whatsapp_buttons)),
                ("whatsapp_rate", parsed.whatsapp_rate.map(|r| r.to_string())),
            ];
            crate::channels::whatsapp_config::WhatsAppSettings::from_values(|key| {
                let file_value = file_values
                    .iter()
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, v)| v.clone());
                pick(key, file_value, "").0
            })
            .map_err(|(key, reason)| {
                let from_env = env_value(&key).is_some();
                invalid(&key, from_env, "", &reason)
            })?
        };

        let voice = voice_config(
            match env_value("voice_voices") {
                Some(v) => Some((VoicesValue::Text(v), true)),
                None => parsed.voice_voices.map(|v| (v, false)),
            },
            match env_value("voice_play_languages") {
                Some(v) => Some((ListValue::Text(v), true)),
                None => parsed.voice_play_languages.map(|v| (v, false)),
            },
            pick(
                "audio_dir",
                parsed.audio_dir.map(|p| p.to_string_lossy().into_owned()),
                crate::channels::twilio_voice::DEFAULT_AUDIO_DIR,
            ),
        )?;

        Ok(Config {
            voice,
            inbound_rate,
            vote_secret,
            http_header_timeout,
            http_max_connections,
            http_trust_forwarded_for,
            chat,
            whatsapp,
            contact,
            kannel,
            sms_provider,
            public_url,
            twilio,
            outbox: OutboxConfig {
                rate_per_second,
                quiet_hours,
                timezone,
                max_attempts,
                stale_secs,
            },
            database_url: database_url.trim().to_string(),
            listen,
            flows_dir,
            locales_dir,
            default_language,
            admin_token,
            log,
            file: file.map(|(p, _)| p.to_path_buf()),
        })
    }
}

/// The voice settings from their raw values (each with whether it came
/// from the environment). Voices are merged over the built-in ones; the
/// recorded-prompt languages replace the default list.
fn voice_config(
    voices: Option<(VoicesValue, bool)>,
    play: Option<(ListValue, bool)>,
    (audio_dir, audio_env): (String, bool),
) -> Result<VoiceConfig, ConfigError> {
    let mut config = VoiceConfig::default();
    let tag = |key: &str, raw: &str, from_env: bool| -> Result<String, ConfigError> {
        LanguageTag::parse(raw)
            .map(|t| t.as_str().to_string())
            .map_err(|_| invalid(key, from_env, raw, "expected a language tag such as pl"))
    };
    if let Some((value, from_env)) = voices {
        let pairs: Vec<(String, String)> = match value {
            VoicesValue::Table(t) => t.into_iter().collect(),
            VoicesValue::Text(text) => {
                let mut pairs = Vec::new();
                for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                    let (k, v) = item.split_once('=').ok_or_else(|| {
                        invalid(
                            "voice_voices",
                            from_env,
                            &text,
                            "expected tag=Voice pairs such as en-GB=Polly.Amy,pl=Polly.Ewa",
                        )
                    })?;
                    pairs.push((k.to_string(), v.to_string()));
                }
                pairs
            }
        };
        for (k, v) in pairs {
            let t = tag("voice_voices", &k, from_env)?;
            let v = v.trim();
            let ok = v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !ok {
                return Err(invalid(
                    "voice_voices",
                    from_env,
                    v,
                    "expected a provider voice name such as Polly.Amy",
                ));
            }
            if v.is_empty() {
                config.voices.remove(&t);
            } else {
                config.voices.insert(t, v.to_string());
            }
        }
    }
    if let Some((value, from_env)) = play {
        let items: Vec<String> = match value {
            ListValue::Items(items) => items,
            ListValue::Text(text) if text.trim().eq_ignore_ascii_case("none") => Vec::new(),
            ListValue::Text(text) => text.split([',', ' ']).map(str::to_string).collect(),
        };
        let mut langs = Vec::new();
        for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
            let t = tag("voice_play_languages", item, from_env)?;
            if !langs.contains(&t) {
                langs.push(t);
            }
        }
        config.play_languages = langs;
    }
    let audio_dir = audio_dir.trim();
    if audio_dir.is_empty() {
        return Err(invalid("audio_dir", audio_env, "", "it is empty"));
    }
    config.audio_dir = PathBuf::from(audio_dir);
    Ok(config)
}

/// A number for the public page: digits, spaces, `+`, `(`, `)` and `-`,
/// so it can go in a `tel:` or `sms:` link as it is.
fn contact_number(key: &str, raw: String, from_env: bool) -> Result<Option<String>, ConfigError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let ok = v.chars().count() <= 32
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-'));
    if !ok {
        return Err(invalid(
            key,
            from_env,
            v,
            "expected a phone number or short code such as +44 7700 900123",
        ));
    }
    Ok(Some(v.to_string()))
}

/// A link for the public page: `https://` (or `http://`) only, so it can
/// never be a `javascript:` URL.
fn contact_url(key: &str, raw: String, from_env: bool) -> Result<Option<String>, ConfigError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() <= 500
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(invalid(
            key,
            from_env,
            v,
            "expected an https:// link such as https://discord.gg/abc",
        ));
    }
    Ok(Some(v.to_string()))
}

/// The Kannel settings, if `kannel_secret` is set. `from_env` tells
/// whether a key came from the environment, for error messages.
fn kannel_config(
    secret: String,
    sendsms_url: String,
    username: String,
    password: String,
    from: String,
    from_env: impl Fn(&str) -> bool,
) -> Result<Option<KannelConfig>, ConfigError> {
    let secret = secret.trim();
    let sendsms_url = sendsms_url.trim();
    if secret.is_empty() {
        if !sendsms_url.is_empty() {
            return Err(invalid(
                "kannel_secret",
                from_env("kannel_sendsms_url"),
                "",
                "Kannel's delivery reports and inbound SMS need it: set GATHER_KANNEL_SECRET too",
            ));
        }
        return Ok(None);
    }
    let url_safe = secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
    if secret.chars().count() < MIN_TOKEN_CHARS || !url_safe {
        return Err(invalid(
            "kannel_secret",
            from_env("kannel_secret"),
            "[redacted]",
            &format!(
                "it must be at least {MIN_TOKEN_CHARS} characters of A-Z, a-z, 0-9, -, _, . or ~ (it goes into Kannel's URLs)"
            ),
        ));
    }
    let sendsms = if sendsms_url.is_empty() {
        None
    } else {
        if !(sendsms_url.starts_with("http://") || sendsms_url.starts_with("https://")) {
            return Err(invalid(
                "kannel_sendsms_url",
                from_env("kannel_sendsms_url"),
                sendsms_url,
                "expected an http(s) URL such as http://127.0.0.1:13013/cgi-bin/sendsms",
            ));
        }
        for (key, value) in [
            ("kannel_username", &username),
            ("kannel_password", &password),
            ("kannel_from", &from),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(
                    key,
                    true,
                    "",
                    "sending through Kannel's sendsms needs it",
                ));
            }
        }
        Some(KannelSendsms {
            url: sendsms_url.to_string(),
            username: username.trim().to_string(),
            password: Secret(password.trim().to_string()),
            from: from.trim().to_string(),
        })
    };
    Ok(Some(KannelConfig {
        secret: Secret(secret.to_string()),
        sendsms,
    }))
}

fn invalid(key: &str, from_env: bool, value: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key: origin(key, from_env),
        value: value.chars().take(200).collect(),
        reason: reason.to_string(),
    }
}

/// The `GATHER_*` variables of an environment. A non-UTF-8 value of one of
/// them is an error; other variables are not looked at.
pub fn gather_vars(
    vars: impl IntoIterator<Item = (OsString, OsString)>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut out = BTreeMap::new();
    for (k, v) in vars {
        let Some(key) = k.to_str() else { continue };
        if !key.starts_with("GATHER_") {
            continue;
        }
        let value = v
            .into_string()
            .map_err(|_| ConfigError::NotUnicode(key.to_string()))?;
        out.insert(key.to_string(), value);
    }
    Ok(out)
}

/// A database URL fit for logs and errors: any password is replaced by
/// `[redacted]` (`postgres://gather:[redacted]@db/gather`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    let user = userinfo.split(':').next().unwrap_or("");
    if userinfo.contains(':') {
        format!("{scheme}://{user}:[redacted]@{host}{tail}")
    } else {
        format!("{scheme}://{user}@{host}{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn file(text: &str) -> Option<(&'static Path, &str)> {
        Some((Path::new("gather.toml"), text))
    }

    #[test]
    fn defaults() {
        let c = Config::from_sources(None, &BTreeMap::new()).unwrap();
        assert_eq!(c.database_url, "sqlite://gather.db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.flows_dir, PathBuf::from("flows"));
        assert_eq!(c.locales_dir, PathBuf::from("locales"));
        assert_eq!(c.default_language.as_str(), "en-GB");
        assert_eq!(c.admin_token, None);
        assert_eq!(c.log, "info");
        assert_eq!(c.file, None);
    }

    #[test]
    fn file_overrides_defaults_and_env_overrides_file() {
        let text = r#"
            database_url = "sqlite://from-file.db"
            listen = "0.0.0.0:9000"
            flows_dir = "my-flows"
            default_language = "pl"
            log = "debug"
        "#;
        let c = Config::from_sources(file(text), &BTreeMap::new()).unwrap();
        assert_eq!(c.database_url, "sqlite://from-file.db");
        assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(c.flows_dir, PathBuf::from("my-flows"));
        assert_eq!(c.locales_dir, PathBuf::from("locales"));
        assert_eq!(c.default_language.as_str(), "pl");
        assert_eq!(c.log, "debug");

        let e = env(&[
            ("GATHER_DATABASE_URL", "sqlite://from-env.db"),
            ("GATHER_LISTEN", "127.0.0.1:7000"),
            ("GATHER_LOCALES_DIR", "my-locales"),
        ]);
        let c = Config::from_sources(file(text), &e).unwrap();
        assert_eq!(c.database_url, "sqlite://from-env.db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:7000");
        // Not set in the environment: still the file's.
        assert_eq!(c.flows_dir, PathBuf::from("my-flows"));
        assert_eq!(c.locales_dir, PathBuf::from("my-locales"));
        assert_eq!(c.default_language.as_str(), "pl");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let e = env(&[("GATHER_LISTEN", ""), ("GATHER_ADMIN_TOKEN", "")]);
        let c = Config::from_sources(file("listen = \"0.0.0.0:1\""), &e).unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:1");
        assert_eq!(c.admin_token, None);
    }

    #[test]
    fn bad_values_name_their_source() {
        let err = Config::from_sources(None, &env(&[("GATHER_LISTEN", "localhost")])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("GATHER_LISTEN"), "{msg}");
        assert!(msg.contains("localhost"), "{msg}");

        let err = Config::from_sources(file("listen = \"nope\""), &BTreeMap::new()).unwrap_err();
        assert!(err.to_string().starts_with("listen is not valid"), "{err}");

        let err =
            Config::from_sources(None, &env(&[("GATHER_DEFAULT_LANGUAGE", "!!")])).unwrap_err();
        assert!(err.to_string().contains("GATHER_DEFAULT_LANGUAGE"), "{err}");

        let err = Config::from_sources(None, &env(&[("GATHER_LOG", "gather=loud")])).unwrap_err();
        assert!(err.to_string().contains("GATHER_LOG"), "{err}");
    }

    #[test]
    fn unknown_keys_in_the_file_are_errors() {
        let err = Config::from_sources(file("databse_url = \"x\""), &BTreeMap::new()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("gather.toml"), "{msg}");
        assert!(msg.contains("databse_url"), "{msg}");
    }

    #[test]
    fn token_never_prints() {
        let token = "s3cret-token-abcdefghijkl";
        let e = env(&[
            ("GATHER_ADMIN_TOKEN", token),
            (
                "GATHER_DATABASE_URL",
                "postgres://gather:hunter2-pw@db:5432/gather",
            ),
        ]);
        let c = Config::from_sources(None, &e).unwrap();
        assert_eq!(c.admin_token.as_ref().map(Secret::expose), Some(token));
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains(token), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
        let secret = c.admin_token.unwrap();
        assert_eq!(secret.to_string(), "[redacted]");
        assert_eq!(format!("{secret:?}"), "[redacted]");
    }

    #[test]
    fn short_tokens_are_refused_without_echoing_them() {
        let err =
            Config::from_sources(None, &env(&[("GATHER_ADMIN_TOKEN", "short-pw")])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("GATHER_ADMIN_TOKEN"), "{msg}");
        assert!(!msg.contains("short-pw"), "{msg}");
    }

    #[test]
    fn redacts_passwords_in_urls() {
        assert_eq!(
            redact_url("postgres://u:p@h:5432/db?x=1"),
            "postgres://u:[redacted]@h:5432/db?x=1"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://gather.db"), "sqlite://gather.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn a_named_file_must_exist_the_default_need_not() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let err = Config::load_from(Some(&missing), Vec::<(String, String)>::new()).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }), "{err}");
        let err = Config::load_from(
            None,
            vec![("GATHER_CONFIG", missing.to_string_lossy().into_owned())],
        )
        .unwrap_err();
        assert!(err.to_string().contains("nope.toml"), "{err}");

        let present = dir.path().join("g.toml");
        std::fs::write(&present, "log = \"warn\"\n").unwrap();
        let c = Config::load_from(
            None,
            vec![
                ("GATHER_CONFIG", present.to_string_lossy().into_owned()),
                ("GATHER_LOG", String::new()),
            ],
        )
        .unwrap();
        assert_eq!(c.log, "warn");
        assert_eq!(c.file.as_deref(), Some(present.as_path()));
    }

    #[cfg(unix)]
    #[test]
    fn only_gather_variables_are_read() {
        use std::os::unix::ffi::OsStringExt;
        let vars = vec![
            (OsString::from("PATH"), OsString::from_vec(vec![0xff, 0xfe])),
            (OsString::from("GATHER_LOG"), OsString::from("debug")),
        ];
        let m = gather_vars(vars).unwrap();
        assert_eq!(m.len(), 1);
        let bad = vec![(OsString::from("GATHER_LOG"), OsString::from_vec(vec![0xff]))];
        assert!(matches!(gather_vars(bad), Err(ConfigError::NotUnicode(_))));
    }

    #[test]
    fn kannel_settings() {
        let secret = "kannel-secret-0123456789";
        let c = Config::from_sources(None, &BTreeMap::new()).unwrap();
        assert_eq!((c.kannel, c.sms_provider), (None, None));

        let e = env(&[("GATHER_KANNEL_SECRET", secret)]);
        let c = Config::from_sources(None, &e).unwrap();
        let k = c.kannel.clone().unwrap();
        assert_eq!(k.secret.expose(), secret);
        assert_eq!(k.sendsms, None);
        // Receiving only: nothing to send through.
        assert_eq!(c.sms_provider, None);

        let full = env(&[
            ("GATHER_KANNEL_SECRET", secret),
            (
                "GATHER_KANNEL_SENDSMS_URL",
                "http://127.0.0.1:13013/cgi-bin/sendsms",
            ),
            ("GATHER_KANNEL_USERNAME", "gather"),
            ("GATHER_KANNEL_PASSWORD", "hunter2-kannel"),
            ("GATHER_KANNEL_FROM", "4790"),
        ]);
        let c = Config::from_sources(None, &full).unwrap();
        let s = c.kannel.clone().unwrap().sendsms.unwrap();
        assert_eq!(s.url, "http://127.0.0.1:13013/cgi-bin/sendsms");
        assert_eq!((s.username.as_str(), s.from.as_str()), ("gather", "4790"));
        assert_eq!(s.password.expose(), "hunter2-kannel");
        assert_eq!(c.sms_provider, Some(SmsProvider::Kannel));
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains(secret), "{shown}");

        // The same from the file.
        let text = format!(
            "kannel_secret = \"{secret}\"\nkannel_sendsms_url = \"http://k:13013/cgi-bin/sendsms\"\nkannel_username = \"u\"\nkannel_password = \"p\"\nkannel_from = \"4790\"\nsms_provider = \"kannel\"\n"
        );
        let c = Config::from_sources(file(&text), &BTreeMap::new()).unwrap();
        assert_eq!(c.sms_provider, Some(SmsProvider::Kannel));

        // With Twilio too, Twilio is the default and Kannel can be chosen.
        let mut both = full.clone();
        both.insert("GATHER_TWILIO_AUTH_TOKEN".into(), "tok".into());
        both.insert("GATHER_PUBLIC_URL".into(), "https://g.example.org".into());
        let c = Config::from_sources(None, &both).unwrap();
        assert_eq!(c.sms_provider, Some(SmsProvider::Twilio));
        both.insert("GATHER_SMS_PROVIDER".into(), "Kannel".into());
        let c = Config::from_sources(None, &both).unwrap();
        assert_eq!(c.sms_provider, Some(SmsProvider::Kannel));
    }

    #[test]
    fn voice_settings_defaults_file_and_environment() {
        let c = Config::from_sources(None, &BTreeMap::new()).unwrap();
        assert_eq!(c.voice, VoiceConfig::default());
        assert_eq!(
            c.voice.voices.get("en-GB").map(String::as_str),
            Some("Polly.Amy")
        );
        assert_eq!(c.voice.play_languages, ["pa", "ur", "bn", "gu"]);
        assert_eq!(c.voice.audio_dir, PathBuf::from("audio"));

        // The file: a table of voices (merged over the built-in ones; an
        // empty name removes one), an array of languages, a folder.
        let text = r#"
            voice_play_languages = ["pa", "UR"]
            audio_dir = "/srv/gather/audio"
            [voice_voices]
            pl = "Polly.Maja"
            ro = ""
            ar = "Polly.Zeina"
        "#;
        let c = Config::from_sources(file(text), &BTreeMap::new()).unwrap();
        let v = &c.voice.voices;
        assert_eq!(v.get("pl").map(String::as_str), Some("Polly.Maja"));
        assert_eq!(v.get("ar").map(String::as_str), Some("Polly.Zeina"));
        assert_eq!(v.get("en-GB").map(String::as_str), Some("Polly.Amy"));
        assert_eq!(v.get("ro"), None);
        assert_eq!(c.voice.play_languages, ["pa", "ur"]);
        assert_eq!(c.voice.audio_dir, PathBuf::from("/srv/gather/audio"));

        // The environment wins over the file, setting by setting.
        let e = env(&[
            ("GATHER_VOICE_VOICES", "en-gb=Polly.Emma, pl=Polly.Ewa"),
            ("GATHER_VOICE_PLAY_LANGUAGES", "none"),
            ("GATHER_AUDIO_DIR", "prompts"),
        ]);
        let c = Config::from_sources(file(text), &e).unwrap();
        let v = &c.voice.voices;
        assert_eq!(v.get("en-GB").map(String::as_str), Some("Polly.Emma"));
        assert_eq!(v.get("pl").map(String::as_str), Some("Polly.Ewa"));
        // The file's voices are not read at all once the variable is set.
        assert_eq!(v.get("ar"), None);
        assert_eq!(v.get("ro").map(String::as_str), Some("Polly.Carmen"));
        assert!(c.voice.play_languages.is_empty());
        assert_eq!(c.voice.audio_dir, PathBuf::from("prompts"));

        // The file may use the environment's text form too.
        let c = Config::from_sources(
            file("voice_voices = \"it=Polly.Carla\"\nvoice_play_languages = \"bn, gu\"\n"),
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(
            c.voice.voices.get("it").map(String::as_str),
            Some("Polly.Carla")
        );
        assert_eq!(c.voice.play_languages, ["bn", "gu"]);
    }

    #[test]
    fn bad_voice_settings_name_their_source() {
        for (var, value) in [
            ("GATHER_VOICE_VOICES", "Polly.Amy"),
            ("GATHER_VOICE_VOICES", "!!=Polly.Amy"),
            ("GATHER_VOICE_VOICES", "pl=Polly Ewa<"),
            ("GATHER_VOICE_PLAY_LANGUAGES", "pa,!!"),
        ] {
            let err = Config::from_sources(None, &env(&[(var, value)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(var), "{value}: {err}");
        }
        let err = Config::from_sources(file("[voice_voices]\npl = \"a b\"\n"), &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("voice_voices is not valid"), "{err}");
        let err = Config::from_sources(file("audio_dir = \" \"\n"), &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("audio_dir is not valid"), "{err}");
    }

    #[test]
    fn bad_kannel_settings() {
        let secret = "kannel-secret-0123456789";
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (
                vec![("GATHER_KANNEL_SECRET", "short")],
                "GATHER_KANNEL_SECRET",
            ),
            (
                vec![("GATHER_KANNEL_SECRET", "has spaces and & in it 0123")],
                "GATHER_KANNEL_SECRET",
            ),
            (
                vec![("GATHER_KANNEL_SENDSMS_URL", "http://k/cgi-bin/sendsms")],
                "GATHER_KANNEL_SECRET",
            ),
            (
                vec![
                    ("GATHER_KANNEL_SECRET", secret),
                    ("GATHER_KANNEL_SENDSMS_URL", "k:13013"),
                ],
                "GATHER_KANNEL_SENDSMS_URL",
            ),
            (
                vec![
                    ("GATHER_KANNEL_SECRET", secret),
                    ("GATHER_KANNEL_SENDSMS_URL", "http://k/cgi-bin/sendsms"),
                    ("GATHER_KANNEL_USERNAME", "u"),
                    ("GATHER_KANNEL_FROM", "4790"),
                ],
                "GATHER_KANNEL_PASSWORD",
            ),
            (
                vec![("GATHER_SMS_PROVIDER", "kannel")],
                "GATHER_SMS_PROVIDER",
            ),
            (
                vec![("GATHER_SMS_PROVIDER", "twilio")],
                "GATHER_SMS_PROVIDER",
            ),
            (
                vec![("GATHER_SMS_PROVIDER", "pigeon")],
                "GATHER_SMS_PROVIDER",
            ),
        ];
        for (vars, key) in cases {
            let err = Config::from_sources(None, &env(&vars))
                .unwrap_err()
                .to_string();
            assert!(err.contains(key), "{vars:?}: {err}");
            assert!(!err.contains("has spaces"), "{err}");
        }
    }
}
