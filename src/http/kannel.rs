//! Kannel webhooks: `GET /webhooks/kannel/sms` (an `sms-service` get-url)
//! and `GET /webhooks/kannel/dlr` (the dlr-url of what Gather sends).
//!
//! Both are guarded by a shared secret, given as `secret=` in the query or
//! as the password of HTTP basic auth, checked in an extractor in front of
//! the handlers: a request without it gets 403 and has no side effect.
//!
//! Replies do not go back in the get-url's answer. The answer is an empty
//! 200 and each reply is queued in the outbox, which sends it through
//! Kannel's `sendsms` with `coding=2` when it needs UCS-2 and a dlr-url:
//! Kannel sends a get-url answer as 7-bit text unless `X-Kannel-Coding`
//! headers are switched on, one SMS per answer, without delivery reports
//! (see docs/design.md).

use super::error::ApiError;
use crate::channels::kannel::{self as protocol, Coding, DlrStatus, RawQuery};
use crate::channels::twilio::constant_time_eq;
use crate::domain::{Channel, Identity};
use crate::engine::Content;
use crate::service::ServiceError;
use crate::service::{Gather, InboundMessage, Reply};
use crate::store::{DeliveryStatus, NewOutbound, OutboundKind};
use axum::Router;
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use std::sync::Arc;

/// Settings for the Kannel webhooks.
#[derive(Clone)]
pub struct KannelWebhookConfig {
    pub secret: String,
}

impl std::fmt::Debug for KannelWebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KannelWebhookConfig")
            .field("secret", &"[redacted]")
            .finish()
    }
}

#[derive(Clone)]
pub struct KannelState {
    pub gather: Gather,
    pub config: Arc<KannelWebhookConfig>,
}

impl FromRef<KannelState> for Arc<KannelWebhookConfig> {
    fn from_ref(s: &KannelState) -> Self {
        s.config.clone()
    }
}

pub fn routes(state: KannelState) -> Router {
    Router::new()
        .route("/webhooks/kannel/sms", get(inbound_sms))
        .route("/webhooks/kannel/dlr", get(delivery_report))
        .with_state(state)
}

/// The query of a request that carried the shared secret.
#[derive(Debug, Clone)]
pub struct Authorized(pub RawQuery);

impl<S> FromRequestParts<S> for Authorized
where
    S: Send + Sync,
    Arc<KannelWebhookConfig>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let config = Arc::<KannelWebhookConfig>::from_ref(state);
        let query = parts.uri.query().unwrap_or("");
        if !authorized(&config.secret, query, parts) {
            tracing::warn!(path = %parts.uri.path(), "Kannel webhook without the right secret: refused");
            return Err(ApiError::forbidden(
                "missing or wrong secret (query `secret=` or basic auth)",
            ));
        }
        RawQuery::parse(query)
            .map(Authorized)
            .map_err(|e| ApiError::bad_request(e.to_string()))
    }
}

/// True when the query's `secret` or the basic-auth password is the
/// secret. Compared in constant time; every candidate is compared.
fn authorized(secret: &str, query: &str, parts: &Parts) -> bool {
    let mut ok = false;
    // Lenient parsing here: a malformed query must not tell a caller
    // without the secret anything but 403.
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == "secret" {
            ok |= constant_time_eq(v.as_bytes(), secret.as_bytes());
        }
    }
    for value in parts.headers.get_all(header::AUTHORIZATION) {
        let Some(encoded) = value.to_str().ok().and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        }) else {
            continue;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
            continue;
        };
        if let Some(i) = decoded.iter().position(|&b| b == b':') {
            ok |= constant_time_eq(&decoded[i + 1..], secret.as_bytes());
        }
    }
    ok
}

/// An empty 200: Kannel sends nothing back for it (with the sms-service's
/// `max-messages = 0`); the replies are in the outbox.
fn empty() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "",
    )
        .into_response()
}

/// An inbound SMS: one conversation step; its replies are queued for
/// `sendsms`. A retried get-url (same `id`) changes nothing and queues
/// nothing new.
async fn inbound_sms(
    State(state): State<KannelState>,
    Authorized(query): Authorized,
) -> Result<Response, ApiError> {
    let mo = protocol::parse_mo(&query).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if mo.coding == Coding::EightBit {
        tracing::info!(from = %mo.from.masked(), "8-bit SMS from Kannel, read as Latin-1");
    }
    let reply = state
        .gather
        .handle_inbound(InboundMessage {
            identity: Identity::phone(&mo.from),
            channel: Channel::Sms,
            content: Content::Text(mo.text.clone()),
            provider_id: Some((protocol::PROVIDER.to_string(), mo.id.clone())),
            language_hint: None,
        })
        .await?;
    // Also for a duplicate: if the first request died between the step and
    // the queueing, Kannel's retry queues the replies now. The dedupe key
    // makes this a no-op when they are queued already.
    let queued = queue_replies(&state.gather, &mo.id, mo.from.as_str(), &reply).await?;
    tracing::info!(
        from = %mo.from.masked(),
        duplicate = reply.duplicate,
        replies = reply.messages.len(),
        queued,
        "kannel sms"
    );
    Ok(empty())
}

/// Queues a step's replies as direct replies (never delayed by quiet
/// hours), idempotently: `kannel:<message id>:<n>`. Returns how many were
/// new.
async fn queue_replies(
    gather: &Gather,
    message_id: &str,
    to: &str,
    reply: &Reply,
) -> Result<usize, ApiError> {
    if reply.messages.is_empty() {
        return Ok(0);
    }
    let now = gather.clock.now();
    let mut tx = gather.store.begin().await.map_err(ServiceError::from)?;
    let mut queued = 0;
    for (n, text) in reply.messages.iter().enumerate() {
        let id = tx
            .enqueue(
                &NewOutbound {
                    person: None,
                    channel: Channel::Sms,
                    address: to.to_string(),
                    text: text.clone(),
                    kind: OutboundKind::Reply,
                    not_before: now,
                    dedupe_key: Some(format!("{}:{message_id}:{n}", protocol::PROVIDER)),
                },
                now,
            )
            .await
            .map_err(ServiceError::from)?;
        // The STOP confirmation and HELP after STOP go although the person
        // has opted out: the outbox's opt-out re-check lets them through.
        if let Some(id) = id
            && reply.opt_out_exempt
        {
            tx.exempt_from_opt_out(id)
                .await
                .map_err(ServiceError::from)?;
        }
        queued += usize::from(id.is_some());
    }
    tx.commit().await.map_err(ServiceError::from)?;
    if queued > 0 {
        crate::outbox::nudge(&gather.outbox_wake);
    }
    Ok(queued)
}

/// The store's delivery status for a Kannel DLR type.
pub fn delivery_status(status: DlrStatus) -> DeliveryStatus {
    match status {
        DlrStatus::Delivered => DeliveryStatus::Delivered,
        DlrStatus::Undelivered => DeliveryStatus::Undelivered,
        DlrStatus::Queued => DeliveryStatus::Queued,
        DlrStatus::Sent => DeliveryStatus::Sent,
        DlrStatus::Rejected => DeliveryStatus::Failed,
    }
}

/// A delivery report for a message Gather sent (`id` is the outbox id).
/// Recorded idempotently; reports arrive out of order and only move the
/// status forward.
async fn delivery_report(
    State(state): State<KannelState>,
    Authorized(query): Authorized,
) -> Result<Response, ApiError> {
    let dlr = protocol::parse_dlr(&query).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let status = delivery_status(dlr.status);
    let error_code = if status.is_failure() {
        dlr.answer
            .as_deref()
            .and_then(protocol::answer_error_code)
            .map(|c| c.to_string())
            .or_else(|| Some(format!("dlr-{}", dlr.code)))
    } else {
        None
    };
    let recorded = state
        .gather
        .record_delivery(
            protocol::PROVIDER,
            &dlr.id,
            status,
            error_code.as_deref(),
            false,
            None,
        )
        .await?;
    tracing::info!(
        id = %dlr.id,
        status = status.as_str(),
        known = recorded.known,
        "kannel delivery report"
    );
    Ok(empty())
}
