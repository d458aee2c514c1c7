//! The HTTP server: health, metrics, unknown routes, graceful shutdown.
//! A fresh SQLite file per test; the real server on port 0 over TCP, or the
//! router called directly.

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gather::config::Config;
use gather::service::Gather;
use gather::store::reports::{Reach, Reports, ResponseRecord, RoundSummary};
use gather::store::{Store, StoreError, Tx};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

struct TestApp {
    gather: Gather,
    _dir: tempfile::TempDir,
}

fn config(db: &Path) -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env: BTreeMap<String, String> = [
        ("GATHER_DATABASE_URL", format!("sqlite://{}", db.display())),
        ("GATHER_FLOWS_DIR", root.join("flows").display().to_string()),
        (
            "GATHER_LOCALES_DIR",
            root.join("locales").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Config::from_sources(None, &env).expect("test config")
}

async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&dir.path().join("gather.db"));
    let gather = gather::app::build(&config).await.expect("build app");
    TestApp { gather, _dir: dir }
}

async fn get(gather: &Gather, method: &str, uri: &str) -> (StatusCode, Option<String>, String) {
    let response = gather::http::router(gather.clone())
        .oneshot(
            Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        content_type,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

#[tokio::test]
async fn healthz_is_ok_when_the_database_answers() {
    let app = spawn_app().await;
    let (status, content_type, body) = get(&app.gather, "GET", "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json, serde_json::json!({"status": "ok"}));
}

/// A store whose database has gone away.
struct DownStore;

#[async_trait]
impl Store for DownStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        Ok(())
    }
    async fn begin(&self) -> Result<Box<dyn Tx>, StoreError> {
        Err(StoreError::Unavailable("disk I/O error".into()))
    }
    async fn dump_all_text(&self) -> Result<Vec<(String, String)>, StoreError> {
        Err(StoreError::Unavailable("disk I/O error".into()))
    }
    fn reports(&self) -> &dyn Reports {
        self
    }
}

#[async_trait]
impl Reports for DownStore {
    async fn rounds(&self) -> Result<Vec<RoundSummary>, StoreError> {
        Err(StoreError::Unavailable("disk I/O error".into()))
    }
    async fn responses(&self) -> Result<Vec<ResponseRecord>, StoreError> {
        Err(StoreError::Unavailable("disk I/O error".into()))
    }
    async fn reach(&self) -> Result<Reach, StoreError> {
        Err(StoreError::Unavailable("disk I/O error".into()))
    }
}

#[tokio::test]
async fn healthz_is_503_with_a_reason_when_the_database_is_down() {
    let app = spawn_app().await;
    let down = Gather::new(
        Arc::new(DownStore),
        app.gather.engine.clone(),
        app.gather.clock.clone(),
    );
    let (status, _, body) = get(&down, "GET", "/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["status"], "unavailable");
    let reason = json["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("disk I/O error"), "{reason}");
}

#[tokio::test]
async fn metrics_are_prometheus_text_and_count_requests() {
    let app = spawn_app().await;
    let before = gather::metrics::HTTP_REQUESTS.get();
    let (status, content_type, body) = get(&app.gather, "GET", "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("text/plain; version=0.0.4"));
    assert!(
        body.contains("# TYPE gather_http_requests_total counter"),
        "{body}"
    );
    assert!(body.contains("gather_messages_in_total "), "{body}");
    // Counted before the handler ran, so this request is in its own output.
    assert!(gather::metrics::HTTP_REQUESTS.get() > before);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    let app = spawn_app().await;
    let (status, content_type, body) = get(&app.gather, "GET", "/nope/../etc/passwd").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(body, r#"{"error":"not found"}"#);

    let (status, _, body) = get(&app.gather, "DELETE", "/healthz").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body, r#"{"error":"method not allowed"}"#);
}

/// Sends one raw HTTP/1.1 request and reads the whole response.
async fn raw_request(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write request");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .expect("read response");
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn serves_over_tcp_and_shuts_down_gracefully() {
    let app = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gather::http::serve_on(
        listener,
        app.gather.clone(),
        gather::http::Webhooks::default(),
        async move {
            let _ = stopped.await;
        },
    ));

    let health = raw_request(addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200 OK\r\n"), "{health}");
    assert!(health.ends_with(r#"{"status":"ok"}"#), "{health}");

    let metrics = raw_request(addr, "/metrics").await;
    assert!(metrics.starts_with("HTTP/1.1 200 OK\r\n"), "{metrics}");
    assert!(
        metrics
            .to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4\r\n"),
        "{metrics}"
    );

    let missing = raw_request(addr, "/no-such-page").await;
    assert!(
        missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{missing}"
    );

    stop.send(()).expect("server still running");
    server
        .await
        .expect("server task")
        .expect("server stopped cleanly");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn an_unopenable_database_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A directory where the database file should be cannot be opened.
    let config = config(dir.path());
    let err = match gather::app::build(&config).await {
        Ok(_) => panic!("a directory is not a database"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.starts_with("cannot open the database sqlite://"),
        "{err}"
    );
}

/// Starts the real server with the given connection limits; its address
/// and the sender that stops it.
async fn serve_limited(
    app: &TestApp,
    limits: gather::http::ServerLimits,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gather::http::serve_on(
        listener,
        app.gather.clone(),
        gather::http::Webhooks {
            server: limits,
            ..Default::default()
        },
        async move {
            let _ = stopped.await;
        },
    ));
    (addr, stop, server)
}

/// A guard against a hang: far longer than any limit under test.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let app = spawn_app().await;
    let (addr, stop, server) = serve_limited(
        &app,
        gather::http::ServerLimits {
            header_timeout: std::time::Duration::from_millis(200),
            max_connections: 16,
            trust_forwarded_for: false,
        },
    )
    .await;
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut read, mut write) = stream.into_split();
    // Slowloris: a request line and headers that never end, one byte at a
    // time, for as long as the server keeps the connection open.
    let trickle = async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(20));
        for byte in b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
            .iter()
            .chain(std::iter::repeat(&b'a'))
        {
            tick.tick().await;
            if write.write_all(&[*byte]).await.is_err() {
                break;
            }
        }
    };
    let closed = async {
        let mut buf = [0u8; 1024];
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                // hyper may answer 408 before closing.
                Ok(_) => continue,
            }
        }
    };
    let outcome = tokio::time::timeout(PATIENCE, async {
        tokio::select! {
            () = closed => true,
            () = trickle => false,
        }
    })
    .await;
    assert_eq!(
        outcome,
        Ok(true),
        "the server must close a connection whose headers never end"
    );

    // Everyone else is still served.
    let health = raw_request(addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200 OK\r\n"), "{health}");
    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("stopped cleanly");
}

/// Opens a keep-alive connection and completes one request on it, so the
/// server has certainly accepted it (and holds a slot for it).
async fn held_connection(addr: std::net::SocketAddr) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&got).ends_with(r#"{"status":"ok"}"#) {
        let n = stream.read(&mut buf).await.expect("read");
        assert!(n > 0, "closed early: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200 OK\r\n"));
    stream
}

#[tokio::test]
async fn connections_over_the_cap_are_refused_cleanly_until_a_slot_frees() {
    let app = spawn_app().await;
    let (addr, stop, server) = serve_limited(
        &app,
        gather::http::ServerLimits {
            header_timeout: std::time::Duration::from_secs(60),
            max_connections: 2,
            trust_forwarded_for: false,
        },
    )
    .await;
    let first = held_connection(addr).await;
    let mut second = held_connection(addr).await;

    // The cap is reached: a clean 503 with Retry-After, not a hang or a reset.
    let refused = raw_request(addr, "/healthz").await;
    assert!(
        refused.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{refused}"
    );
    assert!(refused.contains("retry-after: 1\r\n"), "{refused}");

    // A slot frees when a connection ends: the server closes the second one
    // after a `Connection: close` request, and gives its slot back first.
    second
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut rest = Vec::new();
    second.read_to_end(&mut rest).await.expect("read");
    assert!(String::from_utf8_lossy(&rest).starts_with("HTTP/1.1 200 OK\r\n"));

    let served = raw_request(addr, "/healthz").await;
    assert!(served.starts_with("HTTP/1.1 200 OK\r\n"), "{served}");
    drop(first);
    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("stopped cleanly");
}

/// A wrong organiser login over TCP, as if through a proxy that saw
/// `forwarded`; the status line.
async fn wrong_login_via(addr: std::net::SocketAddr, forwarded: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let body = "token=not-the-admin-token-at-all";
    let request = format!(
        "POST /admin/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         X-Forwarded-For: 10.9.9.9, {forwarded}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let text = String::from_utf8_lossy(&response);
    text.lines().next().unwrap_or("").to_string()
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_clients() {
    let app = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(gather::http::serve_on(
        listener,
        app.gather.clone(),
        gather::http::Webhooks {
            admin_token: Some(Arc::new("the-admin-token-for-this-test".to_string())),
            server: gather::http::ServerLimits {
                trust_forwarded_for: true,
                ..Default::default()
            },
            ..Default::default()
        },
        async move {
            let _ = stopped.await;
        },
    ));
    // Five wrong tokens are allowed from one address, the sixth locks it out...
    for _ in 0..5 {
        assert_eq!(
            wrong_login_via(addr, "198.51.100.7").await,
            "HTTP/1.1 401 Unauthorized"
        );
    }
    assert_eq!(
        wrong_login_via(addr, "198.51.100.7").await,
        "HTTP/1.1 429 Too Many Requests"
    );
    // ...but not another client behind the same proxy.
    assert_eq!(
        wrong_login_via(addr, "198.51.100.8").await,
        "HTTP/1.1 401 Unauthorized"
    );
    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("stopped cleanly");
}
