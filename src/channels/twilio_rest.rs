//! Sending through Twilio's REST Messages API (and the many UK providers
//! that copy it): `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`.

use crate::outbox::{Accepted, Outgoing, SendError, Sender};
use async_trait::async_trait;
use std::time::Duration;

/// Twilio's error code for "the recipient has unsubscribed".
pub const UNSUBSCRIBED: i64 = 21610;

#[derive(Clone)]
pub struct TwilioSender {
    client: reqwest::Client,
    api_base: String,
    account_sid: String,
    auth_token: String,
    /// A number (`+44…`) or a Messaging Service SID (`MG…`).
    from: String,
    status_callback: Option<String>,
}

impl std::fmt::Debug for TwilioSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioSender")
            .field("api_base", &self.api_base)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("from", &self.from)
            .finish()
    }
}

impl TwilioSender {
    pub fn new(
        api_base: &str,
        account_sid: &str,
        auth_token: &str,
        from: &str,
        status_callback: Option<String>,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        super::install_crypto_provider();
        Ok(TwilioSender {
            client: reqwest::Client::builder().timeout(timeout).build()?,
            api_base: api_base.trim_end_matches('/').to_string(),
            account_sid: account_sid.to_string(),
            auth_token: auth_token.to_string(),
            from: from.to_string(),
            status_callback,
        })
    }
}

#[derive(serde::Deserialize)]
struct MessageResource {
    sid: String,
}

#[derive(serde::Deserialize, Default)]
struct ErrorResource {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

#[async_trait]
impl Sender for TwilioSender {
    fn name(&self) -> &'static str {
        "twilio"
    }

    fn rate_key(&self) -> String {
        self.from.clone()
    }

    async fn send(&self, msg: &Outgoing) -> Result<Accepted, SendError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.api_base, self.account_sid
        );
        let mut form: Vec<(&str, &str)> = vec![("To", &msg.to), ("Body", &msg.text)];
        if self.from.starts_with("MG") {
            form.push(("MessagingServiceSid", &self.from));
        } else {
            form.push(("From", &self.from));
        }
        if let Some(cb) = &self.status_callback {
            form.push(("StatusCallback", cb));
        }
        let resp = self
            .client
            .post(&url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(|e| SendError::Retry {
                reason: format!("request failed: {}", without_url(&e)),
                after: None,
            })?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = resp.text().await.unwrap_or_default();
        if status.is_success() {
            return serde_json::from_str::<MessageResource>(&body)
                .map(|m| Accepted { provider_id: m.sid })
                .map_err(|e| SendError::Retry {
                    reason: format!("unreadable response: {e}"),
                    after: None,
                });
        }
        let err: ErrorResource = serde_json::from_str(&body).unwrap_or_default();
        let reason = format!(
            "HTTP {}{}{}",
            status.as_u16(),
            err.code.map(|c| format!(" code {c}")).unwrap_or_default(),
            err.message.map(|m| format!(": {m}")).unwrap_or_default()
        );
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::Retry {
                reason,
                after: retry_after,
            })
        } else {
            Err(SendError::Permanent {
                reason,
                opted_out: err.code == Some(UNSUBSCRIBED),
            })
        }
    }
}

/// reqwest errors print the URL, which carries the account SID: keep the
/// kind of failure only.
fn without_url(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        e.without_url_ref()
    }
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut s = self.to_string();
        if let Some(u) = self.url() {
            s = s.replace(u.as_str(), "[url]");
        }
        s
    }
}
