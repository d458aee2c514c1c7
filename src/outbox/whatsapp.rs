//! WhatsApp's 24-hour window, as the outbox keeps it. WhatsApp lets a
//! business write freely for 24 hours after the person's last message;
//! after that only a pre-approved template may go. So just before a
//! WhatsApp message is sent (after the opt-out and quiet-hours checks, so
//! the window is judged when it really goes), the worker asks [`Policy`]:
//!
//! 1. inside the window: the message itself (`session`);
//! 2. outside: the short template of the person's language (a Board
//!    response: "There is news on your issue G-1001. Reply UPDATES to read
//!    it.", with the reference as `{{1}}`; anything else: a general
//!    notice), configured by `ContentSid` per locale;
//! 3. no template in their language: an SMS instead, in their language, if
//!    they agreed to SMS (they texted, called or chose SMS); the message
//!    goes back to the queue for the SMS worker;
//! 4. else it is held: cancelled, with the reason as its status. UPDATES
//!    replays Board news whenever they come back. (Never a template in
//!    another language: a Polish speaker is not sent English.)
//!
//! The decision is stored with the message (`whatsapp_routes`) before it
//! is sent, in the same transaction as the re-check, so a worker that takes
//! a stale claim over knows whether the copy to look for at Twilio was a
//! template (whose text is Twilio's, not ours).

use super::Template;
use crate::domain::{LanguageTag, Timestamp};
use crate::i18n::{ArgValue, Args, Locales};
use crate::store::whatsapp::{Route, RouteFacts};
use crate::store::{OutboxItem, StoreError, Tx};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The two templates: what they say is in the locales
/// (`whatsapp-template-update`, `whatsapp-template-notice`), which is the
/// text to submit to WhatsApp for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// News on an issue: `{{1}}` is its reference.
    Update,
    /// Any other notice (round notices, announcements, invitations).
    Notice,
}

impl TemplateKind {
    pub fn message_id(self) -> &'static str {
        match self {
            TemplateKind::Update => "whatsapp-template-update",
            TemplateKind::Notice => "whatsapp-template-notice",
        }
    }
}

/// `ContentSid`s by locale tag, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    pub update: BTreeMap<String, String>,
    pub notice: BTreeMap<String, String>,
}

impl Templates {
    fn get(&self, kind: TemplateKind, lang: &str) -> Option<&str> {
        let map = match kind {
            TemplateKind::Update => &self.update,
            TemplateKind::Notice => &self.notice,
        };
        map.get(lang).map(String::as_str)
    }
}

/// How one WhatsApp message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Free-form, inside the window.
    Session,
    /// A template; `text` is what it says (for the log).
    Template { template: Template, text: String },
    /// By SMS instead, with this text.
    Sms { text: String },
    /// Not sent: why.
    Hold { reason: String },
}

#[derive(Clone)]
pub struct Policy {
    locales: Arc<Locales>,
    templates: Templates,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("templates", &self.templates)
            .finish()
    }
}

impl Policy {
    pub fn new(locales: Arc<Locales>, templates: Templates) -> Policy {
        Policy { locales, templates }
    }

    /// Decides, records the decision for a send (not for SMS or a hold,
    /// which change the message itself) and returns it, in `tx`.
    pub async fn decide(
        &self,
        tx: &mut dyn Tx,
        item: &OutboxItem,
        now: Timestamp,
    ) -> Result<Decision, StoreError> {
        let facts = tx
            .whatsapp()
            .route_facts(item.id)
            .await?
            .unwrap_or_default();
        // A direct reply queued with quick-reply buttons keeps them (it
        // follows the person's message: inside the window).
        if item.kind == crate::store::OutboundKind::Reply
            && let Some(Route::Template {
                content_sid,
                variables,
            }) = &facts.decided
        {
            return Ok(Decision::Template {
                template: Template {
                    content_sid: content_sid.clone(),
                    variables: variables.clone(),
                },
                text: item.text.clone(),
            });
        }
        let decision = self.choose(item, &facts, now);
        match &decision {
            Decision::Session => {
                tx.whatsapp()
                    .save_route(item.id, &Route::Session, now)
                    .await?
            }
            Decision::Template { template, .. } => {
                let route = Route::Template {
                    content_sid: template.content_sid.clone(),
                    variables: template.variables.clone(),
                };
                tx.whatsapp().save_route(item.id, &route, now).await?
            }
            Decision::Sms { .. } | Decision::Hold { .. } => {}
        }
        Ok(decision)
    }

    /// The decision itself, from what the store knows (pure).
    pub fn choose(&self, item: &OutboxItem, facts: &RouteFacts, now: Timestamp) -> Decision {
        if crate::channels::whatsapp::in_window(facts.last_inbound_at, now.millis()) {
            return Decision::Session;
        }
        let default = self.locales.default_language();
        let lang = facts
            .language
            .as_deref()
            .and_then(|l| LanguageTag::parse(l).ok())
            .filter(|l| self.locales.has_language(l))
            .unwrap_or_else(|| default.clone());
        let (kind, reference) = match (facts.fanout_kind.as_deref(), facts.issue_number) {
            (Some("response"), Some(n)) if n > 0 => {
                let r = u32::try_from(n)
                    .map(crate::domain::IssueRef::new)
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                (TemplateKind::Update, Some(r))
            }
            _ => (TemplateKind::Notice, None),
        };
        let template = |lang: &LanguageTag| {
            self.templates.get(kind, lang.as_str()).map(|sid| {
                let mut args = Args::new();
                let mut values = Vec::new();
                if let Some(r) = &reference {
                    args.insert("ref".into(), ArgValue::from(r.clone()));
                    values.push(r.clone());
                }
                Decision::Template {
                    template: Template {
                        content_sid: sid.to_string(),
                        variables: crate::channels::whatsapp::content_variables(&values),
                    },
                    text: self.locales.format(lang, kind.message_id(), &args),
                }
            })
        };
        if let Some(d) = template(&lang) {
            return d;
        }
        if facts.sms_ok {
            return Decision::Sms {
                text: self.locales.sms_text(&lang, &item.text).into_owned(),
            };
        }
        let since = match facts.last_inbound_at {
            Some(t) => format!(
                "their last WhatsApp message was {} h ago",
                (now.millis() - t).max(0) / 3_600_000
            ),
            None => "they have not written on WhatsApp".to_string(),
        };
        Decision::Hold {
            reason: format!(
                "held: outside WhatsApp's 24-hour window ({since}); no {} template for {} and no SMS agreed",
                match kind {
                    TemplateKind::Update => "update",
                    TemplateKind::Notice => "notice",
                },
                lang.as_str()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Channel;
    use crate::store::OutboundKind;

    const H: i64 = 3_600_000;
    const NOW: Timestamp = Timestamp(1_767_607_200_000);

    fn policy() -> Policy {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let locales = Locales::load(&root, &LanguageTag::parse("en-GB").unwrap()).unwrap();
        let sid = |n: u8| format!("HX{n:032}");
        Policy::new(
            Arc::new(locales),
            Templates {
                update: [("en-GB".into(), sid(1)), ("pl".into(), sid(2))].into(),
                notice: [("en-GB".into(), sid(3))].into(),
            },
        )
    }

    fn item(text: &str) -> OutboxItem {
        OutboxItem {
            id: 7,
            person: Some(1),
            channel: Channel::WhatsApp,
            address: "+447700900123".into(),
            text: text.into(),
            kind: OutboundKind::Notice,
            attempts: 1,
            next_attempt_at: NOW,
            opted_out: false,
            stale_claim: None,
        }
    }

    fn facts(lang: &str, last: Option<i64>, sms_ok: bool, issue: Option<i64>) -> RouteFacts {
        RouteFacts {
            language: Some(lang.into()),
            last_inbound_at: last,
            sms_ok,
            fanout_kind: Some(
                if issue.is_some() {
                    "response"
                } else {
                    "announce"
                }
                .into(),
            ),
            issue_number: issue,
            decided: None,
        }
    }

    #[test]
    fn inside_the_window_the_message_itself() {
        let p = policy();
        let f = facts("pl", Some(NOW.millis() - 23 * H), false, Some(1001));
        assert_eq!(p.choose(&item("x"), &f, NOW), Decision::Session);
    }

    #[test]
    fn outside_the_window_the_locales_template_with_the_reference() {
        let p = policy();
        let f = facts("pl", Some(NOW.millis() - 25 * H), true, Some(1001));
        match p.choose(&item("x"), &f, NOW) {
            Decision::Template { template, text } => {
                assert_eq!(template.content_sid, format!("HX{:032}", 2));
                assert_eq!(template.variables, r#"{"1":"G-1001"}"#);
                assert!(text.contains("G-1001"), "{text}");
                assert!(text.contains("NOWOŚCI"), "in Polish: {text}");
            }
            other => panic!("{other:?}"),
        }
        // A notice that is not about an issue: the notice template.
        let f = facts("en-GB", None, false, None);
        match p.choose(&item("x"), &f, NOW) {
            Decision::Template { template, .. } => {
                assert_eq!(template.content_sid, format!("HX{:032}", 3));
                assert_eq!(template.variables, "{}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_template_sms_if_agreed_else_held() {
        let p = policy();
        let romanian = "Noutăți despre G-1001";
        let f = facts("ro", Some(NOW.millis() - 30 * H), true, Some(1001));
        assert_eq!(
            p.choose(&item(romanian), &f, NOW),
            Decision::Sms {
                // Romanian SMS are written plainly (GSM-7).
                text: "Noutati despre G-1001".into()
            }
        );
        let f = facts("ro", Some(NOW.millis() - 30 * H), false, Some(1001));
        match p.choose(&item(romanian), &f, NOW) {
            Decision::Hold { reason } => {
                assert!(reason.contains("30 h ago"), "{reason}");
                assert!(reason.contains("no update template for ro"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // Never another language's template: no Polish notice template.
        let f = facts("pl", None, false, None);
        assert!(matches!(
            p.choose(&item("x"), &f, NOW),
            Decision::Hold { .. }
        ));
    }
}
