//! `gather serve`: the HTTP server. For now `/healthz` and `/metrics`; the
//! provider webhooks (SMS, voice, Discord) and the admin API arrive with
//! their own issues and mount here.

pub mod admin;
pub mod discord;
pub mod error;
pub mod kannel;
pub mod open;
pub mod twilio;
pub mod twilio_voice;
pub mod web;

use crate::config::Config;
use crate::service::Gather;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

/// The largest request body any handler reads. Provider webhooks are a few
/// kilobytes; anything bigger is not for us.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The longest any request may take, from its headers to its answer: past
/// it the request is dropped (its transaction rolls back) and answered 503
/// with `Retry-After`, which providers retry.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `/healthz` waits for the database before calling it down.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);
/// How long `/round post` waits for Discord to post the shortlist message:
/// an interaction must be answered within three seconds.
pub const DISCORD_POST_TIMEOUT: Duration = Duration::from_millis(2500);
/// The Prometheus text format's content type.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4";
/// How long a client may take to send a request's headers
/// (`GATHER_HTTP_HEADER_TIMEOUT_MS`): past it the connection is closed, so a
/// client trickling its headers a byte at a time cannot hold a slot.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once (`GATHER_HTTP_MAX_CONNECTIONS`); one more is
/// answered 503 with `Retry-After` and closed.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// The connection limits of `gather serve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    /// See [`DEFAULT_HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// See [`DEFAULT_MAX_CONNECTIONS`].
    pub max_connections: usize,
    /// Take the client's address from the last `X-Forwarded-For` entry
    /// (what the proxy in front saw) instead of the TCP peer
    /// (`GATHER_HTTP_TRUST_FORWARDED_FOR`; only behind a proxy that sets
    /// it, or clients could pick their own address).
    pub trust_forwarded_for: bool,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            trust_forwarded_for: false,
        }
    }
}

/// Which provider webhooks are switched on, and their settings.
#[derive(Clone, Debug, Default)]
pub struct Webhooks {
    pub twilio: Option<twilio::TwilioWebhookConfig>,
    pub kannel: Option<kannel::KannelWebhookConfig>,
    /// The admin API's bearer token; `None` switches the API off.
    pub admin_token: Option<std::sync::Arc<String>>,
    /// Discord interactions over HTTP (`GATHER_DISCORD_PUBLIC_KEY`).
    pub discord: Option<discord::DiscordWebhookConfig>,
    /// The organiser pages and the public page (see [`web`]).
    pub web: web::WebConfig,
    /// How calls speak (voices, recorded prompts); on with Twilio.
    pub voice: crate::channels::twilio_voice::VoiceSettings,
    /// Header timeout and connection cap.
    pub server: ServerLimits,
    /// WhatsApp quick-reply contents by number of buttons (see
    /// `channels::whatsapp_config`); empty: questions are numbered.
    pub whatsapp_buttons: std::collections::BTreeMap<usize, String>,
}

impl Webhooks {
    /// The webhooks the configuration turns on; says once at start-up
    /// which are on and which are off.
    pub fn from_config(config: &Config) -> Webhooks {
        let twilio = match (&config.twilio, &config.public_url) {
            (Some(t), Some(public_url)) => {
                if t.skip_signature {
                    tracing::warn!(
                        "GATHER_TWILIO_SKIP_SIGNATURE is on: Twilio webhooks are NOT checked. Development only."
                    );
                }
                Some(twilio::TwilioWebhookConfig {
                    auth_token: t.auth_token.expose().to_string(),
                    public_url: public_url.clone(),
                    skip_signature: t.skip_signature,
                    numbers: t.numbers.clone(),
                })
            }
            _ => None,
        };
        tracing::info!(
            twilio = if twilio.is_some() {
                "on"
            } else {
                "off (set GATHER_TWILIO_AUTH_TOKEN)"
            },
            "webhooks"
        );
        let kannel = config.kannel.as_ref().map(|k| kannel::KannelWebhookConfig {
            secret: k.secret.expose().to_string(),
        });
        tracing::info!(
            kannel = if kannel.is_some() {
                "on"
            } else {
                "off (set GATHER_KANNEL_SECRET)"
            },
            "webhooks"
        );
        let admin_token = config
            .admin_token
            .as_ref()
            .map(|t| std::sync::Arc::new(t.expose().to_string()));
        tracing::info!(
            admin_api = if admin_token.is_some() {
                "on"
            } else {
                "off (set GATHER_ADMIN_TOKEN)"
            },
            "admin"
        );
        let discord = config.chat.discord.as_ref().and_then(|d| {
            let key = d.public_key.as_deref()?;
            let parsed = discord::DiscordWebhookConfig::new(key, d.organiser_roles.clone());
            if parsed.is_none() {
                tracing::warn!("GATHER_DISCORD_PUBLIC_KEY is not a hex Ed25519 key");
            }
            // With a bot token `/round post` posts a message it can edit later.
            let rest = d.bot_token.as_deref().and_then(|t| {
                crate::channels::discord_rounds::DiscordRest::new(
                    &d.api_base,
                    t,
                    DISCORD_POST_TIMEOUT,
                )
                .map_err(|e| tracing::warn!(error = %e, "discord: cannot build the HTTP client"))
                .ok()
                .map(std::sync::Arc::new)
            });
            parsed.map(|p| p.with_rest(rest))
        });
        tracing::info!(
            discord_interactions = if discord.is_some() {
                "on"
            } else {
                "off (set GATHER_DISCORD_PUBLIC_KEY)"
            },
            "webhooks"
        );
        Webhooks {
            discord,
            twilio,
            kannel,
            admin_token,
            web: web::WebConfig::from_config(config),
            whatsapp_buttons: config
                .whatsapp
                .as_ref()
                .map(|w| w.buttons.clone())
                .unwrap_or_default(),
            voice: crate::channels::twilio_voice::VoiceSettings {
                sms_number: config.contact.sms_number.clone(),
                voices: config.voice.voices.clone(),
                play_languages: config.voice.play_languages.clone(),
                audio_dir: config.voice.audio_dir.clone(),
                ..Default::default()
            },
            server: ServerLimits {
                header_timeout: config.http_header_timeout,
                max_connections: config.http_max_connections,
                trust_forwarded_for: config.http_trust_forwarded_for,
            },
        }
    }
}

/// The application's routes, without provider webhooks.
pub fn router(gather: Gather) -> Router {
    router_with(gather, Webhooks::default())
}

/// The application's routes with the given webhooks mounted.
pub fn router_with(gather: Gather, webhooks: Webhooks) -> Router {
    let mut app = Router::new();
    if let Some(config) = webhooks.twilio {
        let config = std::sync::Arc::new(config);
        app = app.merge(twilio::routes(twilio::TwilioState {
            gather: gather.clone(),
            config: config.clone(),
            whatsapp_buttons: std::sync::Arc::new(webhooks.whatsapp_buttons.clone()),
        }));
        app = app.merge(twilio_voice::routes(twilio_voice::VoiceState {
            gather: gather.clone(),
            config,
            settings: std::sync::Arc::new(webhooks.voice.clone()),
        }));
    }
    if let Some(config) = webhooks.discord.clone() {
        app = app.merge(discord::routes(discord::DiscordState {
            gather: gather.clone(),
            config: std::sync::Arc::new(config),
        }));
    }
    if let Some(config) = webhooks.kannel {
        app = app.merge(kannel::routes(kannel::KannelState {
            gather: gather.clone(),
            config: std::sync::Arc::new(config),
        }));
    }
    app = app.merge(open::routes(gather.clone()));
    app = app.merge(admin::routes(admin::AdminState {
        gather: gather.clone(),
        token: webhooks.admin_token.clone(),
    }));
    app = app.merge(web::routes(web::WebState::new(
        gather.clone(),
        webhooks.admin_token.clone(),
        webhooks.web.clone(),
    )));
    let base = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(gather);
    app.merge(base)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(guard))
        .layer(middleware::from_fn(count_requests))
        .layer(middleware::from_fn(catch_panic))
}

/// The last line of containment: a handler that panics is answered with a
/// plain 500 that says nothing about why, logged at ERROR (method and path,
/// never the body), and the server goes on.
pub async fn catch_panic(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    match crate::supervise::CatchUnwind::new(next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%method, path, "a request panicked; answered 500");
            panic_response()
        }
    }
}

/// What a request that panicked gets: no details.
pub fn panic_response() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(json!({"error": "internal error"})),
    )
        .into_response()
}

/// Binds `listen` and serves until `shutdown` completes.
pub async fn serve(
    gather: Gather,
    webhooks: Webhooks,
    listen: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {listen}: {e}")))?;
    serve_on(listener, gather, webhooks, shutdown).await
}

/// Serves on a bound listener (tests bind port 0) until `shutdown`
/// completes, then lets requests in flight finish.
pub async fn serve_on(
    listener: TcpListener,
    gather: Gather,
    webhooks: Webhooks,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    let limits = webhooks.server;
    serve_router(listener, router_with(gather, webhooks), limits, shutdown).await;
    tracing::info!("server stopped");
    Ok(())
}

/// The accept loop: HTTP/1.1 with a header read timeout, at most
/// `limits.max_connections` connections at once (one more is answered 503
/// and closed), each request told its peer's address
/// ([`axum::extract::ConnectInfo`]). After `shutdown`, stops accepting and
/// waits for the connections to finish their requests.
pub async fn serve_router(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    // `stop` tells connections to finish; every connection holds a clone of
    // `open`, so `open_tx.closed()` completes when the last one is gone.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (open_tx, open_rx) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment
                    // instead of spinning.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(
                max_connections = limits.max_connections,
                "connection refused: too many connections"
            );
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let trust = limits.trust_forwarded_for;
        let service =
            app.clone()
                .map_request(move |mut request: hyper::Request<hyper::body::Incoming>| {
                    let client = if trust {
                        forwarded_for(request.headers()).map_or(peer, |ip| SocketAddr::new(ip, 0))
                    } else {
                        peer
                    };
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(client));
                    request
                });
        let conn = builder.serve_connection(
            TokioIo::new(SlotIo {
                slot: Some(slot),
                io: stream,
            }),
            TowerToHyperService::new(service),
        );
        let mut stop = stop_rx.clone();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection ended");
                    }
                }
                _ = async { stop.wait_for(|s| *s).await.map(|_| ()) } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.as_mut().await;
                }
            }
            drop(open);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(open_rx);
    open_tx.closed().await;
}

/// The last address of `X-Forwarded-For` (the one the nearest proxy saw).
fn forwarded_for(headers: &axum::http::HeaderMap) -> Option<std::net::IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// A connection over the cap: a 503 with `Retry-After`, then closed once
/// the client has finished sending (closing with unread input would reset
/// the connection before the client reads the answer).
async fn refuse(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = r#"{"error":"unavailable","detail":"too many connections: try again shortly"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 1024];
        let mut left = BODY_LIMIT;
        while left > 0 {
            match stream.read(&mut sink).await? {
                0 => break,
                n => left = left.saturating_sub(n),
            }
        }
        Ok::<(), std::io::Error>(())
    })
    .await;
}

/// A connection's socket with its slot under the cap. The slot is given
/// back before the socket closes, so a client that sees the close can
/// connect again at once.
struct SlotIo {
    // Dropped before `io` (fields drop in order).
    slot: Option<tokio::sync::OwnedSemaphorePermit>,
    io: tokio::net::TcpStream,
}

impl tokio::io::AsyncRead for SlotIo {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for SlotIo {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        this.slot = None;
        std::pin::Pin::new(&mut this.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// Completes on Ctrl-C or SIGTERM (what `docker stop` and systemd send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// In front of every route: a declared body over [`BODY_LIMIT`] is a 413
/// before anything reads it (an undeclared one is cut off at the limit by
/// `DefaultBodyLimit` as it is read), and a request that takes longer than
/// [`REQUEST_TIMEOUT`] is dropped and answered 503.
pub async fn guard(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>());
    match declared {
        Some(Ok(n)) if n <= BODY_LIMIT as u64 => {}
        None => {}
        Some(Err(_)) => {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(
                    json!({"error": "bad request", "detail": "Content-Length is not a number"}),
                ),
            )
                .into_response();
        }
        Some(Ok(_)) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                axum::Json(json!({"error": "payload too large",
                    "detail": format!("the body must be at most {BODY_LIMIT} bytes")})),
            )
                .into_response();
        }
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                timeout_secs = REQUEST_TIMEOUT.as_secs(),
                "request timed out"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "5")],
                axum::Json(json!({"error": "unavailable", "detail": "the request timed out"})),
            )
                .into_response()
        }
    }
}

async fn count_requests(request: Request, next: Next) -> Response {
    crate::metrics::HTTP_REQUESTS.inc();
    next.run(request).await
}

/// The client's address as the server saw it (`"unknown"` when the
/// request did not come over TCP, e.g. in tests calling the router).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

/// See [`ClientIp`].
pub fn client_ip(parts: &axum::http::request::Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
}

/// Healthy when a write transaction can be opened and committed: the
/// database is there, writable and not locked up.
async fn healthz(State(gather): State<Gather>) -> Response {
    let check = async {
        let tx = gather.store.begin().await?;
        tx.commit().await
    };
    let reason = match tokio::time::timeout(HEALTH_TIMEOUT, check).await {
        Ok(Ok(())) => return (StatusCode::OK, axum::Json(json!({"status": "ok"}))).into_response(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!(
            "the database did not answer within {}s",
            HEALTH_TIMEOUT.as_secs()
        ),
    };
    tracing::warn!(reason, "health check failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        axum::Json(json!({"status": "unavailable", "reason": reason})),
    )
        .into_response()
}

async fn metrics() -> Response {
    (
        [(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)],
        crate::metrics::render(),
    )
        .into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"error": "not found"})),
    )
        .into_response()
}

async fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        axum::Json(json!({"error": "method not allowed"})),
    )
        .into_response()
}
