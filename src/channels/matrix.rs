//! The Matrix bot: the client–server API over reqwest.
//!
//! A `/sync` loop (long-poll with `timeout`) whose `since` token is kept in
//! the store (`matrix:since`), so a restart never replays old messages; the
//! very first sync only takes its `next_batch` and acts on nothing but
//! invites. The bot joins rooms it is invited to.
//!
//! * **Direct rooms** (two members): every `m.text` from the other person
//!   runs through [`Gather::handle_inbound`] like an SMS (provider id = the
//!   event id, so a replayed event acts once); replies go out as `m.notice`,
//!   choices as numbered lines. The transaction id of each reply is derived
//!   from the event id, so a retried send is the same event.
//! * **Group rooms**: an organiser's `!round post` posts the open round's
//!   shortlist; members vote by replying with a number or reacting to the
//!   post with a keycap emoji (1️⃣ …). One vote per person per round: a new
//!   vote replaces the old. When the round has closed the bot posts the
//!   results in every room it posted the shortlist to (checked after each
//!   sync; `!round results` asks at once).
//!
//! Network errors back off (1 s doubling to a minute) and resume;
//! `M_LIMIT_EXCEEDED` waits `retry_after_ms`. Each event runs in its own
//! catch boundary and is recorded per event (`matrix:event:<id>`): a try is
//! counted before it runs, `done` after; one that panics or fails
//! [`EVENT_TRIES`] times is recorded as `failed` and skipped, and `since`
//! moves on only when every event of the batch is done or given up, so a
//! restart neither repeats handled events nor stalls on a poison one. Logs
//! never carry tokens or full user ids.

use crate::domain::{Channel, Identity, IdentityKind};
use crate::engine::Content;
use crate::service::{ChatVote, Gather, InboundMessage};
use crate::store::RoundStatus;
use crate::supervise::CatchUnwind;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;

/// The store key of the sync token.
pub const SINCE_KEY: &str = "matrix:since";
/// Messages longer than this are not read (answered with a short note in a
/// direct room).
pub const MAX_BODY_CHARS: usize = 4000;
const MAX_BACKOFF: Duration = Duration::from_secs(60);
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(120);
const RATE_LIMIT_TRIES: u32 = 5;

/// How the bot signs in.
#[derive(Clone, PartialEq, Eq)]
pub enum MatrixAuth {
    AccessToken(String),
    Password { user: String, password: String },
}

impl std::fmt::Debug for MatrixAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MatrixAuth::AccessToken(_) => f.write_str("AccessToken([redacted])"),
            MatrixAuth::Password { .. } => f.write_str("Password([redacted])"),
        }
    }
}

/// The bot's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatrixConfig {
    /// `https://matrix.example.org` (no trailing slash needed).
    pub homeserver: String,
    pub auth: MatrixAuth,
    /// Matrix user ids allowed to post rounds (`@nurse:example.org`).
    pub organisers: Vec<String>,
    /// The long-poll timeout of each `/sync`.
    pub sync_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum MatrixError {
    #[error("network: {0}")]
    Network(String),
    #[error("rate limited for {0:?}")]
    RateLimited(Duration),
    #[error("homeserver said {status} {errcode}")]
    Status { status: u16, errcode: String },
    #[error("unreadable response: {0}")]
    Parse(String),
    #[error("store: {0}")]
    Service(String),
}

impl From<crate::service::ServiceError> for MatrixError {
    fn from(e: crate::service::ServiceError) -> Self {
        MatrixError::Service(e.to_string())
    }
}

// --- the /sync response, as much of it as the bot reads ---------------------

#[derive(Debug, Default, Deserialize)]
pub struct SyncResponse {
    pub next_batch: String,
    #[serde(default)]
    pub rooms: Rooms,
}

#[derive(Debug, Default, Deserialize)]
pub struct Rooms {
    #[serde(default)]
    pub join: HashMap<String, JoinedRoom>,
    #[serde(default)]
    pub invite: HashMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
pub struct JoinedRoom {
    #[serde(default)]
    pub timeline: Timeline,
    #[serde(default)]
    pub state: Timeline,
}

#[derive(Debug, Default, Deserialize)]
pub struct Timeline {
    #[serde(default)]
    pub events: Vec<RawEvent>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct RawEvent {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub sender: String,
    #[serde(default)]
    pub event_id: String,
    #[serde(default)]
    pub content: Value,
    #[serde(default)]
    pub state_key: Option<String>,
}

/// What the bot makes of one timeline event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A plain-text message from someone else.
    Text {
        room: String,
        sender: String,
        event_id: String,
        body: String,
    },
    /// Too long to read.
    TooLong {
        room: String,
        sender: String,
        event_id: String,
    },
    /// A reaction (`m.annotation`) to an event.
    Reaction {
        room: String,
        sender: String,
        event_id: String,
        relates_to: String,
        key: String,
    },
    /// Someone joined or left: the room's member count may have changed.
    Membership { room: String },
}

/// Reads one timeline event. Own events, edits, redactions, notices,
/// media, encrypted and unknown events are `None`.
pub fn classify(room: &str, ev: &RawEvent, bot: &str) -> Option<Incoming> {
    if ev.kind == "m.room.member" {
        return Some(Incoming::Membership {
            room: room.to_string(),
        });
    }
    if ev.sender == bot || ev.sender.is_empty() || ev.event_id.is_empty() {
        return None;
    }
    let relates = ev.content.get("m.relates_to");
    match ev.kind.as_str() {
        "m.room.message" => {
            // An edit (`m.replace`) re-sends an earlier message: ignore it.
            if ev.content.get("m.new_content").is_some()
                || relates
                    .and_then(|r| r.get("rel_type"))
                    .and_then(Value::as_str)
                    == Some("m.replace")
            {
                return None;
            }
            if ev.content.get("msgtype").and_then(Value::as_str) != Some("m.text") {
                return None;
            }
            let body = ev.content.get("body").and_then(Value::as_str)?;
            if body.chars().count() > MAX_BODY_CHARS {
                return Some(Incoming::TooLong {
                    room: room.to_string(),
                    sender: ev.sender.clone(),
                    event_id: ev.event_id.clone(),
                });
            }
            let body = strip_reply_fallback(body);
            if body.trim().is_empty() {
                return None;
            }
            Some(Incoming::Text {
                room: room.to_string(),
                sender: ev.sender.clone(),
                event_id: ev.event_id.clone(),
                body,
            })
        }
        "m.reaction" => {
            let r = relates?;
            if r.get("rel_type").and_then(Value::as_str) != Some("m.annotation") {
                return None;
            }
            Some(Incoming::Reaction {
                room: room.to_string(),
                sender: ev.sender.clone(),
                event_id: ev.event_id.clone(),
                relates_to: r.get("event_id").and_then(Value::as_str)?.to_string(),
                key: r.get("key").and_then(Value::as_str)?.to_string(),
            })
        }
        _ => None,
    }
}

/// A reply's plain body starts with the quoted message (`> <@a:b> …`) and a
/// blank line: only the text after it is the person's.
fn strip_reply_fallback(body: &str) -> String {
    if !body.starts_with("> ") {
        return body.to_string();
    }
    let mut lines = body.lines().skip_while(|l| l.starts_with('>'));
    let rest: Vec<&str> = lines.by_ref().collect();
    rest.join("\n").trim().to_string()
}

/// The number a keycap emoji stands for: `1️⃣` (with or without the
/// variation selector) is 1 … `9️⃣` is 9, `🔟` is 10.
pub fn keycap_number(key: &str) -> Option<u32> {
    if key == "🔟" {
        return Some(10);
    }
    let mut chars = key.chars();
    let d = chars.next()?.to_digit(10)?;
    let rest: String = chars.filter(|c| *c != '\u{fe0f}').collect();
    (rest == "\u{20e3}" && d >= 1).then_some(d)
}

/// The keycap emoji for 1–10.
pub fn keycap(n: u32) -> Option<String> {
    match n {
        1..=9 => Some(format!("{n}\u{fe0f}\u{20e3}")),
        10 => Some("🔟".to_string()),
        _ => None,
    }
}

/// A whole message that is just a ballot number (`2`, ` 2. `).
pub fn bare_number(body: &str) -> Option<u32> {
    let t = body.trim().trim_end_matches(['.', '!', ')']);
    if t.is_empty() || t.len() > 3 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// A deterministic transaction id for the `n`th message sent because of
/// event `cause`, so a retried send is recognised by the homeserver.
pub fn txn_id(cause: &str, n: usize) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(cause.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("gather-{hex}-{n}")
}

/// Percent-encodes one path segment (room ids, event ids, user ids).
pub fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A Matrix user id shortened for logs: `@al…:example.org`.
pub fn mask_user(user: &str) -> String {
    let (local, server) = user.split_once(':').unwrap_or((user, ""));
    let head: String = local.chars().take(3).collect();
    format!("{head}…:{server}")
}

/// How often an event may panic or fail before it is given up.
pub const EVENT_TRIES: u32 = 3;

/// The store key of an event's marker: `try:N`, `done` or `failed`.
pub fn event_key(event_id: &str) -> String {
    format!("matrix:event:{event_id}")
}

/// What became of one event.
enum Handled {
    /// Acted on (and the key of its marker).
    Acted(Option<String>),
    /// Looked at, nothing to do.
    Quiet(Option<String>),
    /// Done before, given up, or not an event to record.
    Skipped,
    /// Failed this time; comes again with the batch.
    Retry,
}

/// What a batch left behind.
struct Batch {
    /// Every event is done or given up: the position may move on.
    complete: bool,
    /// Markers of events done in this batch.
    done: Vec<String>,
}

impl Incoming {
    /// The event's id (a membership change has none worth recording).
    pub fn event_id(&self) -> Option<&str> {
        match self {
            Incoming::Text { event_id, .. }
            | Incoming::TooLong { event_id, .. }
            | Incoming::Reaction { event_id, .. } => Some(event_id),
            Incoming::Membership { .. } => None,
        }
    }
}

fn round_key(round: i64, room: &str) -> String {
    format!("matrix:round:{round}:{room}")
}

fn post_key(event_id: &str) -> String {
    format!("matrix:post:{event_id}")
}

/// The bot. Build with [`MatrixBot::connect`], then [`MatrixBot::run`].
pub struct MatrixBot {
    gather: Gather,
    http: reqwest::Client,
    base: String,
    token: String,
    user_id: String,
    organisers: Vec<String>,
    sync_timeout: Duration,
    /// Joined members per room, forgotten when a membership event arrives.
    members: HashMap<String, usize>,
}

impl MatrixBot {
    /// Signs in (or checks the access token) and finds the bot's user id.
    pub async fn connect(gather: Gather, config: &MatrixConfig) -> Result<MatrixBot, MatrixError> {
        super::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(config.sync_timeout + Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| MatrixError::Network(e.to_string()))?;
        let mut bot = MatrixBot {
            gather,
            http,
            base: config.homeserver.trim_end_matches('/').to_string(),
            token: String::new(),
            user_id: String::new(),
            organisers: config.organisers.clone(),
            sync_timeout: config.sync_timeout,
            members: HashMap::new(),
        };
        match &config.auth {
            MatrixAuth::AccessToken(t) => bot.token = t.clone(),
            MatrixAuth::Password { user, password } => {
                let v = bot
                    .call(
                        reqwest::Method::POST,
                        "/login",
                        Some(json!({
                            "type": "m.login.password",
                            "identifier": {"type": "m.id.user", "user": user},
                            "password": password,
                            "device_id": "GATHER",
                            "initial_device_display_name": "Gather",
                        })),
                    )
                    .await?;
                bot.token = v
                    .get("access_token")
                    .and_then(Value::as_str)
                    .ok_or_else(|| MatrixError::Parse("login without access_token".into()))?
                    .to_string();
            }
        }
        let who = bot
            .call(reqwest::Method::GET, "/account/whoami", None)
            .await?;
        bot.user_id = who
            .get("user_id")
            .and_then(Value::as_str)
            .ok_or_else(|| MatrixError::Parse("whoami without user_id".into()))?
            .to_string();
        tracing::info!(user = %mask_user(&bot.user_id), "matrix: signed in");
        Ok(bot)
    }

    /// The bot's own user id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// One client–server API call (`path` after `/_matrix/client/v3`),
    /// waiting out rate limits a few times.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, MatrixError> {
        let url = format!("{}/_matrix/client/v3{path}", self.base);
        let mut tries = 0;
        loop {
            let mut req = self.http.request(method.clone(), &url);
            if !self.token.is_empty() {
                req = req.bearer_auth(&self.token);
            }
            if let Some(b) = &body {
                req = req.json(b);
            }
            match self.send(req).await {
                Err(MatrixError::RateLimited(wait)) if tries < RATE_LIMIT_TRIES => {
                    tries += 1;
                    tracing::warn!(?wait, "matrix: rate limited; waiting");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, MatrixError> {
        let resp = req
            .send()
            .await
            .map_err(|e| MatrixError::Network(e.without_url().to_string()))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| MatrixError::Network(e.without_url().to_string()))?;
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(value);
        }
        let errcode = value
            .get("errcode")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if status.as_u16() == 429 || errcode == "M_LIMIT_EXCEEDED" {
            let ms = value
                .get("retry_after_ms")
                .and_then(Value::as_u64)
                .unwrap_or(1000);
            return Err(MatrixError::RateLimited(
                Duration::from_millis(ms).min(MAX_RATE_LIMIT_WAIT),
            ));
        }
        Err(MatrixError::Status {
            status: status.as_u16(),
            errcode,
        })
    }

    /// Sends a text to a room (`m.notice` for the bot's own words).
    async fn say(&self, room: &str, text: &str, txn: &str) -> Result<String, MatrixError> {
        let path = format!(
            "/rooms/{}/send/m.room.message/{}",
            encode(room),
            encode(txn)
        );
        let v = self
            .call(
                reqwest::Method::PUT,
                &path,
                Some(json!({"msgtype": "m.notice", "body": text})),
            )
            .await?;
        Ok(v.get("event_id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string())
    }

    /// Reacts to an event (a ✅ for a counted vote).
    async fn react(
        &self,
        room: &str,
        event: &str,
        key: &str,
        txn: &str,
    ) -> Result<(), MatrixError> {
        let path = format!("/rooms/{}/send/m.reaction/{}", encode(room), encode(txn));
        self.call(
            reqwest::Method::PUT,
            &path,
            Some(json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": event, "key": key}})),
        )
        .await?;
        Ok(())
    }

    async fn join(&mut self, room: &str) -> Result<(), MatrixError> {
        self.call(
            reqwest::Method::POST,
            &format!("/join/{}", encode(room)),
            Some(json!({})),
        )
        .await?;
        self.members.remove(room);
        tracing::info!("matrix: joined a room");
        Ok(())
    }

    async fn member_count(&mut self, room: &str) -> Result<usize, MatrixError> {
        if let Some(n) = self.members.get(room) {
            return Ok(*n);
        }
        let v = self
            .call(
                reqwest::Method::GET,
                &format!("/rooms/{}/joined_members", encode(room)),
                None,
            )
            .await?;
        let n = v
            .get("joined")
            .and_then(Value::as_object)
            .map(|o| o.len())
            .unwrap_or(0);
        self.members.insert(room.to_string(), n);
        Ok(n)
    }

    /// One `/sync`: fetch, act on every event, save the new `since`.
    /// Returns how many events were acted on.
    pub async fn sync_once(&mut self) -> Result<usize, MatrixError> {
        let since = self.gather.chat_state(SINCE_KEY).await?;
        let timeout = if since.is_some() {
            self.sync_timeout.as_millis()
        } else {
            0
        };
        let filter = r#"{"room":{"timeline":{"limit":100}}}"#;
        let mut path = format!("/sync?timeout={timeout}&filter={}", encode(filter));
        if let Some(s) = &since {
            path.push_str("&since=");
            path.push_str(&encode(s));
        }
        let v = self.call(reqwest::Method::GET, &path, None).await?;
        let sync: SyncResponse =
            serde_json::from_value(v).map_err(|e| MatrixError::Parse(e.to_string()))?;
        let (acted, batch) = self.process_batch(&sync, since.is_none()).await;
        // The position moves on only once every event of the batch is done
        // or given up: an event still to retry comes again with the batch
        // (the others are skipped by their markers).
        if batch.complete {
            self.gather
                .set_chat_state(SINCE_KEY, Some(&sync.next_batch))
                .await?;
            // Behind the saved position now: their markers are not needed.
            for key in batch.done {
                self.gather.set_chat_state(&key, None).await?;
            }
        }
        if let Err(e) = self.post_due_results().await {
            tracing::warn!(error = %e, "matrix: posting results failed; will try again");
        }
        Ok(acted)
    }

    /// Acts on a sync response. On the first sync (`initial`) only invites
    /// are taken; history is never answered.
    pub async fn process(&mut self, sync: &SyncResponse, initial: bool) -> usize {
        self.process_batch(sync, initial).await.0
    }

    async fn process_batch(&mut self, sync: &SyncResponse, initial: bool) -> (usize, Batch) {
        let mut batch = Batch {
            complete: true,
            done: Vec::new(),
        };
        let mut acted = 0;
        let mut invites: Vec<&String> = sync.rooms.invite.keys().collect();
        invites.sort();
        for room in invites {
            match self.join(room).await {
                Ok(()) => acted += 1,
                Err(e) => tracing::warn!(error = %e, "matrix: could not join a room"),
            }
        }
        if initial {
            return (acted, batch);
        }
        let mut rooms: Vec<(&String, &JoinedRoom)> = sync.rooms.join.iter().collect();
        rooms.sort_by_key(|(id, _)| id.as_str());
        for (room, joined) in rooms {
            for ev in joined.state.events.iter().chain(&joined.timeline.events) {
                let Some(incoming) = classify(room, ev, &self.user_id) else {
                    continue;
                };
                match self.handle_contained(incoming).await {
                    Handled::Acted(key) => {
                        acted += 1;
                        batch.done.extend(key);
                    }
                    Handled::Quiet(key) => batch.done.extend(key),
                    Handled::Skipped => {}
                    Handled::Retry => batch.complete = false,
                }
            }
        }
        (acted, batch)
    }

    /// One event in its own catch boundary, recorded per event: the try is
    /// counted in the store before the event is acted on (so even a crash
    /// of the whole process counts), `done` after. An event that panicked
    /// or failed [`EVENT_TRIES`] times is recorded as `failed` and skipped
    /// from then on, so one poison event cannot stall the room or the bot.
    async fn handle_contained(&mut self, incoming: Incoming) -> Handled {
        let Some(key) = incoming.event_id().map(event_key) else {
            // A membership change only forgets a cached count.
            let _ = self.handle(incoming).await;
            return Handled::Skipped;
        };
        let tries = match self.gather.chat_state(&key).await {
            Ok(None) => 0,
            Ok(Some(v)) => match v.strip_prefix("try:").and_then(|n| n.parse::<u32>().ok()) {
                Some(n) => n,
                // `done` (the batch came again) or `failed`.
                None => return Handled::Skipped,
            },
            Err(e) => {
                tracing::warn!(error = %e, "matrix: cannot read an event's marker; will retry");
                return Handled::Retry;
            }
        };
        if tries >= EVENT_TRIES {
            return self.give_up(&key).await;
        }
        let tried = format!("try:{}", tries + 1);
        if let Err(e) = self.gather.set_chat_state(&key, Some(&tried)).await {
            tracing::warn!(error = %e, "matrix: cannot record an event's try; will retry");
            return Handled::Retry;
        }
        // Unwind safety: a panic can leave at most the member-count cache
        // stale; nothing else of the bot is changed while an event runs.
        let why = match CatchUnwind::new(self.handle(incoming)).await {
            Ok(Ok(acted)) => {
                if let Err(e) = self.gather.set_chat_state(&key, Some("done")).await {
                    // Acted on, but not marked: a retry is answered from the
                    // dedupe record (direct messages, votes) at worst.
                    tracing::warn!(error = %e, "matrix: cannot mark an event done");
                }
                return if acted {
                    Handled::Acted(Some(key))
                } else {
                    Handled::Quiet(Some(key))
                };
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => "panicked".to_string(),
        };
        tracing::error!(
            reason = %why,
            tries = tries + 1,
            of = EVENT_TRIES,
            "matrix: an event failed"
        );
        if tries + 1 >= EVENT_TRIES {
            self.give_up(&key).await
        } else {
            Handled::Retry
        }
    }

    async fn give_up(&mut self, key: &str) -> Handled {
        match self.gather.set_chat_state(key, Some("failed")).await {
            Ok(()) => {
                tracing::error!(
                    "matrix: an event failed too often; recorded as failed and skipped"
                );
                Handled::Skipped
            }
            Err(e) => {
                tracing::warn!(error = %e, "matrix: cannot record a failed event; will retry");
                Handled::Retry
            }
        }
    }

    async fn handle(&mut self, incoming: Incoming) -> Result<bool, MatrixError> {
        match incoming {
            Incoming::Membership { room } => {
                self.members.remove(&room);
                Ok(false)
            }
            Incoming::TooLong {
                room,
                sender,
                event_id,
            } => {
                if self.member_count(&room).await? <= 2 {
                    let _ = sender;
                    let text = self.gather.engine.locales().format(
                        self.gather.engine.locales().default_language(),
                        "help",
                        &Default::default(),
                    );
                    self.say(&room, &text, &txn_id(&event_id, 0)).await?;
                }
                Ok(false)
            }
            Incoming::Text {
                room,
                sender,
                event_id,
                body,
            } => {
                if self.member_count(&room).await? <= 2 {
                    self.direct(&room, &sender, &event_id, &body).await
                } else {
                    self.group_text(&room, &sender, &event_id, &body).await
                }
            }
            Incoming::Reaction {
                room,
                sender,
                event_id,
                relates_to,
                key,
            } => {
                let Some(n) = keycap_number(&key) else {
                    return Ok(false);
                };
                let Some(round) = self.gather.chat_state(&post_key(&relates_to)).await? else {
                    return Ok(false);
                };
                let Ok(round) = round.parse::<i64>() else {
                    return Ok(false);
                };
                self.vote(&room, &sender, &event_id, round, n, None).await
            }
        }
    }

    /// A direct room: the same flows as SMS.
    async fn direct(
        &mut self,
        room: &str,
        sender: &str,
        event_id: &str,
        body: &str,
    ) -> Result<bool, MatrixError> {
        let reply = self
            .gather
            .handle_inbound(InboundMessage {
                identity: Identity {
                    kind: IdentityKind::Matrix,
                    address: sender.to_string(),
                },
                channel: Channel::Matrix,
                content: Content::Text(body.to_string()),
                provider_id: Some(("matrix".to_string(), event_id.to_string())),
                language_hint: None,
            })
            .await?;
        // Remember the room, so notices from the outbox come here too
        // (not after a FORGET, which has just erased it).
        let forgotten = reply
            .events
            .iter()
            .any(|e| matches!(e, crate::engine::Event::Forgotten));
        let key = format!("matrix:dm:{sender}");
        if !forgotten && self.gather.chat_state(&key).await?.as_deref() != Some(room) {
            self.gather.set_chat_state(&key, Some(room)).await?;
        }
        // A replayed event is answered again with the same transaction ids:
        // the homeserver recognises them and sends nothing twice.
        for (i, m) in reply.messages.iter().enumerate() {
            self.say(room, m, &txn_id(event_id, i)).await?;
        }
        Ok(true)
    }

    /// A group room: organiser commands and ballot numbers; anything else
    /// is the group's own conversation and is left alone.
    async fn group_text(
        &mut self,
        room: &str,
        sender: &str,
        event_id: &str,
        body: &str,
    ) -> Result<bool, MatrixError> {
        let command = body.trim().to_lowercase();
        let organiser = self.organisers.iter().any(|o| o == sender);
        if command == "!round post" || command == "!round results" {
            if !organiser {
                return Ok(false);
            }
            if command == "!round post" {
                return self.post_round(room, event_id).await;
            }
            return self.post_results_now(room, event_id).await;
        }
        let Some(n) = bare_number(body) else {
            return Ok(false);
        };
        // Only in a room where the open round was posted.
        let Some(round) = self.gather.open_round_now().await? else {
            return Ok(false);
        };
        if self
            .gather
            .chat_state(&round_key(round.id, room))
            .await?
            .is_none()
        {
            return Ok(false);
        }
        self.vote(room, sender, event_id, round.id, n, Some(event_id))
            .await
    }

    async fn vote(
        &mut self,
        room: &str,
        sender: &str,
        event_id: &str,
        round: i64,
        n: u32,
        react_to: Option<&str>,
    ) -> Result<bool, MatrixError> {
        let identity = Identity {
            kind: IdentityKind::Matrix,
            address: sender.to_string(),
        };
        let outcome = self
            .gather
            .cast_vote_direct(
                &identity,
                Channel::Matrix,
                Some(round),
                n,
                Some(("matrix", event_id)),
            )
            .await?;
        match outcome {
            ChatVote::Counted { replaced, .. } => {
                tracing::info!(round, replaced, "matrix: vote counted");
                if let Some(target) = react_to {
                    self.react(room, target, "✅", &txn_id(event_id, 0)).await?;
                }
                Ok(true)
            }
            ChatVote::Duplicate => Ok(false),
            ChatVote::NoRound { text }
            | ChatVote::OutOfRange { text }
            | ChatVote::VotedBefore { text } => {
                self.say(room, &text, &txn_id(event_id, 0)).await?;
                Ok(true)
            }
        }
    }

    async fn post_round(&mut self, room: &str, cause: &str) -> Result<bool, MatrixError> {
        let Some(round) = self.gather.open_round_now().await? else {
            let text = self.gather.engine.locales().format(
                self.gather.engine.locales().default_language(),
                "vote-no-round",
                &Default::default(),
            );
            self.say(room, &text, &txn_id(cause, 0)).await?;
            return Ok(true);
        };
        let text = self.gather.shortlist_text(&round);
        let posted = self.say(room, &text, &txn_id(cause, 0)).await?;
        if !posted.is_empty() {
            self.gather
                .set_chat_state(&post_key(&posted), Some(&round.id.to_string()))
                .await?;
        }
        if self
            .gather
            .chat_state(&round_key(round.id, room))
            .await?
            .is_none()
        {
            self.gather
                .set_chat_state(&round_key(round.id, room), Some("posted"))
                .await?;
        }
        tracing::info!(round = round.id, "matrix: shortlist posted");
        Ok(true)
    }

    /// `!round results`: the results of the latest round posted here, if
    /// it has closed.
    async fn post_results_now(&mut self, room: &str, cause: &str) -> Result<bool, MatrixError> {
        let mut latest: Option<i64> = None;
        for (key, _) in self.gather.chat_states("matrix:round:").await? {
            if let Some((id, r)) = parse_round_key(&key)
                && r == room
            {
                latest = latest.max(Some(id));
            }
        }
        let Some(id) = latest else { return Ok(false) };
        let Some(round) = self.gather.find_round(id).await? else {
            return Ok(false);
        };
        if round.status != RoundStatus::Closed {
            let text = self.gather.shortlist_text(&round);
            self.say(room, &text, &txn_id(cause, 0)).await?;
            return Ok(true);
        }
        let results = self.gather.round_results(id).await?;
        let text = self.gather.results_text(&round, &results);
        self.say(room, &text, &txn_id(cause, 0)).await?;
        self.gather
            .set_chat_state(&round_key(id, room), Some("results"))
            .await?;
        Ok(true)
    }

    /// Posts the results of closed rounds in the rooms they were posted to,
    /// once each.
    pub async fn post_due_results(&mut self) -> Result<usize, MatrixError> {
        let mut posted = 0;
        let mut status: HashMap<i64, bool> = HashMap::new();
        for (key, value) in self.gather.chat_states("matrix:round:").await? {
            if value != "posted" {
                continue;
            }
            let Some((id, room)) = parse_round_key(&key) else {
                continue;
            };
            let closed = match status.get(&id) {
                Some(c) => *c,
                None => {
                    let c = self
                        .gather
                        .find_round(id)
                        .await?
                        .is_some_and(|r| r.status == RoundStatus::Closed);
                    status.insert(id, c);
                    c
                }
            };
            if !closed {
                continue;
            }
            let Some(round) = self.gather.find_round(id).await? else {
                continue;
            };
            let results = self.gather.round_results(id).await?;
            let text = self.gather.results_text(&round, &results);
            self.say(room, &text, &txn_id(&key, 0)).await?;
            self.gather.set_chat_state(&key, Some("results")).await?;
            posted += 1;
        }
        Ok(posted)
    }

    /// Syncs until `shutdown` turns true, backing off after errors.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut backoff = Duration::from_secs(1);
        loop {
            if *shutdown.borrow() {
                return;
            }
            let result = tokio::select! {
                r = self.sync_once() => r,
                _ = shutdown.changed() => return,
            };
            let wait = match result {
                Ok(_) => {
                    backoff = Duration::from_secs(1);
                    continue;
                }
                Err(MatrixError::RateLimited(d)) => d,
                Err(e) => {
                    tracing::warn!(error = %e, ?backoff, "matrix: sync failed; retrying");
                    let w = backoff;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    w
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

fn parse_round_key(key: &str) -> Option<(i64, &str)> {
    let rest = key.strip_prefix("matrix:round:")?;
    let (id, room) = rest.split_once(':')?;
    Some((id.parse().ok()?, room))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYNC: &str = r#"{
      "next_batch": "s72595_4483_1934",
      "account_data": {"events": []},
      "presence": {"events": []},
      "rooms": {
        "invite": {
          "!696r7674:example.com": {
            "invite_state": {"events": [
              {"content": {"name": "My Room Name"}, "sender": "@alice:example.com",
               "state_key": "", "type": "m.room.name"},
              {"content": {"membership": "invite", "is_direct": true}, "sender": "@alice:example.com",
               "state_key": "@gather:example.com", "type": "m.room.member"}
            ]}
          }
        },
        "join": {
          "!726s6s6q:example.com": {
            "summary": {"m.heroes": ["@alice:example.com"], "m.joined_member_count": 2},
            "state": {"events": []},
            "timeline": {"events": [
              {"content": {"membership": "join"}, "event_id": "$143273582443PhrSn:example.org",
               "origin_server_ts": 1432735824653, "sender": "@alice:example.com",
               "state_key": "@alice:example.com", "type": "m.room.member", "unsigned": {"age": 1234}},
              {"content": {"body": "My clinic closes at 4pm every day", "msgtype": "m.text"},
               "event_id": "$143273582443PhrSo:example.org", "origin_server_ts": 1432735824653,
               "sender": "@alice:example.com", "type": "m.room.message"},
              {"content": {"body": "* fixed", "msgtype": "m.text",
                 "m.new_content": {"body": "fixed", "msgtype": "m.text"},
                 "m.relates_to": {"rel_type": "m.replace", "event_id": "$143273582443PhrSo:example.org"}},
               "event_id": "$edit:example.org", "sender": "@alice:example.com", "type": "m.room.message"},
              {"content": {"body": "Gather here", "msgtype": "m.notice"},
               "event_id": "$mine:example.org", "sender": "@gather:example.com", "type": "m.room.message"},
              {"content": {"body": "cat.png", "msgtype": "m.image", "url": "mxc://example.org/abc"},
               "event_id": "$img:example.org", "sender": "@alice:example.com", "type": "m.room.message"},
              {"content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$post:example.org", "key": "2️⃣"}},
               "event_id": "$react:example.org", "sender": "@bob:example.com", "type": "m.reaction"},
              {"content": {}, "redacts": "$react:example.org", "event_id": "$redact:example.org",
               "sender": "@bob:example.com", "type": "m.room.redaction"},
              {"content": {"body": "> <@bob:example.com> which one?\n\n2", "msgtype": "m.text",
                 "format": "org.matrix.custom.html",
                 "formatted_body": "<mx-reply>…</mx-reply>2",
                 "m.relates_to": {"m.in_reply_to": {"event_id": "$q:example.org"}}},
               "event_id": "$reply:example.org", "sender": "@carol:example.com", "type": "m.room.message"},
              {"content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEn…"},
               "event_id": "$enc:example.org", "sender": "@alice:example.com", "type": "m.room.encrypted"}
            ], "limited": false, "prev_batch": "t34-23535_0_0"}
          }
        }
      }
    }"#;

    fn parsed() -> Vec<Incoming> {
        let sync: SyncResponse = serde_json::from_str(SYNC).unwrap();
        assert_eq!(sync.next_batch, "s72595_4483_1934");
        assert_eq!(sync.rooms.invite.len(), 1);
        let (room, joined) = sync.rooms.join.iter().next().unwrap();
        joined
            .timeline
            .events
            .iter()
            .filter_map(|e| classify(room, e, "@gather:example.com"))
            .collect()
    }

    #[test]
    fn sync_events_are_classified() {
        let room = "!726s6s6q:example.com".to_string();
        assert_eq!(
            parsed(),
            vec![
                Incoming::Membership { room: room.clone() },
                Incoming::Text {
                    room: room.clone(),
                    sender: "@alice:example.com".into(),
                    event_id: "$143273582443PhrSo:example.org".into(),
                    body: "My clinic closes at 4pm every day".into(),
                },
                Incoming::Reaction {
                    room: room.clone(),
                    sender: "@bob:example.com".into(),
                    event_id: "$react:example.org".into(),
                    relates_to: "$post:example.org".into(),
                    key: "2️⃣".into(),
                },
                Incoming::Text {
                    room,
                    sender: "@carol:example.com".into(),
                    event_id: "$reply:example.org".into(),
                    body: "2".into(),
                },
            ]
        );
    }

    #[test]
    fn an_empty_sync_parses() {
        let sync: SyncResponse = serde_json::from_str(r#"{"next_batch": "s1"}"#).unwrap();
        assert!(sync.rooms.join.is_empty());
    }

    #[test]
    fn huge_messages_are_not_read() {
        let ev = RawEvent {
            kind: "m.room.message".into(),
            sender: "@a:x".into(),
            event_id: "$e".into(),
            content: json!({"msgtype": "m.text", "body": "x".repeat(MAX_BODY_CHARS + 1)}),
            state_key: None,
        };
        assert!(matches!(
            classify("!r", &ev, "@bot:x"),
            Some(Incoming::TooLong { .. })
        ));
    }

    #[test]
    fn keycaps_and_numbers() {
        assert_eq!(keycap_number("1️⃣"), Some(1));
        assert_eq!(keycap_number("3\u{20e3}"), Some(3));
        assert_eq!(keycap_number("🔟"), Some(10));
        assert_eq!(keycap_number("0️⃣"), None);
        assert_eq!(keycap_number("👍"), None);
        assert_eq!(keycap_number("12"), None);
        for n in 1..=10 {
            assert_eq!(keycap_number(&keycap(n).unwrap()), Some(n));
        }
        assert_eq!(bare_number(" 2 "), Some(2));
        assert_eq!(bare_number("2."), Some(2));
        assert_eq!(bare_number("vote 2"), None);
        assert_eq!(bare_number("12345"), None);
    }

    #[test]
    fn txn_ids_are_stable_and_path_safe() {
        let a = txn_id("$abc/def+ghi:example.org", 0);
        assert_eq!(a, txn_id("$abc/def+ghi:example.org", 0));
        assert_ne!(a, txn_id("$abc/def+ghi:example.org", 1));
        assert_eq!(encode(&a), a);
        assert_eq!(encode("!a:b c"), "%21a%3Ab%20c");
        assert_eq!(mask_user("@alice:example.org"), "@al…:example.org");
        assert_eq!(
            parse_round_key("matrix:round:7:!abc:example.org"),
            Some((7, "!abc:example.org"))
        );
    }
}
