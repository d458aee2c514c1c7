//! Sending through Twilio's REST Messages API (and the many UK providers
//! that copy it): `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`.
//!
//! After a crash, the outbox asks whether a message was accepted before
//! sending it again ([`Sender::already_sent`]): Twilio's list of Message
//! resources (`GET` on the same URL, filtered by `To`, `From` and
//! `DateSent>=`), matched on recipient, text and time.

use crate::domain::Timestamp;
use crate::outbox::{Accepted, Outgoing, SendError, Sender};
use async_trait::async_trait;
use std::time::Duration;

/// Twilio's error code for "the recipient has unsubscribed".
pub const UNSUBSCRIBED: i64 = 21610;
/// How far Twilio's clock may be behind ours, for the look-up.
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);
/// Messages per page of the look-up (Twilio's default).
const PAGE_SIZE: &str = "50";
/// Pages the look-up reads at most: a thousand messages to one person since
/// the attempt is far more than Gather sends anyone.
const MAX_PAGES: usize = 20;

#[derive(Clone)]
pub struct TwilioSender {
    client: reqwest::Client,
    api_base: String,
    account_sid: String,
    auth_token: String,
    /// A number (`+44…`) or a Messaging Service SID (`MG…`); for WhatsApp
    /// the sender as Twilio writes it (`whatsapp:+44…`) or a service.
    from: String,
    status_callback: Option<String>,
    /// Sends WhatsApp messages: `To` is `whatsapp:+44…`, and a message with
    /// a template goes as `ContentSid` and `ContentVariables`.
    whatsapp: bool,
}

impl std::fmt::Debug for TwilioSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioSender")
            .field("api_base", &self.api_base)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("from", &self.from)
            .field("whatsapp", &self.whatsapp)
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
            whatsapp: false,
        })
    }

    /// The same API, for WhatsApp: `from` is the WhatsApp sender (a number,
    /// with or without `whatsapp:`, or a Messaging Service SID).
    pub fn for_whatsapp(mut self) -> Self {
        if !self.via_service() {
            self.from = super::whatsapp::address(&self.from);
        }
        self.whatsapp = true;
        self
    }

    /// The recipient as Twilio writes it.
    fn to(&self, number: &str) -> String {
        if self.whatsapp {
            super::whatsapp::address(number)
        } else {
            number.to_string()
        }
    }
}

#[derive(serde::Deserialize)]
struct MessageResource {
    sid: String,
}

/// One page of Twilio's Message list.
#[derive(serde::Deserialize)]
struct MessagePage {
    #[serde(default)]
    messages: Vec<ListedMessage>,
    #[serde(default)]
    next_page_uri: Option<String>,
}

/// The fields of a listed Message resource the look-up needs.
#[derive(serde::Deserialize)]
struct ListedMessage {
    sid: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    messaging_service_sid: Option<String>,
    #[serde(default)]
    body: Option<String>,
    /// RFC 2822: `Mon, 23 Nov 2026 14:05:18 +0000`.
    #[serde(default)]
    date_created: Option<String>,
    /// `outbound-api` for messages created through this API (a TwiML
    /// reply is `outbound-reply`).
    #[serde(default)]
    direction: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct ErrorResource {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

impl TwilioSender {
    fn messages_url(&self) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.api_base, self.account_sid
        )
    }

    fn via_service(&self) -> bool {
        self.from.starts_with("MG")
    }

    /// Whether a listed message is `msg`, sent by us at or after `since`
    /// (milliseconds, skew already allowed for).
    fn is_copy(&self, m: &ListedMessage, msg: &Outgoing, since: i64) -> Option<i64> {
        let ours = if self.via_service() {
            m.messaging_service_sid.as_deref() == Some(self.from.as_str())
        } else {
            m.from.as_deref() == Some(self.from.as_str())
        };
        let created = m
            .date_created
            .as_deref()
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d.trim()).ok())
            .map(|d| d.timestamp_millis())?;
        // A template's body is the provider's rendering of it: matched on
        // recipient, sender and time only.
        (ours
            && m.to.as_deref() == Some(self.to(&msg.to).as_str())
            && (msg.template.is_some() || m.body.as_deref() == Some(msg.text.as_str()))
            && m.direction.as_deref().is_none_or(|d| d == "outbound-api")
            && created >= since)
            .then_some(created)
    }
}

/// A failed call's meaning: 429 and 5xx are temporary (after the provider's
/// `Retry-After`), other 4xx permanent.
fn classify(
    status: reqwest::StatusCode,
    body: &str,
    retry_after: Option<Duration>,
    whatsapp: bool,
) -> SendError {
    let err: ErrorResource = serde_json::from_str(body).unwrap_or_default();
    let reason = format!(
        "HTTP {}{}{}",
        status.as_u16(),
        err.code.map(|c| format!(" code {c}")).unwrap_or_default(),
        err.message.map(|m| format!(": {m}")).unwrap_or_default()
    );
    if status.as_u16() == 429 || status.is_server_error() {
        SendError::Retry {
            reason,
            after: retry_after,
        }
    } else {
        let unreachable = whatsapp && err.code.is_some_and(super::whatsapp::is_opt_out_code);
        SendError::Permanent {
            reason,
            opted_out: err.code == Some(UNSUBSCRIBED) || unreachable,
        }
    }
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
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
        let url = self.messages_url();
        let to = self.to(&msg.to);
        let mut form: Vec<(&str, &str)> = vec![("To", &to)];
        match &msg.template {
            Some(t) => {
                form.push(("ContentSid", &t.content_sid));
                form.push(("ContentVariables", &t.variables));
            }
            None => form.push(("Body", &msg.text)),
        }
        if self.via_service() {
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
            .map_err(|e| {
                if e.is_connect() {
                    // Nothing reached Twilio.
                    SendError::Retry {
                        reason: format!("request failed: {}", without_url(&e)),
                        after: None,
                    }
                } else {
                    // It may have been accepted: asked before it is sent
                    // again.
                    SendError::Unknown {
                        reason: format!("request failed: {}", without_url(&e)),
                    }
                }
            })?;
        let status = resp.status();
        let after = retry_after(&resp);
        let body = resp.text().await.unwrap_or_default();
        if status.is_success() {
            // Accepted, whatever the body says.
            return serde_json::from_str::<MessageResource>(&body)
                .map(|m| Accepted { provider_id: m.sid })
                .map_err(|e| SendError::Unknown {
                    reason: format!("unreadable response: {e}"),
                });
        }
        Err(classify(status, &body, after, self.whatsapp))
    }

    /// Twilio's list of Message resources: `To` the recipient, `From` our
    /// number (a Messaging Service's messages are listed without `From` and
    /// matched on `messaging_service_sid`), `DateSent>=` the day of `since`
    /// less [`CLOCK_SKEW`], every page; then the same recipient, text and
    /// sender, created at or after `since` less the skew.
    async fn already_sent(
        &self,
        msg: &Outgoing,
        since: Timestamp,
    ) -> Result<Vec<Accepted>, SendError> {
        let skew = i64::try_from(CLOCK_SKEW.as_millis()).unwrap_or(i64::MAX);
        let since = since.millis().saturating_sub(skew);
        let day = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(since)
            .unwrap_or_default()
            .format("%Y-%m-%d")
            .to_string();
        let to = self.to(&msg.to);
        let mut query: Vec<(&str, &str)> = vec![("To", &to)];
        if !self.via_service() {
            query.push(("From", &self.from));
        }
        query.push(("DateSent>", &day));
        query.push(("PageSize", PAGE_SIZE));
        let base = reqwest::Url::parse(&self.api_base).map_err(|e| SendError::Permanent {
            reason: format!("bad API base: {e}"),
            opted_out: false,
        })?;
        let mut found: Vec<(i64, String)> = Vec::new();
        let mut next: Option<reqwest::Url> = None;
        for _ in 0..MAX_PAGES {
            let request = match next.take() {
                None => self.client.get(self.messages_url()).query(&query),
                Some(url) => self.client.get(url),
            };
            let resp = request
                .basic_auth(&self.account_sid, Some(&self.auth_token))
                .send()
                .await
                .map_err(|e| SendError::Retry {
                    reason: format!("look-up failed: {}", without_url(&e)),
                    after: None,
                })?;
            let status = resp.status();
            let after = retry_after(&resp);
            let body = resp.text().await.map_err(|e| SendError::Retry {
                reason: format!("look-up failed: {}", without_url(&e)),
                after: None,
            })?;
            if !status.is_success() {
                return Err(match classify(status, &body, after, self.whatsapp) {
                    SendError::Permanent { reason, .. } => SendError::Permanent {
                        reason: format!("look-up: {reason}"),
                        opted_out: false,
                    },
                    SendError::Retry { reason, after } => SendError::Retry {
                        reason: format!("look-up: {reason}"),
                        after,
                    },
                    SendError::Unknown { reason } => SendError::Unknown {
                        reason: format!("look-up: {reason}"),
                    },
                });
            }
            let page: MessagePage = serde_json::from_str(&body).map_err(|e| SendError::Retry {
                reason: format!("unreadable look-up: {e}"),
                after: None,
            })?;
            found.extend(
                page.messages
                    .iter()
                    .filter_map(|m| self.is_copy(m, msg, since).map(|at| (at, m.sid.clone()))),
            );
            let Some(uri) = page.next_page_uri.filter(|u| !u.trim().is_empty()) else {
                found.sort();
                found.dedup_by(|a, b| a.1 == b.1);
                return Ok(found
                    .into_iter()
                    .map(|(_, provider_id)| Accepted { provider_id })
                    .collect());
            };
            // The next page's URI is relative to the API's host; it must not
            // take the credentials anywhere else.
            let url = base.join(&uri).ok().filter(|u| u.origin() == base.origin());
            let Some(url) = url else {
                return Err(SendError::Permanent {
                    reason: "look-up: the next page is on another host".into(),
                    opted_out: false,
                });
            };
            next = Some(url);
        }
        Err(SendError::Permanent {
            reason: format!("look-up: more than {MAX_PAGES} pages of messages"),
            opted_out: false,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sender(from: &str) -> TwilioSender {
        TwilioSender::new(
            "http://127.0.0.1:9",
            "AC1",
            "token",
            from,
            None,
            Duration::from_secs(1),
        )
        .unwrap()
    }

    fn listed(json: serde_json::Value) -> ListedMessage {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_listed_message_is_a_copy_only_if_everything_matches() {
        let msg = Outgoing {
            id: 7,
            to: "+447700900123".into(),
            text: "Your issue G-1001 is done".into(),
            template: None,
        };
        // 23 Nov 2026 14:05:18 UTC.
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-23T14:05:18Z")
            .unwrap()
            .timestamp_millis();
        let base = serde_json::json!({
            "sid": "SM1",
            "to": "+447700900123",
            "from": "+447700900000",
            "messaging_service_sid": null,
            "body": "Your issue G-1001 is done",
            "date_created": "Mon, 23 Nov 2026 14:05:18 +0000",
            "direction": "outbound-api",
            "status": "queued",
        });
        let with = |key: &str, value: serde_json::Value| {
            let mut v = base.clone();
            v[key] = value;
            listed(v)
        };
        let number = sender("+447700900000");
        assert_eq!(number.is_copy(&listed(base.clone()), &msg, at), Some(at));
        assert_eq!(number.is_copy(&listed(base.clone()), &msg, at + 1), None);
        for (key, value) in [
            ("to", "+447700900124"),
            ("from", "+447700900001"),
            ("body", "Your issue G-1001 is done!"),
            ("direction", "outbound-reply"),
            ("date_created", "yesterday"),
        ] {
            assert_eq!(
                number.is_copy(&with(key, value.into()), &msg, at),
                None,
                "{key}"
            );
        }
        // From a Messaging Service: its sid, whatever number it picked.
        let service = sender("MG1");
        assert_eq!(service.is_copy(&listed(base.clone()), &msg, at), None);
        assert_eq!(
            service.is_copy(&with("messaging_service_sid", "MG1".into()), &msg, at),
            Some(at)
        );
    }
}
