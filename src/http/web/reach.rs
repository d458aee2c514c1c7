//! Who Gather reaches, as bar charts: people and messages by channel,
//! people by language, issues by area and by involvement, ballots by
//! channel in each round. Gaps are the point: a language or an area with
//! few people is a community not yet reached.

use super::WebState;
use super::charts::{Bar, bar_chart};
use super::page::{self, Nav, WebError};
use super::session::Organiser;
use crate::domain::LanguageTag;
use crate::i18n::Args;
use crate::store::reports::Count;
use axum::extract::State;
use axum::response::Response;
use maud::html;

fn bars(counts: &[Count], items: bool) -> Vec<Bar> {
    counts
        .iter()
        .map(|c| Bar {
            label: c.key.clone(),
            lang: None,
            value: if items { c.items } else { c.people },
        })
        .collect()
}

pub async fn page(State(state): State<WebState>, org: Organiser) -> Result<Response, WebError> {
    let reach = state.gather.reach().await?;
    let rounds = state.gather.rounds().await?;
    let locales = state.gather.engine.locales();
    let languages: Vec<Bar> = reach
        .by_language
        .iter()
        .map(|c| {
            let tag = LanguageTag::parse(&c.key)
                .ok()
                .filter(|t| locales.has_language(t));
            Bar {
                label: match &tag {
                    Some(t) => format!(
                        "{} ({})",
                        locales.format(t, "language-name", &Args::new()),
                        c.key
                    ),
                    None => c.key.clone(),
                },
                lang: tag.map(|t| t.as_str().to_string()),
                value: c.people,
            }
        })
        .collect();
    let body = html! {
        h1 { "Reach" }
        p.summary { strong { (reach.people) } " people have taken part. Look for gaps: a channel, language or area with few people is a community not yet reached." }
        div.charts {
            (bar_chart("people-channel", "People by channel", "people", &bars(&reach.by_channel, false)))
            (bar_chart("messages-channel", "Messages received by channel", "messages", &bars(&reach.by_channel, true)))
            (bar_chart("people-language", "People by language", "people", &languages))
            (bar_chart("issues-area", "Issues raised by area (postcode district)", "issues", &bars(&reach.by_area, true)))
            (bar_chart("people-area", "People raising issues by area", "people", &bars(&reach.by_area, false)))
            (bar_chart("issues-involvement", "Issues raised by involvement", "issues", &bars(&reach.by_involvement, true)))
        }
        h2 { "Votes by channel, per round" }
        @if reach.per_round.is_empty() {
            p { "No votes yet." }
        }
        div.charts {
            @for r in &reach.per_round {
                @let title = rounds.iter().find(|x| x.id == r.round_id).map(|x| x.title.clone()).unwrap_or_else(|| format!("Round {}", r.round_id));
                (bar_chart(&format!("round-{}", r.round_id), &title, "ballots", &bars(&r.by_channel, true)))
            }
        }
    };
    let flash = state.sessions.take_flash(&org.session).await;
    Ok(page::admin_html(page::admin_page(
        "Reach",
        Nav::Reach,
        &org,
        &flash,
        None,
        body,
    )))
}
