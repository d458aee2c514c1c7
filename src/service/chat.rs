//! Use cases for the community chat channels (Matrix, Discord): voting from
//! a group room or a button, the shortlist and results texts they post,
//! and the channels' bookkeeping.

use super::{Gather, Result};
use crate::domain::{Channel, Identity, IssueRef, LanguageTag};
use crate::i18n::{ArgValue, Args};
use crate::store::{ResultRow, Round, RoundId};

/// What happened to a vote cast from a group room or a button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatVote {
    /// Counted (`replaced`: it replaced the person's earlier vote).
    Counted {
        round: RoundId,
        choice: IssueRef,
        replaced: bool,
        /// The confirmation, in the person's language.
        text: String,
    },
    /// This provider event was handled before; nothing changed.
    Duplicate,
    /// No round is open, or it is not the round the vote was for.
    NoRound { text: String },
    /// The number is not on the shortlist.
    OutOfRange { text: String },
    /// This identity voted in the round before a FORGET: no second vote.
    VotedBefore { text: String },
}

impl Gather {
    /// Casts (or replaces) `identity`'s vote in the open round for item
    /// `position` (1-based). `round` is the round the post was for; a vote
    /// for a round that has since closed is refused. With `provider_id` a
    /// redelivered event acts only once.
    pub async fn cast_vote_direct(
        &self,
        identity: &Identity,
        channel: Channel,
        round: Option<RoundId>,
        position: u32,
        provider_id: Option<(&str, &str)>,
    ) -> Result<ChatVote> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if let Some((provider, id)) = provider_id
            && tx.seen_inbound(provider, id).await?.is_some()
        {
            return Ok(ChatVote::Duplicate);
        }
        let locales = self.engine.locales();
        let (person, language) = match tx.person_by_identity(identity).await? {
            Some(p) => {
                let lang = if locales.has_language(&p.language) {
                    p.language.clone()
                } else {
                    locales.default_language().clone()
                };
                (p, lang)
            }
            None => {
                let lang = locales.default_language().clone();
                (tx.create_person(identity, &lang, now).await?, lang)
            }
        };
        let open = tx.current_round().await?;
        let outcome = match open {
            // Past its closing time, before the closing job: no vote, and
            // the results are coming.
            Some(r)
                if round.is_none_or(|want| want == r.id)
                    && r.closes_at.is_some_and(|at| now >= at) =>
            {
                ChatVote::NoRound {
                    text: locales.format(&language, "vote-closed-soon", &Args::new()),
                }
            }
            Some(r) if round.is_none_or(|want| want == r.id) => {
                match r.items.iter().find(|i| i.position == position) {
                    Some(_) if self.voted_before(tx.as_mut(), r.id, person.id).await? => {
                        ChatVote::VotedBefore {
                            text: locales.format(&language, "vote-voted-before", &Args::new()),
                        }
                    }
                    Some(item) => {
                        let replaced = tx
                            .cast_ballot(r.id, person.id, &[item.issue_ref], channel, now)
                            .await?;
                        self.remember_voter(tx.as_mut(), r.id, person.id).await?;
                        crate::metrics::VOTES_CAST.inc();
                        let id = if replaced {
                            "vote-replaced"
                        } else {
                            "vote-counted"
                        };
                        ChatVote::Counted {
                            round: r.id,
                            choice: item.issue_ref,
                            replaced,
                            text: locales.format(&language, id, &Args::new()),
                        }
                    }
                    None => {
                        let mut a = Args::new();
                        a.insert("count".into(), ArgValue::Number(r.items.len() as i64));
                        ChatVote::OutOfRange {
                            text: locales.format(&language, "vote-out-of-range", &a),
                        }
                    }
                }
            }
            _ => ChatVote::NoRound {
                text: locales.format(&language, "vote-no-round", &Args::new()),
            },
        };
        if let Some((provider, id)) = provider_id {
            tx.record_inbound(provider, id, Some(person.id), "{}", now)
                .await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// The open round, if any.
    pub async fn open_round_now(&self) -> Result<Option<Round>> {
        let mut tx = self.store.begin().await?;
        let r = tx.current_round().await?;
        tx.commit().await?;
        Ok(r)
    }

    /// A round by id, if it exists.
    pub async fn find_round(&self, id: RoundId) -> Result<Option<Round>> {
        let mut tx = self.store.begin().await?;
        let r = tx.round(id).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// A round's stored results (empty while it is open).
    pub async fn round_results(&self, id: RoundId) -> Result<Vec<ResultRow>> {
        let mut tx = self.store.begin().await?;
        let r = tx.results(id).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// A channel's bookkeeping value (see [`crate::store::chat`]).
    pub async fn chat_state(&self, key: &str) -> Result<Option<String>> {
        let mut tx = self.store.begin().await?;
        let v = tx.chat_state(key).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Sets (`None`: removes) a channel's bookkeeping value.
    pub async fn set_chat_state(&self, key: &str, value: Option<&str>) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.set_chat_state(key, value, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Bookkeeping values whose keys start with `prefix`.
    pub async fn chat_states(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        let mut tx = self.store.begin().await?;
        let v = tx.chat_states(prefix).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// The shortlist as posted in a group: the round's question and one
    /// numbered line per issue, in the default language.
    pub fn shortlist_text(&self, round: &Round) -> String {
        let locales = self.engine.locales();
        let lang = locales.default_language();
        let mut a = Args::new();
        a.insert("round_title".into(), ArgValue::from(round.title.as_str()));
        a.insert(
            "max_choices".into(),
            ArgValue::Number(i64::from(round.max_choices)),
        );
        let mut lines = vec![locales.format(lang, "vote-choose", &a)];
        for item in &round.items {
            lines.push(option_line(self, lang, item.position, &item.title));
        }
        lines.join("\n")
    }

    /// The results as posted in a group, in the default language.
    pub fn results_text(&self, round: &Round, results: &[ResultRow]) -> String {
        let locales = self.engine.locales();
        let lang = locales.default_language();
        let mut a = Args::new();
        a.insert("round_title".into(), ArgValue::from(round.title.as_str()));
        let mut lines = vec![locales.format(lang, "round-results", &a)];
        for r in results {
            let mut a = Args::new();
            a.insert("rank".into(), ArgValue::Number(i64::from(r.rank)));
            a.insert("title".into(), ArgValue::from(r.title.as_str()));
            a.insert("votes".into(), ArgValue::Number(r.votes));
            lines.push(locales.format(lang, "round-results-line", &a));
        }
        lines.join("\n")
    }
}

fn option_line(g: &Gather, lang: &LanguageTag, number: u32, label: &str) -> String {
    let mut a = Args::new();
    a.insert("number".into(), ArgValue::Number(i64::from(number)));
    a.insert("label".into(), ArgValue::from(label));
    g.engine.locales().format(lang, "option-line", &a)
}
