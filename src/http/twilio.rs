//! Twilio webhooks. The signature is checked in an extractor in front of
//! every handler, so no handler can forget it and a bad request has no
//! side effect at all.

use super::error::ApiError;
use crate::channels::twilio as protocol;
use crate::channels::twilio_rest::UNSUBSCRIBED;
use crate::channels::whatsapp;
use crate::domain::{Channel, Identity, PhoneNumber};
use crate::engine::Content;
use crate::service::{Gather, InboundMessage};
use crate::store::DeliveryStatus;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::sync::Arc;

/// Settings for Twilio-style webhooks.
#[derive(Clone)]
pub struct TwilioWebhookConfig {
    pub auth_token: String,
    /// The URL Twilio calls, without a trailing slash (`https://gather.example.org`).
    pub public_url: String,
    /// Development only: accept unsigned requests (a warning is logged at
    /// start-up).
    pub skip_signature: bool,
    /// Numbers this Gather answers on; empty means any.
    pub numbers: Vec<String>,
}

impl std::fmt::Debug for TwilioWebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioWebhookConfig")
            .field("auth_token", &"[redacted]")
            .field("public_url", &self.public_url)
            .field("skip_signature", &self.skip_signature)
            .field("numbers", &self.numbers)
            .finish()
    }
}

#[derive(Clone)]
pub struct TwilioState {
    pub gather: Gather,
    pub config: Arc<TwilioWebhookConfig>,
    /// WhatsApp quick-reply contents by number of buttons.
    pub whatsapp_buttons: Arc<std::collections::BTreeMap<usize, String>>,
}

impl FromRef<TwilioState> for Arc<TwilioWebhookConfig> {
    fn from_ref(s: &TwilioState) -> Self {
        s.config.clone()
    }
}

pub fn routes(state: TwilioState) -> Router {
    Router::new()
        .route("/webhooks/twilio/sms", post(inbound_sms))
        .route("/webhooks/twilio/status", post(status_callback))
        .with_state(state)
}

/// The form parameters of a request whose `X-Twilio-Signature` checked out.
#[derive(Debug, Clone)]
pub struct SignedForm(pub Vec<(String, String)>);

impl SignedForm {
    /// The single value of a field; a field given twice with different
    /// values is an error, not a guess.
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut found: Option<&str> = None;
        for (k, v) in &self.0 {
            if k == name {
                match found {
                    Some(prev) if prev != v => {
                        return Err(ApiError::bad_request(format!(
                            "field `{name}` is given twice"
                        )));
                    }
                    _ => found = Some(v),
                }
            }
        }
        Ok(found)
    }

    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        match self.one(name)? {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::bad_request(format!("missing field `{name}`"))),
        }
    }
}

impl<S> FromRequest<S> for SignedForm
where
    S: Send + Sync,
    Arc<TwilioWebhookConfig>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = Arc::<TwilioWebhookConfig>::from_ref(state);
        let path_and_query = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| req.uri().path().to_string());
        let headers: HeaderMap = req.headers().clone();
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';').next().is_some_and(|m| {
                    m.trim()
                        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
                })
            });
        if !is_form {
            return Err(ApiError::unsupported_media_type(
                "expected application/x-www-form-urlencoded",
            ));
        }
        // The body limit is enforced here, before anything is parsed.
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::from_body_rejection(&e))?;
        let params: Vec<(String, String)> = form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if config.skip_signature {
            return Ok(SignedForm(params));
        }
        let Some(given) = headers
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok())
        else {
            tracing::warn!(path = %path_and_query, "Twilio webhook without a signature: refused");
            return Err(ApiError::forbidden("missing X-Twilio-Signature"));
        };
        let url = format!("{}{}", config.public_url, path_and_query);
        if !protocol::validate(&config.auth_token, &url, &params, given) {
            tracing::warn!(path = %path_and_query, "Twilio webhook with a wrong signature: refused");
            return Err(ApiError::forbidden("invalid X-Twilio-Signature"));
        }
        Ok(SignedForm(params))
    }
}

fn twiml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

/// An inbound SMS or WhatsApp message (Twilio sends both here; WhatsApp's
/// addresses are `whatsapp:+44…`): one conversation step, answered with
/// TwiML rendered for its channel. A retried webhook (same MessageSid) gets
/// the same answer and changes nothing.
async fn inbound_sms(
    State(state): State<TwilioState>,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let sid = match form.one("MessageSid")? {
        Some(s) if !s.is_empty() => s,
        _ => form.required("SmsSid")?,
    };
    if sid.len() > 64 {
        return Err(ApiError::bad_request("MessageSid is too long"));
    }
    let raw_from = form.required("From")?;
    let (channel, from) = match whatsapp::strip(raw_from) {
        Some(number) => (Channel::WhatsApp, number),
        None => (Channel::Sms, raw_from),
    };
    let from = PhoneNumber::parse(from).map_err(|e| ApiError::bad_request(format!("From: {e}")))?;
    let to = form.required("To")?;
    let to = whatsapp::strip(to).unwrap_or(to);
    if !state.config.numbers.is_empty()
        && !state
            .config
            .numbers
            .iter()
            .any(|n| whatsapp::strip(n).unwrap_or(n) == to)
    {
        return Err(ApiError::bad_request(
            "this Gather does not answer on the To number",
        ));
    }
    let body = form.one("Body")?.unwrap_or("");
    let msg = InboundMessage {
        identity: Identity::phone(&from),
        channel,
        content: Content::Text(body.to_string()),
        provider_id: Some(("twilio".to_string(), sid.to_string())),
        language_hint: None,
    };
    let reply = if channel == Channel::WhatsApp {
        // A tapped quick-reply button answers with its payload.
        let button = form.one("ButtonPayload")?.filter(|p| !p.trim().is_empty());
        let media = whatsapp::media(
            form.one("NumMedia")?,
            form.one("MediaUrl0")?,
            form.one("MediaContentType0")?,
        );
        let msg = InboundMessage {
            content: Content::Text(button.unwrap_or(body).to_string()),
            ..msg
        };
        let reply = state.gather.handle_whatsapp(msg, media).await?;
        // A question that can be answered with a tap goes with buttons,
        // through the API (TwiML cannot carry a Content template): the
        // whole reply is queued, in order, and the TwiML is empty.
        if !reply.duplicate
            && !state.whatsapp_buttons.is_empty()
            && state
                .gather
                .queue_whatsapp_buttons(&from, sid, &reply, &state.whatsapp_buttons)
                .await?
        {
            return Ok(twiml(protocol::messaging_response(&[])));
        }
        reply
    } else {
        state.gather.handle_inbound(msg).await?
    };
    if channel == Channel::WhatsApp {
        tracing::info!(
            from = %from.masked(),
            duplicate = reply.duplicate,
            replies = reply.messages.len(),
            "twilio whatsapp"
        );
    } else {
        tracing::info!(
            from = %from.masked(),
            duplicate = reply.duplicate,
            replies = reply.messages.len(),
            "twilio sms"
        );
    }
    Ok(twiml(protocol::messaging_response(&reply.messages)))
}

/// A status callback for a message sent through the REST API (the
/// `StatusCallback` the outbox worker asks for). Recorded even when the
/// message is not known yet: the callback can overtake the worker's write.
/// Error 21610 (the recipient unsubscribed at the carrier) opts them out.
async fn status_callback(
    State(state): State<TwilioState>,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let sid = match form.one("MessageSid")? {
        Some(s) if !s.is_empty() => s,
        _ => form.required("SmsSid")?,
    };
    if sid.len() > 64 || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request("MessageSid is not a message id"));
    }
    let raw_status = match form.one("MessageStatus")? {
        Some(s) if !s.is_empty() => s,
        _ => form.required("SmsStatus")?,
    };
    let status = DeliveryStatus::parse(raw_status).ok_or_else(|| {
        ApiError::bad_request(format!(
            "unknown MessageStatus `{}`",
            raw_status.chars().take(32).collect::<String>()
        ))
    })?;
    let error_code = match form.one("ErrorCode")? {
        None | Some("") => None,
        Some(c) if c.len() <= 10 && c.chars().all(|ch| ch.is_ascii_digit()) => Some(c),
        Some(_) => return Err(ApiError::bad_request("ErrorCode is not a number")),
    };
    // `To` is only needed to opt someone out; a malformed one is still an
    // error, since Twilio always sends a number here (`whatsapp:+44…` for
    // WhatsApp).
    let to_raw = form.one("To")?.unwrap_or("");
    let on_whatsapp = whatsapp::strip(to_raw).is_some();
    let to = match whatsapp::strip(to_raw).unwrap_or(to_raw) {
        "" => None,
        to => Some(PhoneNumber::parse(to).map_err(|e| ApiError::bad_request(format!("To: {e}")))?),
    };
    // The carrier's "unsubscribed", or WhatsApp's "blocked" and
    // "unreachable": nothing more goes to them, as after STOP.
    let code = error_code.and_then(|c| c.parse::<i64>().ok());
    let unsubscribed =
        code == Some(UNSUBSCRIBED) || (on_whatsapp && code.is_some_and(whatsapp::is_opt_out_code));
    let recorded = state
        .gather
        .record_delivery(
            "twilio",
            sid,
            status,
            error_code,
            unsubscribed,
            to.as_ref().map(Identity::phone).as_ref(),
        )
        .await?;
    tracing::info!(
        sid,
        status = status.as_str(),
        error_code = error_code.unwrap_or(""),
        known = recorded.known,
        opted_out = recorded.opted_out.is_some(),
        "twilio status"
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}
