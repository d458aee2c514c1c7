//! LINK: joining a chat identity (Matrix, Discord) to a phone number.
//!
//! The engine decides the conversation (`request_link_code`,
//! `confirm_link`); the service does what needs the world: it makes the
//! 6-digit code with the operating system's random numbers, stores only its
//! hash (10 minutes, 5 tries), queues the code by SMS as a direct reply
//! (never held by quiet hours), counts wrong tries, and on the right code
//! makes the two people one (`merge_people`: the phone's person stays, with
//! its language and opt-out; one ballot per round, the most recent).

use super::{Gather, Result, ServiceError};
use crate::domain::{Channel, IdentityKind, LanguageTag, Timestamp};
use crate::engine::LinkView;
use crate::i18n::{ArgValue, Args};
use crate::store::chat::{CODE_TTL_MS, LinkCode, code_hash};
use crate::store::forget::{
    LINK_WINDOW_MS, MAX_CODES_PER_NUMBER, MAX_CODES_PER_REQUESTER, link_key,
};
use crate::store::{NewOutbound, OutboundKind, PersonId, Tx};

/// A uniformly random 6-digit code, from the operating system.
fn new_code() -> Result<String> {
    // The largest multiple of 1,000,000 below 2^32: no modulo bias.
    const LIMIT: u32 = 4_294_000_000;
    loop {
        let v = getrandom::u32()
            .map_err(|e| ServiceError::Internal(format!("no random numbers: {e}")))?;
        if v < LIMIT {
            return Ok(format!("{:06}", v % 1_000_000));
        }
    }
}

impl Gather {
    /// What the engine may know about LINK for this person.
    pub(crate) async fn link_view(&self, tx: &mut dyn Tx, person: PersonId) -> Result<LinkView> {
        let linked = tx
            .person_address(person, IdentityKind::Phone)
            .await?
            .is_some();
        let pending = tx
            .link_code(person)
            .await?
            .map(|c| (c.code_hash, c.expires_at, c.tries));
        Ok(LinkView {
            linked,
            person,
            pending,
        })
    }

    /// A new code for `phone`, replacing any pending one, texted at once —
    /// unless the number has had [`MAX_CODES_PER_NUMBER`] codes in the last
    /// hour, or `requester` has had [`MAX_CODES_PER_REQUESTER`]: then no
    /// text goes and no code is stored, but the conversation goes on the
    /// same way, so the requester learns nothing about the number (known or
    /// not, limited or not).
    pub(crate) async fn request_link_code(
        &self,
        tx: &mut dyn Tx,
        person: PersonId,
        requester: &crate::domain::Identity,
        language: &LanguageTag,
        phone: &str,
        now: Timestamp,
    ) -> Result<()> {
        let target = link_key("phone", phone);
        let asker = link_key(requester.kind.as_str(), &requester.address);
        let (to_number, by_requester) = tx
            .link_requests_since(&target, &asker, Timestamp(now.0 - LINK_WINDOW_MS))
            .await?;
        if to_number >= MAX_CODES_PER_NUMBER || by_requester >= MAX_CODES_PER_REQUESTER {
            // A code texted earlier (if any) keeps working until it expires.
            crate::metrics::LINK_CODES_LIMITED.inc();
            tracing::warn!(
                to = %crate::domain::phone::mask(phone),
                to_number,
                by_requester,
                "link: code not sent (limit per number or per requester)"
            );
            return Ok(());
        }
        tx.record_link_request(&target, &asker, now).await?;
        let code = new_code()?;
        tx.set_link_code(
            person,
            Some(&LinkCode {
                person,
                phone: phone.to_string(),
                code_hash: code_hash(person, &code),
                expires_at: Timestamp(now.0 + CODE_TTL_MS),
                tries: 0,
            }),
            now,
        )
        .await?;
        let mut args = Args::new();
        args.insert("code".into(), ArgValue::from(code.as_str()));
        let text = self
            .engine
            .locales()
            .format(language, "link-code-sms", &args);
        tx.enqueue(
            &NewOutbound {
                person: None,
                channel: Channel::Sms,
                address: phone.to_string(),
                text,
                kind: OutboundKind::Reply,
                not_before: now,
                dedupe_key: None,
            },
            now,
        )
        .await?;
        tracing::info!(
            to = %crate::domain::phone::mask(phone),
            "link: code queued"
        );
        Ok(())
    }

    /// One wrong code: counted; the fifth ends the code.
    pub(crate) async fn link_code_wrong(
        &self,
        tx: &mut dyn Tx,
        person: PersonId,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(mut c) = tx.link_code(person).await? {
            c.tries += 1;
            if c.tries >= crate::store::chat::MAX_TRIES {
                tx.set_link_code(person, None, now).await?;
            } else {
                tx.set_link_code(person, Some(&c), now).await?;
            }
        }
        Ok(())
    }

    /// The right code: the person the number belongs to (made now if the
    /// number is new to Gather) — the one `person` is merged into.
    pub(crate) async fn link_target(
        &self,
        tx: &mut dyn Tx,
        person: PersonId,
        language: &LanguageTag,
        now: Timestamp,
    ) -> Result<Option<PersonId>> {
        let Some(code) = tx.link_code(person).await? else {
            return Ok(None);
        };
        tx.set_link_code(person, None, now).await?;
        let identity = crate::domain::Identity {
            kind: IdentityKind::Phone,
            address: code.phone.clone(),
        };
        let target = match tx.person_by_identity(&identity).await? {
            Some(p) if p.id == person => return Ok(None),
            Some(p) => p.id,
            None => tx.create_person(&identity, language, now).await?.id,
        };
        tracing::info!(
            to = %crate::domain::phone::mask(&code.phone),
            "link: identities joined"
        );
        Ok(Some(target))
    }
}
