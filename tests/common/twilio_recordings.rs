//! A recorder standing in for Twilio's Recording resource:
//! `DELETE /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.json`
//! answers 204 (or a scripted failure first) and remembers each request.
//! Used by tests/forget.rs.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::delete;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// One DELETE the recorder saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    pub account: String,
    /// The Recording SID (without `.json`).
    pub sid: String,
    /// `user:password` from the basic auth header.
    pub auth: Option<String>,
    /// What the recorder answered.
    pub status: u16,
}

#[derive(Clone, Default)]
pub struct Recordings {
    pub base: String,
    pub deleted: Arc<Mutex<Vec<Deleted>>>,
    /// Statuses to answer first, in order (then 204).
    pub script: Arc<Mutex<VecDeque<u16>>>,
}

async fn delete_recording(
    State(rec): State<Recordings>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> StatusCode {
    use base64::Engine as _;
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let status = rec.script.lock().unwrap().pop_front().unwrap_or(204);
    rec.deleted.lock().unwrap().push(Deleted {
        account,
        sid: file.trim_end_matches(".json").to_string(),
        auth,
        status,
    });
    StatusCode::from_u16(status).unwrap()
}

impl Recordings {
    pub async fn start() -> Recordings {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut rec = Recordings {
            base: format!("http://{}", listener.local_addr().unwrap()),
            ..Default::default()
        };
        let app = Router::new()
            .route(
                "/2010-04-01/Accounts/{account}/Recordings/{file}",
                delete(delete_recording),
            )
            .with_state(rec.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        rec.base = rec.base.clone();
        rec
    }

    pub fn deleted(&self) -> Vec<Deleted> {
        self.deleted.lock().unwrap().clone()
    }
}
