//! The organiser pages (`/admin…`) and the public page (`/`).
//!
//! HTML is rendered on the server with maud, which escapes every value it
//! is given (issue texts are people's own words, and may hold anything).
//! One CSS file and one small script are served from here: no CDN, no
//! external fonts. Every action is a plain form POST with a CSRF token that
//! works without JavaScript; the script only adds live SMS segment counts
//! and highlights missing translations as the organiser types.
//!
//! The organiser pages speak English; the public page speaks the visitor's
//! language (`locales/<tag>/web.ftl`).

mod assets;
mod charts;
mod inbox;
pub mod page;
mod public;
mod reach;
mod respond;
mod rounds;
pub mod session;

use crate::config::{Config, PublicContact};
use crate::service::Gather;
use axum::Router;
use axum::middleware;
use axum::routing::{get, post};
use std::sync::Arc;

/// Settings of the pages, from the configuration.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (`GATHER_PUBLIC_URL` is https).
    pub secure_cookies: bool,
    /// How people take part, for the public page.
    pub contact: PublicContact,
    /// The zone times are shown and typed in (`GATHER_TIMEZONE`).
    pub timezone: String,
}

impl WebConfig {
    pub fn from_config(config: &Config) -> WebConfig {
        WebConfig {
            secure_cookies: config
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
            contact: config.contact.clone(),
            timezone: config.outbox.timezone.clone(),
        }
    }

    fn zone(&self) -> &str {
        if self.timezone.is_empty() {
            "Europe/London"
        } else {
            &self.timezone
        }
    }
}

#[derive(Clone)]
pub struct WebState {
    pub gather: Gather,
    /// The admin token organisers log in with; `None` turns the organiser
    /// pages off (the public page stays).
    pub token: Option<Arc<String>>,
    pub sessions: Arc<session::Sessions>,
    pub config: Arc<WebConfig>,
}

impl WebState {
    pub fn new(gather: Gather, token: Option<Arc<String>>, config: WebConfig) -> WebState {
        WebState {
            sessions: Arc::new(session::Sessions::new(gather.store.clone())),
            gather,
            token,
            config: Arc::new(config),
        }
    }

    fn now_ms(&self) -> i64 {
        self.gather.clock.now().0
    }
}

pub fn routes(state: WebState) -> Router {
    Router::new()
        .route("/", get(public::page))
        .route("/static/gather.css", get(assets::css))
        .route("/static/gather.js", get(assets::js))
        .route(
            "/admin/login",
            get(session::login_page).post(session::login),
        )
        .route("/admin/logout", post(session::logout))
        .route("/admin", get(inbox::inbox))
        .route("/admin/issues/{ref}/approve", post(inbox::approve))
        .route("/admin/issues/{ref}/hide", post(inbox::hide))
        .route("/admin/issues/{ref}/title", post(inbox::title))
        .route("/admin/issues/{ref}/titles", post(inbox::title))
        .route(
            "/admin/issues/{ref}/merge",
            get(inbox::merge_search).post(inbox::merge),
        )
        .route(
            "/admin/issues/{ref}/respond",
            get(respond::form).post(respond::submit),
        )
        .route("/admin/rounds", get(rounds::list).post(rounds::create))
        .route("/admin/rounds/{id}", get(rounds::detail))
        .route("/admin/rounds/{id}/open", post(rounds::open))
        .route("/admin/rounds/{id}/close", post(rounds::close))
        .route("/admin/rounds/{id}/announce", post(rounds::announce))
        .route("/admin/fanouts", get(respond::fanouts))
        .route("/admin/fanouts/{id}", get(respond::fanout))
        .route("/admin/reach", get(reach::page))
        .layer(middleware::map_response(page::security_headers))
        .with_state(state)
}
