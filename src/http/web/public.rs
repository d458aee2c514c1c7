//! The public page (`/`): the open record in plain language, in the
//! visitor's language (`?lang=`, else `Accept-Language`, else the default
//! locale). Built only from public fields (see `service::records`); counts
//! under five show as "<5".

use super::WebState;
use super::page::{self, WebError};
use crate::domain::{LanguageTag, Timestamp};
use crate::i18n::{Args, Locales};
use crate::service::records::{OpenIssue, OpenResponse};
use crate::store::RoundStatus;
use crate::store::reports::public_count;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{DOCTYPE, Markup, html};

#[derive(serde::Deserialize, Default)]
pub struct PublicQuery {
    lang: Option<String>,
}

/// A locale for a requested tag: the same tag, or the same language
/// (`pt-BR` → `pt`, `en-US` → `en-GB`).
fn matching(locales: &Locales, wanted: &str) -> Option<LanguageTag> {
    let wanted = wanted.trim().to_ascii_lowercase();
    if wanted.is_empty() || wanted == "*" {
        return None;
    }
    let primary = wanted.split('-').next().unwrap_or("");
    locales
        .languages()
        .find(|t| t.as_str().to_ascii_lowercase() == wanted)
        .or_else(|| {
            locales
                .languages()
                .find(|t| t.primary().eq_ignore_ascii_case(primary))
        })
        .cloned()
}

/// The visitor's language: `?lang=` first, then `Accept-Language` by
/// quality, then the default locale.
pub fn negotiate(locales: &Locales, query: Option<&str>, accept: Option<&str>) -> LanguageTag {
    if let Some(tag) = query.and_then(|q| matching(locales, q)) {
        return tag;
    }
    let mut ranges: Vec<(f32, usize, &str)> = accept
        .unwrap_or("")
        .split(',')
        .enumerate()
        .filter_map(|(n, part)| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0 && !tag.is_empty()).then_some((q, n, tag))
        })
        .take(20)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges
        .iter()
        .find_map(|(_, _, tag)| matching(locales, tag))
        .unwrap_or_else(|| locales.default_language().clone())
}

/// `+44 (0)20 7946-0000` → `+4402079460000`, for `tel:` and `sms:` links.
fn dial(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

pub async fn page(
    State(state): State<WebState>,
    Query(q): Query<PublicQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let locales = state.gather.engine.locales();
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let lang = negotiate(locales, q.lang.as_deref(), accept);
    let issues = state.gather.open_issues().await?;
    let closed = state.gather.open_rounds().await?;
    let open = match state
        .gather
        .rounds()
        .await?
        .into_iter()
        .find(|r| r.status == RoundStatus::Open)
    {
        Some(r) => Some(state.gather.round(r.id).await?),
        None => None,
    };
    let t = |id: &str| locales.format(&lang, id, &Args::new());
    let tag = lang.as_str();
    let default = locales.default_language().as_str();
    let zone = state.config.zone();
    let contact = &state.config.contact;
    let any_contact = contact.sms_number.is_some()
        || contact.phone_number.is_some()
        || contact.discord_url.is_some()
        || contact.matrix_url.is_some();
    let closes = |ts: Option<Timestamp>| ts.map(|t| page::date(t, zone));
    let body = html! {
        (DOCTYPE)
        html lang=(tag) dir=(page::dir(tag)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t("web-page-title")) }
                link rel="stylesheet" href="/static/gather.css";
                link rel="icon" href="data:,";
                @for l in locales.languages() {
                    link rel="alternate" hreflang=(l.as_str()) href={ "/?lang=" (l.as_str()) };
                }
            }
            body.public {
                a.skip href="#main" { (t("web-skip")) }
                header.top {
                    div.wrap {
                        span.brand lang="en" { "Gather" }
                        nav.languages aria-label=(t("web-language")) {
                            ul {
                                @for l in locales.languages() {
                                    li {
                                        a href={ "/?lang=" (l.as_str()) } lang=(l.as_str()) hreflang=(l.as_str())
                                            dir=(page::dir(l.as_str())) aria-current=[(*l == lang).then_some("true")] {
                                            (locales.format(l, "language-name", &Args::new()))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main .wrap {
                    h1 { (t("web-page-title")) }
                    p.lead { (t("web-intro")) }
                    p { (t("web-intro-board")) }
                    p.urgent { strong { (t("web-not-health")) } " " (t("web-urgent")) }

                    section aria-labelledby="take-part" {
                        h2 #take-part { (t("web-take-part")) }
                        @if !any_contact {
                            p { (t("web-take-part-soon")) }
                        }
                        ul.ways {
                            @if let Some(n) = &contact.sms_number {
                                li {
                                    strong { (t("web-sms")) } " "
                                    a.number href={ "sms:" (dial(n)) } dir="ltr" { (n) }
                                    br; (t("web-sms-hint"))
                                }
                            }
                            @if let Some(n) = &contact.phone_number {
                                li {
                                    strong { (t("web-phone")) } " "
                                    a.number href={ "tel:" (dial(n)) } dir="ltr" { (n) }
                                    br; (t("web-phone-hint"))
                                }
                            }
                            @if contact.discord_url.is_some() || contact.matrix_url.is_some() {
                                li {
                                    strong { (t("web-chat")) } " "
                                    @if let Some(u) = &contact.discord_url { a href=(u) rel="noopener" { "Discord" } }
                                    @if contact.discord_url.is_some() && contact.matrix_url.is_some() { " · " }
                                    @if let Some(u) = &contact.matrix_url { a href=(u) rel="noopener" { "Matrix" } }
                                }
                            }
                        }
                    }

                    section aria-labelledby="vote-now" {
                        h2 #vote-now { (t("web-open-vote")) }
                        @if let Some(r) = &open {
                            h3 { bdi { (r.title) } }
                            @if let Some(d) = closes(r.closes_at) {
                                p { (t("web-closes")) " " time datetime=(d) dir="ltr" { (d) } }
                            }
                            ol.shortlist {
                                @for item in &r.items {
                                    li value=(item.position) { bdi { (item.title) } " " span.ref { "(" (item.issue_ref) ")" } }
                                }
                            }
                            p { (t("web-vote-how")) }
                        } @else {
                            p { (t("web-no-vote")) }
                        }
                    }

                    section aria-labelledby="results" {
                        h2 #results { (t("web-results")) }
                        @if closed.is_empty() {
                            p { (t("web-no-results")) }
                        }
                        @for r in &closed {
                            article.round {
                                h3 { bdi { (r.title) } }
                                p.meta {
                                    @if let Some(d) = &r.closed_at {
                                        @let day = d.get(..10).unwrap_or(d);
                                        (t("web-closed-on")) " " time datetime=(day) dir="ltr" { (day) } " · "
                                    }
                                    (t("web-ballots")) " " (count(r.ballots))
                                }
                                ol.results {
                                    @for x in &r.results {
                                        li value=(x.rank) {
                                            bdi { (x.title) } " " span.ref { "(" (x.issue_ref) ")" }
                                            " · " (t("web-votes")) " " strong { (count(x.votes)) }
                                            @if x.tie { " · " (t("web-tie")) }
                                        }
                                    }
                                }
                            }
                        }
                    }

                    section aria-labelledby="issues" {
                        h2 #issues { (t("web-issues")) }
                        @if issues.is_empty() {
                            p { (t("web-no-issues")) }
                        }
                        @for i in &issues {
                            (issue_markup(locales, &lang, default, i))
                        }
                    }

                    section aria-labelledby="open-data" {
                        h2 #open-data { (t("web-open-data")) }
                        p { (t("web-open-data-hint")) }
                        ul.inline {
                            li { a href="/open/issues.csv" { "issues.csv" } }
                            li { a href="/open/issues.json" { "issues.json" } }
                            li { a href="/open/rounds.json" { "rounds.json" } }
                            li { a href="/open/commitments.csv" { "commitments.csv" } }
                            li { a href="/open/commitments.json" { "commitments.json" } }
                        }
                        p.hint { (t("web-small-counts")) }
                    }
                }
                footer.wrap {
                    p { (t("web-not-health")) " " (t("web-urgent")) }
                }
            }
        }
    };
    let mut resp = page::html(StatusCode::OK, body);
    let h = resp.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=30"),
    );
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::CONTENT_LANGUAGE, v);
    }
    Ok(resp)
}

/// A count as the public sees it ("<5" under five), kept left to right
/// inside right-to-left text.
fn count(n: i64) -> Markup {
    html! { bdi dir="ltr" { (public_count(n)) } }
}

fn status_id(status: &str) -> &'static str {
    match status {
        "committed" => "web-status-committed",
        "declined" => "web-status-declined",
        "in_progress" => "web-status-in_progress",
        "done" => "web-status-done",
        _ => "web-status-open",
    }
}

fn issue_markup(locales: &Locales, lang: &LanguageTag, default: &str, i: &OpenIssue) -> Markup {
    let t = |id: &str| locales.format(lang, id, &Args::new());
    let response: Option<(&OpenResponse, &str, &str)> = i.latest_response.as_ref().and_then(|r| {
        r.text
            .get(lang.as_str())
            .map(|text| (r, lang.as_str(), text.as_str()))
            .or_else(|| r.text.get(default).map(|text| (r, default, text.as_str())))
    });
    html! {
        article.issue.public id=(i.issue_ref) {
            h3 { span.ref { (i.issue_ref) } " " bdi { (i.title) } }
            p.meta {
                @if let Some(a) = &i.area { (t("web-area")) " " (a) " · " }
                (t("web-supporters")) " " (count(i.supporters))
            }
            p.status.(i.status) { strong { (t(status_id(&i.status))) } }
            @if let Some((r, text_lang, text)) = response {
                @if let Some(p) = r.progress {
                    p {
                        (t("web-progress")) " " (p) "% "
                        progress value=(p) max="100" aria-hidden="true" { (p) "%" }
                    }
                }
                @if !text.is_empty() {
                    p { (t("web-board-said")) }
                    blockquote lang=(text_lang) dir=(page::dir(text_lang)) { (text) }
                    @if text_lang != lang.as_str() {
                        p.hint { (t("web-translation-coming")) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locales() -> Locales {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        Locales::load(&root, &LanguageTag::parse("en-GB").unwrap()).unwrap()
    }

    #[test]
    fn language_negotiation() {
        let l = locales();
        let n = |q: Option<&str>, a: Option<&str>| negotiate(&l, q, a).as_str().to_string();
        assert_eq!(n(None, None), "en-GB");
        assert_eq!(n(Some("pl"), Some("ar")), "pl");
        assert_eq!(n(Some("xx"), Some("ar")), "ar");
        assert_eq!(n(None, Some("pt-BR,pt;q=0.9,en;q=0.8")), "pt");
        assert_eq!(n(None, Some("en-US,en;q=0.9")), "en-GB");
        assert_eq!(n(None, Some("de;q=1.0, ur;q=0.5, pl;q=0.7")), "pl");
        assert_eq!(n(None, Some("*")), "en-GB");
        assert_eq!(n(None, Some("ro;q=0")), "en-GB");
    }

    #[test]
    fn dial_strings() {
        assert_eq!(dial("+44 (0)7700 900-123"), "+4407700900123");
    }
}
