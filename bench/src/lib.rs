//! Gather's load generator for webhooks on loopback, and the webhook
//! benchmark built on it (`gather-bench webhook`, `cargo bench -p
//! gather-bench --bench webhook`). It is its own binary, outside the product:
//! it reaches `gather serve` from a separate process, as providers do.
//!
//! [`run`] sends signed Twilio-style SMS webhooks for many simulated people,
//! each walking through a conversation [`Plan::script`] in order, either
//! open loop (a fixed rate; latency measured from each request's *scheduled*
//! time, so a stalled server cannot hide its stall by slowing the sender
//! down) or closed loop (N workers back to back, for the most the server
//! can take). It refuses any host but `127.0.0.1`, `::1` and `localhost`:
//! this tool never loads anything but the machine it runs on.
//!
//! [`webhook_bench`] starts two servers, each in a process of its own on a
//! free loopback port: a bare axum server that answers a static TwiML reply
//! (this executable again, with [`SERVE_BARE`]) and the real `gather serve`
//! (real signature check) on a fresh SQLite file or PostgreSQL schema. It
//! drives both with the same load, and [`markdown`] prints the figures with
//! the ratios Gather/bare. Speed is only ever reported as a ratio against
//! that baseline, measured in the same run; nothing here asserts a time.

use axum::body::Bytes;
use axum::http::header;
use axum::routing::post;
use gather::channels::twilio::signature;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Tokio's timers tick in milliseconds: an open-loop request is timed from
/// its scheduled time plus at most this much of the timer's lateness.
pub const TIMER_SLACK: Duration = Duration::from_millis(1);

/// Where Twilio posts inbound SMS.
pub const SMS_PATH: &str = "/webhooks/twilio/sms";

/// The number the simulated people write to (Ofcom's drama range for
/// landlines, so never a real number).
pub const TO_NUMBER: &str = "+441632960000";

/// The static reply of the bare baseline server.
pub const BARE_TWIML: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>ok</Message></Response>";

/// The most simulated people: their numbers are drawn from one million.
pub const MAX_PEOPLE: usize = 100_000;

/// The conversation each simulated person has, one message per request,
/// round and round: raise an issue, decline updates, try to vote, read the
/// updates, ask for help, stop and start again. `{n}` becomes the person's
/// number in the run, so every issue is a different one.
pub fn default_script() -> Vec<String> {
    [
        "Hello",
        "1",
        "The wait for a GP appointment in area {n} is far too long now",
        "0",
        "0",
        "YES",
        "NO",
        "VOTE",
        "1",
        "UPDATES",
        "MENU",
        "HELP",
        "STOP",
        "START",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The phone number of simulated person `n` (0-based): Ofcom's drama range
/// `+447700 900000…900999` for the first thousand, the rest of `+447700`
/// after that.
pub fn person_number(n: usize) -> String {
    format!("+447700{:06}", (900_000 + n) % 1_000_000)
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("the load generator only targets 127.0.0.1, ::1 or localhost, not `{0}`")]
    NotLoopback(String),
    #[error("not a usable target URL `{0}`: {1}")]
    BadUrl(String, String),
    #[error("bad plan: {0}")]
    BadPlan(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("cannot start a server for the benchmark: {0}")]
    Server(String),
}

/// What to load.
#[derive(Debug, Clone)]
pub struct Target {
    /// A name for the report, e.g. `Gather`.
    pub name: String,
    /// The full URL to post to, e.g. `http://127.0.0.1:8080/webhooks/twilio/sms`.
    pub url: String,
    /// How to sign requests; `None` sends them unsigned.
    pub signing: Option<Signing>,
}

/// Twilio request signing: the auth token, and the URL the server believes
/// it is reached at (its public URL plus the path), which is what is signed.
#[derive(Clone)]
pub struct Signing {
    pub auth_token: String,
    pub signed_url: String,
}

impl std::fmt::Debug for Signing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signing")
            .field("auth_token", &"[redacted]")
            .field("signed_url", &self.signed_url)
            .finish()
    }
}

/// How requests are sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Load {
    /// A fixed rate in requests a second, at most `max_in_flight` at once;
    /// a request that finds them all busy waits, and its wait counts in its
    /// latency.
    Open { rate: f64, max_in_flight: usize },
    /// `workers` senders, each sending its next request as soon as the last
    /// one is answered.
    Closed { workers: usize },
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Load::Open { rate, .. } => write!(f, "open loop, {rate} req/s"),
            Load::Closed { workers } => write!(f, "closed loop, {workers} workers"),
        }
    }
}

/// One run of the load generator.
#[derive(Debug, Clone)]
pub struct Plan {
    pub load: Load,
    /// How long requests are started for. An open-loop run that falls
    /// behind gets as long again to catch up; what it still has not sent
    /// then is counted as `unsent`.
    pub duration: Duration,
    /// Simulated people, each with their own `From` number.
    pub people: usize,
    /// The messages each person sends, in order, round and round.
    pub script: Vec<String>,
    /// The sequence number of the first message: a later run against the
    /// same server continues the conversations where the last one stopped
    /// (see [`Report::next_message`]).
    pub first_message: u64,
    /// Distinguishes this run's `MessageSid`s from another's.
    pub run_id: u32,
    /// How long one request may take before it counts as an error.
    pub timeout: Duration,
}

impl Plan {
    /// A plan with the default script, sequence starting at 0.
    pub fn new(load: Load, duration: Duration, people: usize) -> Plan {
        Plan {
            load,
            duration,
            people,
            script: default_script(),
            first_message: 0,
            run_id: run_id(),
            timeout: Duration::from_secs(10),
        }
    }

    /// Message `i` of the run: who sends it and what.
    fn message(&self, i: u64) -> (usize, &str) {
        let people = self.people.max(1) as u64;
        let person = (i % people) as usize;
        let step = ((i / people) % self.script.len().max(1) as u64) as usize;
        (person, self.script.get(step).map_or("", String::as_str))
    }
}

/// A run id from the clock: different for each run in practice.
pub fn run_id() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
        .unwrap_or(0)
}

/// Latency percentiles (nearest rank) of the answered requests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub target: String,
    pub load: Load,
    /// Requests sent (answered or not).
    pub sent: u64,
    /// Requests answered 200.
    pub ok: u64,
    /// Requests answered otherwise, timed out or failed in transport.
    pub errors: u64,
    /// Error kinds (`HTTP 403`, `timeout`, …) with a count and one example.
    pub error_kinds: BTreeMap<String, (u64, String)>,
    /// Open loop: requests scheduled but never sent because the server fell
    /// too far behind.
    pub unsent: u64,
    /// From the first request to the last answer.
    pub elapsed: Duration,
    /// Over every answered request (200 or not), from its scheduled time
    /// (open loop; less at most [`TIMER_SLACK`] of timer lateness) or its
    /// send time (closed loop) to the end of its body.
    pub latency: Latency,
    /// The first message sequence number this run did not use.
    pub next_message: u64,
}

impl Report {
    /// Requests answered 200 per second of the run.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.ok as f64 / secs
        } else {
            0.0
        }
    }
}

/// The value at percentile `p` (0–100) of `sorted`, by nearest rank: the
/// smallest value with at least `p`% of the values at or below it.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let n = sorted.len();
    let rank = ((p.clamp(0.0, 100.0) / 100.0) * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

/// The percentiles of unsorted samples.
pub fn latency(mut samples: Vec<Duration>) -> Latency {
    samples.sort_unstable();
    Latency {
        p50: percentile(&samples, 50.0),
        p90: percentile(&samples, 90.0),
        p99: percentile(&samples, 99.0),
        max: samples.last().copied().unwrap_or_default(),
    }
}

/// Checks that `url` is plain HTTP to this machine.
pub fn check_loopback(url: &str) -> Result<reqwest::Url, LoadError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| LoadError::BadUrl(url.to_string(), e.to_string()))?;
    // The parser has already normalised the host: IPv4 in dotted form,
    // IPv6 in brackets, names in lower case.
    let host = parsed.host_str().unwrap_or("");
    let ip = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>();
    let loopback = match ip {
        Ok(std::net::IpAddr::V4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Ok(std::net::IpAddr::V6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    if !loopback {
        return Err(LoadError::NotLoopback(
            parsed.host_str().unwrap_or(url).to_string(),
        ));
    }
    if parsed.scheme() != "http" {
        return Err(LoadError::BadUrl(
            url.to_string(),
            "only http:// (loopback needs no TLS)".into(),
        ));
    }
    Ok(parsed)
}

/// The outcome of one request.
enum Outcome {
    Ok,
    Error { kind: String, detail: String },
}

/// Counts and samples, kept by each worker and merged at the end.
#[derive(Default)]
struct Tally {
    sent: u64,
    ok: u64,
    errors: u64,
    error_kinds: BTreeMap<String, (u64, String)>,
    samples: Vec<Duration>,
}

impl Tally {
    fn record(&mut self, outcome: Outcome, latency: Option<Duration>) {
        self.sent += 1;
        if let Some(l) = latency {
            self.samples.push(l);
        }
        match outcome {
            Outcome::Ok => self.ok += 1,
            Outcome::Error { kind, detail } => {
                self.errors += 1;
                self.error_kinds.entry(kind).or_insert((0, detail)).0 += 1;
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.sent += other.sent;
        self.ok += other.ok;
        self.errors += other.errors;
        for (kind, (count, detail)) in other.error_kinds {
            self.error_kinds.entry(kind).or_insert((0, detail)).0 += count;
        }
        self.samples.extend(other.samples);
    }
}

/// Everything a sender needs, shared.
struct Sender {
    client: reqwest::Client,
    url: reqwest::Url,
    signing: Option<Signing>,
    plan: Plan,
}

impl Sender {
    /// Sends message `i`; the latency is `None` when no answer came.
    async fn send(&self, i: u64) -> (Outcome, bool) {
        let (person, text) = self.plan.message(i);
        let params: Vec<(String, String)> = vec![
            (
                "MessageSid".into(),
                format!("SM{:08x}{i:024x}", self.plan.run_id),
            ),
            (
                "AccountSid".into(),
                "AC00000000000000000000000000000000".into(),
            ),
            ("From".into(), person_number(person)),
            ("To".into(), TO_NUMBER.into()),
            ("Body".into(), text.replace("{n}", &person.to_string())),
            ("NumSegments".into(), "1".into()),
            ("NumMedia".into(), "0".into()),
        ];
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter())
            .finish();
        let mut request = self
            .client
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        if let Some(s) = &self.signing {
            request = request.header(
                "x-twilio-signature",
                signature(&s.auth_token, &s.signed_url, &params),
            );
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(_) if status == reqwest::StatusCode::OK => (Outcome::Ok, true),
                    Ok(bytes) => (
                        Outcome::Error {
                            kind: format!("HTTP {}", status.as_u16()),
                            detail: String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
                                .into_owned(),
                        },
                        true,
                    ),
                    Err(e) => (transport_error(&e), false),
                }
            }
            Err(e) => (transport_error(&e), false),
        }
    }
}

fn transport_error(e: &reqwest::Error) -> Outcome {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "transport"
    };
    Outcome::Error {
        kind: kind.to_string(),
        detail: e.to_string(),
    }
}

/// A client for plain HTTP on loopback: keep-alive, no proxy, no Nagle.
/// reqwest is built with `rustls-no-provider`, so it is handed a TLS
/// configuration of its own (never used: the target is `http://`).
fn client(plan: &Plan) -> Result<reqwest::Client, LoadError> {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| LoadError::Client(e.to_string()))?
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .tcp_nodelay(true)
        .http1_only()
        .pool_idle_timeout(Duration::from_secs(90))
        .timeout(plan.timeout)
        .build()
        .map_err(|e| LoadError::Client(e.to_string()))
}

/// Runs `plan` against `target`, which must be on this machine.
pub async fn run(target: &Target, plan: &Plan) -> Result<Report, LoadError> {
    let url = check_loopback(&target.url)?;
    if plan.people == 0 || plan.people > MAX_PEOPLE {
        return Err(LoadError::BadPlan(format!(
            "people must be 1 to {MAX_PEOPLE}"
        )));
    }
    if plan.script.is_empty() {
        return Err(LoadError::BadPlan("the script is empty".into()));
    }
    match plan.load {
        Load::Open {
            rate,
            max_in_flight,
        } => {
            if !(rate.is_finite() && rate > 0.0) || max_in_flight == 0 {
                return Err(LoadError::BadPlan(
                    "the rate and the requests in flight must be above 0".into(),
                ));
            }
        }
        Load::Closed { workers } => {
            if workers == 0 {
                return Err(LoadError::BadPlan("workers must be above 0".into()));
            }
        }
    }
    let sender = Arc::new(Sender {
        client: client(plan)?,
        url,
        signing: target.signing.clone(),
        plan: plan.clone(),
    });
    let (tally, elapsed, unsent, used) = match plan.load {
        Load::Open {
            rate,
            max_in_flight,
        } => open_loop(&sender, rate, max_in_flight).await,
        Load::Closed { workers } => closed_loop(&sender, workers).await,
    };
    Ok(Report {
        target: target.name.clone(),
        load: plan.load,
        sent: tally.sent,
        ok: tally.ok,
        errors: tally.errors,
        error_kinds: tally.error_kinds,
        unsent,
        elapsed,
        latency: latency(tally.samples),
        next_message: plan.first_message + used,
    })
}

/// Sends at fixed times; returns the tally, the elapsed time, the requests
/// never sent and the messages used.
async fn open_loop(
    sender: &Arc<Sender>,
    rate: f64,
    max_in_flight: usize,
) -> (Tally, Duration, u64, u64) {
    let plan = &sender.plan;
    let total = (rate * plan.duration.as_secs_f64()).round().max(1.0) as u64;
    let in_flight = Arc::new(Semaphore::new(max_in_flight));
    let start = Instant::now();
    // A server that falls behind gets as long again to catch up.
    let give_up = start + plan.duration * 2 + Duration::from_secs(1);
    let mut tally = Tally::default();
    let mut tasks: JoinSet<(Outcome, Option<Duration>)> = JoinSet::new();
    let mut scheduled = 0u64;
    for n in 0..total {
        let at = start + Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until(at).await;
        // The clock starts at the scheduled time, forgiving only the
        // timer's own granularity: a wake-up later than that (a runtime
        // starved by the server) counts against the server.
        let at = Instant::now().min(at + TIMER_SLACK);
        let permit = tokio::select! {
            p = in_flight.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = tokio::time::sleep_until(give_up) => break,
        };
        let sender = sender.clone();
        let i = plan.first_message + n;
        tasks.spawn(async move {
            let _permit = permit;
            let (outcome, answered) = sender.send(i).await;
            // From the scheduled time, not the send time: waiting for a
            // free slot is part of what the person would have waited.
            (outcome, answered.then(|| at.elapsed()))
        });
        scheduled += 1;
        while let Some(done) = tasks.try_join_next() {
            record_joined(&mut tally, done);
        }
    }
    while let Some(done) = tasks.join_next().await {
        record_joined(&mut tally, done);
    }
    (tally, start.elapsed(), total - scheduled, scheduled)
}

fn record_joined(
    tally: &mut Tally,
    done: Result<(Outcome, Option<Duration>), tokio::task::JoinError>,
) {
    match done {
        Ok((outcome, latency)) => tally.record(outcome, latency),
        Err(e) => tally.record(
            Outcome::Error {
                kind: "panic".into(),
                detail: e.to_string(),
            },
            None,
        ),
    }
}

/// `workers` senders back to back until the duration is up.
async fn closed_loop(sender: &Arc<Sender>, workers: usize) -> (Tally, Duration, u64, u64) {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let stop = start + sender.plan.duration;
    let mut tasks = JoinSet::new();
    for _ in 0..workers {
        let sender = sender.clone();
        let next = next.clone();
        tasks.spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < stop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let sent_at = Instant::now();
                let (outcome, answered) = sender.send(sender.plan.first_message + n).await;
                tally.record(outcome, answered.then(|| sent_at.elapsed()));
            }
            tally
        });
    }
    let mut tally = Tally::default();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(t) => tally.merge(t),
            Err(e) => tally.record(
                Outcome::Error {
                    kind: "panic".into(),
                    detail: e.to_string(),
                },
                None,
            ),
        }
    }
    let used = next.load(Ordering::Relaxed);
    (tally, start.elapsed(), 0, used)
}

// --- the webhook benchmark ---------------------------------------------------

/// The settings of [`webhook_bench`].
#[derive(Debug, Clone)]
pub struct WebhookBench {
    /// Open-loop rate, requests a second.
    pub rate: f64,
    /// Length of each measured phase.
    pub duration: Duration,
    pub people: usize,
    /// Closed-loop workers.
    pub workers: usize,
    /// Open-loop bound on requests in flight.
    pub max_in_flight: usize,
    /// Closed-loop warm-up of each server before measuring.
    pub warm_up: Duration,
    /// A PostgreSQL server to run Gather on (`postgres://…`), in a fresh
    /// schema of its own that is dropped afterwards; `None` for a fresh
    /// temporary SQLite file.
    pub database_url: Option<String>,
    /// More `GATHER_*` settings for `gather serve` (flows and locales
    /// folders, say); by default it uses the ones built into it.
    pub gather_env: Vec<(String, String)>,
}

impl Default for WebhookBench {
    fn default() -> Self {
        WebhookBench {
            rate: 200.0,
            duration: Duration::from_secs(10),
            people: 500,
            workers: 16,
            max_in_flight: 256,
            warm_up: Duration::from_secs(1),
            database_url: None,
            gather_env: Vec::new(),
        }
    }
}

impl WebhookBench {
    /// The short run: 2 s phases, a shorter warm-up.
    pub fn quick() -> Self {
        WebhookBench {
            duration: Duration::from_secs(2),
            warm_up: Duration::from_millis(300),
            ..WebhookBench::default()
        }
    }
}

/// The figures of one benchmark run.
#[derive(Debug, Clone)]
pub struct WebhookResults {
    pub settings: WebhookBench,
    /// Bare axum, then Gather, at the fixed rate.
    pub open: [Report; 2],
    /// Bare axum, then Gather, closed loop.
    pub closed: [Report; 2],
    /// What Gather's database holds at the end.
    pub database: String,
    /// The machine's load average (1, 5, 15 min) before the run, where the
    /// system tells it: other work on the machine skews the figures.
    pub load_average: Option<String>,
    /// `gather serve`'s peak resident memory (kB) at the end of the run,
    /// where the system tells it (Linux: `VmHWM`).
    pub gather_peak_rss_kb: Option<u64>,
}

/// A process's peak resident memory in kB (`VmHWM`), on Linux.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// `/proc/loadavg`'s first three fields, on Linux.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    (fields.len() == 3).then(|| fields.join(" "))
}

/// A directory removed when dropped.
struct TempDir(PathBuf, Option<BenchSchema>);

/// A fresh PostgreSQL schema for one benchmark run.
struct BenchSchema {
    /// The server's URL.
    server: String,
    name: String,
    /// The URL with the schema on the search path.
    url: String,
}

impl BenchSchema {
    async fn create(server: &str) -> Result<BenchSchema, LoadError> {
        use sqlx::Connection;
        if !(server.starts_with("postgres://") || server.starts_with("postgresql://")) {
            return Err(LoadError::BadPlan(
                "--database-url must be a postgres:// URL".into(),
            ));
        }
        let name = format!("gather_bench_{}_{:08x}", std::process::id(), run_id());
        let fail = |e: sqlx::Error| {
            LoadError::Server(format!(
                "PostgreSQL at {}: {e}",
                gather::config::redact_url(server)
            ))
        };
        let mut conn = sqlx::PgConnection::connect(server).await.map_err(fail)?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut conn)
            .await
            .map_err(fail)?;
        let _ = conn.close().await;
        let sep = if server.contains('?') { '&' } else { '?' };
        Ok(BenchSchema {
            url: format!("{server}{sep}options=-c%20search_path%3D{name}"),
            server: server.to_string(),
            name,
        })
    }

    async fn drop_now(self) {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&self.server).await {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {} CASCADE",
                self.name
            )))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }
}

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let path = std::env::temp_dir().join(format!(
            "gather-bench-{}-{:08x}",
            std::process::id(),
            run_id()
        ));
        std::fs::create_dir(&path)?;
        Ok(TempDir(path, None))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The argument that makes this executable serve the bare baseline:
/// `<exe> --serve-bare` prints `http://127.0.0.1:PORT` on stdout and serves
/// until stdin closes. Every `main` using this crate calls
/// [`serve_bare_if_asked`] first.
pub const SERVE_BARE: &str = "--serve-bare";

/// A server in a process of its own, stopped (killed) when dropped.
struct Running {
    url: String,
    child: tokio::process::Child,
}

impl Running {
    async fn stop(mut self) {
        // Closing stdin ends the bare server; `gather serve` is killed (its
        // database is a throwaway one).
        drop(self.child.stdin.take());
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// A free loopback port: bound, read and released for the child to bind.
fn free_port() -> Result<u16, LoadError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| LoadError::Server(format!("no free port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| LoadError::Server(e.to_string()))
}

/// If this process was started with [`SERVE_BARE`], serves the bare
/// baseline and exits; otherwise returns at once.
pub fn serve_bare_if_asked() {
    if std::env::args().nth(1).as_deref() != Some(SERVE_BARE) {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime for the bare server");
    let code = runtime.block_on(async {
        let Ok(listener) = TcpListener::bind("127.0.0.1:0").await else {
            return 1;
        };
        let Ok(addr) = listener.local_addr() else {
            return 1;
        };
        println!("http://{addr}");
        let app = axum::Router::new().route(
            SMS_PATH,
            post(|_body: Bytes| async {
                (
                    [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                    BARE_TWIML,
                )
            }),
        );
        // Serve until the parent closes our stdin (or dies).
        let stdin_closed = async {
            let mut sink = Vec::new();
            let _ = tokio::io::AsyncReadExt::read_to_end(&mut tokio::io::stdin(), &mut sink).await;
        };
        match axum::serve(listener, app)
            .with_graceful_shutdown(stdin_closed)
            .await
        {
            Ok(()) => 0,
            Err(_) => 1,
        }
    });
    std::process::exit(code);
}

/// The baseline, in a child process: one POST route that reads the body
/// and returns static TwiML.
async fn start_bare() -> Result<Running, LoadError> {
    use tokio::io::AsyncBufReadExt;
    let exe = std::env::current_exe().map_err(|e| LoadError::Server(e.to_string()))?;
    let mut child = tokio::process::Command::new(exe)
        .arg(SERVE_BARE)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| LoadError::Server(format!("cannot start the bare server: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| LoadError::Server("the bare server has no stdout".into()))?;
    let mut line = String::new();
    tokio::io::BufReader::new(stdout)
        .read_line(&mut line)
        .await
        .map_err(|e| LoadError::Server(e.to_string()))?;
    let base = line.trim().to_string();
    if !base.starts_with("http://127.0.0.1:") {
        return Err(LoadError::Server(format!(
            "the bare server did not say where it listens: {base:?}"
        )));
    }
    Ok(Running {
        url: format!("{base}{SMS_PATH}"),
        child,
    })
}

/// Where the `gather` binary is: `GATHER_BIN`, else beside this executable
/// (`target/release/gather` next to `target/release/gather-bench`, or one
/// folder up from a bench in `target/release/deps`).
pub fn gather_binary() -> Result<PathBuf, LoadError> {
    if let Some(path) = std::env::var_os("GATHER_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|e| LoadError::Server(e.to_string()))?;
    let name = format!("gather{}", std::env::consts::EXE_SUFFIX);
    exe.ancestors()
        .skip(1)
        .take(2)
        .map(|dir| dir.join(&name))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            LoadError::Server(
                "no gather binary beside this one: build it (cargo build --release --workspace) or set GATHER_BIN".into(),
            )
        })
}

/// `gather serve` in a child process with Twilio webhooks on (real
/// signature check), on the benchmark's database.
async fn start_gather(
    settings: &WebhookBench,
    dir: &TempDir,
    auth_token: &str,
) -> Result<Running, LoadError> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let database_url = match &dir.1 {
        Some(schema) => schema.url.clone(),
        None => format!("sqlite://{}", dir.0.join("gather.db").display()),
    };
    let mut command = tokio::process::Command::new(gather_binary()?);
    command
        .arg("serve")
        .current_dir(&dir.0)
        .env("GATHER_DATABASE_URL", &database_url)
        .env("GATHER_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATHER_PUBLIC_URL", &base)
        .env("GATHER_TWILIO_AUTH_TOKEN", auth_token)
        .env("GATHER_TWILIO_NUMBERS", TO_NUMBER)
        .env("GATHER_LOG", "error")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    for (key, value) in &settings.gather_env {
        command.env(key, value);
    }
    let child = command
        .spawn()
        .map_err(|e| LoadError::Server(format!("cannot start gather serve: {e}")))?;
    let running = Running {
        url: format!("{base}{SMS_PATH}"),
        child,
    };
    // Ready when /healthz answers; a bench tool may poll (no test waits here).
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return Ok(running);
        }
        if Instant::now() > deadline {
            running.stop().await;
            return Err(LoadError::Server(
                "gather serve did not answer /healthz within 60 s".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs the webhook benchmark: both servers, the same load, four phases
/// (bare then Gather at the fixed rate, bare then Gather closed loop), each
/// after a short warm-up. `config` gives the flows, locales and default
/// language; the database is a fresh temporary SQLite file, or a fresh
/// schema on `settings.database_url` (PostgreSQL).
pub async fn webhook_bench(settings: &WebhookBench) -> Result<WebhookResults, LoadError> {
    gather::channels::install_crypto_provider();
    let load_average = load_average();
    let mut dir = TempDir::new().map_err(|e| LoadError::Server(format!("temp dir: {e}")))?;
    if let Some(url) = &settings.database_url {
        dir.1 = Some(BenchSchema::create(url).await?);
    }
    let auth_token = format!("bench-token-{:08x}{:08x}", run_id(), std::process::id());
    let bare = start_bare().await?;
    let gather = start_gather(settings, &dir, &auth_token).await?;
    let targets = [
        Target {
            name: "bare axum".into(),
            signing: Some(Signing {
                auth_token: auth_token.clone(),
                signed_url: bare.url.clone(),
            }),
            url: bare.url.clone(),
        },
        Target {
            name: "Gather".into(),
            signing: Some(Signing {
                auth_token: auth_token.clone(),
                signed_url: gather.url.clone(),
            }),
            url: gather.url.clone(),
        },
    ];
    let run_id = run_id();
    let plan = |load: Load, duration: Duration, first_message: u64| Plan {
        first_message,
        run_id,
        ..Plan::new(load, duration, settings.people)
    };
    let result = async {
        let mut next = [0u64; 2];
        let warm = Load::Closed { workers: 4 };
        for (k, target) in targets.iter().enumerate() {
            next[k] = run(target, &plan(warm, settings.warm_up, next[k]))
                .await?
                .next_message;
        }
        let open_load = Load::Open {
            rate: settings.rate,
            max_in_flight: settings.max_in_flight,
        };
        let mut open = Vec::new();
        for (k, target) in targets.iter().enumerate() {
            let report = run(target, &plan(open_load, settings.duration, next[k])).await?;
            next[k] = report.next_message;
            open.push(report);
        }
        let closed_load = Load::Closed {
            workers: settings.workers,
        };
        let mut closed = Vec::new();
        for (k, target) in targets.iter().enumerate() {
            let report = run(target, &plan(closed_load, settings.duration, next[k])).await?;
            next[k] = report.next_message;
            closed.push(report);
        }
        Ok::<_, LoadError>((open, closed))
    }
    .await;
    let database = format!(
        "{}, {}",
        if settings.database_url.is_some() {
            "PostgreSQL (a fresh schema)"
        } else {
            "SQLite (a fresh file)"
        },
        describe_database(settings, &dir).await
    );
    let gather_peak_rss_kb = gather.child.id().and_then(peak_rss_kb);
    bare.stop().await;
    gather.stop().await;
    if let Some(schema) = dir.1.take() {
        schema.drop_now().await;
    }
    let (open, closed) = result?;
    let pair = |v: Vec<Report>| -> Result<[Report; 2], LoadError> {
        v.try_into()
            .map_err(|_| LoadError::BadPlan("a phase is missing".into()))
    };
    Ok(WebhookResults {
        settings: settings.clone(),
        open: pair(open)?,
        closed: pair(closed)?,
        database,
        load_average,
        gather_peak_rss_kb,
    })
}

/// A line on what the benchmark left in Gather's database, as the
/// organiser's own command sees it (`gather issues list`).
async fn describe_database(settings: &WebhookBench, dir: &TempDir) -> String {
    let Ok(gather) = gather_binary() else {
        return "(no gather binary)".into();
    };
    let database_url = match &dir.1 {
        Some(schema) => schema.url.clone(),
        None => format!("sqlite://{}", dir.0.join("gather.db").display()),
    };
    let mut command = tokio::process::Command::new(gather);
    command
        .args(["issues", "list"])
        .current_dir(&dir.0)
        .env("GATHER_DATABASE_URL", database_url)
        .env("GATHER_LOG", "error");
    for (key, value) in &settings.gather_env {
        command.env(key, value);
    }
    match command.output().await {
        Ok(out) if out.status.success() => {
            let issues = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.starts_with("G-") || l.starts_with("!"))
                .count();
            format!("{issues} issues raised")
        }
        Ok(out) => format!(
            "(cannot read the database: {})",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => format!("(cannot read the database: {e})"),
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn ratio(num: f64, den: f64) -> String {
    if den > 0.0 {
        format!("{:.2}", num / den)
    } else {
        "-".into()
    }
}

/// The results as markdown: the settings, one table row per phase, the
/// ratios against the targets, and any errors.
pub fn markdown(results: &WebhookResults) -> String {
    let s = &results.settings;
    let mut out = String::new();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(
        out,
        "Webhook benchmark: {} cores, {} build; open loop {} req/s (≤ {} in flight), closed loop {} workers; {:.1} s a phase; {} people.",
        cores,
        if cfg!(debug_assertions) {
            "DEBUG (figures not meaningful)"
        } else {
            "release"
        },
        s.rate,
        s.max_in_flight,
        s.workers,
        s.duration.as_secs_f64(),
        s.people,
    );
    if let Some(l) = &results.load_average {
        let _ = writeln!(out, "Load average before the run: {l}.");
    }
    out.push('\n');
    out.push_str(
        "| target | load | sent | errors | throughput (req/s) | p50 | p90 | p99 | max |\n",
    );
    out.push_str("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in results.open.iter().chain(results.closed.iter()) {
        let errors = if r.unsent > 0 {
            format!("{} (+{} unsent)", r.errors, r.unsent)
        } else {
            r.errors.to_string()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.1} | {} | {} | {} | {} |",
            r.target,
            r.load,
            r.sent,
            errors,
            r.throughput(),
            ms(r.latency.p50),
            ms(r.latency.p90),
            ms(r.latency.p99),
            ms(r.latency.max),
        );
    }
    let [bare_open, gather_open] = &results.open;
    let [bare_closed, gather_closed] = &results.closed;
    let throughput = if bare_closed.throughput() > 0.0 {
        gather_closed.throughput() / bare_closed.throughput()
    } else {
        0.0
    };
    let p99 = gather_open.latency.p99;
    out.push('\n');
    out.push_str("| ratio Gather/bare | value | target | met |\n");
    out.push_str("|---|--:|--:|:-:|\n");
    let _ = writeln!(
        out,
        "| max throughput (closed loop) | {throughput:.2} | ≥ 0.30 | {} |",
        if throughput >= 0.30 { "yes" } else { "no" }
    );
    let _ = writeln!(
        out,
        "| p99 at {} req/s | {} | - | - |",
        s.rate,
        ratio(
            gather_open.latency.p99.as_secs_f64(),
            bare_open.latency.p99.as_secs_f64()
        ),
    );
    let _ = writeln!(
        out,
        "| p99 closed loop | {} | - | - |",
        ratio(
            gather_closed.latency.p99.as_secs_f64(),
            bare_closed.latency.p99.as_secs_f64()
        ),
    );
    let _ = writeln!(
        out,
        "| Gather p99 at {} req/s (absolute) | {} | ≤ 20 ms | {} |",
        s.rate,
        ms(p99),
        if p99 <= Duration::from_millis(20) && gather_open.errors == 0 {
            "yes"
        } else {
            "no"
        }
    );
    let _ = writeln!(out, "\nGather's database afterwards: {}.", results.database);
    if let Some(kb) = results.gather_peak_rss_kb {
        let _ = writeln!(
            out,
            "gather serve's peak resident memory: {:.1} MB (budget for the whole server: 64 MB).",
            kb as f64 / 1024.0
        );
    }
    for r in results.open.iter().chain(results.closed.iter()) {
        for (kind, (count, example)) in &r.error_kinds {
            let _ = writeln!(
                out,
                "\nErrors from {} ({}): {count} × {kind}, e.g. `{}`",
                r.target,
                r.load,
                example.replace('`', "'").replace('\n', " ")
            );
        }
    }
    out
}

/// The command line of `gather-bench webhook` and of `cargo bench -p
/// gather-bench --bench webhook`: runs the benchmark and prints the table.
/// `smoke`: a fraction of a second at a low rate (`cargo test --benches`),
/// failing if any request fails.
pub fn cli(args: &[String], smoke: bool) -> std::process::ExitCode {
    use std::process::ExitCode;
    let usage = || {
        eprintln!(
            "usage: gather-bench webhook [--quick] [--rate N] [--seconds N] [--people N] [--workers N] [--database-url postgres://…] [--flows DIR] [--locales DIR]\n\
             (needs the gather binary beside it: cargo build --release --workspace; or GATHER_BIN)"
        );
        ExitCode::from(2)
    };
    let mut settings = if args.iter().any(|a| a == "--quick") {
        WebhookBench::quick()
    } else {
        WebhookBench::default()
    };
    if smoke {
        settings = WebhookBench {
            rate: 50.0,
            duration: Duration::from_millis(400),
            people: 20,
            workers: 2,
            warm_up: Duration::from_millis(100),
            ..settings
        };
    }
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Option<f64> {
            let v = it.next().and_then(|v| v.parse::<f64>().ok());
            if v.is_none() {
                eprintln!("{name} needs a number");
            }
            v.filter(|v| v.is_finite() && *v > 0.0)
        };
        match arg.as_str() {
            "--rate" => match value("--rate") {
                Some(v) => settings.rate = v,
                None => return usage(),
            },
            "--seconds" => match value("--seconds") {
                Some(v) => settings.duration = Duration::from_secs_f64(v),
                None => return usage(),
            },
            "--people" => match value("--people") {
                Some(v) if v.fract() == 0.0 && (1.0..=MAX_PEOPLE as f64).contains(&v) => {
                    settings.people = v as usize
                }
                _ => return usage(),
            },
            "--workers" => match value("--workers") {
                Some(v) if v.fract() == 0.0 => settings.workers = v as usize,
                _ => return usage(),
            },
            "--database-url" => match it.next() {
                Some(url) => settings.database_url = Some(url.clone()),
                None => return usage(),
            },
            "--flows" | "--locales" => match it.next() {
                Some(dir) => {
                    let key = if arg == "--flows" {
                        "GATHER_FLOWS_DIR"
                    } else {
                        "GATHER_LOCALES_DIR"
                    };
                    settings.gather_env.push((key.into(), dir.clone()));
                }
                None => return usage(),
            },
            // cargo's and libtest's own flags.
            "--bench" | "--quick" | "--nocapture" | "--exact" | "--ignored" => {}
            other if other.starts_with("--") => {
                eprintln!("unknown option {other}");
                return usage();
            }
            // A test-name filter from cargo, or the command name: nothing to do.
            _ => {}
        }
    }
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
    eprintln!(
        "benchmarking bare axum and gather serve, each in its own process on 127.0.0.1: 4 phases of {:.1} s",
        settings.duration.as_secs_f64()
    );
    let results = match runtime.block_on(webhook_bench(&settings)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    print!("{}", markdown(&results));
    let failed: u64 = results
        .open
        .iter()
        .chain(results.closed.iter())
        .map(|r| r.errors + r.unsent)
        .sum();
    if smoke && failed > 0 {
        eprintln!("error: {failed} requests failed");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_a_target() {
        for ok in [
            "http://127.0.0.1:8080/webhooks/twilio/sms",
            "http://localhost:1/x",
            "http://LOCALHOST/x",
            "http://[::1]:9000/x",
        ] {
            assert!(check_loopback(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/x",
            "http://127.0.0.2/x",
            "http://example.org/x",
            "http://localhost.example.org/x",
            "http://0.0.0.0:8080/x",
            "http://[::ffff:127.0.0.1]/x",
        ] {
            assert!(
                matches!(check_loopback(bad), Err(LoadError::NotLoopback(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            check_loopback("https://127.0.0.1/x"),
            Err(LoadError::BadUrl(..))
        ));
        assert!(matches!(
            check_loopback("not a url"),
            Err(LoadError::BadUrl(..))
        ));
    }

    #[tokio::test]
    async fn run_refuses_a_remote_target_before_sending() {
        let target = Target {
            name: "remote".into(),
            url: "http://192.0.2.1/webhooks/twilio/sms".into(),
            signing: None,
        };
        let plan = Plan::new(Load::Closed { workers: 1 }, Duration::from_secs(1), 1);
        assert!(matches!(
            run(&target, &plan).await,
            Err(LoadError::NotLoopback(h)) if h == "192.0.2.1"
        ));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let ms = |v: u64| Duration::from_millis(v);
        let samples: Vec<Duration> = (1..=100).rev().map(ms).collect();
        let l = latency(samples);
        assert_eq!(
            (l.p50, l.p90, l.p99, l.max),
            (ms(50), ms(90), ms(99), ms(100))
        );
        let sorted = [ms(7)];
        assert_eq!(percentile(&sorted, 50.0), ms(7));
        assert_eq!(percentile(&sorted, 0.0), ms(7));
        assert_eq!(percentile(&[], 99.0), Duration::ZERO);
        let sorted = [ms(1), ms(2), ms(3), ms(4)];
        assert_eq!(percentile(&sorted, 50.0), ms(2));
        assert_eq!(percentile(&sorted, 51.0), ms(3));
        assert_eq!(percentile(&sorted, 100.0), ms(4));
        assert_eq!(latency(Vec::new()), Latency::default());
    }

    #[test]
    fn each_person_walks_the_script_in_order() {
        let plan = Plan::new(Load::Closed { workers: 1 }, Duration::from_secs(1), 3);
        assert_eq!(plan.message(0), (0, "Hello"));
        assert_eq!(plan.message(2), (2, "Hello"));
        assert_eq!(plan.message(3), (0, "1"));
        let len = plan.script.len() as u64;
        assert_eq!(plan.message(3 * len + 1), (1, "Hello"));
        for n in [0, 999, 1000, MAX_PEOPLE - 1] {
            let number = person_number(n);
            assert!(
                gather::domain::PhoneNumber::parse(&number).is_ok(),
                "{number}"
            );
            assert_ne!(number, TO_NUMBER);
        }
        assert_eq!(person_number(0), "+447700900000");
        assert_ne!(person_number(0), person_number(MAX_PEOPLE - 1));
    }
}
