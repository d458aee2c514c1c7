//! Where is my issue: what STATUS reads for the engine, and the notices a
//! raiser gets when their issue is hidden or merged (issue 16).

use super::{Gather, Result};
use crate::domain::{Channel, IssueRef, LanguageTag};
use crate::engine::{IssueView, IssuesView, hidden_category};
use crate::i18n::{ArgValue, Args};
use crate::store::{IssueStatus, NewOutbound, OutboundKind, PersonId, Tx};

/// How many of their own issues a person hears about.
const MINE: u32 = 3;

/// What a raiser is told about.
#[derive(Debug, Clone, Copy)]
pub(super) enum RaiserNotice {
    Hidden,
    Merged,
}

impl Gather {
    /// STATUS's view: the issue `asked` about and the person's own issues.
    pub(super) async fn issues_view(
        &self,
        tx: &mut dyn Tx,
        person: PersonId,
        language: &LanguageTag,
        asked: Option<IssueRef>,
    ) -> Result<IssuesView> {
        let asked = match asked {
            Some(r) => self.issue_view(tx, person, language, r).await?,
            None => None,
        };
        let mut mine = Vec::new();
        for r in tx.raised_by(person, MINE).await? {
            if let Some(v) = self.issue_view(tx, person, language, r).await? {
                mine.push(v);
            }
        }
        Ok(IssuesView { asked, mine })
    }

    async fn issue_view(
        &self,
        tx: &mut dyn Tx,
        person: PersonId,
        language: &LanguageTag,
        r: IssueRef,
    ) -> Result<Option<IssueView>> {
        let (Some(issue), Some(facts)) = (tx.issue(r).await?, tx.issue_facts(r).await?) else {
            return Ok(None);
        };
        let default = self
            .engine
            .locales()
            .default_language()
            .as_str()
            .to_string();
        let response = facts.latest.map(|(status, texts)| {
            let text = texts
                .iter()
                .find(|(l, _)| l == language.as_str())
                .or_else(|| texts.iter().find(|(l, _)| *l == default))
                .or_else(|| texts.first())
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            (status.as_str().to_string(), text)
        });
        Ok(Some(IssueView {
            issue_ref: r,
            title: issue.title,
            status: issue.status.as_str().to_string(),
            hidden_category: issue
                .hidden_reason
                .as_deref()
                .map(|reason| hidden_category(reason).to_string()),
            merged_into: issue.merged_into,
            votes: facts.votes,
            response,
            mine: facts.raised_by == Some(person),
        }))
    }

    /// Queues, in the same transaction as the organiser's action, a notice
    /// to whoever raised `r`: in their language, on the channel they raised
    /// it on (a call's issue by SMS), unless they opted out or are gone.
    pub(super) async fn notify_raiser(
        &self,
        tx: &mut dyn Tx,
        r: IssueRef,
        notice: RaiserNotice,
    ) -> Result<bool> {
        let (Some(issue), Some(facts)) = (tx.issue(r).await?, tx.issue_facts(r).await?) else {
            return Ok(false);
        };
        let Some(person_id) = facts.raised_by else {
            return Ok(false);
        };
        let Some(person) = tx.person(person_id).await? else {
            return Ok(false);
        };
        if person.opted_out {
            return Ok(false);
        }
        let channel = match Channel::parse(&issue.channel) {
            Ok(Channel::Voice) | Err(_) => Channel::Sms,
            Ok(c) => c,
        };
        let address = match tx
            .person_address(person_id, channel.identity_kind())
            .await?
        {
            Some(a) => a,
            None => return Ok(false),
        };
        let locales = self.engine.locales();
        let language = if locales.has_language(&person.language) {
            person.language.clone()
        } else {
            locales.default_language().clone()
        };
        let mut args = Args::new();
        args.insert("ref".into(), ArgValue::from(r.to_string()));
        let (id, key) = match notice {
            RaiserNotice::Hidden if issue.status == IssueStatus::Hidden => {
                let category = hidden_category(issue.hidden_reason.as_deref().unwrap_or(""));
                args.insert("reason".into(), ArgValue::from(category));
                ("notice-hidden", format!("hidden:{r}"))
            }
            RaiserNotice::Merged => match issue.merged_into {
                Some(into) => {
                    args.insert("into".into(), ArgValue::from(into.to_string()));
                    ("notice-merged", format!("merged:{r}:{into}"))
                }
                None => return Ok(false),
            },
            RaiserNotice::Hidden => return Ok(false),
        };
        let text = locales.format(&language, id, &args);
        let now = self.clock.now();
        let queued = tx
            .enqueue(
                &NewOutbound {
                    person: Some(person_id),
                    channel,
                    address,
                    text,
                    kind: OutboundKind::Notice,
                    not_before: now,
                    dedupe_key: Some(key),
                },
                now,
            )
            .await?;
        Ok(queued.is_some())
    }
}
