//! The frame every page shares, errors as pages, and small helpers.
//! Everything goes through maud's `html!`, which escapes every value it is
//! given; nothing here builds HTML from strings by hand.

use super::session::{Flash, Organiser};
use crate::domain::Timestamp;
use crate::i18n::segments;
use crate::service::ServiceError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

/// An error shown as a page (the organiser pages speak English).
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub message: String,
}

impl WebError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        WebError {
            status,
            message: message.into(),
        }
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, m)
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, m)
    }
    pub fn unavailable(m: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, m)
    }
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        let status = match &e {
            ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
            ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::Unavailable(_) | ServiceError::Internal(_) => {
                tracing::error!(error = %e, "organiser page failed");
                return WebError::unavailable(
                    "Gather cannot reach its database right now. Try again in a moment.",
                );
            }
        };
        WebError::new(status, e.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let title = match self.status.as_u16() {
            400 | 422 => "That did not work",
            401 | 403 => "Not allowed",
            404 => "Not found",
            409 => "That cannot be done now",
            _ => "Something went wrong",
        };
        let body = html! {
            h1 { (title) }
            p role="alert" { (self.message) }
            p { a href="/admin" { "Back to the inbox" } }
        };
        html(self.status, bare_page(title, body))
    }
}

/// An HTML response.
pub fn html(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// A "see other" redirect, the answer to every successful form post.
pub fn redirect(to: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// A path inside the organiser pages to go back to, or `/admin`. Only
/// `/admin…` paths are followed, so a form can never redirect elsewhere.
pub fn back_to(v: Option<&str>) -> String {
    match v {
        Some(p)
            if p.starts_with("/admin")
                && !p.contains("//")
                && !p.contains('\\')
                && p.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            p.to_string()
        }
        _ => "/admin".to_string(),
    }
}

/// Security headers for every page of this module: a strict content
/// security policy (only Gather's own CSS and script, no inline script),
/// no framing, no sniffing.
pub async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; media-src 'self' https:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    resp
}

/// Right-to-left scripts among Gather's languages.
pub fn dir(tag: &str) -> &'static str {
    match tag.split('-').next().unwrap_or("") {
        "ar" | "ur" | "fa" | "he" | "ps" | "sd" | "yi" => "rtl",
        _ => "ltr",
    }
}

/// A page without navigation (login, errors).
pub fn bare_page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" dir="ltr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Gather" }
                link rel="stylesheet" href="/static/gather.css";
                link rel="icon" href="data:,";
            }
            body {
                header.top { div.wrap { span.brand { "Gather" } } }
                main #main .wrap { (body) }
            }
        }
    }
}

/// Which organiser page is shown, for the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Inbox,
    Rounds,
    Fanouts,
    Reach,
}

/// An organiser page: navigation, the messages of the last action, the
/// body. `refresh` reloads the page every so many seconds (an open round,
/// a fan-out in progress), which needs no script.
pub fn admin_page(
    title: &str,
    nav: Nav,
    org: &Organiser,
    flash: &[Flash],
    refresh: Option<u32>,
    body: Markup,
) -> Markup {
    let item = |n: Nav, href: &str, label: &str| {
        html! {
            li { a href=(href) aria-current=[(n == nav).then_some("page")] { (label) } }
        }
    };
    html! {
        (DOCTYPE)
        html lang="en-GB" dir="ltr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(s) = refresh {
                    meta http-equiv="refresh" content=(s);
                }
                title { (title) " – Gather organisers" }
                link rel="stylesheet" href="/static/gather.css";
                link rel="icon" href="data:,";
                script src="/static/gather.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to main content" }
                header.top {
                    div.wrap {
                        span.brand { "Gather" }
                        nav aria-label="Organiser pages" {
                            ul {
                                (item(Nav::Inbox, "/admin", "Inbox"))
                                (item(Nav::Rounds, "/admin/rounds", "Rounds"))
                                (item(Nav::Fanouts, "/admin/fanouts", "Updates sent"))
                                (item(Nav::Reach, "/admin/reach", "Reach"))
                                li { a href="/" { "Public page" } }
                            }
                        }
                        form.logout method="post" action="/admin/logout" {
                            (csrf(org))
                            button.link type="submit" { "Log out" }
                        }
                    }
                }
                main #main .wrap {
                    @for f in flash {
                        p.flash.ok[f.ok].error[!f.ok] role=(if f.ok { "status" } else { "alert" }) { (f.text) }
                    }
                    (body)
                }
            }
        }
    }
}

/// The hidden CSRF field every organiser form carries.
pub fn csrf(org: &Organiser) -> Markup {
    html! { input type="hidden" name="csrf" value=(org.csrf); }
}

/// The page's response: never cached (it shows personal data).
pub fn admin_html(markup: Markup) -> Response {
    let mut resp = html(StatusCode::OK, markup);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// A time as organisers read it, in the configured zone: `Mon 5 Jan 2026, 10:00`.
pub fn time(t: Timestamp, tz: &str) -> String {
    let Some(utc) = chrono::DateTime::from_timestamp_millis(t.0) else {
        return String::new();
    };
    match tz.parse::<chrono_tz::Tz>() {
        Ok(zone) => utc
            .with_timezone(&zone)
            .format("%a %-d %b %Y, %H:%M")
            .to_string(),
        Err(_) => utc.format("%a %-d %b %Y, %H:%M UTC").to_string(),
    }
}

/// A date for the public page, the same in every language: `2026-01-05`.
pub fn date(t: Timestamp, tz: &str) -> String {
    let Some(utc) = chrono::DateTime::from_timestamp_millis(t.0) else {
        return String::new();
    };
    match tz.parse::<chrono_tz::Tz>() {
        Ok(zone) => utc.with_timezone(&zone).format("%Y-%m-%d").to_string(),
        Err(_) => utc.format("%Y-%m-%d").to_string(),
    }
}

/// "1 segment, GSM-7" for a text.
pub fn segment_label(text: &str) -> String {
    let info = segments::count(text);
    format!(
        "{} segment{}, {}",
        info.segments,
        if info.segments == 1 { "" } else { "s" },
        info.encoding.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_in_text_and_attributes() {
        let evil = r#"<script>alert("x")</script>"'><img src=x onerror=alert(1)>"#;
        let m = html! { p title=(evil) { (evil) } }.into_string();
        assert!(!m.contains("<script>"), "{m}");
        assert!(!m.contains("<img"), "{m}");
        assert!(m.contains("&lt;script&gt;"), "{m}");
        assert!(m.contains("&quot;"), "{m}");
    }

    #[test]
    fn back_to_stays_inside_the_organiser_pages() {
        assert_eq!(
            back_to(Some("/admin?status=approved")),
            "/admin?status=approved"
        );
        assert_eq!(back_to(Some("/admin/rounds/3")), "/admin/rounds/3");
        assert_eq!(back_to(Some("https://evil.example")), "/admin");
        assert_eq!(back_to(Some("//evil.example/admin")), "/admin");
        assert_eq!(back_to(Some("/admin//evil.example")), "/admin");
        assert_eq!(back_to(Some("/admin\\evil")), "/admin");
        assert_eq!(back_to(None), "/admin");
    }

    #[test]
    fn rtl_languages() {
        assert_eq!(dir("ar"), "rtl");
        assert_eq!(dir("ur"), "rtl");
        assert_eq!(dir("pl"), "ltr");
        assert_eq!(dir("en-GB"), "ltr");
    }

    #[test]
    fn times_in_the_zone() {
        // 2026-07-01 12:00 UTC is 13:00 in London (BST).
        let t = Timestamp(1_782_907_200_000);
        assert_eq!(time(t, "Europe/London"), "Wed 1 Jul 2026, 13:00");
        assert_eq!(date(t, "Europe/London"), "2026-07-01");
    }
}
