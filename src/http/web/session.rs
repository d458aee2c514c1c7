//! Organiser sessions: log in with the admin token, get a random session id
//! in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` behind https), and
//! a per-session CSRF token that every form carries. Sessions live in this
//! process's memory and end after [`IDLE_MS`] without a request (or
//! [`MAX_AGE_MS`] at most); a restart logs everyone out.
//!
//! Forms whose double submission would act twice (a Board response, an
//! announcement, a new round) also carry a one-time nonce: the first submit
//! acts, a second one is sent to what the first made.

use super::WebState;
use super::page::{self, WebError};
use crate::channels::twilio::constant_time_eq;
use crate::service::limit::LoginGate;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use std::collections::HashMap;
use std::sync::Mutex;

/// The session cookie's name.
pub const COOKIE: &str = "gather_session";
/// A session ends after this long without a request: 8 hours.
pub const IDLE_MS: i64 = 8 * 3600 * 1000;
/// ...and after this long in any case: 24 hours.
pub const MAX_AGE_MS: i64 = 24 * 3600 * 1000;
/// Sessions kept at once; the least recently used go first.
const MAX_SESSIONS: usize = 1000;
/// Open form nonces per session; the oldest go first.
const MAX_NONCES: usize = 500;

/// A message shown once on the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Nonce {
    /// On a form, not submitted yet.
    Issued,
    /// Submitted; the action is running.
    InFlight,
    /// Done: where the first submit went.
    Done(String),
}

#[derive(Debug)]
struct Session {
    csrf: String,
    created: i64,
    last_seen: i64,
    /// Nonce → state, with the time it was issued (for trimming).
    nonces: HashMap<String, (Nonce, i64)>,
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

/// Every live session of this process.
#[derive(Debug, Default)]
pub struct Sessions {
    inner: Mutex<HashMap<String, Session>>,
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

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock cannot leave a session half
        // written in a way that matters; carry on with the data.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a session; returns its id.
    pub fn create(&self, now: i64) -> Result<String, WebError> {
        let id = random_token()?;
        let csrf = random_token()?;
        let mut map = self.lock();
        map.retain(|_, s| alive(s, now));
        while map.len() >= MAX_SESSIONS {
            let oldest = map
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(
            id.clone(),
            Session {
                csrf,
                created: now,
                last_seen: now,
                nonces: HashMap::new(),
                flash: Vec::new(),
            },
        );
        Ok(id)
    }

    /// The session's CSRF token if it is alive, marking it used now.
    fn touch(&self, id: &str, now: i64) -> Option<String> {
        let mut map = self.lock();
        let s = map.get_mut(id)?;
        if !alive(s, now) {
            map.remove(id);
            return None;
        }
        s.last_seen = now;
        Some(s.csrf.clone())
    }

    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    pub fn flash(&self, id: &str, ok: bool, text: impl Into<String>) {
        if let Some(s) = self.lock().get_mut(id) {
            s.flash.push(Flash {
                ok,
                text: text.into(),
            });
        }
    }

    pub fn take_flash(&self, id: &str) -> Vec<Flash> {
        self.lock()
            .get_mut(id)
            .map(|s| std::mem::take(&mut s.flash))
            .unwrap_or_default()
    }

    /// A new one-time nonce for a form.
    pub fn issue_nonce(&self, id: &str, now: i64) -> Result<String, WebError> {
        let nonce = random_token()?;
        let mut map = self.lock();
        if let Some(s) = map.get_mut(id) {
            while s.nonces.len() >= MAX_NONCES {
                let oldest = s
                    .nonces
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => s.nonces.remove(&k),
                    None => break,
                };
            }
            s.nonces.insert(nonce.clone(), (Nonce::Issued, now));
        }
        Ok(nonce)
    }

    /// Marks a nonce as being acted on, if it is fresh.
    pub fn claim_nonce(&self, id: &str, nonce: &str) -> NonceClaim {
        let mut map = self.lock();
        let Some((state, _)) = map.get_mut(id).and_then(|s| s.nonces.get_mut(nonce)) else {
            return NonceClaim::Unknown;
        };
        match state {
            Nonce::Issued => {
                *state = Nonce::InFlight;
                NonceClaim::Fresh
            }
            Nonce::InFlight => NonceClaim::InFlight,
            Nonce::Done(to) => NonceClaim::Done(to.clone()),
        }
    }

    /// The action succeeded: a second submit goes to `to`.
    pub fn finish_nonce(&self, id: &str, nonce: &str, to: &str) {
        if let Some((state, _)) = self
            .lock()
            .get_mut(id)
            .and_then(|s| s.nonces.get_mut(nonce))
        {
            *state = Nonce::Done(to.to_string());
        }
    }

    /// The action failed (bad input): the same form may be sent again.
    pub fn release_nonce(&self, id: &str, nonce: &str) {
        if let Some((state, _)) = self
            .lock()
            .get_mut(id)
            .and_then(|s| s.nonces.get_mut(nonce))
        {
            *state = Nonce::Issued;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

fn alive(s: &Session, now: i64) -> bool {
    now - s.last_seen <= IDLE_MS && now - s.created <= MAX_AGE_MS
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
            && let Some(csrf) = state.sessions.touch(id, now)
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
    let id = match state.sessions.create(now) {
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
    state.sessions.end(&posted.org.session);
    let mut resp = page::redirect("/admin/login");
    if let Some(c) = set_cookie("", state.config.secure_cookies, true) {
        resp.headers_mut().insert(header::SET_COOKIE, c);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_when_idle_and_at_max_age() {
        let s = Sessions::default();
        let id = s.create(0).unwrap();
        assert!(s.touch(&id, IDLE_MS - 1).is_some());
        // Used just now: alive for another idle period.
        assert!(s.touch(&id, 2 * IDLE_MS - 2).is_some());
        assert!(s.touch(&id, 3 * IDLE_MS).is_none(), "idle too long");
        assert_eq!(s.len(), 0, "an expired session is removed");

        let id = s.create(0).unwrap();
        let mut t = 0;
        while t + IDLE_MS / 2 <= MAX_AGE_MS {
            t += IDLE_MS / 2;
            assert!(s.touch(&id, t).is_some());
        }
        assert!(s.touch(&id, MAX_AGE_MS + 1).is_none(), "too old");
    }

    #[test]
    fn ids_and_tokens_are_random_hex() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn nonces_act_once() {
        let s = Sessions::default();
        let id = s.create(0).unwrap();
        let n = s.issue_nonce(&id, 0).unwrap();
        assert_eq!(s.claim_nonce(&id, &n), NonceClaim::Fresh);
        assert_eq!(s.claim_nonce(&id, &n), NonceClaim::InFlight);
        s.release_nonce(&id, &n);
        assert_eq!(s.claim_nonce(&id, &n), NonceClaim::Fresh);
        s.finish_nonce(&id, &n, "/admin/fanouts/1");
        assert_eq!(
            s.claim_nonce(&id, &n),
            NonceClaim::Done("/admin/fanouts/1".into())
        );
        assert_eq!(s.claim_nonce(&id, "forged"), NonceClaim::Unknown);
        let other = s.create(0).unwrap();
        assert_eq!(s.claim_nonce(&other, &n), NonceClaim::Unknown);
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
