//! The `gather` command line: the server, the console simulator and the
//! organiser's commands. Every command goes through [`crate::service`]; this
//! module only parses arguments and prints.
//!
//! Exit codes: 0 success, 1 the command failed (a service error, an
//! unreachable database, broken flows), 2 the command line or configuration
//! was wrong.

use crate::app;
use crate::channels::{render, segments};
use crate::config::{Config, redact_url};
use crate::domain::{Channel, Identity, IssueRef, LanguageTag, PhoneNumber, Timestamp};
use crate::engine::Content;
use crate::flow::{self, Severity};
use crate::service::{Gather, InboundMessage, Reply, ResponseInput, RoundInput, ServiceError};
use crate::store::{IssueStatus, ResponseStatus, RoundId};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

#[derive(Debug, Parser)]
#[command(
    name = "gather",
    version,
    about = "Citizen participation over SMS, phone and community chat",
    propagate_version = true
)]
pub struct Cli {
    /// The config file [default: $GATHER_CONFIG, else ./gather.toml if it exists]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (/healthz, /metrics) until Ctrl-C or SIGTERM.
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Check the flow files or draw one.
    Flows {
        #[command(subcommand)]
        command: FlowsCommand,
    },
    /// Talk to Gather as a person would, and see exactly what the channel
    /// would send back. Uses the same database as `gather serve`.
    Chat(ChatArgs),
    /// Moderate raised issues.
    Issues {
        #[command(subcommand)]
        command: IssuesCommand,
    },
    /// Open and close vote rounds.
    Round {
        #[command(subcommand)]
        command: RoundCommand,
    },
    /// Record the Board's response to an issue; everyone involved is told.
    Respond(RespondArgs),
    /// See how Board updates are getting out.
    Fanout {
        #[command(subcommand)]
        command: FanoutCommand,
    },
    /// Who Gather reaches: people and messages by channel, language, area,
    /// involvement and round.
    Reach,
    /// Messages waiting to go out, and what became of those sent.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Queue a text message to a number (a notice: it waits for quiet hours
    /// to end unless --reply). Sent by `gather serve` when a provider is
    /// configured.
    Send(SendArgs),
    /// Language detection: how well Gather finds the language people write in.
    Languages {
        #[command(subcommand)]
        command: LanguagesCommand,
    },
    /// Phone calls: recorded prompts.
    Voice {
        #[command(subcommand)]
        command: VoiceCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum VoiceCommand {
    /// Record placeholder prompts with espeak-ng for review: every sentence
    /// a call can say, per locale, as `<out>/<lang>/<message-id>.wav` (the
    /// `.voice` wording, with sample arguments). Calls in the languages of
    /// GATHER_VOICE_PLAY_LANGUAGES play them from /audio/<lang>/<id>.wav.
    Render {
        /// Only this locale, e.g. pa [default: every locale].
        #[arg(long, value_name = "TAG")]
        lang: Option<LanguageTag>,
        /// Where to write [default: GATHER_AUDIO_DIR, else audio/].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LanguagesCommand {
    /// Run the language detection test set through the engine and print
    /// accuracy per language and the false switches; exit 1 when a target
    /// is missed (no switch on one- or two-word messages, 97% right on
    /// messages of four words or more).
    Report {
        /// The test set (tab-separated: lang, person, expect, text).
        #[arg(
            long,
            value_name = "FILE",
            default_value = "tests/language_detection/cases.tsv"
        )]
        cases: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum FlowsCommand {
    /// Validate every flow against the locales; exit 1 if there is an error.
    Check,
    /// Print a flow as a Mermaid diagram.
    Graph {
        /// The flow's name (its file name without .toml), e.g. raise.
        name: String,
    },
    /// Play the journeys in every locale and print what each SMS costs.
    Cost {
        /// Exit 1 when a message or a journey is over its budget.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChatChannel {
    /// A text message: shows each SMS with its segment count and encoding.
    Sms,
    /// A WhatsApp message: rendered for WhatsApp (bold references, the
    /// locale's own letters, no segments).
    Whatsapp,
    /// A phone call: shows what would be spoken and which keys are accepted.
    /// What you type stands for the keys pressed (or the words spoken).
    Voice,
    /// A chat room.
    Chat,
}

impl ChatChannel {
    pub fn channel(self) -> Channel {
        match self {
            ChatChannel::Sms => Channel::Sms,
            ChatChannel::Whatsapp => Channel::WhatsApp,
            ChatChannel::Voice => Channel::Voice,
            ChatChannel::Chat => Channel::Console,
        }
    }
}

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// The phone number you are pretending to be, e.g. +447700900123.
    #[arg(long, value_name = "NUMBER", value_parser = PhoneNumber::parse)]
    pub from: PhoneNumber,
    /// The language of a number Gather has not seen before, e.g. pl.
    /// (A known number keeps its language; send LANGUAGE to switch. On a
    /// call a new caller chooses it from the spoken menu.)
    #[arg(long, visible_alias = "language", value_name = "TAG")]
    pub lang: Option<LanguageTag>,
    /// The channel to simulate.
    #[arg(long, value_enum, default_value_t = ChatChannel::Sms)]
    pub channel: ChatChannel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    New,
    Approved,
    Hidden,
    Merged,
}

impl StatusArg {
    fn status(self) -> IssueStatus {
        match self {
            StatusArg::New => IssueStatus::New,
            StatusArg::Approved => IssueStatus::Approved,
            StatusArg::Hidden => IssueStatus::Hidden,
            StatusArg::Merged => IssueStatus::Merged,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum IssuesCommand {
    /// List issues, newest first as the store keeps them.
    List {
        /// Only issues with this status.
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
    },
    /// Approve an issue so it can go on a ballot. An issue raised by
    /// speaking on a call needs a written title first (`issues title`).
    Approve {
        #[arg(value_name = "REF")]
        issue: IssueRef,
    },
    /// Set an issue's short ballot title (what voters read and hear), in
    /// the default language or, with --lang, in another.
    Title {
        #[arg(value_name = "REF")]
        issue: IssueRef,
        /// The title: up to 80 characters in the default language; in
        /// another, 60 when SMS spell it in GSM-7, 30 in UCS-2, no emoji.
        /// Empty with --lang: clear that language's title.
        title: String,
        /// The language of the title (a loaded locale, e.g. pl).
        #[arg(long)]
        lang: Option<LanguageTag>,
    },
    /// Hide an issue (abuse, personal data…); the reason is kept.
    Hide {
        #[arg(value_name = "REF")]
        issue: IssueRef,
        #[arg(long)]
        reason: String,
    },
    /// Merge a duplicate into another issue; its followers and votes move.
    Merge {
        #[arg(value_name = "REF")]
        issue: IssueRef,
        #[arg(long, value_name = "REF")]
        into: IssueRef,
    },
}

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Open a vote round with a shortlist of issues (at most 9).
    Open {
        #[arg(long)]
        title: String,
        /// An issue on the ballot, in ballot order; repeat for each.
        #[arg(long = "item", value_name = "REF", required = true)]
        items: Vec<IssueRef>,
        /// How many issues a person may choose.
        #[arg(long, default_value_t = 1)]
        max_choices: u32,
        /// When the round closes, e.g. 2025-03-01T18:00:00Z.
        #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
        closes_at: Option<Timestamp>,
        /// Open even if an issue has no title in a language its voters
        /// read: they see the default language's title, marked "(EN)".
        #[arg(long)]
        accept_fallback: bool,
    },
    /// Close a round and print its results.
    Close {
        #[arg(value_name = "ID", value_parser = clap::value_parser!(i64).range(1..))]
        id: RoundId,
    },
    /// Tell the people who voted in a closed round (or everyone) its results.
    Announce {
        #[arg(value_name = "ID", value_parser = clap::value_parser!(i64).range(1..))]
        id: RoundId,
        /// Everyone who has not opted out, not only the voters.
        #[arg(long)]
        everyone: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum FanoutCommand {
    /// Progress of Board updates: queued, sent, delivered, failed.
    Status {
        /// One fan-out; all of them if left out.
        #[arg(value_name = "ID", value_parser = clap::value_parser!(i64).range(1..))]
        id: Option<i64>,
        /// Keep showing a progress bar until nothing is queued.
        #[arg(long)]
        watch: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResponseArg {
    Committed,
    Declined,
    #[value(name = "in_progress", alias = "in-progress")]
    InProgress,
    Done,
}

impl ResponseArg {
    fn status(self) -> ResponseStatus {
        match self {
            ResponseArg::Committed => ResponseStatus::Committed,
            ResponseArg::Declined => ResponseStatus::Declined,
            ResponseArg::InProgress => ResponseStatus::InProgress,
            ResponseArg::Done => ResponseStatus::Done,
        }
    }
}

#[derive(Debug, Args)]
pub struct RespondArgs {
    #[arg(value_name = "REF")]
    pub issue: IssueRef,
    #[arg(long, value_enum)]
    pub status: ResponseArg,
    /// The response in the default language (for `declined`: the reason).
    #[arg(long)]
    pub text: Option<String>,
    /// The response in Polish.
    #[arg(long)]
    pub text_pl: Option<String>,
    /// The response in another language, as TAG=TEXT; repeat for each.
    #[arg(long, value_name = "TAG=TEXT", value_parser = parse_lang_text)]
    pub lang_text: Vec<(LanguageTag, String)>,
    /// Progress in percent, 0 to 100.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub progress: Option<u8>,
}

fn parse_time(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse_rfc3339(s.trim())
        .ok_or_else(|| "expected an RFC 3339 time such as 2025-03-01T18:00:00Z".to_string())
}

fn parse_lang_text(s: &str) -> Result<(LanguageTag, String), String> {
    let (tag, text) = s
        .split_once('=')
        .ok_or_else(|| "expected TAG=TEXT, e.g. pl=\"Zrobimy to\"".to_string())?;
    let tag = LanguageTag::parse(tag).map_err(|e| e.to_string())?;
    Ok((tag, text.to_string()))
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Counts by status, and the providers' delivery reports.
    Status,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The phone number, e.g. +447700900123 or 07700 900123.
    #[arg(long, value_parser = parse_phone)]
    pub to: PhoneNumber,
    #[arg(long)]
    pub text: String,
    /// Send as a direct reply: never held back by quiet hours.
    #[arg(long)]
    pub reply: bool,
}

fn parse_phone(s: &str) -> Result<PhoneNumber, String> {
    PhoneNumber::parse(s).map_err(|e| e.to_string())
}

/// Why a command failed, and so its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line or configuration was wrong: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The command could not be done: exit 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
        }
    }
}

impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        CliError::Failed(e.to_string())
    }
}

impl From<app::AppError> for CliError {
    fn from(e: app::AppError) -> Self {
        CliError::Failed(e.to_string())
    }
}

type CliResult = Result<ExitCode, CliError>;

/// The whole program: parse, configure, log, run, exit.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // The cost report plays whole journeys: their INFO lines are noise.
    if matches!(
        cli.command,
        Command::Flows {
            command: FlowsCommand::Cost { .. }
        }
    ) && std::env::var_os("GATHER_LOG").is_none()
    {
        config.log = "warn".to_string();
    }
    // The simulator's terminal is the conversation: only errors interrupt
    // it, unless GATHER_LOG asks for more.
    if matches!(cli.command, Command::Chat(_)) && std::env::var_os("GATHER_LOG").is_none() {
        config.log = "error".to_string();
    }
    init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(run(cli.command, &config));
    // A read of stdin may still be parked on a blocking thread: don't wait.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

/// Logs go to stderr, filtered by `GATHER_LOG`; stdout is for the command's
/// output. Nothing logged here or elsewhere carries a token or a full phone
/// number.
fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Runs one command.
pub async fn run(command: Command, config: &Config) -> CliResult {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::Flows {
            command: FlowsCommand::Check,
        } => flows_check(config),
        Command::Flows {
            command: FlowsCommand::Graph { name },
        } => flows_graph(config, &name),
        Command::Flows {
            command: FlowsCommand::Cost { check },
        } => flows_cost(config, check).await,
        Command::Chat(args) => chat(config, args).await,
        Command::Issues { command } => issues(config, command).await,
        Command::Round { command } => round(config, command).await,
        Command::Respond(args) => respond(config, args).await,
        Command::Fanout { command } => fanout(config, command).await,
        Command::Reach => reach(config).await,
        Command::Outbox {
            command: OutboxCommand::Status,
        } => outbox_status(config).await,
        Command::Send(args) => send(config, args).await,
        Command::Languages {
            command: LanguagesCommand::Report { cases },
        } => languages_report(config, &cases),
        Command::Voice {
            command: VoiceCommand::Render { lang, out },
        } => voice_render(config, lang, out),
    }
}

/// Writes to stdout, ignoring a closed pipe (`gather issues list | head`).
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

macro_rules! outln {
    ($($arg:tt)*) => {{
        let mut line = format!($($arg)*);
        line.push('\n');
        out(&line);
    }};
}

async fn serve(config: &Config) -> CliResult {
    crate::supervise::install_panic_hook();
    let gather = app::build(config).await?;
    tracing::info!(
        listen = %config.listen,
        database = %redact_url(&config.database_url),
        "starting gather"
    );
    let webhooks = crate::http::Webhooks::from_config(config);
    let workers = app::outbox_workers(config, &gather)?;
    if workers.is_empty() {
        tracing::info!(
            "outbox: off (no SMS provider configured: set GATHER_TWILIO_* or GATHER_KANNEL_*); queued messages wait"
        );
    }
    // One signal stops both: the server drains its requests, each worker
    // finishes the send in flight and hands back what it had not started.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut running: Vec<_> = workers
        .into_iter()
        .map(|w| {
            let (w, s) = (std::sync::Arc::new(w), stopped.clone());
            crate::supervise::spawn(
                "outbox",
                crate::supervise::Backoff::DEFAULT,
                stopped.clone(),
                move || {
                    let (w, s) = (w.clone(), s.clone());
                    async move { w.work(s).await }
                },
            )
        })
        .collect();
    // What must run once (chat sync loops, the round timer) runs on the
    // elected instance only; on SQLite that is always this one.
    let leadership = crate::leader::Leadership::for_database(&config.database_url)
        .map_err(|e| CliError::Failed(e.to_string()))?;
    running.push(tokio::spawn(crate::leader::run_singletons(
        leadership,
        config.clone(),
        gather.clone(),
        stopped.clone(),
    )));
    let shutdown = async move {
        crate::http::shutdown_signal().await;
        let _ = stop.send(true);
    };
    // If the server cannot start, `stop` is dropped with `shutdown`, which
    // stops the workers too.
    let served = crate::http::serve(gather, webhooks, config.listen, shutdown).await;
    for worker in running {
        match tokio::time::timeout(app::SEND_TIMEOUT * 2, worker).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "outbox worker ended abnormally"),
            Err(_) => tracing::warn!("outbox worker did not stop in time"),
        }
    }
    served.map_err(|e| CliError::Failed(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

async fn migrate(config: &Config) -> CliResult {
    app::open_store(config).await?;
    outln!(
        "database {} is up to date",
        redact_url(&config.database_url)
    );
    Ok(ExitCode::SUCCESS)
}

/// `gather flows cost`: the segments of every journey, per locale.
async fn flows_cost(config: &Config, check: bool) -> CliResult {
    let engine = app::engine(config)?;
    let costs = crate::cost::measure(&engine)
        .await
        .map_err(CliError::Failed)?;
    outln!("{}", crate::cost::markdown(&costs));
    let over = crate::cost::over_budget(&costs);
    for line in &over {
        outln!("over budget: {line}");
    }
    if over.is_empty() {
        outln!("ok: every message and journey within the SMS budget");
        Ok(ExitCode::SUCCESS)
    } else if check {
        Err(CliError::Failed(format!(
            "{} over the SMS budget",
            plural(over.len(), "message or journey")
        )))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn flows_check(config: &Config) -> CliResult {
    let (flows, problems) = app::load_flows(config);
    for p in &problems {
        outln!("{p}");
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let counts = format!(
        "{} and {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    match flows {
        Some(flows) if errors == 0 => {
            let languages = app::load_locales(config)
                .map(|l| {
                    l.languages()
                        .map(LanguageTag::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            outln!(
                "ok: {} in `{}` checked against the locales {languages}: {counts}",
                plural(flows.flows().count(), "flow"),
                config.flows_dir.display(),
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            outln!(
                "failed: {counts} in `{}` and `{}`",
                config.flows_dir.display(),
                config.locales_dir.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn languages_report(config: &Config, cases: &std::path::Path) -> CliResult {
    use crate::engine::language_cases::{evaluate, parse_cases};
    let engine = app::engine(config)?;
    let source = std::fs::read_to_string(cases)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", cases.display())))?;
    let default = engine.locales().default_language().clone();
    let cases_list = parse_cases(&source, &default)
        .map_err(|e| CliError::Usage(format!("{}: {e}", cases.display())))?;
    let report = evaluate(&engine, &cases_list);
    outln!(
        "language detection: {} from {}\n",
        plural(cases_list.len(), "case"),
        cases.display()
    );
    out(&printable(&report.render(), true));
    Ok(if report.meets_targets() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn flows_graph(config: &Config, name: &str) -> CliResult {
    let (flows, problems) = app::load_flows(config);
    let Some(flows) = flows else {
        let mut msg = format!(
            "the flows in {} have errors; fix them first:",
            config.flows_dir.display()
        );
        for p in problems.iter().filter(|p| p.severity == Severity::Error) {
            let _ = write!(msg, "\n  {p}");
        }
        return Err(CliError::Failed(msg));
    };
    match flow::mermaid(&flows, name) {
        Some(diagram) => {
            out(&diagram);
            if !diagram.ends_with('\n') {
                out("\n");
            }
            Ok(ExitCode::SUCCESS)
        }
        None => Err(CliError::Usage(format!(
            "no flow named `{}`; the flows are: {}",
            printable(name, false),
            flows.names().collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

// --- the console simulator -------------------------------------------------

/// The longest line the simulator reads; the rest of a longer line is
/// dropped (SMS and chat messages are far shorter).
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// Reads one line of raw bytes (without its `\n` or `\r\n`), keeping at most
/// [`MAX_LINE_BYTES`]. Returns `None` at the end of input, else whether the
/// line was cut.
pub async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut cut = false;
    let mut read_any = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            break;
        }
        read_any = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let line_part = &available[..newline.unwrap_or(available.len())];
        let room = MAX_LINE_BYTES.saturating_sub(buf.len());
        if line_part.len() > room {
            cut = true;
        }
        buf.extend_from_slice(&line_part[..line_part.len().min(room)]);
        let used = newline.map_or(available.len(), |i| i + 1);
        reader.consume(used);
        if newline.is_some() {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(cut))
}

/// How the simulator prints: dim notes only on a colour terminal.
struct Style {
    colour: bool,
}

impl Style {
    fn note(&self, text: &str) -> String {
        if self.colour {
            format!("\x1b[2m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

async fn chat(config: &Config, args: ChatArgs) -> CliResult {
    // One person typing is not a flood: no inbound limit in the simulator.
    let gather = app::build(config).await?.with_inbound_rate(0);
    let locales = gather.engine.locales();
    if let Some(lang) = &args.lang
        && !locales.has_language(lang)
    {
        return Err(CliError::Usage(format!(
            "Gather has no locale `{lang}`; it has: {}",
            locales
                .languages()
                .map(LanguageTag::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let interactive = std::io::stdin().is_terminal();
    let style = Style {
        colour: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    if args.channel == ChatChannel::Voice {
        return voice_chat(config, &gather, &args, interactive, &style).await;
    }
    let channel = args.channel.channel();
    tracing::debug!(from = %args.from.masked(), %channel, "simulator started");
    if interactive {
        eprintln!(
            "Gather simulator: {} from {}. Type as a person would; Ctrl-D to quit.",
            channel, args.from
        );
    }

    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let mut buf = Vec::new();
    loop {
        if interactive {
            out("> ");
        }
        let cut = match read_line(&mut stdin, &mut buf).await {
            Ok(Some(cut)) => cut,
            Ok(None) => break,
            Err(e) => return Err(CliError::Failed(format!("cannot read stdin: {e}"))),
        };
        if cut {
            eprintln!("note: the line was cut to {MAX_LINE_BYTES} bytes");
        }
        let text = String::from_utf8_lossy(&buf).into_owned();
        let content = match args.channel {
            ChatChannel::Voice => Content::Keys(text),
            ChatChannel::Sms | ChatChannel::Whatsapp | ChatChannel::Chat => Content::Text(text),
        };
        let reply = gather
            .handle_inbound(InboundMessage {
                identity: Identity::phone(&args.from),
                channel,
                content,
                provider_id: None,
                language_hint: args.lang.clone(),
            })
            .await?;
        out(&show_reply(&gather, args.channel, &reply, &style));
    }
    if interactive {
        out("\n");
    }
    Ok(ExitCode::SUCCESS)
}

/// `gather chat --channel voice`: a call, as `POST /webhooks/twilio/voice`
/// and its follow-up requests would have it. The call is answered first
/// (language menu for a new caller, the menu for a known one); each line is
/// the `Digits` of the next request (read for the question waiting, so
/// `13#` is two choices where several are allowed), `[recording 14s]` a
/// recording, an empty line silence (the question again, twice, then the
/// goodbye). The end of input hangs up, which keeps an unconfirmed
/// recording as a draft, as a real call's status callback does.
async fn voice_chat(
    config: &Config,
    gather: &Gather,
    args: &ChatArgs,
    interactive: bool,
    style: &Style,
) -> CliResult {
    use crate::channels::twilio_voice::{self as tv, VoiceSettings, Wait};
    use crate::service::voice::CallInput;
    let settings = VoiceSettings {
        sms_number: config.contact.sms_number.clone(),
        ..Default::default()
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let sid = format!("SIM{stamp}");
    if interactive {
        eprintln!(
            "Gather simulator: a call from {}. Type the keys pressed (1, 13#, *, 0, 9), \
             [recording 14s] for speech, an empty line for silence; Ctrl-D hangs up.",
            args.from
        );
    }
    let mut seq = 0u32;
    let reply = gather
        .voice_turn(&sid, &args.from, &format!("{sid}:{seq}"), CallInput::Start)
        .await?;
    out(&show_reply(gather, ChatChannel::Voice, &reply, style));
    let mut mode = waiting(gather, &reply).mode();
    let mut silent = 0u32;
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let mut buf = Vec::new();
    while mode != Wait::Hangup.mode() {
        if interactive {
            out("> ");
        }
        match read_line(&mut stdin, &mut buf).await {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(CliError::Failed(format!("cannot read stdin: {e}"))),
        }
        let text = String::from_utf8_lossy(&buf).into_owned();
        let Some(input) = CallInput::typed(&text, mode) else {
            out(&format!(
                "{}\n\n",
                style.note("[not keypad keys: a real call answers 400]")
            ));
            continue;
        };
        if text.trim().trim_end_matches('#').is_empty() {
            silent += 1;
            if silent >= 3 {
                let lang = gather.caller_language(&args.from).await?;
                let line = tv::goodbye_line(&settings, gather.engine.locales(), &lang);
                out(&format!(
                    "🔊 {}\n{}\n\n",
                    printable(&line.text, false),
                    style.note("[hang up]")
                ));
                break;
            }
        } else {
            silent = 0;
        }
        seq += 1;
        let reply = gather
            .voice_turn(&sid, &args.from, &format!("{sid}:{seq}"), input)
            .await?;
        out(&show_reply(gather, ChatChannel::Voice, &reply, style));
        mode = waiting(gather, &reply).mode();
    }
    if let Some(draft) = gather
        .voice_status(&sid, "completed", Some(&args.from))
        .await?
    {
        out(&format!(
            "{}\n",
            style.note(&format!(
                "[call ended: the unconfirmed recording is kept as draft {draft}]"
            ))
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// How a call's reply waits for the next request (`Hangup`: it ends).
fn waiting(gather: &Gather, reply: &Reply) -> crate::channels::twilio_voice::Wait {
    use crate::channels::twilio_voice as tv;
    tv::segments(gather.engine.locales(), &reply.language, &reply.events)
        .1
        .map(tv::wait_for)
        .unwrap_or(tv::Wait::Hangup)
}

/// What the channel would send for one reply, as the simulator prints it.
fn show_reply(gather: &Gather, channel: ChatChannel, reply: &Reply, style: &Style) -> String {
    let mut text = String::new();
    match channel {
        ChatChannel::Sms => {
            for m in &reply.messages {
                let info = segments::count(m);
                let _ = writeln!(text, "{}", printable(m, true));
                let _ = writeln!(
                    text,
                    "{}",
                    style.note(&format!(
                        "[sms: {}, {}, {} units]",
                        plural(info.segments, "segment"),
                        info.encoding.as_str(),
                        info.units
                    ))
                );
                text.push('\n');
            }
        }
        ChatChannel::Voice => {
            let spoken = render::voice(gather.engine.locales(), &reply.language, &reply.events);
            for line in &spoken.lines {
                let _ = writeln!(text, "🔊 {}", printable(line, false));
            }
            match &spoken.keys {
                Some(keys) => {
                    let _ = writeln!(text, "{}", style.note(&format!("[keys: {keys}]")));
                }
                None => {
                    let _ = writeln!(text, "{}", style.note("[hang up]"));
                }
            }
            if !text.is_empty() {
                text.push('\n');
            }
        }
        ChatChannel::Chat | ChatChannel::Whatsapp => {
            for m in &reply.messages {
                let _ = writeln!(text, "{}\n", printable(m, true));
            }
        }
    }
    if text.is_empty() {
        let _ = writeln!(text, "{}\n", style.note("[no reply]"));
    }
    text
}

/// Text from people (issue titles, descriptions read back) made safe for a
/// terminal: control characters and bidirectional overrides become `�`, so
/// nobody can move the cursor or disguise text on the organiser's screen.
pub fn printable(s: &str, keep_newlines: bool) -> String {
    s.chars()
        .map(|c| match c {
            '\n' if keep_newlines => '\n',
            '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

// --- voice -------------------------------------------------------------------

fn voice_render(config: &Config, lang: Option<LanguageTag>, dir: Option<PathBuf>) -> CliResult {
    use crate::channels::twilio_voice as tv;
    let locales = app::load_locales(config)?;
    let langs: Vec<LanguageTag> = match lang {
        Some(l) if locales.has_language(&l) => vec![l],
        Some(l) => {
            return Err(CliError::Usage(format!(
                "Gather has no locale `{l}`; it has: {}",
                locales
                    .languages()
                    .map(LanguageTag::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        None => locales.languages().cloned().collect(),
    };
    let dir = dir.unwrap_or_else(|| config.voice.audio_dir.clone());
    let available = tv::espeak_voices().map_err(CliError::Failed)?;
    for l in &langs {
        let voice = tv::espeak_voice(&available, l).ok_or_else(|| {
            CliError::Failed(format!(
                "espeak-ng has no voice for `{l}` (see espeak-ng --voices)"
            ))
        })?;
        let folder = dir.join(l.as_str());
        std::fs::create_dir_all(&folder)
            .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", folder.display())))?;
        let prompts = tv::prompts(&locales, l);
        for (id, text) in &prompts {
            tv::espeak_to_wav(&voice, text, &folder.join(format!("{id}.wav")))
                .map_err(CliError::Failed)?;
        }
        outln!(
            "{l}: {} in {} (espeak-ng voice {voice})",
            plural(prompts.len(), "recording"),
            folder.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

// --- outbox ------------------------------------------------------------------

async fn outbox_status(config: &Config) -> CliResult {
    let gather = app::build(config).await?;
    let s = gather.outbox_summary().await?;
    let oldest = s
        .oldest_due
        .map(|t| format!(" (oldest due {})", t.to_rfc3339()))
        .unwrap_or_default();
    let rows: Vec<[String; 2]> = vec![
        ["queued".into(), format!("{}{oldest}", s.queued)],
        ["sending".into(), s.sending.to_string()],
        ["sent".into(), s.sent.to_string()],
        ["failed".into(), s.failed.to_string()],
        ["cancelled".into(), s.cancelled.to_string()],
    ];
    out(&table(["STATUS", "MESSAGES"], &rows));
    if !s.delivery.is_empty() {
        let reported: Vec<String> = s
            .delivery
            .iter()
            .map(|(status, n)| match status.as_str() {
                "unknown" => format!("no report yet {n}"),
                _ => format!("{status} {n}"),
            })
            .collect();
        outln!("of the sent, providers report: {}", reported.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

async fn send(config: &Config, args: SendArgs) -> CliResult {
    if args.text.trim().is_empty() {
        return Err(CliError::Usage("--text is empty".into()));
    }
    let gather = app::build(config).await?;
    let kind = if args.reply {
        crate::store::OutboundKind::Reply
    } else {
        crate::store::OutboundKind::Notice
    };
    let id = gather
        .queue_to(
            Channel::Sms,
            &Identity::phone(&args.to),
            &args.text,
            kind,
            None,
        )
        .await?;
    let info = segments::count(&args.text);
    outln!(
        "queued message {id} to {} ({} segment(s), {}); `gather outbox status` shows progress",
        args.to.masked(),
        info.segments,
        info.encoding.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

// --- organiser commands ----------------------------------------------------

async fn issues(config: &Config, command: IssuesCommand) -> CliResult {
    let gather = app::build(config).await?;
    match command {
        IssuesCommand::List { status } => {
            let mut issues = gather.list_issues(status.map(StatusArg::status)).await?;
            if issues.is_empty() {
                outln!("no issues");
                return Ok(ExitCode::SUCCESS);
            }
            // Flagged for safeguarding first, each group in number order.
            issues.sort_by_key(|i| !i.safeguarding);
            let rows: Vec<[String; 5]> = issues
                .iter()
                .map(|i| {
                    let status = match (i.status, i.merged_into) {
                        (IssueStatus::Merged, Some(into)) => format!("merged→{into}"),
                        (s, _) => s.as_str().to_string(),
                    };
                    [
                        if i.safeguarding {
                            format!("{} !", i.issue_ref)
                        } else {
                            i.issue_ref.to_string()
                        },
                        status,
                        i.supporters.to_string(),
                        printable(i.area.as_deref().unwrap_or("-"), false),
                        printable(&clip(&i.title, 60), false),
                    ]
                })
                .collect();
            out(&table(
                ["REF", "STATUS", "SUPPORTERS", "AREA", "TITLE"],
                &rows,
            ));
            if issues.iter().any(|i| i.safeguarding) {
                outln!(
                    "! safeguarding: the conversation suggested an urgent medical need, self-harm or abuse; the person was signposted to NHS 111, 999 and Samaritans. Look at these first."
                );
            }
        }
        IssuesCommand::Approve { issue } => {
            let i = gather
                .set_issue_status(issue, IssueStatus::Approved, None)
                .await?;
            outln!("{} approved: {}", i.issue_ref, printable(&i.title, false));
        }
        IssuesCommand::Title {
            issue,
            title,
            lang: Some(lang),
        } => {
            let clear = title.trim().is_empty();
            let i = gather
                .set_issue_title_in(issue, &lang, (!clear).then_some(title.as_str()))
                .await?;
            if clear {
                outln!("{} has no `{lang}` title now", i.issue_ref);
            } else {
                outln!(
                    "{} titled in `{lang}`: {}",
                    i.issue_ref,
                    printable(&title, false)
                );
            }
        }
        IssuesCommand::Title {
            issue,
            title,
            lang: None,
        } => {
            let i = gather.set_issue_title(issue, &title).await?;
            outln!("{} titled: {}", i.issue_ref, printable(&i.title, false));
        }
        IssuesCommand::Hide { issue, reason } => {
            let i = gather
                .set_issue_status(issue, IssueStatus::Hidden, Some(&reason))
                .await?;
            outln!(
                "{} hidden ({})",
                i.issue_ref,
                printable(reason.trim(), false)
            );
        }
        IssuesCommand::Merge { issue, into } => {
            let target = gather.merge_issue(issue, into).await?;
            outln!(
                "{issue} merged into {}: {} (now {})",
                target.issue_ref,
                printable(&target.title, false),
                plural(usize::try_from(target.supporters).unwrap_or(0), "supporter")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn round(config: &Config, command: RoundCommand) -> CliResult {
    let gather = app::build(config).await?;
    match command {
        RoundCommand::Open {
            title,
            items,
            max_choices,
            closes_at,
            accept_fallback,
        } => {
            if let Some(at) = closes_at
                && at <= gather.clock.now()
            {
                return Err(CliError::Usage(format!(
                    "--closes-at {} is in the past",
                    at.to_rfc3339()
                )));
            }
            let round = gather
                .open_round_with(
                    RoundInput {
                        title,
                        items,
                        max_choices,
                        closes_at,
                    },
                    accept_fallback,
                )
                .await?;
            outln!(
                "round {} is open: {} (choose up to {}{})",
                round.id,
                printable(&round.title, false),
                round.max_choices,
                round
                    .closes_at
                    .map(|t| format!(", closes {}", t.to_rfc3339()))
                    .unwrap_or_default()
            );
            for item in &round.items {
                outln!(
                    "  {}. {}  {}",
                    item.position,
                    item.issue_ref,
                    printable(&item.title, false)
                );
            }
            outln!("close it with: gather round close {}", round.id);
        }
        RoundCommand::Close { id } => {
            let mut results = gather.close_round(id).await?;
            let round = gather.round(id).await?;
            results.sort_by_key(|r| (r.rank, r.position));
            outln!("round {id} closed: {}", printable(&round.title, false));
            let rows: Vec<[String; 4]> = results
                .iter()
                .map(|r| {
                    let tie = results.iter().filter(|o| o.rank == r.rank).count() > 1;
                    [
                        if tie {
                            format!("{} (tie)", r.rank)
                        } else {
                            r.rank.to_string()
                        },
                        r.votes.to_string(),
                        r.issue_ref.to_string(),
                        printable(&r.title, false),
                    ]
                })
                .collect();
            out(&table(["RANK", "VOTES", "REF", "TITLE"], &rows));
        }
        RoundCommand::Announce { id, everyone } => {
            let r = gather.announce(id, everyone).await?;
            outln!(
                "results of round {id} queued for {} people (fan-out {}; `gather fanout status {}`)",
                r.recipients,
                r.fanout,
                r.fanout
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn fanout(config: &Config, command: FanoutCommand) -> CliResult {
    let gather = app::build(config).await?;
    let FanoutCommand::Status { id, watch } = command;
    if watch {
        let Some(id) = id else {
            return Err(CliError::Usage("--watch needs a fan-out ID".into()));
        };
        // A progress bar on stderr, redrawn until nothing is left to send.
        loop {
            let s = gather
                .fanout_status(Some(id))
                .await?
                .pop()
                .ok_or_else(|| CliError::Failed(format!("no fan-out {id}")))?;
            let done = s.sent + s.failed + s.cancelled;
            let total = s.recipients.max(1);
            let width = 30;
            let filled = usize::try_from(done * width / total).unwrap_or(0).min(30);
            eprint!(
                "\r[{}{}] {done}/{} sent {} delivered {} failed {} cancelled {}",
                "#".repeat(filled),
                "-".repeat(30 - filled),
                s.recipients,
                s.sent,
                s.delivered,
                s.failed,
                s.cancelled
            );
            if s.queued + s.sending == 0 {
                eprintln!();
                break;
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let all = gather.fanout_status(id).await?;
    let rows: Vec<[String; 9]> = all
        .iter()
        .map(|f| {
            [
                f.id.to_string(),
                f.kind.clone(),
                f.recipients.to_string(),
                f.queued.to_string(),
                f.sending.to_string(),
                f.sent.to_string(),
                f.delivered.to_string(),
                f.failed.to_string(),
                f.cancelled.to_string(),
            ]
        })
        .collect();
    out(&table(
        [
            "ID",
            "KIND",
            "PEOPLE",
            "QUEUED",
            "SENDING",
            "SENT",
            "DELIVERED",
            "FAILED",
            "CANCELLED",
        ],
        &rows,
    ));
    Ok(ExitCode::SUCCESS)
}

async fn reach(config: &Config) -> CliResult {
    let gather = app::build(config).await?;
    let r = gather.reach().await?;
    outln!("people: {}", r.people);
    for (name, rows) in [
        ("channel", &r.by_channel),
        ("language", &r.by_language),
        ("area", &r.by_area),
        ("involvement", &r.by_involvement),
    ] {
        outln!("");
        let rows: Vec<[String; 3]> = rows
            .iter()
            .map(|c| {
                [
                    printable(&c.key, false),
                    c.people.to_string(),
                    c.items.to_string(),
                ]
            })
            .collect();
        out(&table([&name.to_uppercase(), "PEOPLE", "COUNT"], &rows));
    }
    for round in &r.per_round {
        outln!("");
        outln!("round {}:", round.round_id);
        let rows: Vec<[String; 2]> = round
            .by_channel
            .iter()
            .map(|c| [c.key.clone(), c.items.to_string()])
            .collect();
        out(&table(["CHANNEL", "BALLOTS"], &rows));
    }
    Ok(ExitCode::SUCCESS)
}

async fn respond(config: &Config, args: RespondArgs) -> CliResult {
    let mut texts: Vec<(LanguageTag, String)> = Vec::new();
    if let Some(t) = args.text {
        texts.push((config.default_language.clone(), t));
    }
    if let Some(t) = args.text_pl {
        let pl = LanguageTag::parse("pl").map_err(|e| CliError::Failed(e.to_string()))?;
        texts.push((pl, t));
    }
    texts.extend(args.lang_text);
    for (i, (lang, _)) in texts.iter().enumerate() {
        if texts[..i].iter().any(|(l, _)| l == lang) {
            return Err(CliError::Usage(format!(
                "two texts for `{lang}`; give one per language"
            )));
        }
    }
    let gather = app::build(config).await?;
    let status = args.status.status();
    let recorded = gather
        .record_response(ResponseInput {
            issue: args.issue,
            status,
            progress: args.progress,
            texts,
        })
        .await?;
    outln!(
        "response {} recorded for {} ({}{}); update queued for {} people (fan-out {}; `gather fanout status {}`)",
        recorded.id,
        args.issue,
        status.as_str(),
        args.progress
            .map(|p| format!(", {p}% done"))
            .unwrap_or_default(),
        recorded.recipients,
        recorded.fanout,
        recorded.fanout
    );
    Ok(ExitCode::SUCCESS)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(max.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

/// A plain table: columns padded to their widest cell, the last one free.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut line = |cells: [&str; N]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                l.push_str(cell);
            } else {
                l.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                l.extend(std::iter::repeat_n(' ', pad));
            }
        }
        text.push_str(l.trim_end());
        text.push('\n');
    };
    line(header);
    for row in rows {
        line(row.each_ref().map(String::as_str));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_raw_bytes_cut_and_without_line_ends() {
        let input: &[u8] = b"hello\r\n\xff\xfeok\n\nlast";
        let mut reader = input;
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buf).await.unwrap(), Some(false));
        assert_eq!(buf, b"hello");
        assert_eq!(read_line(&mut reader, &mut buf).await.unwrap(), Some(false));
        assert_eq!(String::from_utf8_lossy(&buf), "\u{FFFD}\u{FFFD}ok");
        assert_eq!(read_line(&mut reader, &mut buf).await.unwrap(), Some(false));
        assert!(buf.is_empty());
        assert_eq!(read_line(&mut reader, &mut buf).await.unwrap(), Some(false));
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut reader, &mut buf).await.unwrap(), None);

        let long = [vec![b'a'; MAX_LINE_BYTES + 10], b"\nnext\n".to_vec()].concat();
        let mut reader = long.as_slice();
        assert_eq!(read_line(&mut reader, &mut buf).await.unwrap(), Some(true));
        assert_eq!(buf.len(), MAX_LINE_BYTES);
        assert_eq!(read_line(&mut reader, &mut buf).await.unwrap(), Some(false));
        assert_eq!(buf, b"next");
    }

    #[test]
    fn printable_defuses_terminal_escapes() {
        assert_eq!(printable("a\x1b[2Jb", false), "a\u{FFFD}[2Jb");
        assert_eq!(printable("one\ntwo", true), "one\ntwo");
        assert_eq!(printable("one\ntwo", false), "one\u{FFFD}two");
        assert_eq!(printable("x\u{202E}y", true), "x\u{FFFD}y");
        assert_eq!(printable("zażółć 👋", false), "zażółć 👋");
    }

    #[test]
    fn tables_pad_all_but_the_last_column() {
        let t = table(
            ["REF", "TITLE"],
            &[
                ["G-1001".into(), "Long waits".into()],
                ["G-7".into(), "x".into()],
            ],
        );
        assert_eq!(t, "REF     TITLE\nG-1001  Long waits\nG-7     x\n");
    }

    #[test]
    fn arguments_parse() {
        let cli = Cli::try_parse_from([
            "gather",
            "respond",
            "g1001",
            "--status",
            "in_progress",
            "--text",
            "Hi",
            "--lang-text",
            "pl=Cześć",
            "--progress",
            "40",
        ])
        .unwrap();
        let Command::Respond(r) = cli.command else {
            panic!("not respond")
        };
        assert_eq!(r.issue, IssueRef::new(1001));
        assert_eq!(r.status, ResponseArg::InProgress);
        assert_eq!(r.lang_text[0].0.as_str(), "pl");
        assert_eq!(r.lang_text[0].1, "Cześć");
        assert_eq!(r.progress, Some(40));

        for bad in [
            vec!["gather", "chat", "--from", "hello"],
            vec!["gather", "issues", "approve", "1001"],
            vec![
                "gather",
                "respond",
                "G-1",
                "--status",
                "done",
                "--progress",
                "101",
            ],
            vec!["gather", "round", "open", "--title", "t"],
            vec!["gather", "round", "close", "0"],
        ] {
            let err = Cli::try_parse_from(&bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        }

        let cli = Cli::try_parse_from(["gather", "chat", "--from", "07700 900123"]).unwrap();
        let Command::Chat(c) = cli.command else {
            panic!("not chat")
        };
        assert_eq!(c.from.as_str(), "+447700900123");
        assert_eq!(c.channel.channel(), Channel::Sms);
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
