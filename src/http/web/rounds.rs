//! Vote rounds: build a shortlist from approved issues, set the number of
//! choices and the closing time, open, watch votes come in by channel,
//! close, announce the results.

use super::charts::{Bar, bar_chart};
use super::page::{self, Nav, WebError};
use super::session::{NonceClaim, Organiser, Posted};
use super::{WebState, inbox};
use crate::domain::{IssueRef, Timestamp};
use crate::service::records::with_ties;
use crate::service::{RoundInput, ServiceError};
use crate::store::fanout::Audience;
use crate::store::{IssueStatus, RoundId, RoundStatus};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::TimeZone;
use maud::html;

fn status_label(s: RoundStatus) -> &'static str {
    match s {
        RoundStatus::Draft => "Draft",
        RoundStatus::Open => "Open",
        RoundStatus::Closed => "Closed",
    }
}

pub async fn list(State(state): State<WebState>, org: Organiser) -> Result<Response, WebError> {
    let rounds = state.gather.rounds().await?;
    let mut approved = state
        .gather
        .list_issues(Some(IssueStatus::Approved))
        .await?;
    approved.sort_by(|a, b| {
        b.supporters
            .cmp(&a.supporters)
            .then(a.issue_ref.cmp(&b.issue_ref))
    });
    let zone = state.config.zone();
    let nonce = state
        .sessions
        .issue_nonce(&org.session, state.now_ms())
        .await?;
    let body = html! {
        h1 { "Rounds" }
        @if rounds.is_empty() {
            p { "No rounds yet." }
        } @else {
            table.data {
                caption.sr { "Every round, newest first" }
                thead { tr {
                    th scope="col" { "Round" } th scope="col" { "Status" } th scope="col" { "Choices" }
                    th scope="col" { "Closes" } th scope="col" { "Ballots" }
                } }
                tbody {
                    @for r in &rounds {
                        tr {
                            th scope="row" { a href={ "/admin/rounds/" (r.id) } { bdi { (r.title) } } }
                            td { span.badge.(r.status.as_str()) { (status_label(r.status)) } }
                            td { (r.max_choices) }
                            td { (r.closes_at.map(|t| page::time(t, zone)).unwrap_or_else(|| "–".into())) }
                            td { (r.ballots) }
                        }
                    }
                }
            }
        }
        h2 #new { "New round" }
        @if approved.is_empty() {
            p { "Approve issues in the " a href="/admin" { "inbox" } " first: a shortlist is made of approved issues." }
        } @else {
            form.card method="post" action="/admin/rounds" {
                (page::csrf(&org))
                input type="hidden" name="nonce" value=(nonce);
                p {
                    label for="round-title" { "Title (people see it on the ballot)" }
                    input #round-title type="text" name="title" maxlength="80" required placeholder="Spring vote";
                }
                fieldset {
                    legend { "Shortlist: tick up to 9 approved issues, in ballot order" }
                    ul.picks {
                        @for i in &approved {
                            @let id = format!("pick-{}", i.issue_ref);
                            li {
                                input id=(id) type="checkbox" name="items" value=(i.issue_ref);
                                label for=(id) {
                                    span.ref { (i.issue_ref) } " " bdi { (i.title) }
                                    span.hint { " · supporters: " (i.supporters) }
                                }
                            }
                        }
                    }
                }
                div.row {
                    p {
                        label for="max-choices" { "Choices each person may make" }
                        input #max-choices type="number" name="max_choices" min="1" max="9" value="1" required;
                    }
                    p {
                        label for="closes-at" { "Closes (" (zone) " time, optional)" }
                        input #closes-at type="datetime-local" name="closes_at";
                    }
                }
                p {
                    label {
                        input #accept-fallback type="checkbox" name="accept_fallback" value="yes";
                        " Open even if an issue has no title in a language its voters read (they see the English title, marked “(EN)”)"
                    }
                }
                div.actions {
                    button type="submit" name="action" value="draft" { "Save as draft" }
                    button.primary type="submit" name="action" value="open" { "Save and open now" }
                }
                p.hint { "Only one round can be open at a time. People vote by texting VOTE and a number, by keypad on a call, or with buttons in chat." }
            }
        }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    Ok(page::admin_html(page::admin_page(
        "Rounds",
        Nav::Rounds,
        &org,
        &flash,
        None,
        body,
    )))
}

/// `2026-01-12T18:00` in the configured zone.
fn parse_local(s: &str, zone: &str) -> Option<Timestamp> {
    let naive = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let tz: chrono_tz::Tz = zone.parse().ok()?;
    let t = tz.from_local_datetime(&naive).earliest()?;
    Some(Timestamp(t.timestamp_millis()))
}

fn round_input(p: &Posted, zone: &str, now: Timestamp) -> Result<RoundInput, ServiceError> {
    let mut items = Vec::new();
    for v in p.form.all("items") {
        let r = IssueRef::parse(v)
            .map_err(|_| ServiceError::Invalid(format!("`{v}` is not an issue reference")))?;
        if !items.contains(&r) {
            items.push(r);
        }
    }
    let max_choices: u32 = p
        .form
        .get("max_choices")
        .unwrap_or("1")
        .parse()
        .map_err(|_| ServiceError::Invalid("Choices must be a number from 1 to 9.".into()))?;
    let closes_at = match p.form.get("closes_at") {
        None => None,
        Some(v) => {
            let t = parse_local(v, zone)
                .ok_or_else(|| ServiceError::Invalid(format!("`{v}` is not a date and time.")))?;
            if t <= now {
                return Err(ServiceError::Invalid(
                    "The closing time has already passed.".into(),
                ));
            }
            Some(t)
        }
    };
    Ok(RoundInput {
        title: p.form.get("title").unwrap_or("").to_string(),
        items,
        max_choices,
        closes_at,
    })
}

/// The answer to a second submit of a one-time form.
pub async fn repeat(state: &WebState, p: &Posted, claim: NonceClaim, fallback: &str) -> Response {
    match claim {
        NonceClaim::Done(to) => {
            state
                .sessions
                .flash(
                    &p.org.session,
                    true,
                    "That form was already sent; it was done once.",
                )
                .await;
            page::redirect(&to)
        }
        NonceClaim::InFlight => WebError::new(
            axum::http::StatusCode::CONFLICT,
            "That form is being sent already. Wait a moment, then look again.",
        )
        .into_response(),
        _ => {
            state.sessions.flash(
                &p.org.session,
                false,
                "That form is out of date (it may be from before you logged in). Nothing was done; here it is again.",
            ).await;
            page::redirect(fallback)
        }
    }
}

pub async fn create(State(state): State<WebState>, p: Posted) -> Result<Response, WebError> {
    let nonce = p.form.get("nonce").unwrap_or("").to_string();
    let claim = state.sessions.claim_nonce(&p.org.session, &nonce).await;
    if claim != NonceClaim::Fresh {
        return Ok(repeat(&state, &p, claim, "/admin/rounds").await);
    }
    let open = p.form.get("action") == Some("open");
    let made = match round_input(&p, state.config.zone(), state.gather.clock.now()) {
        Ok(input) if open => {
            let fallback = p.form.get("accept_fallback") == Some("yes");
            state.gather.open_round_with(input, fallback).await
        }
        Ok(input) => state.gather.create_round(input).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(round) => {
            let to = format!("/admin/rounds/{}", round.id);
            state
                .sessions
                .finish_nonce(&p.org.session, &nonce, &to)
                .await;
            let what = if open { "opened" } else { "saved as a draft" };
            state
                .sessions
                .flash(
                    &p.org.session,
                    true,
                    format!("Round “{}” {what}.", round.title),
                )
                .await;
            Ok(page::redirect(&to))
        }
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::NotFound(_) | ServiceError::Conflict(_)),
        ) => {
            state.sessions.release_nonce(&p.org.session, &nonce).await;
            state
                .sessions
                .flash(&p.org.session, false, e.to_string())
                .await;
            Ok(page::redirect("/admin/rounds#new"))
        }
        Err(e) => {
            state.sessions.release_nonce(&p.org.session, &nonce).await;
            Err(e.into())
        }
    }
}

pub async fn detail(
    State(state): State<WebState>,
    org: Organiser,
    Path(id): Path<RoundId>,
) -> Result<Response, WebError> {
    let round = state.gather.round(id).await?;
    let summary = state
        .gather
        .rounds()
        .await?
        .into_iter()
        .find(|r| r.id == id);
    let results = state.gather.results(id).await?;
    let reach = state.gather.reach().await?;
    let by_channel: Vec<Bar> = reach
        .per_round
        .iter()
        .find(|r| r.round_id == id)
        .map(|r| {
            r.by_channel
                .iter()
                .map(|c| Bar {
                    label: c.key.clone(),
                    lang: None,
                    value: c.items,
                })
                .collect()
        })
        .unwrap_or_default();
    let ballots = summary.as_ref().map_or(0, |s| s.ballots);
    let zone = state.config.zone();
    let (voters, everyone) = if round.status == RoundStatus::Closed {
        (
            state
                .gather
                .audience_size(&Audience::RoundVoters(id))
                .await?,
            state.gather.audience_size(&Audience::Everyone).await?,
        )
    } else {
        (0, 0)
    };
    // The announcement as SMS spell it, per language, and what it would
    // cost to each audience before it is sent.
    let refs: Vec<_> = results.iter().map(|r| r.issue_ref).collect();
    let titles = state.gather.issue_titles(&refs).await?;
    let round_titles = state.gather.round_titles(id).await?;
    let (announce_texts, announce_default) =
        state
            .gather
            .announce_texts((&round.title, &round_titles), &results, &titles);
    let announce_sms = state.gather.sms_texts(&announce_texts);
    let (cost_voters, cost_everyone) = if round.status == RoundStatus::Closed {
        (
            Some(
                state
                    .gather
                    .fanout_estimate(&Audience::RoundVoters(id), &announce_sms, &announce_default)
                    .await?,
            ),
            Some(
                state
                    .gather
                    .fanout_estimate(&Audience::Everyone, &announce_sms, &announce_default)
                    .await?,
            ),
        )
    } else {
        (None, None)
    };
    let nonce = if round.status == RoundStatus::Closed {
        Some(
            state
                .sessions
                .issue_nonce(&org.session, state.now_ms())
                .await?,
        )
    } else {
        None
    };
    let body = html! {
        h1 { bdi { (round.title) } " " span.badge.(round.status.as_str()) { (status_label(round.status)) } }
        dl.meta {
            div { dt { "Choices" } dd { (round.max_choices) } }
            div { dt { "Closes" } dd { (round.closes_at.map(|t| page::time(t, zone)).unwrap_or_else(|| "when you close it".into())) } }
            @if let Some(s) = &summary {
                @if let Some(t) = s.opened_at { div { dt { "Opened" } dd { (page::time(t, zone)) } } }
                @if let Some(t) = s.closed_at { div { dt { "Closed" } dd { (page::time(t, zone)) } } }
            }
            div { dt { "Ballots" } dd #ballots { (ballots) } }
        }
        @match round.status {
            RoundStatus::Draft => {
                form method="post" action={ "/admin/rounds/" (id) "/open" } {
                    (page::csrf(&org))
                    p {
                        label {
                            input #accept-fallback type="checkbox" name="accept_fallback" value="yes";
                            " Open even if an issue has no title in a language its voters read (they see the English title, marked “(EN)”)"
                        }
                    }
                    button.primary type="submit" { "Open this round" }
                }
            }
            RoundStatus::Open => {
                p.hint { "This page refreshes every 15 seconds while the round is open." }
                form method="post" action={ "/admin/rounds/" (id) "/close" } {
                    (page::csrf(&org))
                    button.danger type="submit" { "Close the round and count the votes" }
                }
            }
            RoundStatus::Closed => {}
        }
        h2 { @if round.status == RoundStatus::Closed { "Results" } @else { "Votes so far" } }
        table.data {
            thead { tr {
                th scope="col" { "Rank" } th scope="col" { "No." } th scope="col" { "Issue" } th scope="col" { "Votes" }
            } }
            tbody {
                @for r in with_ties(&results) {
                    tr {
                        td { (r.rank) @if r.tie { " (tie)" } }
                        td { (results.iter().find(|x| x.issue_ref.to_string() == r.issue_ref).map_or(0, |x| x.position)) }
                        th scope="row" { span.ref { (r.issue_ref) } " " bdi { (r.title) } }
                        td { (r.votes) }
                    }
                }
            }
        }
        (bar_chart("by-channel", "Ballots by channel", "ballots", &by_channel))
        @if round.status == RoundStatus::Closed {
            h2 { "Announce the results" }
            form.card method="post" action={ "/admin/rounds/" (id) "/announce" } {
                (page::csrf(&org))
                @if let Some(n) = &nonce { input type="hidden" name="nonce" value=(n); }
                fieldset {
                    legend { "Who hears the results, each in their own language" }
                    p {
                        input #aud-voters type="radio" name="audience" value="voters" checked;
                        label for="aud-voters" { "People who voted in this round (" (voters) ")" }
                        @if let Some(e) = &cost_voters { " · " span.estimate { (estimate_label(e)) } }
                    }
                    p {
                        input #aud-everyone type="radio" name="audience" value="everyone";
                        label for="aud-everyone" { "Everyone who has not opted out (" (everyone) ")" }
                        @if let Some(e) = &cost_everyone { " · " span.estimate { (estimate_label(e)) } }
                    }
                }
                button.primary type="submit" { "Send the results" }
            }
            details {
                summary { "What each language's SMS says, and what it costs" }
                @for (tag, text) in &announce_sms {
                    h3 { (tag) " · " (page::segment_label(text)) }
                    pre.sms lang=(tag) dir=(page::dir(tag)) { (text) }
                }
            }
        }
        h2 { "Shortlist" }
        (shortlist_costs(&state, &round))
        p { a href="/admin/rounds" { "All rounds" } }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    let refresh = (round.status == RoundStatus::Open).then_some(15);
    Ok(page::admin_html(page::admin_page(
        &round.title,
        Nav::Rounds,
        &org,
        &flash,
        refresh,
        body,
    )))
}

/// "12 SMS segments to 4 phones, 2 in chat".
fn estimate_label(e: &crate::service::FanOutEstimate) -> String {
    format!(
        "about {} SMS segment{} to {} phone{}, {}{} in chat (free)",
        e.sms_segments,
        if e.sms_segments == 1 { "" } else { "s" },
        e.sms_people,
        if e.sms_people == 1 { "" } else { "s" },
        if e.whatsapp_people > 0 {
            format!("{} on WhatsApp, ", e.whatsapp_people)
        } else {
            String::new()
        },
        e.chat_people
    )
}

/// The numbered shortlist, with what each title costs by SMS.
fn shortlist_costs(state: &WebState, round: &crate::store::Round) -> maud::Markup {
    let locales = state.gather.engine.locales();
    html! {
        ol.shortlist {
            @for item in &round.items {
                li value=(item.position) {
                    span.ref { (item.issue_ref) } " " bdi { (item.title) }
                    @let costs = inbox::ballot_costs(locales, &item.title);
                    @let worst = costs.iter().map(|c| c.info.segments).max().unwrap_or(1);
                    span.hint { " · a vote SMS with it: at most " (worst) " segment" @if worst != 1 { "s" } " in any language" }
                }
            }
        }
    }
}

pub async fn open(
    State(state): State<WebState>,
    Path(id): Path<RoundId>,
    p: Posted,
) -> Result<Response, WebError> {
    let back = format!("/admin/rounds/{id}");
    let round = state.gather.round(id).await?;
    let result = if round.status == RoundStatus::Open {
        Ok(round)
    } else {
        let fallback = p.form.get("accept_fallback") == Some("yes");
        state.gather.open_round_id_with(id, fallback).await
    };
    Ok(flash_result(
        &state,
        &p,
        &back,
        result.map(|r| format!("Round “{}” is open.", r.title)),
    )
    .await)
}

pub async fn close(
    State(state): State<WebState>,
    Path(id): Path<RoundId>,
    p: Posted,
) -> Result<Response, WebError> {
    let back = format!("/admin/rounds/{id}");
    let round = state.gather.round(id).await?;
    let result = if round.status == RoundStatus::Closed {
        Ok("The round is closed.".to_string())
    } else {
        state
            .gather
            .close_round(id)
            .await
            .map(|_| format!("Round “{}” closed and counted.", round.title))
    };
    Ok(flash_result(&state, &p, &back, result).await)
}

async fn flash_result(
    state: &WebState,
    p: &Posted,
    back: &str,
    result: Result<String, ServiceError>,
) -> Response {
    match result {
        Ok(text) => {
            state.sessions.flash(&p.org.session, true, text).await;
            page::redirect(back)
        }
        Err(
            e @ (ServiceError::Invalid(_) | ServiceError::NotFound(_) | ServiceError::Conflict(_)),
        ) => {
            state
                .sessions
                .flash(&p.org.session, false, e.to_string())
                .await;
            page::redirect(back)
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

pub async fn announce(
    State(state): State<WebState>,
    Path(id): Path<RoundId>,
    p: Posted,
) -> Result<Response, WebError> {
    let back = format!("/admin/rounds/{id}");
    let nonce = p.form.get("nonce").unwrap_or("").to_string();
    let claim = state.sessions.claim_nonce(&p.org.session, &nonce).await;
    if claim != NonceClaim::Fresh {
        return Ok(repeat(&state, &p, claim, &back).await);
    }
    let everyone = p.form.get("audience") == Some("everyone");
    match state.gather.announce(id, everyone).await {
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
                    format!("Results queued for {} people.", done.recipients),
                )
                .await;
            Ok(page::redirect(&to))
        }
        Err(e) => {
            state.sessions.release_nonce(&p.org.session, &nonce).await;
            Ok(flash_result(&state, &p, &back, Err(e)).await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_follow_the_zone() {
        // 12:00 in London in July is 11:00 UTC.
        let t = parse_local("2026-07-01T12:00", "Europe/London").unwrap();
        assert_eq!(t, Timestamp(1_782_903_600_000));
        assert!(parse_local("tomorrow", "Europe/London").is_none());
    }
}
