//! Rounds posted into Discord channels, and their results.
//!
//! With a bot token, `/round post` posts the shortlist as an ordinary
//! channel message (`POST /channels/{channel}/messages`, one button per
//! issue) instead of as the interaction's answer, and remembers it in the
//! chat state as `discord:round:<round>:<channel>:<message>` = `posted`.
//! The elected leader checks those every [`RESULTS_INTERVAL`]
//! ([`post_due_results`]): once a round has closed (by the round timer, an
//! organiser, another instance), it edits the message to disable its buttons
//! (`PATCH /channels/{channel}/messages/{message}`) and replies to it with
//! the results, then marks it `results`. A temporary failure (network, 429,
//! 5xx) leaves it `posted` for the next check; the results reply carries an
//! enforced nonce, so a retry is not posted twice. A channel or message the
//! bot cannot reach any more is marked `gone` and left alone.
//!
//! Nothing here logs the token or full ids.

use crate::http::discord::{clip_content, shortlist_components};
use crate::service::Gather;
use crate::store::{Round, RoundId, RoundStatus};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::watch;

/// How often the leader looks for closed rounds whose results are unposted.
pub const RESULTS_INTERVAL: Duration = Duration::from_secs(15);
/// Chat-state prefix of posted rounds.
pub const ROUND_PREFIX: &str = "discord:round:";

/// The chat-state key of a shortlist posted as `message` in `channel`.
pub fn round_key(round: RoundId, channel: &str, message: &str) -> String {
    format!("{ROUND_PREFIX}{round}:{channel}:{message}")
}

/// `(round, channel, message)` from a key made by [`round_key`].
pub fn parse_round_key(key: &str) -> Option<(RoundId, &str, &str)> {
    let rest = key.strip_prefix(ROUND_PREFIX)?;
    let mut parts = rest.splitn(3, ':');
    let round = parts.next()?.parse().ok()?;
    let channel = parts.next().filter(|s| !s.is_empty())?;
    let message = parts.next().filter(|s| !s.is_empty())?;
    Some((round, channel, message))
}

/// The last four characters of an id, for logs.
fn tail(id: &str) -> String {
    let n = id.chars().count();
    let t: String = id.chars().skip(n.saturating_sub(4)).collect();
    format!("…{t}")
}

/// What a REST call came to.
#[derive(Debug)]
pub enum RestError {
    /// Network trouble, a 429 or a 5xx: try again later.
    Temporary(String),
    /// Any other refusal (403 missing access, 404 unknown channel …).
    Refused { status: u16, code: i64 },
}

impl std::fmt::Display for RestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RestError::Temporary(r) => write!(f, "temporary: {r}"),
            RestError::Refused { status, code } => write!(f, "refused: {status} {code}"),
        }
    }
}

/// Discord's REST API with the bot token, for channel messages.
pub struct DiscordRest {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl std::fmt::Debug for DiscordRest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordRest")
            .field("base", &self.base)
            .field("token", &"[redacted]")
            .finish()
    }
}

impl DiscordRest {
    /// `api_base` is Discord's ([`super::chat_send::DEFAULT_DISCORD_API_BASE`])
    /// or a stand-in.
    pub fn new(api_base: &str, bot_token: &str, timeout: Duration) -> reqwest::Result<Self> {
        super::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent("DiscordBot (https://github.com/gather, 1)")
            .build()?;
        Ok(DiscordRest {
            http,
            base: api_base.trim_end_matches('/').to_string(),
            token: bot_token.to_string(),
        })
    }

    /// One call; the JSON answer of a 2xx.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, RestError> {
        let resp = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Bot {}", self.token))
            .json(body)
            .send()
            .await
            .map_err(|e| RestError::Temporary(format!("network: {}", e.without_url())))?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .map_err(|e| RestError::Temporary(format!("network: {}", e.without_url())))?;
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(v);
        }
        if status == 429 || status == 408 || status >= 500 {
            return Err(RestError::Temporary(format!("status {status}")));
        }
        Err(RestError::Refused {
            status,
            code: v.get("code").and_then(Value::as_i64).unwrap_or(0),
        })
    }

    /// Posts `round`'s shortlist in `channel` with one button per issue,
    /// and remembers it for the results. The posted message's id.
    pub async fn post_shortlist(
        &self,
        gather: &Gather,
        channel: &str,
        round: &Round,
        nonce: Option<&str>,
    ) -> Result<String, RestError> {
        let mut body = json!({
            "content": clip_content(&gather.shortlist_text(round)),
            "components": shortlist_components(round, false),
            "allowed_mentions": {"parse": []},
        });
        if let Some(n) = nonce.filter(|n| !n.is_empty() && n.len() <= 25) {
            body["nonce"] = json!(n);
            body["enforce_nonce"] = json!(true);
        }
        let v = self
            .call(
                reqwest::Method::POST,
                &format!("/channels/{}/messages", super::matrix::encode(channel)),
                &body,
            )
            .await?;
        let Some(message) = v.get("id").and_then(Value::as_str) else {
            return Err(RestError::Temporary("no message id in the answer".into()));
        };
        gather
            .set_chat_state(&round_key(round.id, channel, message), Some("posted"))
            .await
            .map_err(|e| RestError::Temporary(format!("store: {e}")))?;
        tracing::info!(
            round = round.id,
            channel = %tail(channel),
            "discord: shortlist posted"
        );
        Ok(message.to_string())
    }

    /// Disables the buttons of a posted shortlist and replies with the
    /// results.
    async fn post_results(
        &self,
        gather: &Gather,
        round: &Round,
        channel: &str,
        message: &str,
    ) -> Result<(), ResultsError> {
        let path = format!(
            "/channels/{}/messages/{}",
            super::matrix::encode(channel),
            super::matrix::encode(message)
        );
        match self
            .call(
                reqwest::Method::PATCH,
                &path,
                &json!({"components": shortlist_components(round, true)}),
            )
            .await
        {
            Ok(_) => {}
            Err(RestError::Temporary(r)) => return Err(ResultsError::Temporary(r)),
            // The message was deleted: the results are still worth posting.
            Err(e @ RestError::Refused { .. }) => {
                tracing::info!(round = round.id, error = %e, "discord: cannot edit the posted round");
            }
        }
        let results = gather
            .round_results(round.id)
            .await
            .map_err(|e| ResultsError::Temporary(format!("store: {e}")))?;
        let nonce: String = format!("r{message}").chars().take(25).collect();
        let body = json!({
            "content": clip_content(&gather.results_text(round, &results)),
            "allowed_mentions": {"parse": []},
            "message_reference": {"message_id": message, "fail_if_not_exists": false},
            "nonce": nonce,
            "enforce_nonce": true,
        });
        match self
            .call(
                reqwest::Method::POST,
                &format!("/channels/{}/messages", super::matrix::encode(channel)),
                &body,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(RestError::Temporary(r)) => Err(ResultsError::Temporary(r)),
            Err(e @ RestError::Refused { .. }) => Err(ResultsError::Gone(e.to_string())),
        }
    }
}

enum ResultsError {
    Temporary(String),
    Gone(String),
}

/// Posts the results of closed rounds under the shortlists posted for them,
/// once each: how many were posted.
/// The nonce of a round's shortlist in a channel: the same for every post
/// of that round there (25 characters, Discord's limit).
pub fn shortlist_nonce(round: i64, channel: &str) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(format!("gather-shortlist:{round}:{channel}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("s{}", &hex[..24])
}

pub async fn post_due_results(
    gather: &Gather,
    rest: &DiscordRest,
) -> crate::service::Result<usize> {
    let mut posted = 0;
    let mut rounds: std::collections::HashMap<RoundId, Option<Round>> = Default::default();
    for (key, value) in gather.chat_states(ROUND_PREFIX).await? {
        if value != "posted" {
            continue;
        }
        let Some((id, channel, message)) = parse_round_key(&key) else {
            continue;
        };
        let round = match rounds.get(&id) {
            Some(r) => r.clone(),
            None => {
                let r = gather.find_round(id).await?;
                rounds.insert(id, r.clone());
                r
            }
        };
        let Some(round) = round else {
            gather.set_chat_state(&key, Some("gone")).await?;
            continue;
        };
        if round.status != RoundStatus::Closed {
            continue;
        }
        match rest.post_results(gather, &round, channel, message).await {
            Ok(()) => {
                gather.set_chat_state(&key, Some("results")).await?;
                tracing::info!(round = id, channel = %tail(channel), "discord: results posted");
                posted += 1;
            }
            Err(ResultsError::Temporary(r)) => {
                tracing::warn!(round = id, reason = %r, "discord: posting results failed; will try again");
            }
            Err(ResultsError::Gone(r)) => {
                tracing::warn!(
                    round = id,
                    channel = %tail(channel),
                    reason = %r,
                    "discord: cannot post results in that channel; giving up"
                );
                gather.set_chat_state(&key, Some("gone")).await?;
            }
        }
    }
    Ok(posted)
}

/// Every `every`, posts due results, until `stopped` turns true.
pub async fn run(
    gather: Gather,
    rest: std::sync::Arc<DiscordRest>,
    mut stopped: watch::Receiver<bool>,
    every: Duration,
) {
    loop {
        if let Err(e) = post_due_results(&gather, &rest).await {
            tracing::warn!(error = %e, "discord: cannot check rounds for results");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            r = stopped.wait_for(|s| *s) => {
                let _ = r;
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_keys_round_trip() {
        let k = round_key(7, "645027906669510667", "1000");
        assert_eq!(k, "discord:round:7:645027906669510667:1000");
        assert_eq!(parse_round_key(&k), Some((7, "645027906669510667", "1000")));
        assert_eq!(parse_round_key("discord:round:x:1:2"), None);
        assert_eq!(parse_round_key("discord:round:1:2:"), None);
        assert_eq!(parse_round_key("discord:dm:1"), None);
        assert_eq!(tail("645027906669510667"), "…0667");
    }

    #[test]
    fn the_token_is_never_shown() {
        let r =
            DiscordRest::new("http://127.0.0.1:9", "secret-token", Duration::from_secs(1)).unwrap();
        assert!(!format!("{r:?}").contains("secret-token"));
    }
}
