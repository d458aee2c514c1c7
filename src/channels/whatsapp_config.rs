//! Settings of the WhatsApp channel, read by [`crate::config`]:
//! `GATHER_WHATSAPP_*` (or the same keys in lower case without the prefix
//! in `gather.toml`). Inbound WhatsApp needs nothing of its own (Twilio
//! calls the SMS webhook); sending needs Twilio's credentials and
//! `whatsapp_from`.

use crate::outbox::whatsapp::Templates;
use std::collections::BTreeMap;

/// Sending WhatsApp messages through Twilio.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatsAppSettings {
    /// The WhatsApp sender: `whatsapp:+14155238886` (Twilio's sandbox), a
    /// number with a WhatsApp sender, or a Messaging Service SID (`MG…`).
    pub from: String,
    /// Templates for messages outside the 24-hour window, by locale.
    pub templates: Templates,
    /// Quick-reply contents by number of buttons (2 or 3), for replies
    /// whose question can be answered with a tap.
    pub buttons: BTreeMap<usize, String>,
    /// Messages a second (WhatsApp senders take far more than a long code).
    pub rate_per_second: f64,
}

/// The default rate: well within a WhatsApp sender's throughput.
pub const DEFAULT_RATE: f64 = 10.0;

fn is_content_sid(s: &str) -> bool {
    s.len() == 34 && s.starts_with("HX") && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `key=value` pairs separated by commas (the environment's form; a
/// `gather.toml` table arrives in the same form).
fn pairs(raw: &str) -> Option<Vec<(String, String)>> {
    raw.split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(|i| {
            i.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

fn templates(key: &str, raw: &str) -> Result<BTreeMap<String, String>, (String, String)> {
    let bad = |why: &str| (key.to_string(), why.to_string());
    let mut out = BTreeMap::new();
    for (tag, sid) in
        pairs(raw).ok_or_else(|| bad("expected tag=ContentSid pairs such as en-GB=HX…,pl=HX…"))?
    {
        let tag = crate::domain::LanguageTag::parse(&tag)
            .map_err(|_| bad("expected a language tag such as pl before ="))?;
        if !is_content_sid(&sid) {
            return Err(bad("expected a Content SID (HX and 32 letters or digits)"));
        }
        out.insert(tag.as_str().to_string(), sid);
    }
    Ok(out)
}

impl WhatsAppSettings {
    /// Builds the settings from raw values looked up by key; empty means
    /// unset. `None` when `whatsapp_from` is unset (WhatsApp replies still
    /// work: they are TwiML answers to the webhook). Errors name the key.
    pub fn from_values(
        get: impl Fn(&str) -> String,
    ) -> Result<Option<WhatsAppSettings>, (String, String)> {
        let from = get("whatsapp_from").trim().to_string();
        if from.is_empty() {
            return Ok(None);
        }
        let number = super::whatsapp::strip(&from).unwrap_or(&from);
        let service = number.starts_with("MG");
        if !service && crate::domain::PhoneNumber::parse(number).is_err() {
            return Err((
                "whatsapp_from".into(),
                "expected whatsapp:+<number> or a Messaging Service SID (MG…)".into(),
            ));
        }
        let mut buttons = BTreeMap::new();
        let raw = get("whatsapp_buttons");
        for (n, sid) in pairs(&raw).ok_or_else(|| {
            (
                "whatsapp_buttons".to_string(),
                "expected count=ContentSid pairs such as 2=HX…,3=HX…".to_string(),
            )
        })? {
            let n: usize = n
                .parse()
                .ok()
                .filter(|n| (2..=3).contains(n))
                .ok_or_else(|| {
                    (
                        "whatsapp_buttons".to_string(),
                        "a quick reply has 2 or 3 buttons".to_string(),
                    )
                })?;
            if !is_content_sid(&sid) {
                return Err((
                    "whatsapp_buttons".into(),
                    "expected a Content SID (HX and 32 letters or digits)".into(),
                ));
            }
            buttons.insert(n, sid);
        }
        let rate = get("whatsapp_rate");
        let rate_per_second = if rate.trim().is_empty() {
            DEFAULT_RATE
        } else {
            rate.trim()
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite() && *r > 0.0 && *r <= 1000.0)
                .ok_or_else(|| {
                    (
                        "whatsapp_rate".to_string(),
                        "expected messages a second, such as 10".to_string(),
                    )
                })?
        };
        Ok(Some(WhatsAppSettings {
            from: if service {
                number.to_string()
            } else {
                super::whatsapp::address(number)
            },
            templates: Templates {
                update: templates(
                    "whatsapp_templates_update",
                    &get("whatsapp_templates_update"),
                )?,
                notice: templates(
                    "whatsapp_templates_notice",
                    &get("whatsapp_templates_notice"),
                )?,
            },
            buttons,
            rate_per_second,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SID: &str = "HX0123456789abcdef0123456789abcdef";

    fn settings(pairs: &[(&str, &str)]) -> Result<Option<WhatsAppSettings>, (String, String)> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        WhatsAppSettings::from_values(|k| map.get(k).cloned().unwrap_or_default())
    }

    #[test]
    fn off_unless_a_sender_is_set() {
        assert_eq!(settings(&[]).unwrap(), None);
    }

    #[test]
    fn sender_templates_and_buttons() {
        let update = format!("en-GB={SID}, pl={SID}");
        let buttons = format!("2={SID},3={SID}");
        let s = settings(&[
            ("whatsapp_from", "+14155238886"),
            ("whatsapp_templates_update", &update),
            ("whatsapp_buttons", &buttons),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(s.from, "whatsapp:+14155238886");
        assert_eq!(s.templates.update.get("pl").map(String::as_str), Some(SID));
        assert!(s.templates.notice.is_empty());
        assert_eq!(s.buttons.len(), 2);
        assert_eq!(s.rate_per_second, DEFAULT_RATE);
        let s = settings(&[("whatsapp_from", "whatsapp:+14155238886")])
            .unwrap()
            .unwrap();
        assert_eq!(s.from, "whatsapp:+14155238886");
        let s = settings(&[("whatsapp_from", "MG0123")]).unwrap().unwrap();
        assert_eq!(s.from, "MG0123");
    }

    #[test]
    fn mistakes_name_their_key() {
        for (k, v) in [
            ("whatsapp_from", "not a number"),
            ("whatsapp_templates_update", "en-GB=SM123"),
            ("whatsapp_templates_notice", "xx-nope-123456789=HX1"),
            ("whatsapp_buttons", "4=HX0123456789abcdef0123456789abcdef"),
            ("whatsapp_rate", "fast"),
        ] {
            let mut p = vec![("whatsapp_from", "+14155238886")];
            if k == "whatsapp_from" {
                p.clear();
            }
            p.push((k, v));
            assert_eq!(settings(&p).unwrap_err().0, k, "{k}={v}");
        }
    }
}
