//! What organisers do: moderate issues, run rounds, record Board responses.
//! The CLI (and later the admin API) call these.

use super::once::{self, Done, Once, Render};
use super::{Gather, Result, ServiceError};
use crate::domain::{IssueRef, LanguageTag, Timestamp};
use crate::i18n::{ArgValue, Args};
use crate::store::fanout::{Audience, FanOutKind, FanOutSpec, FanOutStatus};
use crate::store::{Issue, IssueStatus, NewResponse, ResponseStatus, ResultRow, Round, RoundId};

/// What a fan-out would cost, before it is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FanOutEstimate {
    /// People reached by SMS.
    pub sms_people: i64,
    /// SMS segments they would be sent, all together.
    pub sms_segments: i64,
    /// People reached in chat (Matrix, Discord) instead.
    pub chat_people: i64,
    /// People reached on WhatsApp (no segments; a template outside their
    /// 24-hour window).
    pub whatsapp_people: i64,
}

#[derive(Debug, Clone)]
pub struct RoundInput {
    pub title: String,
    pub items: Vec<IssueRef>,
    pub max_choices: u32,
    pub closes_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct ResponseInput {
    pub issue: IssueRef,
    pub status: ResponseStatus,
    pub progress: Option<u8>,
    pub texts: Vec<(LanguageTag, String)>,
}

/// A response (or announcement) recorded and its update queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ResponseRecorded {
    pub id: i64,
    pub fanout: i64,
    /// People the update was queued for.
    pub recipients: i64,
}

/// The longest Board response text, per language.
pub const MAX_RESPONSE_CHARS: usize = 1000;
/// The longest round title.
pub const MAX_TITLE_CHARS: usize = 80;
/// The longest short ballot title of an issue.
pub const MAX_ISSUE_TITLE_CHARS: usize = 80;

/// The longest title in one language when SMS spell it in GSM-7 (issue 19:
/// a ballot of up to 9 titles must fit its segment budget).
pub const MAX_GSM_TITLE_CHARS: usize = 60;
/// The longest title in one language when SMS spell it in UCS-2.
pub const MAX_UCS2_TITLE_CHARS: usize = 30;

/// `title` for `lang` (not the default language) as it is stored:
/// whitespace folded, no emoji, within the SMS budget of its encoding.
pub(super) fn checked_title_in(
    locales: &crate::i18n::Locales,
    lang: &LanguageTag,
    title: &str,
) -> Result<String> {
    let t = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(c) = t.chars().find(|c| is_pictograph(*c)) {
        return Err(ServiceError::Invalid(format!(
            "a title has no emoji or pictographs (found `{c}`): they turn a whole SMS into UCS-2"
        )));
    }
    let sms = locales.sms_text(lang, &t);
    let ucs2 = crate::i18n::segments::count(&sms).encoding == crate::i18n::segments::Encoding::Ucs2;
    let max = if ucs2 {
        MAX_UCS2_TITLE_CHARS
    } else {
        MAX_GSM_TITLE_CHARS
    };
    let n = sms.chars().count();
    if n == 0 || n > max {
        return Err(ServiceError::Invalid(format!(
            "a `{lang}` title needs 1 to {max} characters ({} by SMS); this one has {n}",
            if ucs2 { "UCS-2" } else { "GSM-7" }
        )));
    }
    Ok(t)
}

/// The default language's title as it is stored: whitespace folded, 1 to
/// [`MAX_ISSUE_TITLE_CHARS`] characters.
pub(super) fn checked_main_title(title: &str) -> Result<String> {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = title.chars().count();
    if n == 0 || n > MAX_ISSUE_TITLE_CHARS {
        return Err(ServiceError::Invalid(format!(
            "a ballot title needs 1 to {MAX_ISSUE_TITLE_CHARS} characters"
        )));
    }
    Ok(title)
}

/// An emoji or pictograph: never in a title (one turns a whole SMS into
/// UCS-2, and a keypad phone shows a box).
fn is_pictograph(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF
            | 0x2300..=0x23FF
            | 0x2600..=0x27BF
            | 0x2B00..=0x2BFF
            | 0x200D
            | 0x20E3
            | 0xFE0F
            | 0x3030
            | 0x303D
            | 0x3297
            | 0x3299
            | 0xE0020..=0xE007F)
}

/// A spoken issue whose ballot title is still the recording's placeholder
/// (`[voice recording 14s]`): it cannot be approved, so it never reaches a
/// ballot, until a moderator writes a title.
pub fn needs_written_title(issue: &Issue) -> bool {
    issue.recording_url.is_some()
        && issue
            .title
            .trim_start()
            .starts_with(super::voice::RECORDING_MARKER)
}

impl Gather {
    pub async fn list_issues(&self, status: Option<IssueStatus>) -> Result<Vec<Issue>> {
        let mut tx = self.store.begin().await?;
        let issues = tx.list_issues(status).await?;
        tx.commit().await?;
        Ok(issues)
    }

    pub async fn set_issue_status(
        &self,
        issue: IssueRef,
        status: IssueStatus,
        reason: Option<&str>,
    ) -> Result<Issue> {
        if status == IssueStatus::Hidden && reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(ServiceError::Invalid(
                "hiding an issue needs a reason".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        if status == IssueStatus::Approved
            && let Some(current) = tx.issue(issue).await?
            && needs_written_title(&current)
        {
            return Err(ServiceError::Invalid(format!(
                "{issue} was raised by speaking on a call and has no written title yet: \
                 listen to the recording and set a ballot title first (the organiser inbox, \
                 or `gather issues title {issue} \"…\"`), so voters never hear \"{}\"",
                current.title
            )));
        }
        tx.set_issue_status(issue, status, reason).await?;
        let updated = tx
            .issue(issue)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {issue}")))?;
        // The raiser hears why (the reason's category, not its words).
        let told = status == IssueStatus::Hidden
            && self
                .notify_raiser(tx.as_mut(), issue, super::status::RaiserNotice::Hidden)
                .await?;
        tx.commit().await?;
        if told {
            crate::outbox::nudge(&self.outbox_wake);
        }
        Ok(updated)
    }

    /// Replaces an issue's short ballot title. Whitespace (newlines too) is
    /// folded to single spaces: the title is one line of a ballot SMS.
    pub async fn set_issue_title(&self, issue: IssueRef, title: &str) -> Result<Issue> {
        let title = checked_main_title(title)?;
        let mut tx = self.store.begin().await?;
        tx.set_issue_title(issue, &title).await?;
        let updated = tx
            .issue(issue)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {issue}")))?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Sets (`Some`) or clears (`None`) an issue's title in `lang`, a loaded
    /// locale; the default language's title is [`Gather::set_issue_title`].
    /// A title fits the SMS budget: at most 60 characters in GSM-7 as SMS
    /// spell it, 30 in UCS-2, and no emoji.
    pub async fn set_issue_title_in(
        &self,
        issue: IssueRef,
        lang: &LanguageTag,
        title: Option<&str>,
    ) -> Result<Issue> {
        let locales = self.engine.locales();
        if !locales.has_language(lang) {
            return Err(ServiceError::Invalid(format!(
                "Gather has no locale `{lang}`"
            )));
        }
        if lang == locales.default_language() {
            return match title {
                Some(t) => self.set_issue_title(issue, t).await,
                None => Err(ServiceError::Invalid(format!(
                    "the default language's title (`{lang}`) can be replaced, not cleared"
                ))),
            };
        }
        let title = match title {
            Some(t) => Some(checked_title_in(locales, lang, t)?),
            None => None,
        };
        let mut tx = self.store.begin().await?;
        tx.set_issue_title_in(issue, lang.as_str(), title.as_deref())
            .await?;
        let updated = tx
            .issue(issue)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {issue}")))?;
        tx.commit().await?;
        Ok(updated)
    }

    /// The per-language titles of `issues`: (issue, language, title).
    pub async fn issue_titles(
        &self,
        issues: &[IssueRef],
    ) -> Result<Vec<(IssueRef, String, String)>> {
        let mut tx = self.store.begin().await?;
        let titles = tx.issue_titles(issues).await?;
        tx.commit().await?;
        Ok(titles)
    }

    /// Sets (`Some`) or clears (`None`) a round's title in `lang`, a loaded
    /// locale other than the default (whose title is the round's own).
    /// The same budget as an issue's title in that language.
    pub async fn set_round_title_in(
        &self,
        round: RoundId,
        lang: &LanguageTag,
        title: Option<&str>,
    ) -> Result<Vec<(String, String)>> {
        let locales = self.engine.locales();
        if !locales.has_language(lang) {
            return Err(ServiceError::Invalid(format!(
                "Gather has no locale `{lang}`"
            )));
        }
        if lang == locales.default_language() {
            return Err(ServiceError::Invalid(format!(
                "the round's own title is its `{lang}` title"
            )));
        }
        let title = match title {
            Some(t) => Some(checked_title_in(locales, lang, t)?),
            None => None,
        };
        let mut tx = self.store.begin().await?;
        tx.set_round_title_in(round, lang.as_str(), title.as_deref())
            .await?;
        let titles = tx.round_titles(round).await?;
        tx.commit().await?;
        Ok(titles)
    }

    /// A round's titles in other languages: (language, title).
    pub async fn round_titles(&self, round: RoundId) -> Result<Vec<(String, String)>> {
        let mut tx = self.store.begin().await?;
        let titles = tx.round_titles(round).await?;
        tx.commit().await?;
        Ok(titles)
    }

    /// Refuses to open a round whose items lack a title in a language its
    /// possible voters read (people not opted out, in a loaded locale other
    /// than the default), unless the organiser accepts the marked English
    /// fallback.
    async fn check_titles(
        &self,
        tx: &mut dyn crate::store::Tx,
        round: RoundId,
        items: &[IssueRef],
        accept_fallback: bool,
    ) -> Result<()> {
        if accept_fallback {
            return Ok(());
        }
        let locales = self.engine.locales();
        let titles = tx.issue_titles(items).await?;
        let round_titles = tx.round_titles(round).await?;
        let mut missing = Vec::new();
        for lang in tx.voter_languages().await? {
            let Ok(tag) = LanguageTag::parse(&lang) else {
                continue;
            };
            if tag == *locales.default_language() || !locales.has_language(&tag) {
                continue;
            }
            let mut without: Vec<String> = items
                .iter()
                .filter(|i| !titles.iter().any(|(r, l, _)| r == *i && *l == lang))
                .map(ToString::to_string)
                .collect();
            if !round_titles.iter().any(|(l, _)| *l == lang) {
                without.insert(0, format!("round {round}"));
            }
            if !without.is_empty() {
                missing.push(format!("{lang}: {}", without.join(", ")));
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(ServiceError::Conflict(format!(
            "voters read languages this round or these issues have no title in ({}): set \
             them (`gather issues title G-1001 \"…\" --lang pl`, POST \
             /api/v1/rounds/3/titles, or a sheet: POST /api/v1/titles) or open with the English fallback, \
             marked for those readers (`--accept-fallback`)",
            missing.join("; ")
        )))
    }

    pub async fn merge_issue(&self, from: IssueRef, into: IssueRef) -> Result<Issue> {
        if from == into {
            return Err(ServiceError::Invalid(
                "cannot merge an issue into itself".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        tx.merge_issue(from, into).await?;
        let target = tx
            .issue(into)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {into}")))?;
        // The raiser hears which issue they now follow.
        let told = self
            .notify_raiser(tx.as_mut(), from, super::status::RaiserNotice::Merged)
            .await?;
        tx.commit().await?;
        if told {
            crate::outbox::nudge(&self.outbox_wake);
        }
        Ok(target)
    }

    /// Creates a round as a draft, to open later.
    pub async fn create_round(&self, input: RoundInput) -> Result<Round> {
        self.make_round(input, false, false, None).await?.acted()
    }

    /// [`Gather::create_round`], at most once per idempotency key.
    pub async fn create_round_once(
        &self,
        input: RoundInput,
        key: Option<(&Once, Render<'_, Round>)>,
    ) -> Result<Done<Round>> {
        self.make_round(input, false, false, key).await
    }

    /// Opens a draft round (every voter language must have titles).
    pub async fn open_round_id(&self, id: RoundId) -> Result<Round> {
        self.open_round_id_with(id, false).await
    }

    /// Opens a draft round; `accept_fallback`: voters whose language has no
    /// title for an item read the default one, marked.
    pub async fn open_round_id_with(&self, id: RoundId, accept_fallback: bool) -> Result<Round> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let draft = tx
            .round(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no round {id}")))?;
        let items: Vec<IssueRef> = draft.items.iter().map(|i| i.issue_ref).collect();
        self.check_titles(tx.as_mut(), id, &items, accept_fallback)
            .await?;
        tx.open_round(id, now).await?;
        let round = tx
            .round(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no round {id}")))?;
        tx.commit().await?;
        Ok(round)
    }

    /// Creates a round and opens it, in one transaction (every voter
    /// language must have titles).
    pub async fn open_round(&self, input: RoundInput) -> Result<Round> {
        self.make_round(input, true, false, None).await?.acted()
    }

    /// [`Gather::open_round`], accepting the marked default-language title
    /// for voters whose language has none.
    pub async fn open_round_with(&self, input: RoundInput, accept_fallback: bool) -> Result<Round> {
        self.make_round(input, true, accept_fallback, None)
            .await?
            .acted()
    }

    async fn make_round(
        &self,
        input: RoundInput,
        open: bool,
        accept_fallback: bool,
        key: Option<(&Once, Render<'_, Round>)>,
    ) -> Result<Done<Round>> {
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            return Err(ServiceError::Invalid(format!(
                "a round needs a title of 1 to {MAX_TITLE_CHARS} characters"
            )));
        }
        if input.items.is_empty() {
            return Err(ServiceError::Invalid(
                "a round needs at least one issue".into(),
            ));
        }
        if input.items.len() > 9 {
            return Err(ServiceError::Invalid(
                "a round has at most 9 issues: a phone keypad has 9 number keys".into(),
            ));
        }
        if input.max_choices == 0 || input.max_choices as usize > input.items.len() {
            return Err(ServiceError::Invalid(format!(
                "max choices must be between 1 and {}",
                input.items.len()
            )));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if let Some((status, body)) = once::claim(tx.as_mut(), key.map(|k| k.0), now).await? {
            tx.commit().await?;
            return Ok(Done::Replayed { status, body });
        }
        let id = tx
            .create_round(title, &input.items, input.max_choices, input.closes_at, now)
            .await?;
        if open {
            self.check_titles(tx.as_mut(), id, &input.items, accept_fallback)
                .await?;
            tx.open_round(id, now).await?;
        }
        let round = tx
            .round(id)
            .await?
            .ok_or_else(|| ServiceError::Internal("round vanished".into()))?;
        once::finish(tx.as_mut(), key, &round).await?;
        tx.commit().await?;
        Ok(Done::Acted(round))
    }

    pub async fn close_round(&self, id: RoundId) -> Result<Vec<ResultRow>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let results = tx.close_round(id, now).await?;
        tx.commit().await?;
        Ok(results)
    }

    /// Closes the open round if its `closes_at` has passed (the round timer,
    /// run by the elected instance: see [`crate::leader`]). Returns the
    /// rounds it closed. Safe to run anywhere at once: the close locks the
    /// round and only an open round closes.
    pub async fn close_due_rounds(&self) -> Result<Vec<RoundId>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let due = tx
            .current_round()
            .await?
            .filter(|r| r.closes_at.is_some_and(|at| at <= now));
        let mut closed = Vec::new();
        if let Some(round) = due {
            tx.close_round(round.id, now).await?;
            closed.push(round.id);
        }
        tx.commit().await?;
        Ok(closed)
    }

    pub async fn round(&self, id: RoundId) -> Result<Round> {
        let mut tx = self.store.begin().await?;
        let r = tx
            .round(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no round {id}")))?;
        tx.commit().await?;
        Ok(r)
    }

    /// Records a Board response. People hear it with UPDATES (and, once the
    /// fan-out exists, straight away).
    pub async fn record_response(&self, input: ResponseInput) -> Result<ResponseRecorded> {
        self.record_response_once(input, None).await?.acted()
    }

    /// [`Gather::record_response`], at most once per idempotency key.
    pub async fn record_response_once(
        &self,
        input: ResponseInput,
        key: Option<(&Once, Render<'_, ResponseRecorded>)>,
    ) -> Result<Done<ResponseRecorded>> {
        let default = self.engine.locales().default_language().clone();
        if input.texts.is_empty() {
            return Err(ServiceError::Invalid("a response needs a text".into()));
        }
        if !input.texts.iter().any(|(l, _)| *l == default) {
            return Err(ServiceError::Invalid(format!(
                "a response needs a text in the default language `{default}`"
            )));
        }
        for (lang, text) in &input.texts {
            if !self.engine.locales().has_language(lang) {
                return Err(ServiceError::Invalid(format!(
                    "Gather has no locale `{lang}`"
                )));
            }
            let n = text.trim().chars().count();
            if n == 0 && input.status == ResponseStatus::Declined {
                return Err(ServiceError::Invalid(
                    "a declined response needs the reason as its text".into(),
                ));
            }
            if n > MAX_RESPONSE_CHARS {
                return Err(ServiceError::Invalid(format!(
                    "the `{lang}` text is {n} characters; the limit is {MAX_RESPONSE_CHARS}"
                )));
            }
        }
        if input.progress.is_some_and(|p| p > 100) {
            return Err(ServiceError::Invalid(
                "progress is a percentage, 0 to 100".into(),
            ));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if let Some((status, body)) = once::claim(tx.as_mut(), key.map(|k| k.0), now).await? {
            tx.commit().await?;
            return Ok(Done::Replayed { status, body });
        }
        let issue = tx
            .issue(input.issue)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no issue {}", input.issue)))?;
        let texts: Vec<(LanguageTag, String)> = input
            .texts
            .into_iter()
            .map(|(l, t)| (l, t.trim().to_string()))
            .collect();
        let id = tx
            .add_response(&NewResponse {
                issue_ref: input.issue,
                status: input.status,
                progress: input.progress,
                texts: texts.clone(),
                created_at: now,
            })
            .await?;
        // Everyone involved hears it, in the same transaction: a response is
        // never recorded without its update queued.
        let titles = tx.issue_titles(&[input.issue]).await?;
        let (messages, default_text) =
            self.update_texts(&issue, input.status, input.progress, &texts, &titles);
        let (fanout, recipients) = tx
            .fan_out(
                &FanOutSpec {
                    kind: FanOutKind::Response,
                    response_id: Some(id),
                    round_id: None,
                    audience: Audience::Issue(input.issue),
                    // By SMS, one short notice; UPDATES, chat and the
                    // public page have the whole text.
                    sms_texts: self.update_sms_texts(&issue, input.status, &messages),
                    texts: messages,
                    default_text,
                    not_before: now,
                },
                now,
            )
            .await?;
        let recorded = ResponseRecorded {
            id,
            fanout,
            recipients,
        };
        once::finish(tx.as_mut(), key, &recorded).await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        tracing::info!(
            response = id,
            fanout,
            recipients,
            "Board response recorded and queued"
        );
        Ok(Done::Acted(recorded))
    }

    /// The SMS notice of a Board response, for each language of `texts`:
    /// the reference and the status, and how to read the rest (UPDATES).
    pub(crate) fn update_sms_texts(
        &self,
        issue: &crate::store::Issue,
        status: ResponseStatus,
        texts: &[(String, String)],
    ) -> Vec<(String, String)> {
        let locales = self.engine.locales();
        let mut args = Args::new();
        args.insert("ref".into(), ArgValue::from(issue.issue_ref.to_string()));
        args.insert("status".into(), ArgValue::from(status.as_str()));
        let notices: Vec<(String, String)> = texts
            .iter()
            .map(|(lang, text)| match LanguageTag::parse(lang) {
                Ok(tag) => (lang.clone(), locales.format(&tag, "update-notice", &args)),
                Err(_) => (lang.clone(), text.clone()),
            })
            .collect();
        self.sms_texts(&notices)
    }

    /// Per-language texts as SMS spell them (plain where the locale asks).
    pub(crate) fn sms_texts(&self, texts: &[(String, String)]) -> Vec<(String, String)> {
        let locales = self.engine.locales();
        texts
            .iter()
            .map(|(lang, text)| {
                let sms = match LanguageTag::parse(lang) {
                    Ok(tag) => locales.sms_text(&tag, text).into_owned(),
                    Err(_) => text.clone(),
                };
                (lang.clone(), sms)
            })
            .collect()
    }

    /// The update as each locale says it: the organiser's text in that
    /// language, or the default language's with a note that a translation
    /// is coming.
    pub(crate) fn update_texts(
        &self,
        issue: &crate::store::Issue,
        status: ResponseStatus,
        progress: Option<u8>,
        texts: &[(LanguageTag, String)],
        titles: &[(IssueRef, String, String)],
    ) -> (Vec<(String, String)>, String) {
        let locales = self.engine.locales();
        let default = locales.default_language().clone();
        let default_text = texts
            .iter()
            .find(|(l, _)| *l == default)
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        let render = |lang: &LanguageTag| {
            let own = texts
                .iter()
                .find(|(l, _)| l == lang)
                .map(|(_, t)| t.clone());
            let mut args = Args::new();
            args.insert("ref".into(), ArgValue::from(issue.issue_ref.to_string()));
            args.insert(
                "title".into(),
                ArgValue::from(crate::i18n::titles::pick_for(
                    locales,
                    lang,
                    &issue.issue_ref,
                    &issue.title,
                    titles,
                )),
            );
            args.insert("status".into(), ArgValue::from(status.as_str()));
            args.insert(
                "progress".into(),
                progress.map_or(ArgValue::from("none"), |p| ArgValue::Number(i64::from(p))),
            );
            args.insert(
                "pending".into(),
                ArgValue::from(if own.is_some() { "no" } else { "yes" }),
            );
            args.insert(
                "text".into(),
                ArgValue::from(own.unwrap_or_else(|| default_text.clone())),
            );
            format!(
                "{}\n{}",
                locales.format(lang, "updates-intro", &Args::new()),
                locales.format(lang, "updates-item", &args)
            )
        };
        let all: Vec<(String, String)> = locales
            .languages()
            .map(|l| (l.as_str().to_string(), render(l)))
            .collect();
        (all, render(&default))
    }

    /// A round's results as each locale says them, and in the default
    /// language (for a recipient whose language has no locale).
    pub(crate) fn announce_texts(
        &self,
        round_title: (&str, &[(String, String)]),
        results: &[ResultRow],
        titles: &[(IssueRef, String, String)],
    ) -> (Vec<(String, String)>, String) {
        let locales = self.engine.locales();
        let render = |lang: &LanguageTag| {
            let mut args = Args::new();
            let (default, others) = round_title;
            let title = crate::i18n::titles::pick_stored(locales, lang, default, others);
            args.insert("round_title".into(), ArgValue::from(title));
            let mut lines = vec![locales.format(lang, "round-results", &args)];
            for row in results {
                let mut a = Args::new();
                a.insert("rank".into(), ArgValue::Number(i64::from(row.rank)));
                a.insert(
                    "title".into(),
                    ArgValue::from(crate::i18n::titles::pick_for(
                        locales,
                        lang,
                        &row.issue_ref,
                        &row.title,
                        titles,
                    )),
                );
                a.insert("votes".into(), ArgValue::Number(row.votes));
                lines.push(locales.format(lang, "round-results-line", &a));
            }
            lines.join("\n")
        };
        let texts = locales
            .languages()
            .map(|l| (l.as_str().to_string(), render(l)))
            .collect();
        (texts, render(locales.default_language()))
    }

    /// Tells the people who voted in a round (or everyone) its results.
    pub async fn announce(&self, round: RoundId, everyone: bool) -> Result<ResponseRecorded> {
        self.announce_once(round, everyone, None).await?.acted()
    }

    /// [`Gather::announce`], at most once per idempotency key.
    pub async fn announce_once(
        &self,
        round: RoundId,
        everyone: bool,
        key: Option<(&Once, Render<'_, ResponseRecorded>)>,
    ) -> Result<Done<ResponseRecorded>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if let Some((status, body)) = once::claim(tx.as_mut(), key.map(|k| k.0), now).await? {
            tx.commit().await?;
            return Ok(Done::Replayed { status, body });
        }
        let r = tx
            .round(round)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no round {round}")))?;
        if r.status != crate::store::RoundStatus::Closed {
            return Err(ServiceError::Conflict(format!(
                "round {round} is not closed yet: close it first"
            )));
        }
        let results = tx.results(round).await?;
        let refs: Vec<IssueRef> = results.iter().map(|r| r.issue_ref).collect();
        let titles = tx.issue_titles(&refs).await?;
        let round_titles = tx.round_titles(round).await?;
        let (texts, default_text) =
            self.announce_texts((&r.title, &round_titles), &results, &titles);
        let (fanout, recipients) = tx
            .fan_out(
                &FanOutSpec {
                    kind: FanOutKind::Announce,
                    response_id: None,
                    round_id: Some(round),
                    audience: if everyone {
                        Audience::Everyone
                    } else {
                        Audience::RoundVoters(round)
                    },
                    sms_texts: self.sms_texts(&texts),
                    texts,
                    default_text,
                    not_before: now,
                },
                now,
            )
            .await?;
        let recorded = ResponseRecorded {
            id: round,
            fanout,
            recipients,
        };
        once::finish(tx.as_mut(), key, &recorded).await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        Ok(Done::Acted(recorded))
    }

    /// How many people an update to `audience` would reach now.
    pub async fn audience_size(&self, audience: &Audience) -> Result<i64> {
        let mut tx = self.store.begin().await?;
        let n = tx.audience_size(audience).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// What a fan-out to `audience` would cost now: SMS segments for the
    /// people reached by phone (each in their language, `sms_texts` by
    /// language tag, `default_sms` for a language without one), and how
    /// many are reached in chat instead (free).
    pub async fn fanout_estimate(
        &self,
        audience: &Audience,
        sms_texts: &[(String, String)],
        default_sms: &str,
    ) -> Result<FanOutEstimate> {
        let mut tx = self.store.begin().await?;
        let groups = tx.audience_groups(audience).await?;
        tx.commit().await?;
        let mut estimate = FanOutEstimate::default();
        for g in groups {
            if g.kind == "phone" {
                let text = sms_texts
                    .iter()
                    .find(|(l, _)| *l == g.language)
                    .map_or(default_sms, |(_, t)| t.as_str());
                let segments = crate::i18n::segments::count(text).segments as i64;
                estimate.sms_people += g.people;
                estimate.sms_segments += g.people * segments;
            } else if g.kind == "whatsapp" {
                estimate.whatsapp_people += g.people;
            } else {
                estimate.chat_people += g.people;
            }
        }
        Ok(estimate)
    }

    /// Progress of one fan-out, or all of them.
    pub async fn fanout_status(&self, id: Option<i64>) -> Result<Vec<FanOutStatus>> {
        let mut tx = self.store.begin().await?;
        let s = tx.fanout_status(id).await?;
        tx.commit().await?;
        if let Some(id) = id
            && s.is_empty()
        {
            return Err(ServiceError::NotFound(format!("no fan-out {id}")));
        }
        Ok(s)
    }
}
