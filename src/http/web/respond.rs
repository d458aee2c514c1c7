//! Board responses: status, progress and text per language (missing
//! translations highlighted), a preview of the SMS each recipient gets in
//! their language (rendered by the same code as the fan-out), send; then
//! the fan-out's progress.

use super::WebState;
use super::page::{self, Nav, WebError};
use super::rounds::repeat;
use super::session::{NonceClaim, Organiser, Posted};
use crate::domain::{IssueRef, LanguageTag};
use crate::i18n::Args;
use crate::service::{ResponseInput, ServiceError};
use crate::store::fanout::{Audience, FanOutStatus};
use crate::store::{Issue, ResponseStatus};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use std::collections::BTreeMap;

const STATUSES: [(ResponseStatus, &str, &str); 4] = [
    (
        ResponseStatus::Committed,
        "Committed",
        "The Board committed to act.",
    ),
    (
        ResponseStatus::InProgress,
        "In progress",
        "Work is under way; give the progress below.",
    ),
    (ResponseStatus::Done, "Done", "The work is finished."),
    (
        ResponseStatus::Declined,
        "Declined",
        "The Board will not act; the text must give the reason.",
    ),
];

/// What the organiser has typed so far.
#[derive(Default)]
struct Draft {
    status: Option<ResponseStatus>,
    progress: String,
    /// Language tag → text (blank ones left out).
    texts: BTreeMap<String, String>,
}

impl Draft {
    fn from_form(p: &Posted) -> Draft {
        Draft {
            status: p.form.get("status").and_then(ResponseStatus::parse),
            progress: p.form.get("progress").unwrap_or("").to_string(),
            texts: p
                .form
                .all_pairs()
                .filter_map(|(k, v)| {
                    let lang = k.strip_prefix("text_")?;
                    let v = v.trim();
                    (!v.is_empty()).then(|| (lang.to_string(), v.to_string()))
                })
                .collect(),
        }
    }

    fn progress(&self) -> Result<Option<u8>, ServiceError> {
        let p = self.progress.trim().trim_end_matches('%');
        if p.is_empty() {
            return Ok(None);
        }
        p.parse::<u8>()
            .ok()
            .filter(|n| *n <= 100)
            .map(Some)
            .ok_or_else(|| ServiceError::Invalid("Progress is a percentage, 0 to 100.".into()))
    }

    fn texts(&self) -> Result<Vec<(LanguageTag, String)>, ServiceError> {
        self.texts
            .iter()
            .map(|(l, t)| {
                LanguageTag::parse(l)
                    .map(|tag| (tag, t.clone()))
                    .map_err(|_| ServiceError::Invalid(format!("`{l}` is not a language tag")))
            })
            .collect()
    }
}

async fn load_issue(state: &WebState, r: &str) -> Result<Issue, WebError> {
    let r =
        IssueRef::parse(r).map_err(|_| WebError::not_found(format!("There is no issue `{r}`.")))?;
    let mut tx = state
        .gather
        .store
        .begin()
        .await
        .map_err(ServiceError::from)?;
    let issue = tx.issue(r).await.map_err(ServiceError::from)?;
    tx.commit().await.map_err(ServiceError::from)?;
    issue.ok_or_else(|| WebError::not_found(format!("There is no issue {r}.")))
}

pub async fn form(
    State(state): State<WebState>,
    org: Organiser,
    Path(r): Path<String>,
) -> Result<Response, WebError> {
    let issue = load_issue(&state, &r).await?;
    let nonce = state
        .sessions
        .issue_nonce(&org.session, state.now_ms())
        .await?;
    render(&state, &org, &issue, &Draft::default(), false, None, &nonce).await
}

pub async fn submit(
    State(state): State<WebState>,
    Path(r): Path<String>,
    p: Posted,
) -> Result<Response, WebError> {
    let issue = load_issue(&state, &r).await?;
    let draft = Draft::from_form(&p);
    let nonce = p.form.get("nonce").unwrap_or("").to_string();
    if p.form.get("action") != Some("send") {
        return render(&state, &p.org, &issue, &draft, true, None, &nonce).await;
    }
    let claim = state.sessions.claim_nonce(&p.org.session, &nonce).await;
    if claim != NonceClaim::Fresh {
        let back = format!("/admin/issues/{}/respond", issue.issue_ref);
        return Ok(repeat(&state, &p, claim, &back).await);
    }
    let input = (|| -> Result<ResponseInput, ServiceError> {
        Ok(ResponseInput {
            issue: issue.issue_ref,
            status: draft
                .status
                .ok_or_else(|| ServiceError::Invalid("Choose what the Board decided.".into()))?,
            progress: draft.progress()?,
            texts: draft.texts()?,
        })
    })();
    let recorded = match input {
        Ok(input) => state.gather.record_response(input).await,
        Err(e) => Err(e),
    };
    match recorded {
        Ok(done) => {
            let to = format!("/admin/fanouts/{}", done.fanout);
            state
                .sessions
                .finish_nonce(&p.org.session, &nonce, &to)
                .await;
            state
                .sessions
                .flash(
                    &p.org.session,
                    true,
                    format!(
                        "Response to {} recorded; the update is queued for {} people.",
                        issue.issue_ref, done.recipients
                    ),
                )
                .await;
            Ok(page::redirect(&to))
        }
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::NotFound(_) | ServiceError::Conflict(_)),
        ) => {
            state.sessions.release_nonce(&p.org.session, &nonce).await;
            render(
                &state,
                &p.org,
                &issue,
                &draft,
                true,
                Some(e.to_string()),
                &nonce,
            )
            .await
        }
        Err(e) => {
            state.sessions.release_nonce(&p.org.session, &nonce).await;
            Err(e.into())
        }
    }
}

async fn render(
    state: &WebState,
    org: &Organiser,
    issue: &Issue,
    draft: &Draft,
    preview: bool,
    error: Option<String>,
    nonce: &str,
) -> Result<Response, WebError> {
    let locales = state.gather.engine.locales();
    let default = locales.default_language().clone();
    let reach = state
        .gather
        .audience_size(&Audience::Issue(issue.issue_ref))
        .await?;
    let earlier: Vec<_> = state
        .gather
        .store
        .reports()
        .responses()
        .await
        .map_err(ServiceError::from)?
        .into_iter()
        .filter(|x| x.issue_ref == issue.issue_ref)
        .collect();
    let r = issue.issue_ref;
    let zone = state.config.zone();
    let texts: Vec<(LanguageTag, String)> = draft.texts().unwrap_or_default();
    // What each language gets: the SMS notice, the UPDATES reply as SMS
    // spell it, and what a fan-out to the issue's people would cost.
    let titles = state.gather.issue_titles(&[issue.issue_ref]).await?;
    let previews: Vec<Preview> = match (preview, draft.status) {
        (true, Some(status)) => {
            let (full, _) = state.gather.update_texts(
                issue,
                status,
                draft.progress().ok().flatten(),
                &texts,
                &titles,
            );
            let notices = state.gather.update_sms_texts(issue, status, &full);
            let replies = state.gather.sms_texts(&full);
            full.into_iter()
                .zip(notices)
                .zip(replies)
                .map(|(((tag, full), (_, notice)), (_, reply))| Preview {
                    tag,
                    notice,
                    reply,
                    full,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let estimate = match previews.iter().find(|p| p.tag == default.as_str()) {
        Some(fallback) => {
            let notices: Vec<(String, String)> = previews
                .iter()
                .map(|p| (p.tag.clone(), p.notice.clone()))
                .collect();
            Some(
                state
                    .gather
                    .fanout_estimate(
                        &Audience::Issue(issue.issue_ref),
                        &notices,
                        &fallback.notice,
                    )
                    .await?,
            )
        }
        None => None,
    };
    let name = |tag: &LanguageTag| locales.format(tag, "language-name", &Args::new());
    let body = html! {
        h1 { "Board response to " (r) }
        article.issue {
            h2 { span.ref { (r) } " " bdi { (issue.title) } }
            p.hint { "Status: " (issue.status.as_str()) " · supporters: " (issue.supporters) }
            blockquote.words lang=(issue.language) dir=(page::dir(&issue.language)) { (issue.description) }
        }
        @if !earlier.is_empty() {
            h2 { "Earlier responses" }
            ul {
                @for e in &earlier {
                    li {
                        (page::time(e.created_at, zone)) ": " strong { (e.status.as_str()) }
                        @if let Some(p) = e.progress { " (" (p) "%)" }
                        @if let Some((l, t)) = e.texts.iter().find(|(l, _)| *l == default.as_str()) {
                            " – " span lang=(l) { (t) }
                        }
                    }
                }
            }
        }
        @if let Some(e) = &error {
            p.flash.error role="alert" { (e) }
        }
        form.card.respond method="post" action={ "/admin/issues/" (r) "/respond" } {
            (page::csrf(org))
            input type="hidden" name="nonce" value=(nonce);
            fieldset {
                legend { "What did the Board decide?" }
                @for (s, label, hint) in STATUSES {
                    @let id = format!("status-{}", s.as_str());
                    p.radio {
                        input id=(id) type="radio" name="status" value=(s.as_str()) checked[draft.status == Some(s)] required;
                        label for=(id) { strong { (label) } " – " (hint) }
                    }
                }
            }
            p {
                label for="progress" { "Progress, per cent (optional)" }
                input #progress type="number" name="progress" min="0" max="100" value=(draft.progress);
            }
            fieldset {
                legend { "The Board's words, in each language" }
                p.hint {
                    "The " (name(&default)) " text is required. Where a language has no text, "
                    "people who speak it get the " (name(&default)) " text with a note that a translation is coming. "
                    "Keep it short: it is sent by SMS."
                }
                @for lang in locales.languages() {
                    @let tag = lang.as_str();
                    @let id = format!("text-{tag}");
                    @let value = draft.texts.get(tag).cloned().unwrap_or_default();
                    @let missing = value.is_empty();
                    div.translation.missing[missing && *lang != default] data-translation {
                        label for=(id) {
                            span lang=(tag) dir=(page::dir(tag)) { (name(lang)) }
                            " (" (tag) ")"
                            @if *lang == default { " – required" }
                            @else if missing { span.missing-note { " – missing" } }
                        }
                        textarea id=(id) name={ "text_" (tag) } lang=(tag) dir=(page::dir(tag)) rows="3" maxlength="1000" required[*lang == default] data-live-cost { (value) }
                        p.hint.live-cost data-cost-of=(id) aria-live="polite" { (page::segment_label(&value)) }
                    }
                }
            }
            p.hint { "This update goes to " strong #audience { (reach) } " people who raised, voted for or follow " (r) ", each on their own channel and in their own language." }
            div.actions {
                button type="submit" name="action" value="preview" { "Preview the messages" }
                button.primary type="submit" name="action" value="send" { "Send to " (reach) " people" }
            }
        }
        @if preview {
            section #preview aria-labelledby="preview-h" {
                h2 #preview-h { "What each person gets" }
                @if previews.is_empty() {
                    p { "Choose what the Board decided to see the messages." }
                }
                @if let Some(e) = &estimate {
                    p.estimate #estimate {
                        "Estimated cost: " strong { (count(e.sms_segments, "SMS segment", "SMS segments")) }
                        " to " (count(e.sms_people, "phone", "phones")) ", "
                        @if e.whatsapp_people > 0 {
                            (count(e.whatsapp_people, "person", "people")) " on WhatsApp, "
                        }
                        "and " (count(e.chat_people, "person", "people")) " in chat (free)."
                    }
                }
                @for p in &previews {
                    @let tag = &p.tag;
                    @let own = draft.texts.contains_key(tag.as_str());
                    div.preview.missing[!own] {
                        h3 {
                            @if let Ok(t) = LanguageTag::parse(tag) { span lang=(tag) dir=(page::dir(tag)) { (name(&t)) } }
                            " (" (tag) ")"
                            @if !own { " · " span.missing-note { "no translation yet" } }
                        }
                        p.hint { "By SMS · " (page::segment_label(&p.notice)) }
                        pre.sms lang=(tag) dir=(page::dir(tag)) { (p.notice) }
                        p.hint { "Their reply to UPDATES, by SMS · " (page::segment_label(&p.reply)) }
                        pre.sms lang=(tag) dir=(page::dir(tag)) { (p.reply) }
                        p.hint { "In chat and on the public page" }
                        pre lang=(tag) dir=(page::dir(tag)) { (p.full) }
                    }
                }
            }
        }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    let mut resp = page::admin_html(page::admin_page(
        &format!("Respond to {r}"),
        Nav::Inbox,
        org,
        &flash,
        None,
        body,
    ));
    if error.is_some() {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

/// "1 phone", "3 phones".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One language's preview of a Board response.
struct Preview {
    tag: String,
    /// The SMS notice everyone reached by phone gets.
    notice: String,
    /// The reply to UPDATES, as SMS spell it.
    reply: String,
    /// The whole text, as chat and the public page show it.
    full: String,
}

fn handled(f: &FanOutStatus) -> i64 {
    f.sent + f.delivered + f.failed + f.cancelled
}

fn progress_markup(f: &FanOutStatus) -> Markup {
    let done = handled(f);
    html! {
        progress value=(done) max=(f.recipients.max(1)) aria-label={ "Fan-out " (f.id) } { (done) " of " (f.recipients) }
    }
}

pub async fn fanouts(State(state): State<WebState>, org: Organiser) -> Result<Response, WebError> {
    let all = state.gather.fanout_status(None).await?;
    let zone = state.config.zone();
    let body = html! {
        h1 { "Updates sent" }
        @if all.is_empty() {
            p { "No updates yet. They appear when you record a Board response or announce results." }
        } @else {
            table.data {
                thead { tr {
                    th scope="col" { "Update" } th scope="col" { "What" } th scope="col" { "Queued at" }
                    th scope="col" { "People" } th scope="col" { "Progress" }
                } }
                tbody {
                    @for f in &all {
                        tr {
                            th scope="row" { a href={ "/admin/fanouts/" (f.id) } { "#" (f.id) } }
                            td { (kind_label(&f.kind)) }
                            td { (page::time(f.created_at, zone)) }
                            td { (f.recipients) }
                            td { (progress_markup(f)) " " (handled(f)) "/" (f.recipients) }
                        }
                    }
                }
            }
        }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    Ok(page::admin_html(page::admin_page(
        "Updates sent",
        Nav::Fanouts,
        &org,
        &flash,
        None,
        body,
    )))
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "response" => "Board response",
        "announce" => "Vote results",
        _ => "Update",
    }
}

pub async fn fanout(
    State(state): State<WebState>,
    org: Organiser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let f = state
        .gather
        .fanout_status(Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| WebError::not_found(format!("There is no update #{id}.")))?;
    let pending = f.queued + f.sending;
    let complete = pending == 0;
    let zone = state.config.zone();
    let body = html! {
        h1 { (kind_label(&f.kind)) " #" (f.id) }
        p { "Queued " (page::time(f.created_at, zone)) " for " strong { (f.recipients) } " people." }
        p.big { (progress_markup(&f)) }
        @if complete {
            p.flash.ok #fanout-state role="status" { "Complete: all " (f.recipients) " messages have been handled." }
        } @else {
            p #fanout-state role="status" { (pending) " still to send. This page refreshes every 3 seconds. Notices wait for the end of quiet hours." }
        }
        table.data {
            caption.sr { "Messages by state" }
            tbody {
                tr { th scope="row" { "Waiting" } td { (f.queued) } }
                tr { th scope="row" { "Sending" } td { (f.sending) } }
                tr { th scope="row" { "Sent" } td { (f.sent) } }
                tr { th scope="row" { "Delivered" } td { (f.delivered) } }
                tr { th scope="row" { "Failed" } td { (f.failed) } }
                tr { th scope="row" { "Not sent (opted out)" } td { (f.cancelled) } }
            }
        }
        p { a href="/admin/fanouts" { "All updates" } }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    Ok(page::admin_html(page::admin_page(
        &format!("Update #{}", f.id),
        Nav::Fanouts,
        &org,
        &flash,
        (!complete).then_some(3),
        body,
    )))
}
