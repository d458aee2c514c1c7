//! Twilio Voice webhooks: a phone call is the same conversation as an SMS
//! one, a keypad press or a recording per request. Every request passes the
//! same signature check as SMS ([`SignedForm`]).
//!
//! Retries: each answer's `action` URL carries the next step's number
//! (`?seq=N`), so a request is identified by `CallSid` + `seq`. A retried
//! request has the same pair and gets the stored answer; the next step has
//! another `seq`. The engine turn itself is deduplicated on the same key in
//! its own transaction, so a retry never acts twice.

use super::error::ApiError;
use super::twilio::{SignedForm, TwilioWebhookConfig};
use crate::channels::twilio_voice::{self as tv, NextUrls, VoiceSettings, Wait};
use crate::domain::{LanguageTag, PhoneNumber};
use crate::service::Gather;
use crate::service::voice::CallInput;
use axum::Router;
use axum::extract::{FromRef, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;

#[derive(Clone)]
pub struct VoiceState {
    pub gather: Gather,
    pub config: Arc<TwilioWebhookConfig>,
    pub settings: Arc<VoiceSettings>,
}

impl FromRef<VoiceState> for Arc<TwilioWebhookConfig> {
    fn from_ref(s: &VoiceState) -> Self {
        s.config.clone()
    }
}

pub fn routes(state: VoiceState) -> Router {
    Router::new()
        .route("/webhooks/twilio/voice", post(answer))
        .route("/webhooks/twilio/voice/gather", post(gathered))
        .route("/webhooks/twilio/voice/record", post(recorded))
        .route("/webhooks/twilio/voice/status", post(status))
        .route("/audio/{lang}/{file}", get(audio))
        .with_state(state)
}

fn twiml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

/// The step numbers a request's URL carries.
#[derive(Debug, Clone)]
struct Step {
    seq: u32,
    silent: u32,
    mode: String,
    query: String,
}

fn step(query: Option<String>, required: bool) -> Result<Step, ApiError> {
    let query = query.unwrap_or_default();
    let mut seq = None;
    let mut silent = 0;
    let mut mode = "key".to_string();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "seq" => {
                seq = Some(
                    v.parse::<u32>()
                        .ok()
                        .filter(|n| *n <= 100_000)
                        .ok_or_else(|| ApiError::bad_request("seq is not a step number"))?,
                )
            }
            "silent" => {
                silent = v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 10)
                    .ok_or_else(|| ApiError::bad_request("silent is not a count"))?
            }
            "mode" => {
                if !["key", "digits", "choices", "record", "none"].contains(&v.as_ref()) {
                    return Err(ApiError::bad_request("unknown mode"));
                }
                mode = v.into_owned();
            }
            _ => {}
        }
    }
    let seq = match (seq, required) {
        (Some(s), _) => s,
        (None, false) => 0,
        (None, true) => return Err(ApiError::bad_request("missing seq")),
    };
    Ok(Step {
        seq,
        silent,
        mode,
        query,
    })
}

struct Call {
    sid: String,
    from: PhoneNumber,
}

fn call(state: &VoiceState, form: &SignedForm) -> Result<Call, ApiError> {
    let sid = form.required("CallSid")?;
    if sid.len() > 64 || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request("CallSid is not a call id"));
    }
    let from = PhoneNumber::parse(form.required("From")?)
        .map_err(|e| ApiError::bad_request(format!("From: {e}")))?;
    if let Some(to) = form.one("To")?
        && !state.config.numbers.is_empty()
        && !state.config.numbers.iter().any(|n| n == to)
    {
        return Err(ApiError::bad_request(
            "this Gather does not answer on the To number",
        ));
    }
    Ok(Call {
        sid: sid.to_string(),
        from,
    })
}

/// Runs one turn of the call and answers with TwiML; a retry of a request
/// already answered gets the same answer.
async fn turn(
    state: &VoiceState,
    call: &Call,
    step: &Step,
    input: CallInput,
    silent: u32,
    before: Option<&str>,
) -> Result<Response, ApiError> {
    let key = format!("{}:{}", call.sid, step.seq);
    if let Some(done) = state.gather.voice_rendered(&key).await? {
        return Ok(twiml(done));
    }
    let reply = state
        .gather
        .voice_turn(&call.sid, &call.from, &key, input)
        .await?;
    let next = NextUrls {
        base: state.config.public_url.clone(),
        seq: step.seq + 1,
        silent,
    };
    if reply.duplicate {
        // The first copy of this request is still being answered.
        return Ok(twiml(tv::retry_later(&next_same(state, step))));
    }
    let locales = state.gather.engine.locales();
    let (mut segments, expect) = tv::segments(locales, &reply.language, &reply.events);
    if let Some(id) = before {
        segments.insert(0, tv::line(locales, &reply.language, id));
    }
    let wait = expect.map(tv::wait_for).unwrap_or(Wait::Hangup);
    let body = tv::twiml(&state.settings, &segments, wait, &next);
    state.gather.remember_voice_rendered(&key, &body).await?;
    tracing::info!(
        from = %call.from.masked(),
        seq = step.seq,
        wait = wait.mode(),
        "twilio voice"
    );
    Ok(twiml(body))
}

/// The URL of the current request, for a redirect back to it.
fn next_same(state: &VoiceState, step: &Step) -> String {
    format!(
        "{}/webhooks/twilio/voice/gather?{}",
        state.config.public_url, step.query
    )
}

/// A call comes in: language first for a new caller, the menu for a known one.
async fn answer(
    State(state): State<VoiceState>,
    RawQuery(query): RawQuery,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let step = step(query, false)?;
    let call = call(&state, &form)?;
    turn(&state, &call, &step, CallInput::Start, 0, None).await
}

/// Keys pressed at a `<Gather>`, or none (the caller said nothing).
async fn gathered(
    State(state): State<VoiceState>,
    RawQuery(query): RawQuery,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let step = step(query, true)?;
    let call = call(&state, &form)?;
    let digits = form.one("Digits")?.unwrap_or("");
    if digits.trim().trim_end_matches('#').is_empty() {
        return silence(&state, &call, &step).await;
    }
    let keys = tv::keys_for_engine(digits, &step.mode)
        .ok_or_else(|| ApiError::bad_request("Digits is not keypad keys"))?;
    turn(&state, &call, &step, CallInput::Keys(keys), 0, None).await
}

/// Nothing pressed: the question again, twice; then a polite goodbye with
/// the number to text, and the call ends.
async fn silence(state: &VoiceState, call: &Call, step: &Step) -> Result<Response, ApiError> {
    let silent = step.silent + 1;
    if silent >= 3 {
        let key = format!("{}:{}", call.sid, step.seq);
        if let Some(done) = state.gather.voice_rendered(&key).await? {
            return Ok(twiml(done));
        }
        let lang = caller_language(state, &call.from).await?;
        let next = NextUrls {
            base: state.config.public_url.clone(),
            seq: step.seq + 1,
            silent,
        };
        let body = tv::goodbye(&state.settings, state.gather.engine.locales(), &lang, &next);
        state.gather.remember_voice_rendered(&key, &body).await?;
        tracing::info!(from = %call.from.masked(), "twilio voice: silent, goodbye");
        return Ok(twiml(body));
    }
    turn(state, call, step, CallInput::Keys("*".into()), silent, None).await
}

async fn caller_language(state: &VoiceState, from: &PhoneNumber) -> Result<LanguageTag, ApiError> {
    Ok(state.gather.caller_language(from).await?)
}

/// A recording finished (also after the caller hung up mid-recording).
/// Only an https recording is kept; anything else asks again.
async fn recorded(
    State(state): State<VoiceState>,
    RawQuery(query): RawQuery,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let step = step(query, true)?;
    let call = call(&state, &form)?;
    let Some(url) = form.one("RecordingUrl")?.filter(|u| !u.is_empty()) else {
        return silence(&state, &call, &step).await;
    };
    let secs = match form.one("RecordingDuration")? {
        None | Some("") => 0,
        Some(d) => d
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=86_400).contains(n))
            .ok_or_else(|| ApiError::bad_request("RecordingDuration is not seconds"))?,
    };
    let usable = url.len() <= 500
        && url.starts_with("https://")
        && url.len() > "https://".len()
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"')
        && secs > 0;
    if !usable {
        tracing::warn!(from = %call.from.masked(), "twilio voice: recording refused (not https or empty)");
        return turn(
            &state,
            &call,
            &step,
            CallInput::Keys("*".into()),
            0,
            Some("voice-recording-failed"),
        )
        .await;
    }
    turn(
        &state,
        &call,
        &step,
        CallInput::Recording {
            url: url.to_string(),
            secs,
        },
        0,
        None,
    )
    .await
}

/// Call status callbacks: recorded; a finished call with an unconfirmed
/// recording leaves a draft issue.
async fn status(State(state): State<VoiceState>, form: SignedForm) -> Result<Response, ApiError> {
    let sid = form.required("CallSid")?;
    if sid.len() > 64 || !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request("CallSid is not a call id"));
    }
    let status = form.required("CallStatus")?;
    const KNOWN: &[&str] = &[
        "queued",
        "initiated",
        "ringing",
        "in-progress",
        "completed",
        "busy",
        "failed",
        "no-answer",
        "canceled",
    ];
    if !KNOWN.contains(&status) {
        return Err(ApiError::bad_request("unknown CallStatus"));
    }
    let from = match form.one("From")? {
        None | Some("") => None,
        Some(f) => PhoneNumber::parse(f).ok(),
    };
    let draft = state
        .gather
        .voice_status(sid, status, from.as_ref())
        .await?;
    tracing::info!(
        status,
        draft = draft.map(|d| d.to_string()).unwrap_or_default(),
        "twilio voice status"
    );
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A recorded prompt: `/audio/<lang>/<message-id>.wav`. Both parts are
/// checked strictly (a known locale; lower-case letters, digits and `-`),
/// so no path can leave the audio folder.
async fn audio(
    State(state): State<VoiceState>,
    Path((lang, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("no such recording");
    let tag = LanguageTag::parse(&lang).map_err(|_| not_found())?;
    if tag.as_str() != lang || !state.gather.engine.locales().has_language(&tag) {
        return Err(not_found());
    }
    let id = file.strip_suffix(".wav").ok_or_else(not_found)?;
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-');
    if !ok {
        return Err(not_found());
    }
    let path = state
        .settings
        .audio_dir
        .join(tag.as_str())
        .join(format!("{id}.wav"));
    let bytes = tokio::fs::read(&path).await.map_err(|_| not_found())?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], bytes).into_response())
}
