//! The inbox: issues people raised, safeguarding flags first, grouped by
//! channel and language; approve, hide with a reason, merge into another
//! issue, and edit the short title used on ballots (with what it costs in
//! SMS segments in every language).

use super::WebState;
use super::page::{self, Nav, WebError};
use super::session::{Organiser, Posted};
use crate::domain::IssueRef;
use crate::i18n::segments;
use crate::i18n::{ArgValue, Args, Locales};
use crate::service::ServiceError;
use crate::store::{Issue, IssueStatus};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use std::collections::BTreeMap;

/// Stands for the title while a ballot line is measured, so the script can
/// put the organiser's text in its place.
const SLOT: char = '\u{E000}';

/// One language's ballot with a title: the text around the title, and
/// what the whole costs.
pub struct BallotCost {
    pub lang: String,
    pub name: String,
    pub before: String,
    pub after: String,
    pub info: segments::SegmentInfo,
}

/// What a ballot showing `title` costs in each language: the vote prompt
/// and the title's numbered line, measured as one SMS.
pub fn ballot_costs(locales: &Locales, title: &str) -> Vec<BallotCost> {
    locales
        .languages()
        .map(|lang| {
            let mut a = Args::new();
            a.insert("round_title".into(), ArgValue::from("Vote"));
            a.insert("max_choices".into(), ArgValue::Number(1));
            let head = locales.format(lang, "vote-choose", &a);
            let mut o = Args::new();
            o.insert("number".into(), ArgValue::Number(1));
            o.insert("label".into(), ArgValue::from(SLOT.to_string()));
            let line = locales.format(lang, "option-line", &o);
            let text = format!("{head}\n{line}");
            let (before, after) = text
                .split_once(SLOT)
                .map(|(b, a)| (b.to_string(), a.to_string()))
                .unwrap_or((text.clone(), String::new()));
            let info = segments::count(&format!("{before}{title}{after}"));
            BallotCost {
                lang: lang.as_str().to_string(),
                name: locales.format(lang, "language-name", &Args::new()),
                before,
                after,
                info,
            }
        })
        .collect()
}

/// The segment counts under a title box; `gather.js` keeps them live.
pub fn costs_markup(input_id: &str, costs: &[BallotCost], title: &str) -> Markup {
    let alone = segments::count(title);
    html! {
        div.costs data-costs-for=(input_id) {
            p.hint {
                "This title alone: "
                output data-title-cost for=(input_id) {
                    (alone.units) " units, " (alone.encoding.as_str())
                }
                ". A vote SMS with it (prompt + this line) takes, per language:"
            }
            ul.segs {
                @for c in costs {
                    li.over[c.info.segments > 1] data-before=(c.before) data-after=(c.after) {
                        span lang=(c.lang) dir=(page::dir(&c.lang)) { (c.name) }
                        " "
                        strong data-segments { (c.info.segments) }
                        " "
                        span.enc data-encoding { (c.info.encoding.as_str()) }
                    }
                }
            }
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct InboxQuery {
    status: Option<String>,
}

fn status_label(s: IssueStatus) -> &'static str {
    match s {
        IssueStatus::New => "New",
        IssueStatus::Approved => "Approved",
        IssueStatus::Hidden => "Hidden",
        IssueStatus::Merged => "Merged",
    }
}

pub async fn inbox(
    State(state): State<WebState>,
    org: Organiser,
    Query(q): Query<InboxQuery>,
) -> Result<Response, WebError> {
    let view = match q.status.as_deref() {
        None | Some("") => Some(IssueStatus::New),
        Some("all") => None,
        Some(s) => Some(
            IssueStatus::parse(s)
                .ok_or_else(|| WebError::bad_request(format!("There is no status `{s}`.")))?,
        ),
    };
    let all = state.gather.list_issues(None).await?;
    let count = |s: IssueStatus| all.iter().filter(|i| i.status == s).count();
    let here = format!("/admin?status={}", view.map_or("all", IssueStatus::as_str));
    let mut shown: Vec<&Issue> = all
        .iter()
        .filter(|i| view.is_none_or(|v| i.status == v))
        .collect();
    // Safeguarding flags first; then by channel and language; oldest first.
    shown.sort_by(|a, b| {
        b.safeguarding
            .cmp(&a.safeguarding)
            .then_with(|| a.channel.cmp(&b.channel))
            .then_with(|| a.language.cmp(&b.language))
            .then_with(|| a.created_at.cmp(&b.created_at))
    });
    let flagged: Vec<&Issue> = shown.iter().copied().filter(|i| i.safeguarding).collect();
    let mut groups: BTreeMap<(String, String), Vec<&Issue>> = BTreeMap::new();
    for i in shown.iter().copied().filter(|i| !i.safeguarding) {
        groups
            .entry((i.channel.clone(), i.language.clone()))
            .or_default()
            .push(i);
    }
    let mut by_channel: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_language: BTreeMap<&str, usize> = BTreeMap::new();
    for i in &shown {
        *by_channel.entry(i.channel.as_str()).or_default() += 1;
        *by_language.entry(i.language.as_str()).or_default() += 1;
    }
    let locales = state.gather.engine.locales();
    let lang_name = |tag: &str| -> String {
        crate::domain::LanguageTag::parse(tag)
            .ok()
            .filter(|t| locales.has_language(t))
            .map(|t| locales.format(&t, "language-name", &Args::new()))
            .unwrap_or_else(|| tag.to_string())
    };
    let tab = |s: Option<IssueStatus>, label: &str, n: usize| {
        let href = format!("/admin?status={}", s.map_or("all", IssueStatus::as_str));
        html! {
            li { a href=(href) aria-current=[(s == view).then_some("page")] { (label) " (" (n) ")" } }
        }
    };
    let zone = state.config.zone().to_string();
    let refs: Vec<_> = shown.iter().map(|i| i.issue_ref).collect();
    let titles = state.gather.issue_titles(&refs).await?;
    let card = |i: &Issue| {
        issue_card(
            &state,
            &org,
            i,
            &here,
            &zone,
            &lang_name(&i.language),
            &titles,
        )
    };
    let body = html! {
        h1 { "Inbox" }
        nav.tabs aria-label="Issues by status" {
            ul {
                (tab(Some(IssueStatus::New), "New", count(IssueStatus::New)))
                (tab(Some(IssueStatus::Approved), "Approved", count(IssueStatus::Approved)))
                (tab(Some(IssueStatus::Hidden), "Hidden", count(IssueStatus::Hidden)))
                (tab(Some(IssueStatus::Merged), "Merged", count(IssueStatus::Merged)))
                (tab(None, "All", all.len()))
            }
        }
        @if shown.is_empty() {
            p { "Nothing here. New issues appear as people raise them by SMS, phone or chat." }
        } @else {
            p.summary {
                "By channel: "
                @for (k, (c, n)) in by_channel.iter().enumerate() {
                    @if k > 0 { " · " }
                    (c) " " strong { (n) }
                }
                br;
                "By language: "
                @for (k, (l, n)) in by_language.iter().enumerate() {
                    @if k > 0 { " · " }
                    span lang=(l) dir=(page::dir(l)) { (lang_name(l)) } " " strong { (n) }
                }
            }
        }
        @if !flagged.is_empty() {
            section.flagged aria-labelledby="flagged-h" {
                h2 #flagged-h { "Safeguarding flags: look at these first (" (flagged.len()) ")" }
                p.hint { "These conversations matched a phrase about urgent medical need or risk of harm. The person was given NHS 111 / 999 advice straight away." }
                @for i in &flagged { (card(i)) }
            }
        }
        @for ((channel, language), issues) in &groups {
            section aria-label={ (channel) ", " (lang_name(language)) } {
                h2 {
                    (channel) " · "
                    span lang=(language) dir=(page::dir(language)) { (lang_name(language)) }
                    " (" (issues.len()) ")"
                }
                @for i in issues { (card(i)) }
            }
        }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    Ok(page::admin_html(page::admin_page(
        "Inbox",
        Nav::Inbox,
        &org,
        &flash,
        None,
        body,
    )))
}

fn issue_card(
    state: &WebState,
    org: &Organiser,
    i: &Issue,
    here: &str,
    zone: &str,
    language_name: &str,
    titles: &[(crate::domain::IssueRef, String, String)],
) -> Markup {
    let r = i.issue_ref.to_string();
    let title_id = format!("title-{r}");
    let reason_id = format!("reason-{r}");
    let merge_id = format!("merge-{r}");
    let costs = ballot_costs(state.gather.engine.locales(), &i.title);
    html! {
        article.issue.safeguarding[i.safeguarding] id=(r) aria-labelledby={ "h-" (r) } {
            h3 id={ "h-" (r) } {
                span.ref { (r) } " " bdi { (i.title) }
                @if i.safeguarding { " " span.badge.danger { "Safeguarding" } }
                " " span.badge { (status_label(i.status)) }
            }
            dl.meta {
                div { dt { "Raised" } dd { (page::time(i.created_at, zone)) } }
                div { dt { "Channel" } dd { (i.channel) } }
                div { dt { "Language" } dd lang=(i.language) dir=(page::dir(&i.language)) { (language_name) } }
                div { dt { "Area" } dd { (i.area.as_deref().unwrap_or("–")) } }
                div { dt { "Involvement" } dd { (i.involvement.as_deref().unwrap_or("–")) } }
                div { dt { "Supporters" } dd { (i.supporters) } }
                @if let Some(reason) = &i.hidden_reason { div { dt { "Hidden because" } dd { (reason) } } }
                @if let Some(into) = i.merged_into { div { dt { "Merged into" } dd { a href={ "/admin?status=all#" (into) } { (into) } } } }
            }
            blockquote.words lang=(i.language) dir=(page::dir(&i.language)) { (i.description) }
            @if let Some(url) = &i.recording_url {
                // A voice issue: listen, then write the summary people will
                // see and hear on ballots (approval waits for it).
                div.voice {
                    p {
                        span.badge { "Voice issue" }
                        @if i.title.starts_with("[voice recording") { " " span.badge.danger { "Awaiting a written summary" } }
                        " " (i.recording_secs.map(|s| format!("{s} s")).unwrap_or_default())
                    }
                    audio controls preload="none" src=(url) aria-label={ "Recording of " (r) } {
                        a href=(url) { "Listen to the recording of " (r) }
                    }
                }
            }
            form.title method="post" action={ "/admin/issues/" (r) "/title" } {
                (page::csrf(org))
                input type="hidden" name="back" value=(here);
                label for=(title_id) {
                    @if i.recording_url.is_some() { "Written summary (the short title for ballots)" } @else { "Short title for ballots" }
                }
                div.row {
                    input id=(title_id) type="text" name="title" value=(i.title) maxlength="80" required dir="auto" data-segments;
                    button type="submit" { "Save title" }
                }
                (costs_markup(&title_id, &costs, &i.title))
            }
            (language_titles(state, org, i, here, titles))
            div.actions {
                @if matches!(i.status, IssueStatus::New | IssueStatus::Hidden) {
                    form method="post" action={ "/admin/issues/" (r) "/approve" } {
                        (page::csrf(org))
                        input type="hidden" name="back" value=(here);
                        button.primary type="submit" { "Approve " (r) }
                    }
                }
                @if matches!(i.status, IssueStatus::New | IssueStatus::Approved) {
                    form method="post" action={ "/admin/issues/" (r) "/hide" } {
                        (page::csrf(org))
                        input type="hidden" name="back" value=(here);
                        label for=(reason_id) { "Reason for hiding" }
                        input id=(reason_id) type="text" name="reason" maxlength="500" required placeholder="e.g. personal data";
                        button.danger type="submit" { "Hide" }
                    }
                    form method="get" action={ "/admin/issues/" (r) "/merge" } {
                        label for=(merge_id) { "Merge into (reference or words)" }
                        input id=(merge_id) type="search" name="q" required dir="auto" placeholder="G-1001 or bus";
                        button type="submit" { "Find" }
                    }
                }
                @if i.status == IssueStatus::Approved {
                    a.button href={ "/admin/issues/" (r) "/respond" } { "Record a Board response" }
                }
            }
        }
    }
}

fn parse_ref(s: &str) -> Result<IssueRef, WebError> {
    IssueRef::parse(s).map_err(|_| WebError::not_found(format!("There is no issue `{s}`.")))
}

/// Shows the outcome on the page the form came from: a service error the
/// organiser can fix becomes a message there, not an error page.
async fn outcome(
    state: &WebState,
    org: &Organiser,
    back: &str,
    result: Result<String, ServiceError>,
) -> Response {
    match result {
        Ok(text) => {
            state.sessions.flash(&org.session, true, text).await;
            page::redirect(back)
        }
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::NotFound(_) | ServiceError::Conflict(_)),
        ) => {
            state
                .sessions
                .flash(&org.session, false, e.to_string())
                .await;
            page::redirect(back)
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

fn back(p: &Posted, r: IssueRef) -> String {
    let b = page::back_to(p.form.get("back"));
    if b.contains('#') {
        b
    } else {
        format!("{b}#{r}")
    }
}

pub async fn approve(
    State(state): State<WebState>,
    Path(r): Path<String>,
    p: Posted,
) -> Result<Response, WebError> {
    let r = parse_ref(&r)?;
    // Approving twice is approving once.
    let result = state
        .gather
        .set_issue_status(r, IssueStatus::Approved, None)
        .await
        .map(|i| format!("{} approved: it can go on a ballot.", i.issue_ref));
    Ok(outcome(&state, &p.org, &back(&p, r), result).await)
}

pub async fn hide(
    State(state): State<WebState>,
    Path(r): Path<String>,
    p: Posted,
) -> Result<Response, WebError> {
    let r = parse_ref(&r)?;
    let reason = p.form.get("reason").unwrap_or("");
    let result = if reason.chars().count() > 500 {
        Err(ServiceError::Invalid(
            "The reason is over 500 characters.".into(),
        ))
    } else {
        state
            .gather
            .set_issue_status(r, IssueStatus::Hidden, Some(reason))
            .await
            .map(|i| format!("{} hidden.", i.issue_ref))
    };
    Ok(outcome(&state, &p.org, &back(&p, r), result).await)
}

/// A title field per language other than the default (issue 19), each with
/// what a ballot line with it costs in that language.
fn language_titles(
    state: &WebState,
    org: &Organiser,
    i: &Issue,
    here: &str,
    titles: &[(crate::domain::IssueRef, String, String)],
) -> Markup {
    let locales = state.gather.engine.locales();
    let r = i.issue_ref.to_string();
    let written = titles.iter().filter(|(x, _, _)| *x == i.issue_ref).count();
    html! {
        details.titles {
            summary { "Titles in other languages (" (written) " written)" }
            p.hint { "At most 60 characters in GSM-7, 30 in UCS-2 (as SMS spell it), no emoji. Leave empty and save to clear. Voters without a title in their language see the English one, marked “(EN)”, and a round opens only if the organiser accepts that." }
            @for lang in locales.languages().filter(|l| *l != locales.default_language()) {
                @let tag = lang.as_str();
                @let id = format!("title-{r}-{tag}");
                @let current = titles
                    .iter()
                    .find(|(x, l, _)| *x == i.issue_ref && l == tag)
                    .map(|(_, _, t)| t.as_str())
                    .unwrap_or("");
                @let costs: Vec<BallotCost> = ballot_costs(locales, current)
                    .into_iter()
                    .filter(|c| c.lang == tag)
                    .collect();
                form.title method="post" action={ "/admin/issues/" (r) "/titles" } {
                    (page::csrf(org))
                    input type="hidden" name="back" value=(here);
                    input type="hidden" name="lang" value=(tag);
                    label for=(id) {
                        span lang=(tag) dir=(page::dir(tag)) { (locales.format(lang, "language-name", &Args::new())) }
                    }
                    div.row {
                        input id=(id) type="text" name="title" value=(current) maxlength="60" lang=(tag) dir=(page::dir(tag)) data-segments;
                        button type="submit" { "Save" }
                    }
                    (costs_markup(&id, &costs, current))
                }
            }
        }
    }
}

pub async fn title(
    State(state): State<WebState>,
    Path(r): Path<String>,
    p: Posted,
) -> Result<Response, WebError> {
    let r = parse_ref(&r)?;
    let title = p.form.get("title").unwrap_or("");
    if let Some(lang) = p.form.get("lang") {
        let result = match crate::domain::LanguageTag::parse(lang) {
            Ok(tag) => {
                let clear = title.trim().is_empty();
                state
                    .gather
                    .set_issue_title_in(r, &tag, (!clear).then_some(title))
                    .await
                    .map(|i| {
                        if clear {
                            format!("{} has no `{tag}` title now.", i.issue_ref)
                        } else {
                            format!(
                                "{} now reads “{}” on `{tag}` ballots.",
                                i.issue_ref,
                                title.trim()
                            )
                        }
                    })
            }
            Err(e) => Err(crate::service::ServiceError::Invalid(e.to_string())),
        };
        return Ok(outcome(&state, &p.org, &back(&p, r), result).await);
    }
    let result = state
        .gather
        .set_issue_title(r, title)
        .await
        .map(|i| format!("{} now reads “{}” on ballots.", i.issue_ref, i.title));
    Ok(outcome(&state, &p.org, &back(&p, r), result).await)
}

#[derive(serde::Deserialize, Default)]
pub struct MergeQuery {
    q: Option<String>,
}

/// Issues that `words` (a reference, or words all found in the title or
/// description) could mean, other than `from`.
fn candidates<'a>(all: &'a [Issue], from: IssueRef, words: &str) -> Vec<&'a Issue> {
    let open = |i: &&Issue| {
        i.issue_ref != from && matches!(i.status, IssueStatus::New | IssueStatus::Approved)
    };
    if let Ok(r) = IssueRef::parse(words.trim()) {
        return all
            .iter()
            .filter(open)
            .filter(|i| i.issue_ref == r)
            .collect();
    }
    let words: Vec<String> = words.split_whitespace().map(|w| w.to_lowercase()).collect();
    if words.is_empty() {
        return Vec::new();
    }
    all.iter()
        .filter(open)
        .filter(|i| {
            let hay = format!("{} {}", i.title, i.description).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .take(50)
        .collect()
}

pub async fn merge_search(
    State(state): State<WebState>,
    org: Organiser,
    Path(r): Path<String>,
    Query(q): Query<MergeQuery>,
) -> Result<Response, WebError> {
    let from = parse_ref(&r)?;
    let all = state.gather.list_issues(None).await?;
    let issue = all
        .iter()
        .find(|i| i.issue_ref == from)
        .ok_or_else(|| WebError::not_found(format!("There is no issue {from}.")))?;
    let words = q.q.unwrap_or_default();
    let found = candidates(&all, from, &words);
    let body = html! {
        h1 { "Merge " (from) " into another issue" }
        p { "Its supporters and votes move to the issue you choose, never counted twice. "
            (from) " then shows as merged." }
        blockquote.words lang=(issue.language) dir=(page::dir(&issue.language)) {
            strong { bdi { (issue.title) } } br; (issue.description)
        }
        form method="get" action={ "/admin/issues/" (from) "/merge" } {
            label for="q" { "Reference or words" }
            div.row {
                input #q type="search" name="q" value=(words) required dir="auto";
                button type="submit" { "Search" }
            }
        }
        @if !words.trim().is_empty() {
            h2 { "Matches (" (found.len()) ")" }
            @if found.is_empty() {
                p { "No new or approved issue matches. Try other words or a reference like G-1001." }
            }
            @for c in &found {
                article.issue {
                    h3 { span.ref { (c.issue_ref) } " " bdi { (c.title) } " " span.badge { (status_label(c.status)) } }
                    p.hint { "Supporters: " (c.supporters) }
                    blockquote.words lang=(c.language) dir=(page::dir(&c.language)) { (c.description) }
                    form method="post" action={ "/admin/issues/" (from) "/merge" } {
                        (page::csrf(&org))
                        input type="hidden" name="into" value=(c.issue_ref);
                        button.primary type="submit" { "Merge " (from) " into " (c.issue_ref) }
                    }
                }
            }
        }
        p { a href={ "/admin#" (from) } { "Back to the inbox" } }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    Ok(page::admin_html(page::admin_page(
        "Merge",
        Nav::Inbox,
        &org,
        &flash,
        None,
        body,
    )))
}

pub async fn merge(
    State(state): State<WebState>,
    Path(r): Path<String>,
    p: Posted,
) -> Result<Response, WebError> {
    let from = parse_ref(&r)?;
    let Some(into) = p.form.get("into") else {
        return Ok(outcome(
            &state,
            &p.org,
            &format!("/admin/issues/{from}/merge"),
            Err(ServiceError::Invalid(
                "Choose the issue to merge into.".into(),
            )),
        )
        .await);
    };
    let into = parse_ref(into)?;
    let back = format!("/admin?status=all#{into}");
    // A second submit finds the merge done: say so, change nothing.
    let all = state.gather.list_issues(None).await?;
    if all
        .iter()
        .any(|i| i.issue_ref == from && i.merged_into == Some(into))
    {
        return Ok(outcome(
            &state,
            &p.org,
            &back,
            Ok(format!("{from} is merged into {into}.")),
        )
        .await);
    }
    let result = state.gather.merge_issue(from, into).await.map(|i| {
        format!(
            "{from} merged into {into}, which now has {} supporters.",
            i.supporters
        )
    });
    Ok(outcome(&state, &p.org, &back, result).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LanguageTag;

    #[test]
    fn ballot_costs_cover_every_language_and_put_the_title_in_its_slot() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let en = LanguageTag::parse("en-GB").unwrap();
        let locales = Locales::load(&root, &en).unwrap();
        let costs = ballot_costs(&locales, "GP waiting times");
        assert_eq!(costs.len(), locales.languages().count());
        let english = costs.iter().find(|c| c.lang == "en-GB").unwrap();
        assert_eq!(english.info.encoding, segments::Encoding::Gsm7);
        assert!(english.before.ends_with("1 "), "{:?}", english.before);
        let polish = ballot_costs(&locales, "Kolejki do lekarza – długie");
        let pl = polish.iter().find(|c| c.lang == "pl").unwrap();
        assert_eq!(pl.info.encoding, segments::Encoding::Ucs2);
    }
}
