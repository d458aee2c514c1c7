//! Outbox senders for the community chat channels: Board updates, round
//! results and other notices for people whose identity is a Matrix or
//! Discord account.
//!
//! * [`MatrixSender`] sends an `m.notice` to the person's direct room with
//!   the bot: the one the bot answered them in (remembered as
//!   `matrix:dm:<user>`), else a new one it creates and invites them to.
//!   The transaction id comes from the outbox id, so a retried send is the
//!   same event and the person sees it once.
//! * [`DiscordSender`] opens (or reuses) the DM channel with the user
//!   (`POST /users/@me/channels`, remembered as `discord:dm:<user>`) and
//!   posts the text (`POST /channels/{id}/messages`) with the outbox id as
//!   an enforced nonce, so a retry within Discord's nonce window is not
//!   posted twice.
//!
//! Neither logs tokens or full user ids.

use super::matrix::{MatrixAuth, MatrixConfig, encode, mask_user, txn_id};
use crate::outbox::{Accepted, Outgoing, SendError, Sender};
use crate::service::Gather;
use async_trait::async_trait;
use serde_json::{Value, json};
use std::time::Duration;

/// Discord's REST API, version 10.
pub const DEFAULT_DISCORD_API_BASE: &str = "https://discord.com/api/v10";
/// Discord's limit for a message's content.
const DISCORD_MAX_CONTENT: usize = 2000;
/// The longest `retry_after` honoured before the outbox's own backoff.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

fn dm_key(channel: &str, user: &str) -> String {
    format!("{channel}:dm:{user}")
}

fn network(e: reqwest::Error) -> SendError {
    SendError::Retry {
        reason: format!("network: {}", e.without_url()),
        after: None,
    }
}

fn store_error(e: crate::service::ServiceError) -> SendError {
    SendError::Retry {
        reason: format!("store: {e}"),
        after: None,
    }
}

/// What an HTTP status means for a send: 429 and 5xx are temporary, other
/// 4xx permanent.
fn classify(status: u16, reason: String, after: Option<Duration>) -> SendError {
    if status == 429 || status == 408 || status >= 500 {
        SendError::Retry { reason, after }
    } else {
        SendError::Permanent {
            reason,
            opted_out: false,
        }
    }
}

async fn read_json(resp: reqwest::Response) -> Result<(u16, Value), SendError> {
    let status = resp.status().as_u16();
    let text = resp.text().await.map_err(network)?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

// --- Matrix ------------------------------------------------------------------

/// Sends notices to Matrix users through the bot account.
pub struct MatrixSender {
    gather: Gather,
    http: reqwest::Client,
    base: String,
    auth: MatrixAuth,
    /// The access token (signed in lazily with a password).
    token: tokio::sync::Mutex<Option<String>>,
}

impl MatrixSender {
    pub fn new(gather: Gather, config: &MatrixConfig, timeout: Duration) -> reqwest::Result<Self> {
        super::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        let token = match &config.auth {
            MatrixAuth::AccessToken(t) => Some(t.clone()),
            MatrixAuth::Password { .. } => None,
        };
        Ok(MatrixSender {
            gather,
            http,
            base: config.homeserver.trim_end_matches('/').to_string(),
            auth: config.auth.clone(),
            token: tokio::sync::Mutex::new(token),
        })
    }

    async fn token(&self) -> Result<String, SendError> {
        let mut guard = self.token.lock().await;
        if let Some(t) = guard.as_ref() {
            return Ok(t.clone());
        }
        let MatrixAuth::Password { user, password } = &self.auth else {
            return Err(SendError::Permanent {
                reason: "matrix: no access token".into(),
                opted_out: false,
            });
        };
        let (status, v) = self
            .call(
                reqwest::Method::POST,
                "/login",
                None,
                Some(json!({
                    "type": "m.login.password",
                    "identifier": {"type": "m.id.user", "user": user},
                    "password": password,
                    "device_id": "GATHER_OUTBOX",
                    "initial_device_display_name": "Gather outbox",
                })),
            )
            .await?;
        let Some(t) = v.get("access_token").and_then(Value::as_str) else {
            return Err(self.error(status, &v, "login"));
        };
        *guard = Some(t.to_string());
        Ok(t.to_string())
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value), SendError> {
        let mut req = self
            .http
            .request(method, format!("{}/_matrix/client/v3{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        read_json(req.send().await.map_err(network)?).await
    }

    fn error(&self, status: u16, v: &Value, what: &str) -> SendError {
        let errcode = v.get("errcode").and_then(Value::as_str).unwrap_or("");
        let after = v
            .get("retry_after_ms")
            .and_then(Value::as_u64)
            .map(|ms| Duration::from_millis(ms).min(MAX_RETRY_AFTER));
        let status = if errcode == "M_LIMIT_EXCEEDED" {
            429
        } else {
            status
        };
        classify(status, format!("matrix {what}: {status} {errcode}"), after)
    }

    /// The person's direct room with the bot: remembered, else created.
    async fn dm_room(&self, token: &str, user: &str) -> Result<String, SendError> {
        let key = dm_key("matrix", user);
        if let Some(room) = self.gather.chat_state(&key).await.map_err(store_error)? {
            return Ok(room);
        }
        let (status, v) = self
            .call(
                reqwest::Method::POST,
                "/createRoom",
                Some(token),
                Some(json!({
                    "preset": "trusted_private_chat",
                    "is_direct": true,
                    "invite": [user],
                })),
            )
            .await?;
        let Some(room) = v.get("room_id").and_then(Value::as_str) else {
            return Err(self.error(status, &v, "createRoom"));
        };
        self.gather
            .set_chat_state(&key, Some(room))
            .await
            .map_err(store_error)?;
        tracing::info!(user = %mask_user(user), "matrix: opened a direct room");
        Ok(room.to_string())
    }
}

#[async_trait]
impl Sender for MatrixSender {
    fn name(&self) -> &'static str {
        "matrix"
    }

    fn rate_key(&self) -> String {
        "matrix".into()
    }

    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let token = self.token().await?;
        let room = self.dm_room(&token, &msg.to).await?;
        let path = format!(
            "/rooms/{}/send/m.room.message/{}",
            encode(&room),
            encode(&txn_id(&format!("outbox:{}", msg.id), 0))
        );
        let (status, v) = self
            .call(
                reqwest::Method::PUT,
                &path,
                Some(&token),
                Some(json!({"msgtype": "m.notice", "body": msg.text})),
            )
            .await?;
        if let Some(event) = v.get("event_id").and_then(Value::as_str) {
            return Ok(Accepted {
                provider_id: event.to_string(),
            });
        }
        match status {
            // The token went stale: sign in again next time.
            401 if matches!(self.auth, MatrixAuth::Password { .. }) => {
                *self.token.lock().await = None;
                Err(SendError::Retry {
                    reason: "matrix: signed out".into(),
                    after: None,
                })
            }
            // The bot is no longer in that room (the person left it):
            // open a new one next time.
            403 => {
                self.gather
                    .set_chat_state(&dm_key("matrix", &msg.to), None)
                    .await
                    .map_err(store_error)?;
                Err(SendError::Retry {
                    reason: "matrix: not in the direct room any more".into(),
                    after: None,
                })
            }
            _ => Err(self.error(status, &v, "send")),
        }
    }
}

// --- Discord -----------------------------------------------------------------

/// Sends direct messages to Discord users with the bot token.
pub struct DiscordSender {
    gather: Gather,
    http: reqwest::Client,
    base: String,
    token: String,
}

impl DiscordSender {
    /// `api_base` is Discord's (`DEFAULT_DISCORD_API_BASE`) or a stand-in.
    pub fn new(
        gather: Gather,
        api_base: &str,
        bot_token: &str,
        timeout: Duration,
    ) -> reqwest::Result<Self> {
        super::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent("DiscordBot (https://github.com/gather, 1)")
            .build()?;
        Ok(DiscordSender {
            gather,
            http,
            base: api_base.trim_end_matches('/').to_string(),
            token: bot_token.to_string(),
        })
    }

    /// One REST call with the bot token.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value), SendError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Bot {}", self.token));
        if let Some(b) = body {
            req = req.json(&b);
        }
        read_json(req.send().await.map_err(network)?).await
    }

    /// A failed call's meaning, with Discord's `retry_after` (seconds).
    pub fn error(status: u16, v: &Value, what: &str) -> SendError {
        let after = v
            .get("retry_after")
            .and_then(Value::as_f64)
            .filter(|s| *s >= 0.0)
            // `from_secs_f64` panics on a value too big for a Duration.
            .map(|s| Duration::try_from_secs_f64(s).unwrap_or(MAX_RETRY_AFTER))
            .map(|d| d.min(MAX_RETRY_AFTER));
        let code = v.get("code").and_then(Value::as_i64).unwrap_or(0);
        classify(status, format!("discord {what}: {status} {code}"), after)
    }

    async fn dm_channel(&self, user: &str) -> Result<String, SendError> {
        let key = dm_key("discord", user);
        if let Some(ch) = self.gather.chat_state(&key).await.map_err(store_error)? {
            return Ok(ch);
        }
        let (status, v) = self
            .call(
                reqwest::Method::POST,
                "/users/@me/channels",
                Some(json!({"recipient_id": user})),
            )
            .await?;
        let Some(id) = v.get("id").and_then(Value::as_str) else {
            return Err(Self::error(status, &v, "create DM"));
        };
        self.gather
            .set_chat_state(&key, Some(id))
            .await
            .map_err(store_error)?;
        Ok(id.to_string())
    }
}

/// Text cut to Discord's limit.
pub fn clip(s: &str) -> String {
    if s.chars().count() <= DISCORD_MAX_CONTENT {
        return s.to_string();
    }
    let mut out: String = s.chars().take(DISCORD_MAX_CONTENT - 1).collect();
    out.push('…');
    out
}

#[async_trait]
impl Sender for DiscordSender {
    fn name(&self) -> &'static str {
        "discord"
    }

    fn rate_key(&self) -> String {
        "discord".into()
    }

    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let channel = self.dm_channel(&msg.to).await?;
        let (status, v) = self
            .call(
                reqwest::Method::POST,
                &format!("/channels/{}/messages", encode(&channel)),
                Some(json!({
                    "content": clip(&msg.text),
                    "allowed_mentions": {"parse": []},
                    "nonce": msg.id.to_string(),
                    "enforce_nonce": true,
                })),
            )
            .await?;
        if let Some(id) = v.get("id").and_then(Value::as_str) {
            return Ok(Accepted {
                provider_id: id.to_string(),
            });
        }
        if status == 404 {
            // The DM channel is gone: open a new one next time.
            self.gather
                .set_chat_state(&dm_key("discord", &msg.to), None)
                .await
                .map_err(store_error)?;
            return Err(SendError::Retry {
                reason: "discord: DM channel not found".into(),
                after: None,
            });
        }
        Err(Self::error(status, &v, "send"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified() {
        assert!(matches!(
            DiscordSender::error(429, &json!({"retry_after": 1.5}), "send"),
            SendError::Retry { after: Some(d), .. } if d == Duration::from_millis(1500)
        ));
        assert!(matches!(
            DiscordSender::error(403, &json!({"code": 50007}), "send"),
            SendError::Permanent { .. }
        ));
        assert!(matches!(
            DiscordSender::error(502, &Value::Null, "send"),
            SendError::Retry { after: None, .. }
        ));
        assert_eq!(clip(&"x".repeat(3000)).chars().count(), 2000);
    }

    /// Discord's `retry_after` is provider input: a huge, negative or
    /// non-finite value is capped, never a panic.
    #[test]
    fn any_retry_after_is_capped_without_a_panic() {
        for v in [1e30, f64::MAX, 1e20] {
            assert!(
                matches!(
                    DiscordSender::error(429, &json!({"retry_after": v}), "send"),
                    SendError::Retry { after: Some(d), .. } if d == MAX_RETRY_AFTER
                ),
                "{v}"
            );
        }
        assert!(matches!(
            DiscordSender::error(429, &json!({"retry_after": -1.0}), "send"),
            SendError::Retry { after: None, .. }
        ));
    }
}
