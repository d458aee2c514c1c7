//! Organiser sessions: log in with the admin token, get a random session id
//! in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` behind https), and
//! a per-session CSRF token that every form carries. Sessions live in the
//! store (every instance on a shared database knows them; a restart logs
//! no one out) and end after [`IDLE_MS`] without a request (or
//! [`MAX_AGE_MS`] at most).
//!
//! Forms whose double submission would act twice (a Board response, an
//! announcement, a new round) also carry a one-time nonce: the first submit
//! acts, a second one is sent to what the first made.

use super::WebState;
use super::page::{self, WebError};
use crate::channels::twilio::constant_time_eq;
use crate::domain::Timestamp;
use crate::service::limit::LoginGate;
use crate::store::guard::SessionRow;
use crate::store::{Store, StoreError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// The session cookie's name.
pub const COOKIE: &str = "gather_session";
/// A session ends after this long without a request: 8 hours.
pub const IDLE_MS: i64 = 8 * 3600 * 1000;
/// ...and after this long in any case: 24 hours.
pub const MAX_AGE_MS: i64 = 24 * 3600 * 1000;
/// Open form nonces per session; the oldest go first.
const MAX_NONCES: usize = 500;

/// A message shown once on the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Nonce {
    /// On a form, not submitted yet.
    Issued,
    /// Submitted; the action is running.
    InFlight,
    /// Done: where the first submit went.
    Done(String),
}

/// What a session keeps besides its CSRF token, stored as JSON.
#[derive(Debug, Default, Serialize, Deserialize)]
struct SessionData {
    /// Nonce → state, with the time it was issued (for trimming).
    #[serde(default)]
    nonces: HashMap<String, (Nonce, i64)>,
    #[serde(default)]
    flash: Vec<Flash>,
}

/// What a second submit of a nonce'd form should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NonceClaim {
    /// First submit: act, then [`Sessions::finish_nonce`] or
    /// [`Sessions::release_nonce`].
    Fresh,
    /// The first submit is still running.
    InFlight,
    /// Already done: go where the first submit went.
    Done(String),
    /// Not a nonce this session issued (an old form, or forged).
    Unknown,
}

/// The organiser sessions, kept in the store (`organiser_sessions`), so
/// that every instance on a shared database knows a login made on any of
/// them, and a restart logs no one out. Only a SHA-256 hash of each
/// session id is stored.
#[derive(Clone)]
pub struct Sessions {
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sessions")
    }
}

/// 32 random bytes from the operating system, as hex.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "the operating system's random number generator failed");
        WebError::unavailable("Gather cannot make a secure session right now. Try again.")
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares secrets in constant time, without leaking their lengths: both
/// are hashed with SHA-256 and the hashes compared in constant time.
pub fn secret_eq(given: &str, expected: &str) -> bool {
    constant_time_eq(given.as_bytes(), expected.as_bytes())
}

/// How a session id is stored.
fn id_hash(id: &str) -> String {
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A session's last use is written at most this often (a page view is
/// otherwise a read).
const TOUCH_EVERY_MS: i64 = 60 * 1000;

fn unavailable(e: &StoreError) -> WebError {
    tracing::error!(error = %e, "organiser sessions: the database failed");
    WebError::unavailable("Gather cannot reach its database right now. Try again in a minute.")
}

impl Sessions {
    pub fn new(store: Arc<dyn Store>) -> Sessions {
        Sessions { store }
    }

    /// Runs `f` on the session's data in one transaction and stores what
    /// it changed; `None` when there is no such session.
    async fn update<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut SessionData) -> (T, bool) + Send,
    ) -> Result<Option<T>, StoreError> {
        let key = id_hash(id);
        let mut tx = self.store.begin().await?;
        let Some(mut row) = tx.session(&key).await? else {
            return Ok(None);
        };
        let mut data: SessionData = serde_json::from_str(&row.data).unwrap_or_default();
        let (out, changed) = f(&mut data);
        if changed {
            row.data = serde_json::to_string(&data)
                .map_err(|e| StoreError::Corrupt(format!("session data: {e}")))?;
            tx.save_session(&key, &row).await?;
        }
        tx.commit().await?;
        Ok(Some(out))
    }

    /// Starts a session; returns its id.
    pub async fn create(&self, now: i64) -> Result<String, WebError> {
        let id = random_token()?;
        let csrf = random_token()?;
        let stored = async {
            let mut tx = self.store.begin().await?;
            tx.sweep_sessions(Timestamp(now - IDLE_MS), Timestamp(now - MAX_AGE_MS))
                .await?;
            tx.save_session(
                &id_hash(&id),
                &SessionRow {
                    csrf,
                    created_at: Timestamp(now),
                    last_seen: Timestamp(now),
                    data: "{}".into(),
                },
            )
            .await?;
            tx.commit().await
        };
        stored.await.map_err(|e| unavailable(&e))?;
        Ok(id)
    }

    /// The session's CSRF token if it is alive, marking it used now.
    async fn touch(&self, id: &str, now: i64) -> Option<String> {
        let key = id_hash(id);
        let touched = async {
            let mut tx = self.store.begin().await?;
            let Some(mut row) = tx.session(&key).await? else {
                return Ok(None);
            };
            if !alive(row.created_at.0, row.last_seen.0, now) {
                tx.end_session(&key).await?;
                tx.commit().await?;
                return Ok(None);
            }
            if now - row.last_seen.0 >= TOUCH_EVERY_MS || now < row.last_seen.0 {
                row.last_seen = Timestamp(now);
                tx.save_session(&key, &row).await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(Some(row.csrf))
        };
        touched.await.unwrap_or_else(|e| {
            unavailable(&e);
            None
        })
    }

    pub async fn end(&self, id: &str) {
        let ended = async {
            let mut tx = self.store.begin().await?;
            tx.end_session(&id_hash(id)).await?;
            tx.commit().await
        };
        if let Err(e) = ended.await {
            unavailable(&e);
        }
    }

    pub async fn flash(&self, id: &str, ok: bool, text: impl Into<String>) {
        let text = text.into();
        let done = self
            .update(id, |d| {
                d.flash.push(Flash { ok, text });
                ((), true)
            })
            .await;
        if let Err(e) = done {
            unavailable(&e);
        }
    }

    pub async fn take_flash(&self, id: &str) -> Vec<Flash> {
        self.update(id, |d| {
            let taken = std::mem::take(&mut d.flash);
            let changed = !taken.is_empty();
            (taken, changed)
        })
        .await
        .unwrap_or_else(|e| {
            unavailable(&e);
            None
        })
        .unwrap_or_default()
    }

    /// A new one-time nonce for a form.
    pub async fn issue_nonce(&self, id: &str, now: i64) -> Result<String, WebError> {
        let nonce = random_token()?;
        let issued = nonce.clone();
        self.update(id, move |d| {
            while d.nonces.len() >= MAX_NONCES {
                let oldest = d
                    .nonces
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => d.nonces.remove(&k),
                    None => break,
                };
            }
            d.nonces.insert(issued, (Nonce::Issued, now));
            ((), true)
        })
        .await
        .map_err(|e| unavailable(&e))?;
        Ok(nonce)
    }

    /// Marks a nonce as being acted on, if it is fresh.
    pub async fn claim_nonce(&self, id: &str, nonce: &str) -> NonceClaim {
        let claimed = self
            .update(id, |d| match d.nonces.get_mut(nonce) {
                None => (NonceClaim::Unknown, false),
                Some((state, _)) => match state {
                    Nonce::Issued => {
                        *state = Nonce::InFlight;
                        (NonceClaim::Fresh, true)
                    }
                    Nonce::InFlight => (NonceClaim::InFlight, false),
                    Nonce::Done(to) => (NonceClaim::Done(to.clone()), false),
                },
            })
            .await;
        match claimed {
            Ok(c) => c.unwrap_or(NonceClaim::Unknown),
            Err(e) => {
                unavailable(&e);
                NonceClaim::Unknown
            }
        }
    }

    /// The action succeeded: a second submit goes to `to`.
    pub async fn finish_nonce(&self, id: &str, nonce: &str, to: &str) {
        self.set_nonce(id, nonce, Nonce::Done(to.to_string())).await;
    }

    /// The action failed (bad input): the same form may be sent again.
    pub async fn release_nonce(&self, id: &str, nonce: &str) {
        self.set_nonce(id, nonce, Nonce::Issued).await;
    }

    async fn set_nonce(&self, id: &str, nonce: &str, to: Nonce) {
        let done = self
            .update(id, |d| match d.nonces.get_mut(nonce) {
                Some((state, _)) => {
                    *state = to;
                    ((), true)
                }
                None => ((), false),
            })
            .await;
        if let Err(e) = done {
            unavailable(&e);
        }
    }
}

fn alive(created: i64, last_seen: i64, now: i64) -> bool {
    now - last_seen <= IDLE_MS && now - created <= MAX_AGE_MS
}

/// The session cookie's value, if the request has one.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

fn set_cookie(value: &str, secure: bool, clear: bool) -> Option<HeaderValue> {
    let mut c = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if clear {
        c.push_str("; Max-Age=0");
    }
    HeaderValue::from_str(&c).ok()
}

/// A logged-in organiser: the session id and its CSRF token.
#[derive(Debug, Clone)]
pub struct Organiser {
    pub session: String,
    pub csrf: String,
}

impl FromRequestParts<WebState> for Organiser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let now = state.gather.clock.now().0;
        let cookie = session_cookie(&parts.headers);
        if state.token.is_some()
            && let Some(id) = &cookie
            && let Some(csrf) = state.sessions.touch(id, now).await
        {
            return Ok(Organiser {
                session: id.clone(),
                csrf,
            });
        }
        let to = if cookie.is_some() {
            "/admin/login?expired=1"
        } else {
            "/admin/login"
        };
        Err(page::redirect(to))
    }
}

/// A posted form, as name/value pairs in order.
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, trimmed; `None` when missing or blank.
    /// A field given twice with different values is ambiguous and counts
    /// as missing (the form is refused rather than one value guessed).
    pub fn get(&self, name: &str) -> Option<&str> {
        let mut values = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let first = values.next()?;
        if values.any(|v| v != first) {
            return None;
        }
        Some(first.trim()).filter(|v| !v.is_empty())
    }

    /// Every name and value, in order.
    pub fn all_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A form posted by a logged-in organiser with the right CSRF token.
/// Every state-changing handler takes one, so none can forget the check:
/// no session is a redirect to the login page, a wrong or missing token
/// a 403 page.
pub struct Posted {
    pub org: Organiser,
    pub form: FormData,
}

impl FromRequest<WebState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let org = Organiser::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the form from Gather's page.",
            )
            .into_response());
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = FormData::parse(&bytes);
        let given = form.get("csrf").unwrap_or("");
        if !secret_eq(given, &org.csrf) {
            tracing::warn!("organiser form refused: missing or wrong CSRF token");
            return Err(WebError::new(
                StatusCode::FORBIDDEN,
                "This form did not come from your Gather session, or the session changed. \
                 Go back, reload the page and try again.",
            )
            .into_response());
        }
        Ok(Posted { org, form })
    }
}

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    expired: Option<String>,
}

fn login_markup(message: Option<(&str, bool)>, off: bool) -> maud::Markup {
    let body = html! {
        h1 { "Log in to Gather" }
        @if let Some((text, error)) = message {
            p.flash.error[error].ok[!error] role=(if error { "alert" } else { "status" }) { (text) }
        }
        @if off {
            p { "The organiser pages are off. Set " code { "GATHER_ADMIN_TOKEN" } " (at least 16 characters) and restart Gather." }
        } @else {
            form method="post" action="/admin/login" {
                p {
                    label for="token" { "Admin token" }
                    input #token type="password" name="token" required autocomplete="current-password" autofocus;
                }
                p { button type="submit" { "Log in" } }
            }
            p.hint { "The token is the value of GATHER_ADMIN_TOKEN. Sessions end after 8 hours without use." }
        }
    };
    page::bare_page("Log in", body)
}

pub async fn login_page(State(state): State<WebState>, Query(q): Query<LoginQuery>) -> Response {
    let off = state.token.is_none();
    let message = q
        .expired
        .as_ref()
        .map(|_| ("Your session has ended. Log in again to carry on.", false));
    let status = if off {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    page::html(status, login_markup(message, off))
}

pub async fn login(
    State(state): State<WebState>,
    crate::http::ClientIp(ip): crate::http::ClientIp,
    body: Bytes,
) -> Response {
    let Some(expected) = state.token.clone() else {
        return page::html(StatusCode::FORBIDDEN, login_markup(None, true));
    };
    let unavailable = |e: crate::service::ServiceError| {
        tracing::error!(error = %e, "cannot check an organiser login");
        WebError::unavailable("Gather cannot check logins right now. Try again in a minute.")
            .into_response()
    };
    // Too many wrong tokens from this address, or for the account: wait.
    let gate = match state.gather.login_gate(&ip).await {
        Ok(g) => g,
        Err(e) => return unavailable(e),
    };
    if let LoginGate::Locked { retry_after_secs } = gate {
        return locked_out(retry_after_secs);
    }
    let form = FormData::parse(&body);
    let given = form.get("token").unwrap_or("");
    if !secret_eq(given, &expected) {
        match state.gather.login_failed(&gate).await {
            Ok(Some(secs)) => return locked_out(secs),
            Ok(None) => {}
            Err(e) => return unavailable(e),
        }
        return page::html(
            StatusCode::UNAUTHORIZED,
            login_markup(
                Some(("That token is not right. Check it and try again.", true)),
                false,
            ),
        );
    }
    if let Err(e) = state.gather.login_succeeded(&gate).await {
        return unavailable(e);
    }
    let now = state.gather.clock.now().0;
    let id = match state.sessions.create(now).await {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    tracing::info!("organiser logged in");
    let mut resp = page::redirect("/admin");
    if let Some(c) = set_cookie(&id, state.config.secure_cookies, false) {
        resp.headers_mut().insert(header::SET_COOKIE, c);
    }
    resp
}

/// The login page, 429 with `Retry-After`: too many wrong tokens.
fn locked_out(retry_after_secs: u64) -> Response {
    let wait = if retry_after_secs < 120 {
        format!("{retry_after_secs} seconds")
    } else {
        format!("{} minutes", retry_after_secs.div_ceil(60))
    };
    let text = format!("Too many wrong tokens. Wait {wait}, then try again.");
    let mut resp = page::html(
        StatusCode::TOO_MANY_REQUESTS,
        login_markup(Some((&text, true)), false),
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    resp
}

pub async fn logout(State(state): State<WebState>, posted: Posted) -> Response {
    state.sessions.end(&posted.org.session).await;
    let mut resp = page::redirect("/admin/login");
    if let Some(c) = set_cookie("", state.config.secure_cookies, true) {
        resp.headers_mut().insert(header::SET_COOKIE, c);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn sessions() -> Sessions {
        let store = crate::store::sqlite::SqliteStore::connect("sqlite::memory:")
            .await
            .unwrap();
        store.migrate().await.unwrap();
        Sessions::new(Arc::new(store))
    }

    #[tokio::test]
    async fn sessions_expire_when_idle_and_at_max_age() {
        let s = sessions().await;
        let id = s.create(0).await.unwrap();
        assert!(s.touch(&id, IDLE_MS - 1).await.is_some());
        // Used just now: alive for another idle period.
        assert!(s.touch(&id, 2 * IDLE_MS - 2).await.is_some());
        assert!(s.touch(&id, 3 * IDLE_MS).await.is_none(), "idle too long");
        assert!(s.touch(&id, 3 * IDLE_MS).await.is_none(), "and removed");

        let id = s.create(0).await.unwrap();
        let mut t = 0;
        while t + IDLE_MS / 2 <= MAX_AGE_MS {
            t += IDLE_MS / 2;
            assert!(s.touch(&id, t).await.is_some());
        }
        assert!(s.touch(&id, MAX_AGE_MS + 1).await.is_none(), "too old");
    }

    #[tokio::test]
    async fn a_session_is_known_to_another_instance_on_the_same_store() {
        let a = sessions().await;
        let b = Sessions::new(a.store.clone());
        let id = a.create(0).await.unwrap();
        assert_eq!(a.touch(&id, 1).await, b.touch(&id, 2).await);
        b.flash(&id, true, "Saved").await;
        assert_eq!(
            a.take_flash(&id).await,
            vec![Flash {
                ok: true,
                text: "Saved".into()
            }]
        );
        b.end(&id).await;
        assert!(a.touch(&id, 3).await.is_none());
    }

    #[test]
    fn ids_and_tokens_are_random_hex() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[tokio::test]
    async fn nonces_act_once() {
        let s = sessions().await;
        let id = s.create(0).await.unwrap();
        let n = s.issue_nonce(&id, 0).await.unwrap();
        assert_eq!(s.claim_nonce(&id, &n).await, NonceClaim::Fresh);
        assert_eq!(s.claim_nonce(&id, &n).await, NonceClaim::InFlight);
        s.release_nonce(&id, &n).await;
        assert_eq!(s.claim_nonce(&id, &n).await, NonceClaim::Fresh);
        s.finish_nonce(&id, &n, "/admin/fanouts/1").await;
        assert_eq!(
            s.claim_nonce(&id, &n).await,
            NonceClaim::Done("/admin/fanouts/1".into())
        );
        assert_eq!(s.claim_nonce(&id, "forged").await, NonceClaim::Unknown);
        let other = s.create(0).await.unwrap();
        assert_eq!(s.claim_nonce(&other, &n).await, NonceClaim::Unknown);
    }

    #[test]
    fn secrets_compare() {
        assert!(secret_eq("abc", "abc"));
        assert!(!secret_eq("abc", "abd"));
        assert!(!secret_eq("", "abc"));
        assert!(!secret_eq("abcd", "abc"));
    }

    #[test]
    fn cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; gather_session=abc; b=2"),
        );
        assert_eq!(session_cookie(&h).as_deref(), Some("abc"));
        let c = set_cookie("abc", true, false).unwrap();
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
    }
}
