//! Deleting call recordings at Twilio after a FORGET:
//! `DELETE {base}/2010-04-01/Accounts/{sid}/Recordings/{RecordingSid}.json`.
//!
//! FORGET queues each recording of the person in `recording_deletions` in
//! its own transaction (see [`crate::store::forget`]); this job, on the
//! elected instance, deletes them: 204 (deleted) and 404 (already gone) end
//! a row, anything else is tried again later (1, 2, 4 … minutes, at most
//! six hours apart), so a crash or an outage loses nothing. It also drops
//! the LINK limits' counts once they are an hour old.

use crate::domain::Timestamp;
use crate::service::Gather;
use crate::store::forget::{LINK_WINDOW_MS, RecordingDeletion, deletion_retry_at};
use std::time::Duration;
use tokio::sync::watch;

/// How often the job looks for due deletions.
pub const INTERVAL: Duration = Duration::from_secs(30);
/// Deletions per look.
const BATCH: u32 = 50;

/// Twilio's REST API, for deleting recordings.
#[derive(Clone)]
pub struct RecordingDeleter {
    client: reqwest::Client,
    api_base: String,
    account_sid: String,
    auth_token: String,
}

impl std::fmt::Debug for RecordingDeleter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingDeleter")
            .field("api_base", &self.api_base)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .finish()
    }
}

/// What became of one deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    /// Deleted now, or already gone (404), or not a Twilio recording at all.
    Done,
    /// Try again later.
    Retry(String),
}

/// The Recording SID in a recording URL
/// (`…/Accounts/AC…/Recordings/RE….mp3` → `RE…`).
pub fn recording_sid(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let sid = last.split('.').next()?;
    (sid.len() > 2 && sid.starts_with("RE") && sid.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(sid)
}

/// The Message and Media SIDs in a WhatsApp media URL
/// (`…/Accounts/AC…/Messages/MM…/Media/ME…` → `(MM…, ME…)`): a voice note.
pub fn media_sids(url: &str) -> Option<(&str, &str)> {
    let path = url.split(['?', '#']).next()?;
    let parts: Vec<&str> = path.trim_end_matches('/').rsplit('/').take(4).collect();
    let sid = |s: &str, prefix: &str| {
        s.len() > 2 && s.starts_with(prefix) && s.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    match parts[..] {
        [media, "Media", message, "Messages"] if sid(message, "MM") || sid(message, "SM") => {
            let media = media.split('.').next()?;
            sid(media, "ME").then_some((message, media))
        }
        _ => None,
    }
}

impl RecordingDeleter {
    pub fn new(
        api_base: &str,
        account_sid: &str,
        auth_token: &str,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        super::install_crypto_provider();
        Ok(RecordingDeleter {
            client: reqwest::Client::builder().timeout(timeout).build()?,
            api_base: api_base.trim_end_matches('/').to_string(),
            account_sid: account_sid.to_string(),
            auth_token: auth_token.to_string(),
        })
    }

    /// From the configuration: Twilio with an account SID and auth token.
    pub fn from_config(config: &crate::config::Config) -> Option<Result<Self, reqwest::Error>> {
        let t = config.twilio.as_ref()?;
        if t.account_sid.trim().is_empty() || t.auth_token.expose().is_empty() {
            return None;
        }
        Some(RecordingDeleter::new(
            &t.api_base,
            &t.account_sid,
            t.auth_token.expose(),
            crate::app::SEND_TIMEOUT,
        ))
    }

    /// Deletes the recording (or WhatsApp media) at `url`.
    pub async fn delete(&self, url: &str) -> Deleted {
        let endpoint = if let Some((message, media)) = media_sids(url) {
            format!(
                "{}/2010-04-01/Accounts/{}/Messages/{message}/Media/{media}.json",
                self.api_base, self.account_sid
            )
        } else if let Some(sid) = recording_sid(url) {
            format!(
                "{}/2010-04-01/Accounts/{}/Recordings/{sid}.json",
                self.api_base, self.account_sid
            )
        } else {
            tracing::warn!("FORGET: a recording URL without a Recording SID; nothing to delete");
            return Deleted::Done;
        };
        let resp = match self
            .client
            .delete(&endpoint)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Deleted::Retry("timeout".into()),
            Err(e) if e.is_connect() => return Deleted::Retry("could not connect".into()),
            Err(_) => return Deleted::Retry("request failed".into()),
        };
        let status = resp.status();
        if status.is_success() || status == reqwest::StatusCode::NOT_FOUND {
            Deleted::Done
        } else {
            // 401/403 (credentials), 429, 5xx: all worth another try.
            Deleted::Retry(format!("HTTP {}", status.as_u16()))
        }
    }
}

impl Gather {
    /// One pass: the LINK counts older than an hour dropped; then, with
    /// Twilio configured, the recordings due for deletion, each tried once
    /// (without it they wait). Returns how many were deleted (or found
    /// gone).
    pub async fn delete_recordings_once(
        &self,
        deleter: Option<&RecordingDeleter>,
    ) -> Result<usize, crate::service::ServiceError> {
        let now = self.clock.now();
        let due: Vec<RecordingDeletion> = {
            let mut tx = self.store.begin().await?;
            let due = match deleter {
                Some(_) => tx.due_recording_deletions(now, BATCH).await?,
                None => Vec::new(),
            };
            tx.prune_link_requests(Timestamp(now.0 - LINK_WINDOW_MS))
                .await?;
            tx.commit().await?;
            due
        };
        let mut done = 0;
        let Some(deleter) = deleter else {
            return Ok(0);
        };
        for d in due {
            let outcome = deleter.delete(&d.url).await;
            let mut tx = self.store.begin().await?;
            match &outcome {
                Deleted::Done => {
                    tx.finish_recording_deletion(d.id, None).await?;
                    done += 1;
                    crate::metrics::RECORDINGS_DELETED.inc();
                }
                Deleted::Retry(why) => {
                    tracing::warn!(attempts = d.attempts + 1, error = %why, "FORGET: recording not deleted yet; trying again later");
                    let at = deletion_retry_at(self.clock.now(), d.attempts);
                    tx.finish_recording_deletion(d.id, Some((at, why))).await?;
                }
            }
            tx.commit().await?;
        }
        if done > 0 {
            // The deleted rows held the recordings' URLs: no old copy.
            if let Err(e) = self.store.after_forget().await {
                tracing::warn!(error = %e, "FORGET: could not clear old copies");
            }
        }
        Ok(done)
    }
}

/// The job: a pass every `every` until `stopped` turns true.
pub async fn run(
    gather: Gather,
    deleter: Option<RecordingDeleter>,
    mut stopped: watch::Receiver<bool>,
    every: Duration,
) {
    loop {
        if let Err(e) = gather.delete_recordings_once(deleter.as_ref()).await {
            tracing::warn!(error = %e, "FORGET: the recording deletion pass failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_media_sids_are_read_from_twilio_urls() {
        let url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM0123/Media/ME4567";
        assert_eq!(media_sids(url), Some(("MM0123", "ME4567")));
        assert_eq!(
            media_sids(&format!("{url}.json?x=1")),
            Some(("MM0123", "ME4567"))
        );
        assert_eq!(media_sids("https://api.twilio.com/x/Recordings/RE1"), None);
        assert_eq!(media_sids("https://x/Messages/MM1/Media/../ME1"), None);
        assert_eq!(media_sids("ME1"), None);
        // A voice note's URL is not a recording's.
        assert_eq!(recording_sid(url), None);
    }

    #[test]
    fn recording_sids_are_read_from_twilio_urls() {
        let sid = "RE0123456789abcdef0123456789abcdef";
        for url in [
            format!("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{sid}"),
            format!("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{sid}.mp3"),
            format!("https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{sid}.json?x=1"),
            format!("https://api.twilio.com/recordings/{sid}/"),
        ] {
            assert_eq!(recording_sid(&url), Some(sid), "{url}");
        }
        for url in [
            "https://example.org/audio.mp3",
            "https://x/RE",
            "https://x/RE../",
        ] {
            assert_eq!(recording_sid(url), None, "{url}");
        }
    }

    #[test]
    fn retries_back_off_to_six_hours() {
        let t = Timestamp(0);
        assert_eq!(deletion_retry_at(t, 0).0, 60_000);
        assert_eq!(deletion_retry_at(t, 3).0, 8 * 60_000);
        assert_eq!(deletion_retry_at(t, 30).0, 360 * 60_000);
    }
}
