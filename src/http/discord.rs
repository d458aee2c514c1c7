//! Discord interactions over HTTP: `POST /webhooks/discord/interactions`.
//!
//! Every request is checked with Ed25519: `X-Signature-Ed25519` over
//! `X-Signature-Timestamp` followed by the raw body, with the application's
//! public key (`GATHER_DISCORD_PUBLIC_KEY`); a missing or bad signature is a
//! 401. `PING` (type 1) is answered `{"type":1}`.
//!
//! Slash commands (`/raise`, `/vote`, `/updates`, `/language`, `/help`) run
//! the same flows as SMS for the user who ran them, answered ephemerally;
//! a `choice`, `yes_no` or `language` question comes with one button per
//! answer (`custom_id` `answer:<reply>`), and pressing one is that reply.
//! `/round post` (organisers, by role) posts the open round with one button
//! per issue (`vote:<round>:<position>`); pressing one casts or replaces the
//! presser's vote, confirmed ephemerally. The serenity gateway adapter
//! (`channels::discord_gateway`) calls the same [`handle_interaction`].

use crate::channels::discord_rounds::DiscordRest;
use crate::domain::{Channel, Identity, IdentityKind};
use crate::engine::{Content, Event, Expect, Label, Prompt};
use crate::i18n::Args;
use crate::service::{ChatVote, Gather, InboundMessage, Reply};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{Value, json};
use std::sync::Arc;

/// Discord's limit for a message's content.
pub const MAX_CONTENT: usize = 2000;
/// Ephemeral: only the person who ran the command sees the answer.
pub const EPHEMERAL: u64 = 64;

#[derive(Clone, Debug)]
pub struct DiscordWebhookConfig {
    pub public_key: VerifyingKey,
    /// Role ids allowed to run `/round post`.
    pub organiser_roles: Vec<String>,
    /// Discord's REST API with the bot token, when there is one: `/round
    /// post` then posts a channel message whose buttons are disabled, and
    /// results added, when the round closes.
    pub rest: Option<Arc<DiscordRest>>,
}

impl DiscordWebhookConfig {
    /// From the hex public key Discord shows for the application.
    pub fn new(public_key_hex: &str, organiser_roles: Vec<String>) -> Option<Self> {
        let bytes: [u8; 32] = hex(public_key_hex)?.try_into().ok()?;
        Some(DiscordWebhookConfig {
            public_key: VerifyingKey::from_bytes(&bytes).ok()?,
            organiser_roles,
            rest: None,
        })
    }

    /// With Discord's REST API (the bot token) for posting rounds.
    pub fn with_rest(mut self, rest: Option<Arc<DiscordRest>>) -> Self {
        self.rest = rest;
        self
    }
}

#[derive(Clone)]
pub struct DiscordState {
    pub gather: Gather,
    pub config: Arc<DiscordWebhookConfig>,
}

pub fn routes(state: DiscordState) -> Router {
    Router::new()
        .route("/webhooks/discord/interactions", post(interactions))
        .with_state(state)
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks Discord's signature over `timestamp + body`.
pub fn verify(key: &VerifyingKey, signature_hex: &str, timestamp: &str, body: &[u8]) -> bool {
    let Some(sig) = hex(signature_hex).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    let sig = Signature::from_bytes(&sig);
    let mut msg = Vec::with_capacity(timestamp.len() + body.len());
    msg.extend_from_slice(timestamp.as_bytes());
    msg.extend_from_slice(body);
    key.verify(&msg, &sig).is_ok()
}

/// How far a signed interaction's timestamp may be from our clock.
pub const MAX_TIMESTAMP_SKEW_SECS: i64 = 5 * 60;

/// Whether `X-Signature-Timestamp` (Unix seconds) is within
/// [`MAX_TIMESTAMP_SKEW_SECS`] of `now_ms`.
pub fn fresh(timestamp: &str, now_ms: i64) -> bool {
    let Ok(secs) = timestamp.trim().parse::<i64>() else {
        return false;
    };
    let now = now_ms.div_euclid(1000);
    secs.checked_sub(now)
        .is_some_and(|d| d.abs() <= MAX_TIMESTAMP_SKEW_SECS)
}

async fn interactions(
    State(state): State<DiscordState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if !verify(
        &state.config.public_key,
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
        &body,
    ) {
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    // A captured request replayed later is refused: the signed timestamp
    // must be within five minutes of now, either way.
    if !fresh(
        header("x-signature-timestamp"),
        state.gather.clock.now().millis(),
    ) {
        return (StatusCode::UNAUTHORIZED, "stale request timestamp").into_response();
    }
    let Ok(interaction) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    if !interaction.is_object() {
        return (StatusCode::BAD_REQUEST, "not an interaction").into_response();
    }
    match handle_interaction_with(
        &state.gather,
        &state.config.organiser_roles,
        state.config.rest.as_deref(),
        &interaction,
    )
    .await
    {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "discord: interaction failed");
            axum::Json(error_answer(&state.gather)).into_response()
        }
    }
}

/// The user who caused an interaction: `member.user` in a server, `user`
/// in a DM.
fn user_id(i: &Value) -> Option<&str> {
    i.pointer("/member/user/id")
        .or_else(|| i.pointer("/user/id"))
        .and_then(Value::as_str)
}

fn locale_text(g: &Gather, id: &str) -> String {
    let l = g.engine.locales();
    l.format(l.default_language(), id, &Args::new())
}

fn ephemeral(g: &Gather, message_id: &str, text: Option<String>, components: Vec<Value>) -> Value {
    let content = text.unwrap_or_else(|| locale_text(g, message_id));
    json!({"type": 4, "data": {"content": clip(&content), "flags": EPHEMERAL, "components": components}})
}

/// The answer when handling an interaction failed.
pub fn error_answer(g: &Gather) -> Value {
    ephemeral(g, "error-generic", None, Vec::new())
}

/// Text cut to Discord's limit for a message's content.
pub fn clip_content(s: &str) -> String {
    clip(s)
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_CONTENT {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_CONTENT - 1).collect();
    out.push('…');
    out
}

fn button(label: &str, custom_id: String, style: u8) -> Value {
    let label: String = label.chars().take(80).collect();
    json!({"type": 2, "style": style, "label": label, "custom_id": custom_id})
}

/// Buttons in action rows of five (at most five rows).
fn rows(buttons: Vec<Value>) -> Vec<Value> {
    buttons
        .chunks(5)
        .take(5)
        .map(|c| json!({"type": 1, "components": c}))
        .collect()
}

/// The buttons for the question a turn ends on, if it is one buttons suit.
pub fn answer_buttons(g: &Gather, reply: &Reply) -> Vec<Value> {
    answer_buttons_with(g.engine.locales(), reply)
}

/// [`answer_buttons`] with the locales only (the gateway's DMs use it).
pub(crate) fn answer_buttons_with(locales: &crate::i18n::Locales, reply: &Reply) -> Vec<Value> {
    let prompt: Option<&Prompt> = reply.events.iter().rev().find_map(|e| match e {
        Event::Ask(p) => Some(p),
        Event::Reask { prompt, .. } => Some(prompt),
        _ => None,
    });
    let Some(p) = prompt else { return Vec::new() };
    let lang = &reply.language;
    let mut buttons = match p.expect {
        Expect::YesNo => vec![
            button("✅", "answer:YES".into(), 3),
            button("❌", "answer:NO".into(), 4),
        ],
        Expect::Choice { max_choices: 1, .. } | Expect::Language { .. } => p
            .options
            .iter()
            .map(|o| {
                let label = match &o.label {
                    Label::Message(id) => locales.format(lang, id, &Args::new()),
                    Label::Text(t) => t.clone(),
                    Label::Language(tag) => locales.format(tag, "language-name", &Args::new()),
                };
                button(
                    &format!("{} {label}", o.number),
                    format!("answer:{}", o.number),
                    2,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    if p.skippable && !buttons.is_empty() {
        buttons.push(button("0", "answer:0".into(), 2));
    }
    rows(buttons)
}

async fn run_text(
    g: &Gather,
    user: &str,
    text: &str,
    provider_id: String,
) -> crate::service::Result<Value> {
    let reply = run_reply(g, user, text, provider_id).await?;
    Ok(reply_answer(g, &reply))
}

async fn run_reply(
    g: &Gather,
    user: &str,
    text: &str,
    provider_id: String,
) -> crate::service::Result<Reply> {
    g.handle_inbound(InboundMessage {
        identity: Identity {
            kind: IdentityKind::Discord,
            address: user.to_string(),
        },
        channel: Channel::Discord,
        content: Content::Text(text.to_string()),
        provider_id: Some(("discord".into(), provider_id)),
        language_hint: None,
    })
    .await
}

fn reply_answer(g: &Gather, reply: &Reply) -> Value {
    let components = if reply.duplicate {
        Vec::new()
    } else {
        answer_buttons(g, reply)
    };
    let content = if reply.messages.is_empty() {
        // An opted-out person gets silence by SMS; Discord needs an answer.
        "…".to_string()
    } else {
        reply.messages.join("\n\n")
    };
    ephemeral(g, "", Some(content), components)
}

/// `/raise` without text: a form (interaction response type 9, MODAL) with
/// a paragraph for the description and a short, optional field for the
/// area, in the person's language. Buttons cannot take free text.
async fn raise_modal(g: &Gather, user: &str) -> crate::service::Result<Value> {
    let locales = g.engine.locales();
    let known = {
        let mut tx = g.store.begin().await?;
        tx.person_by_identity(&Identity {
            kind: IdentityKind::Discord,
            address: user.to_string(),
        })
        .await?
    };
    let lang = known
        .map(|p| p.language)
        .filter(|l| locales.has_language(l))
        .unwrap_or_else(|| locales.default_language().clone());
    // Discord allows 45 characters in a modal's title and labels.
    let text = |id: &str| -> String {
        locales
            .format(&lang, id, &Args::new())
            .chars()
            .take(45)
            .collect()
    };
    Ok(json!({"type": 9, "data": {
        "custom_id": RAISE_MODAL,
        "title": text("menu-raise"),
        "components": [
            {"type": 1, "components": [{
                "type": 4, "custom_id": "description", "style": 2,
                "label": text("discord-raise-describe"),
                "min_length": 10, "max_length": 1000, "required": true
            }]},
            {"type": 1, "components": [{
                "type": 4, "custom_id": "area", "style": 1,
                "label": text("discord-raise-area"),
                "max_length": 10, "required": false
            }]}
        ]
    }}))
}

/// The `custom_id` of the `/raise` form.
const RAISE_MODAL: &str = "raise";

/// A text input's value in a MODAL_SUBMIT interaction.
fn modal_value<'a>(i: &'a Value, custom_id: &str) -> Option<&'a str> {
    i.pointer("/data/components")?
        .as_array()?
        .iter()
        .filter_map(|row| row.get("components").and_then(Value::as_array))
        .flatten()
        .find(|c| c.get("custom_id").and_then(Value::as_str) == Some(custom_id))?
        .get("value")?
        .as_str()
}

/// The `/raise` form sent: the raise journey, with the description and
/// (when given, and the journey asks for it) the area answered; the reply
/// is the next question (how you are involved, with buttons).
async fn raise_submitted(
    g: &Gather,
    user: &str,
    i: &Value,
    id: String,
) -> crate::service::Result<Value> {
    let description = modal_value(i, "description").map(str::trim).unwrap_or("");
    if description.is_empty() {
        return raise_modal(g, user).await;
    }
    run_reply(g, user, "MENU", format!("{id}:menu")).await?;
    run_reply(g, user, "1", format!("{id}:raise")).await?;
    let mut reply = run_reply(g, user, description, format!("{id}:describe")).await?;
    let asks_area = reply
        .events
        .iter()
        .any(|e| matches!(e, Event::Ask(p) if p.expect == Expect::PostcodeDistrict));
    if let Some(area) = modal_value(i, "area")
        .map(str::trim)
        .filter(|a| !a.is_empty())
        && asks_area
    {
        reply = run_reply(g, user, area, id).await?;
    }
    Ok(reply_answer(g, &reply))
}

fn option_str<'a>(i: &'a Value, name: &str) -> Option<&'a str> {
    i.pointer("/data/options")?
        .as_array()?
        .iter()
        .find(|o| o.get("name").and_then(Value::as_str) == Some(name))?
        .get("value")?
        .as_str()
}

/// Answers one interaction (already verified): the JSON response body.
pub async fn handle_interaction(
    g: &Gather,
    organiser_roles: &[String],
    i: &Value,
) -> crate::service::Result<Value> {
    handle_interaction_with(g, organiser_roles, None, i).await
}

/// [`handle_interaction`], with Discord's REST API (the bot token) when
/// there is one: `/round post` then posts an ordinary channel message that
/// is remembered, so the results follow it when the round closes.
pub async fn handle_interaction_with(
    g: &Gather,
    organiser_roles: &[String],
    rest: Option<&DiscordRest>,
    i: &Value,
) -> crate::service::Result<Value> {
    let kind = i.get("type").and_then(Value::as_u64).unwrap_or(0);
    if kind == 1 {
        return Ok(json!({"type": 1}));
    }
    let id = i
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(user) = user_id(i) else {
        return Ok(ephemeral(g, "help", None, Vec::new()));
    };
    match kind {
        2 => {
            let name = i
                .pointer("/data/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            match name {
                "raise" => match option_str(i, "issue") {
                    // Four words or more, when nothing else is going on,
                    // starts raising an issue with those words.
                    Some(text) => run_text(g, user, text, id).await,
                    None => raise_modal(g, user).await,
                },
                "vote" => run_text(g, user, "VOTE", id).await,
                "updates" => run_text(g, user, "UPDATES", id).await,
                "help" => run_text(g, user, "HELP", id).await,
                "language" => {
                    let text = match option_str(i, "language") {
                        Some(l) => format!("LANGUAGE {l}"),
                        None => "LANGUAGE".into(),
                    };
                    run_text(g, user, &text, id).await
                }
                "round" => round_post(g, organiser_roles, rest, i).await,
                _ => Ok(ephemeral(g, "help", None, Vec::new())),
            }
        }
        3 => {
            let custom = i
                .pointer("/data/custom_id")
                .and_then(Value::as_str)
                .unwrap_or("");
            if let Some(answer) = custom.strip_prefix("answer:") {
                return run_text(g, user, answer, id).await;
            }
            if let Some((round, position)) = parse_vote(custom) {
                let identity = Identity {
                    kind: IdentityKind::Discord,
                    address: user.to_string(),
                };
                let text = match g
                    .cast_vote_direct(
                        &identity,
                        Channel::Discord,
                        Some(round),
                        position,
                        Some(("discord", &id)),
                    )
                    .await?
                {
                    ChatVote::Counted { text, .. }
                    | ChatVote::NoRound { text }
                    | ChatVote::OutOfRange { text }
                    | ChatVote::VotedBefore { text } => text,
                    ChatVote::Duplicate => locale_text(g, "vote-counted"),
                };
                return Ok(ephemeral(g, "", Some(text), Vec::new()));
            }
            Ok(ephemeral(g, "help", None, Vec::new()))
        }
        // MODAL_SUBMIT: the `/raise` form.
        5 => {
            let custom = i
                .pointer("/data/custom_id")
                .and_then(Value::as_str)
                .unwrap_or("");
            if custom == RAISE_MODAL {
                return raise_submitted(g, user, i, id).await;
            }
            Ok(ephemeral(g, "help", None, Vec::new()))
        }
        _ => Ok(ephemeral(g, "help", None, Vec::new())),
    }
}

fn parse_vote(custom: &str) -> Option<(i64, u32)> {
    let rest = custom.strip_prefix("vote:")?;
    let (r, p) = rest.split_once(':')?;
    Some((r.parse().ok()?, p.parse().ok()?))
}

/// Whether the member has one of the organiser roles.
pub fn is_organiser(i: &Value, organiser_roles: &[String]) -> bool {
    i.pointer("/member/roles")
        .and_then(Value::as_array)
        .is_some_and(|roles| {
            roles
                .iter()
                .filter_map(Value::as_str)
                .any(|r| organiser_roles.iter().any(|o| o == r))
        })
}

/// One button per issue of `round` (`vote:<round>:<position>`), in action
/// rows; `disabled` once the round has closed.
pub fn shortlist_components(round: &crate::store::Round, disabled: bool) -> Vec<Value> {
    let buttons = round
        .items
        .iter()
        .map(|item| {
            let mut b = button(
                &format!("{} {}", item.position, item.title),
                format!("vote:{}:{}", round.id, item.position),
                1,
            );
            if disabled {
                b["disabled"] = json!(true);
            }
            b
        })
        .collect();
    rows(buttons)
}

/// `/round post`: the open round's shortlist with one button per issue,
/// visible to the whole channel. With the REST API it is posted as a
/// channel message (remembered, for the results) and the organiser gets an
/// ephemeral confirmation; otherwise, or if that fails, it is the answer.
async fn round_post(
    g: &Gather,
    organiser_roles: &[String],
    rest: Option<&DiscordRest>,
    i: &Value,
) -> crate::service::Result<Value> {
    let sub = i
        .pointer("/data/options/0/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if sub != "post" {
        return Ok(ephemeral(g, "help", None, Vec::new()));
    }
    if !is_organiser(i, organiser_roles) {
        return Ok(ephemeral(
            g,
            "",
            Some("Only organisers can post a round.".into()),
            Vec::new(),
        ));
    }
    let Some(round) = g.open_round_now().await? else {
        return Ok(ephemeral(g, "vote-no-round", None, Vec::new()));
    };
    let channel = i.get("channel_id").and_then(Value::as_str);
    if let (Some(rest), Some(channel)) = (rest, channel) {
        // The same round in the same channel: the same nonce, so an
        // organiser who posts again because Discord was slow to answer
        // gets the message already made (Discord's enforced nonce, a few
        // minutes), not a second shortlist.
        let nonce = Some(crate::channels::discord_rounds::shortlist_nonce(
            round.id, channel,
        ));
        match rest
            .post_shortlist(g, channel, &round, nonce.as_deref())
            .await
        {
            Ok(_) => {
                return Ok(ephemeral(
                    g,
                    "",
                    Some(
                        "Posted. The buttons close and the results follow when the round closes."
                            .into(),
                    ),
                    Vec::new(),
                ));
            }
            Err(e) => {
                tracing::warn!(error = %e, "discord: cannot post the round as a message; answering with it instead");
            }
        }
    }
    Ok(json!({"type": 4, "data": {
        "content": clip(&g.shortlist_text(&round)),
        "components": shortlist_components(&round, false),
        "allowed_mentions": {"parse": []},
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_vote_ids() {
        assert_eq!(hex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(hex("0"), None);
        assert_eq!(hex("zz"), None);
        assert_eq!(parse_vote("vote:3:2"), Some((3, 2)));
        assert_eq!(parse_vote("vote:x:2"), None);
        assert_eq!(rows((0..7).map(|n| json!(n)).collect()).len(), 2);
    }
}
