//! The open record, for everyone and without a token: approved issues,
//! closed rounds with results, and the Board's responses, as JSON and CSV.
//! Built only from public fields (see `service::records`): no phone numbers,
//! chat handles, hidden issues or people's own descriptions.

use super::error::ApiError;
use crate::service::Gather;
use crate::service::records::{OpenCommitment, OpenIssue};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes(gather: Gather) -> Router {
    Router::new()
        .route("/open/issues.json", get(issues_json))
        .route("/open/issues.csv", get(issues_csv))
        .route("/open/rounds.json", get(rounds_json))
        .route("/open/commitments.json", get(commitments_json))
        .route("/open/commitments.csv", get(commitments_csv))
        .with_state(gather)
}

/// One CSV field, quoted when it needs to be (RFC 4180). A leading `=`, `+`,
/// `-` or `@` is prefixed with `'` so a spreadsheet never runs it as a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(header_row: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut out = header_row.join(",");
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response()
}

fn default_text(text: &std::collections::BTreeMap<String, String>) -> String {
    text.get("en-GB")
        .or_else(|| text.values().next())
        .cloned()
        .unwrap_or_default()
}

async fn issues_json(State(g): State<Gather>) -> Result<Json<Vec<OpenIssue>>, ApiError> {
    Ok(Json(g.open_issues().await?))
}

async fn issues_csv(State(g): State<Gather>) -> Result<Response, ApiError> {
    let rows = g
        .open_issues()
        .await?
        .into_iter()
        .map(|i| {
            let (rdate, rtext) = i
                .latest_response
                .as_ref()
                .map(|r| (r.date.clone(), default_text(&r.text)))
                .unwrap_or_default();
            vec![
                i.issue_ref,
                i.title,
                i.area.unwrap_or_default(),
                crate::store::reports::public_count(i.supporters),
                i.status,
                rdate,
                rtext,
            ]
        })
        .collect();
    Ok(csv(
        &[
            "ref",
            "title",
            "area",
            "supporters",
            "status",
            "response_date",
            "response_text",
        ],
        rows,
    ))
}

async fn rounds_json(
    State(g): State<Gather>,
) -> Result<Json<Vec<crate::service::records::OpenRound>>, ApiError> {
    Ok(Json(g.open_rounds().await?))
}

async fn commitments_json(State(g): State<Gather>) -> Result<Json<Vec<OpenCommitment>>, ApiError> {
    Ok(Json(g.open_commitments().await?))
}

async fn commitments_csv(State(g): State<Gather>) -> Result<Response, ApiError> {
    let rows = g
        .open_commitments()
        .await?
        .into_iter()
        .map(|c| {
            vec![
                c.issue_ref,
                c.title,
                c.date,
                c.status.as_str().to_string(),
                c.progress.map(|p| p.to_string()).unwrap_or_default(),
                default_text(&c.text),
            ]
        })
        .collect();
    Ok(csv(
        &["ref", "title", "date", "status", "progress", "text"],
        rows,
    ))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
