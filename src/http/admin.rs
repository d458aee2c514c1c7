//! The admin API (`/api/v1`): JSON in, JSON out, every endpoint behind the
//! [`AdminToken`] extractor, errors as `{"error": …, "detail": …}` with a 4xx.
//! The OpenAPI document at `/api/v1/openapi.json` is generated from these
//! handlers' annotations, so it cannot drift from the code.

use super::error::ApiError;
use crate::domain::{IssueRef, LanguageTag, Timestamp};
use crate::service::limit::LoginGate;
use crate::service::once::{Done, Once, Render};
use crate::service::records::with_ties;
use crate::service::{Gather, ResponseInput, ResponseRecorded, RoundInput};
use crate::store::reports::Reach;
use crate::store::{Issue, IssueStatus, ResponseStatus, Round, RoundId};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::{OpenApi, ToSchema};

#[derive(Clone)]
pub struct AdminState {
    pub gather: Gather,
    /// `None` switches the admin API off (every call gets 403).
    pub token: Option<Arc<String>>,
}

impl FromRef<AdminState> for Option<Arc<String>> {
    fn from_ref(s: &AdminState) -> Self {
        s.token.clone()
    }
}

impl FromRef<AdminState> for Gather {
    fn from_ref(s: &AdminState) -> Self {
        s.gather.clone()
    }
}

pub fn routes(state: AdminState) -> Router {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/issues", get(list_issues))
        .route("/api/v1/issues/{ref}/approve", post(approve))
        .route("/api/v1/issues/{ref}/hide", post(hide))
        .route("/api/v1/issues/{ref}/merge", post(merge))
        .route("/api/v1/issues/{ref}/responses", post(respond))
        .route("/api/v1/issues/{ref}/titles", post(set_title))
        .route("/api/v1/titles", post(import_titles))
        .route("/api/v1/rounds/{id}/titles", post(set_round_title))
        .route("/api/v1/rounds", get(list_rounds).post(create_round))
        .route("/api/v1/rounds/{id}/open", post(open_round))
        .route("/api/v1/rounds/{id}/close", post(close_round))
        .route("/api/v1/rounds/{id}/results", get(results))
        .route("/api/v1/rounds/{id}/announce", post(announce))
        .route("/api/v1/fanouts", get(fanouts))
        .route("/api/v1/fanouts/{id}", get(fanout))
        .route("/api/v1/reach", get(reach))
        .with_state(state)
}

/// Proof that the request carried `Authorization: Bearer <GATHER_ADMIN_TOKEN>`:
/// 401 without one, 403 with a wrong one (compared in constant time, its
/// length included), 429 with `Retry-After` once too many wrong tokens came
/// from the client's address or for the account (see
/// [`Gather::login_gate`]).
pub struct AdminToken;

impl<S> FromRequestParts<S> for AdminToken
where
    S: Send + Sync,
    Option<Arc<String>>: FromRef<S>,
    Gather: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(expected) = Option::<Arc<String>>::from_ref(state) else {
            return Err(
                ApiError::forbidden("the admin API is off: set GATHER_ADMIN_TOKEN").into_response(),
            );
        };
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let Some(given) = given else {
            return Err(
                ApiError::unauthorized("send Authorization: Bearer <admin token>").into_response(),
            );
        };
        let gather = Gather::from_ref(state);
        let fail = |e: crate::service::ServiceError| ApiError::from(e).into_response();
        let gate = gather
            .login_gate(&super::client_ip(parts))
            .await
            .map_err(fail)?;
        if let LoginGate::Locked { retry_after_secs } = gate {
            return Err(too_many_attempts(retry_after_secs));
        }
        if crate::http::web::session::secret_eq(given, &expected) {
            gather.login_succeeded(&gate).await.map_err(fail)?;
            return Ok(AdminToken);
        }
        match gather.login_failed(&gate).await.map_err(fail)? {
            Some(secs) => Err(too_many_attempts(secs)),
            None => Err(ApiError::forbidden("wrong admin token").into_response()),
        }
    }
}

/// 429 with `Retry-After`: too many wrong tokens.
fn too_many_attempts(retry_after_secs: u64) -> Response {
    let mut resp = ApiError::new(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        format!("too many wrong admin tokens: try again in {retry_after_secs} s"),
    )
    .into_response();
    resp.headers_mut().insert(
        header::RETRY_AFTER,
        axum::http::HeaderValue::from(retry_after_secs),
    );
    resp
}

/// JSON whose rejections are this API's errors.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError::new(e.status(), e.body_text())),
        }
    }
}

/// The header that makes a POST safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The header on a response replayed for a retried key.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// A POST's body with its `Idempotency-Key`, if it has one: the key is
/// scoped to the admin token (by its hash) and the route, and the body is
/// hashed so a key reused for another request is refused.
pub struct Keyed {
    pub once: Option<Once>,
    pub parts: Parts,
    pub body: axum::body::Bytes,
}

impl<S> FromRequest<S> for Keyed
where
    S: Send + Sync,
    Option<Arc<String>>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use sha2::{Digest, Sha256};
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, super::BODY_LIMIT)
            .await
            .map_err(|_| {
                ApiError::new(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the body must be at most {} bytes", super::BODY_LIMIT),
                )
            })?;
        let key = match parts.headers.get(IDEMPOTENCY_KEY) {
            None => None,
            Some(v) => {
                let k = v.to_str().ok().filter(|k| {
                    (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())
                });
                Some(k.ok_or_else(|| {
                    ApiError::bad_request(
                        "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID",
                    )
                })?)
            }
        };
        let once = key.map(|key| {
            let token = Option::<Arc<String>>::from_ref(state).unwrap_or_default();
            let scope = hex(&Sha256::digest(token.as_bytes()));
            let mut h = Sha256::new();
            for part in [scope.as_str(), parts.method.as_str(), parts.uri.path(), key] {
                h.update(part.as_bytes());
                h.update([0u8]);
            }
            Once {
                key_hash: hex(&h.finalize()),
                request_hash: hex(&Sha256::digest(&body)),
            }
        });
        Ok(Keyed { once, parts, body })
    }
}

impl Keyed {
    /// The body as JSON, with [`ApiJson`]'s checks and errors.
    async fn json<T, S>(self, state: &S) -> Result<(Option<Once>, T), ApiError>
    where
        S: Send + Sync,
        Json<T>: FromRequest<S, Rejection = JsonRejection>,
    {
        let req = Request::from_parts(self.parts, axum::body::Body::from(self.body));
        let ApiJson(v) = ApiJson::<T>::from_request(req, state).await?;
        Ok((self.once, v))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key and how to store the response, for a use case.
fn with_key<'a, T>(
    once: &'a Option<Once>,
    render: Render<'a, T>,
) -> Option<(&'a Once, Render<'a, T>)> {
    once.as_ref().map(|o| (o, render))
}

/// The response of a keyed use case: what it did now, or the stored one.
fn done_response<T>(done: Done<T>, render: Render<'_, T>) -> Response {
    let (status, body, replayed) = match done {
        Done::Acted(v) => {
            let (status, body) = render(&v);
            (status, body, false)
        }
        Done::Replayed { status, body } => (status, body, true),
    };
    let status = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK);
    let mut resp = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if replayed {
        resp.headers_mut().insert(
            IDEMPOTENT_REPLAYED,
            axum::http::HeaderValue::from_static("true"),
        );
    }
    resp
}

fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string())
}

fn created(r: &ResponseRecorded) -> ResponseCreated {
    ResponseCreated {
        id: r.id,
        fanout: r.fanout,
        recipients: r.recipients,
    }
}

fn parse_ref(s: &str) -> Result<IssueRef, ApiError> {
    IssueRef::parse(s).map_err(|e| ApiError::bad_request(e.to_string()))
}

// ----- wire types ----------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct IssueDto {
    #[serde(rename = "ref")]
    pub issue_ref: String,
    pub title: String,
    pub description: String,
    pub area: Option<String>,
    pub involvement: Option<String>,
    pub language: String,
    pub channel: String,
    /// new, approved, hidden or merged
    pub status: String,
    pub hidden_reason: Option<String>,
    pub merged_into: Option<String>,
    pub created_at: String,
    pub supporters: i64,
}

impl From<Issue> for IssueDto {
    fn from(i: Issue) -> Self {
        IssueDto {
            issue_ref: i.issue_ref.to_string(),
            title: i.title,
            description: i.description,
            area: i.area,
            involvement: i.involvement,
            language: i.language,
            channel: i.channel,
            status: i.status.as_str().to_string(),
            hidden_reason: i.hidden_reason,
            merged_into: i.merged_into.map(|r| r.to_string()),
            created_at: i.created_at.to_rfc3339(),
            supporters: i.supporters,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HideBody {
    /// Why the issue is hidden (abuse, personal data…); required.
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The issue this one is merged into, e.g. `G-1001`.
    pub into: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundBody {
    pub title: String,
    /// Issue references in ballot order.
    pub items: Vec<String>,
    pub max_choices: u32,
    /// RFC 3339; optional.
    pub closes_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RoundItemDto {
    pub position: u32,
    #[serde(rename = "ref")]
    pub issue_ref: String,
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoundDto {
    pub id: i64,
    pub title: String,
    pub max_choices: u32,
    /// draft, open or closed
    pub status: String,
    pub closes_at: Option<String>,
    pub items: Vec<RoundItemDto>,
}

impl From<Round> for RoundDto {
    fn from(r: Round) -> Self {
        RoundDto {
            id: r.id,
            title: r.title,
            max_choices: r.max_choices,
            status: r.status.as_str().to_string(),
            closes_at: r.closes_at.map(Timestamp::to_rfc3339),
            items: r
                .items
                .into_iter()
                .map(|i| RoundItemDto {
                    position: i.position,
                    issue_ref: i.issue_ref.to_string(),
                    title: i.title,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoundSummaryDto {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub max_choices: u32,
    pub ballots: i64,
    pub closes_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ResultDto {
    pub rank: u32,
    #[serde(rename = "ref")]
    pub issue_ref: String,
    pub title: String,
    pub votes: i64,
    /// True when another item shares this rank.
    pub tie: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseBody {
    /// committed, declined, in_progress or done
    pub status: String,
    /// Text by language tag; must include the default language. A declined
    /// response's text is its reason.
    pub text: BTreeMap<String, String>,
    /// 0 to 100
    pub progress: Option<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct ResponseCreated {
    pub id: i64,
    /// The fan-out that tells everyone involved (see /api/v1/fanouts/{id}).
    pub fanout: i64,
    /// People the update was queued for.
    pub recipients: i64,
}

#[derive(Deserialize)]
pub struct IssueQuery {
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub detail: String,
}

// ----- handlers --------------------------------------------------------------

/// List issues, optionally by status.
#[utoipa::path(get, path = "/api/v1/issues",
    params(("status" = Option<String>, Query, description = "new, approved, hidden or merged")),
    responses((status = 200, body = Vec<IssueDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_issues(
    _: AdminToken,
    State(s): State<AdminState>,
    Query(q): Query<IssueQuery>,
) -> Result<Json<Vec<IssueDto>>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(v) => Some(IssueStatus::parse(v).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown status `{v}`: use new, approved, hidden or merged"
            ))
        })?),
    };
    let issues = s.gather.list_issues(status).await?;
    Ok(Json(issues.into_iter().map(IssueDto::from).collect()))
}

/// Approve an issue so it can go to a vote.
#[utoipa::path(post, path = "/api/v1/issues/{ref}/approve",
    params(("ref" = String, Path, description = "e.g. G-1001")),
    responses((status = 200, body = IssueDto), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(r): Path<String>,
) -> Result<Json<IssueDto>, ApiError> {
    let r = parse_ref(&r)?;
    Ok(Json(
        s.gather
            .set_issue_status(r, IssueStatus::Approved, None)
            .await?
            .into(),
    ))
}

/// Hide an issue (abuse, personal data), with a reason.
#[utoipa::path(post, path = "/api/v1/issues/{ref}/hide", request_body = HideBody,
    params(("ref" = String, Path)),
    responses((status = 200, body = IssueDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn hide(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(r): Path<String>,
    ApiJson(body): ApiJson<HideBody>,
) -> Result<Json<IssueDto>, ApiError> {
    let r = parse_ref(&r)?;
    if body.reason.chars().count() > 500 {
        return Err(ApiError::bad_request("the reason is over 500 characters"));
    }
    let issue = s
        .gather
        .set_issue_status(r, IssueStatus::Hidden, Some(body.reason.trim()))
        .await?;
    Ok(Json(issue.into()))
}

/// Merge a duplicate into another issue; followers and votes move, never doubled.
#[utoipa::path(post, path = "/api/v1/issues/{ref}/merge", request_body = MergeBody,
    params(("ref" = String, Path)),
    responses((status = 200, body = IssueDto, description = "the issue merged into"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn merge(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(r): Path<String>,
    ApiJson(body): ApiJson<MergeBody>,
) -> Result<Json<IssueDto>, ApiError> {
    let from = parse_ref(&r)?;
    let into = parse_ref(&body.into)?;
    Ok(Json(s.gather.merge_issue(from, into).await?.into()))
}

/// Record a Board response to an issue, and tell everyone involved.
///
/// Send an `Idempotency-Key` to make a retry safe: the same key with the
/// same body within 24 hours returns the first response (with
/// `Idempotent-Replayed: true`) and queues nothing more; with another body
/// it is a 422.
#[utoipa::path(post, path = "/api/v1/issues/{ref}/responses", request_body = ResponseBody,
    params(("ref" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "A unique key, e.g. a UUID, that makes a retry safe: the same key and body within 24 hours returns the first response and acts no more")),
    responses((status = 201, body = ResponseCreated), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "invalid, or the Idempotency-Key was used with another body")),
    security(("bearer" = [])))]
async fn respond(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(r): Path<String>,
    keyed: Keyed,
) -> Result<Response, ApiError> {
    let (once, body) = keyed.json::<ResponseBody, _>(&s).await?;
    let issue = parse_ref(&r)?;
    let status = ResponseStatus::parse(&body.status).ok_or_else(|| {
        ApiError::bad_request(format!(
            "unknown status `{}`: use committed, declined, in_progress or done",
            body.status
        ))
    })?;
    let mut texts = Vec::new();
    for (lang, text) in body.text {
        let tag = LanguageTag::parse(&lang).map_err(|e| ApiError::bad_request(e.to_string()))?;
        texts.push((tag, text));
    }
    let render: Render<'_, ResponseRecorded> = &|r| (201, json_text(&created(r)));
    let done = s
        .gather
        .record_response_once(
            ResponseInput {
                issue,
                status,
                progress: body.progress,
                texts,
            },
            with_key(&once, render),
        )
        .await?;
    Ok(done_response(done, render))
}

/// List rounds, newest first.
#[utoipa::path(get, path = "/api/v1/rounds",
    responses((status = 200, body = Vec<RoundSummaryDto>)), security(("bearer" = [])))]
async fn list_rounds(
    _: AdminToken,
    State(s): State<AdminState>,
) -> Result<Json<Vec<RoundSummaryDto>>, ApiError> {
    let rounds = s.gather.rounds().await?;
    Ok(Json(
        rounds
            .into_iter()
            .map(|r| RoundSummaryDto {
                id: r.id,
                title: r.title,
                status: r.status.as_str().to_string(),
                max_choices: r.max_choices,
                ballots: r.ballots,
                closes_at: r.closes_at.map(Timestamp::to_rfc3339),
            })
            .collect(),
    ))
}

/// Create a round (a draft) from approved issues. An `Idempotency-Key`
/// makes a retry return the first round instead of making another.
#[utoipa::path(post, path = "/api/v1/rounds", request_body = RoundBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "A unique key, e.g. a UUID, that makes a retry safe: the same key and body within 24 hours returns the first response and acts no more")),
    responses((status = 201, body = RoundDto), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody, description = "invalid, or the Idempotency-Key was used with another body")),
    security(("bearer" = [])))]
async fn create_round(
    _: AdminToken,
    State(s): State<AdminState>,
    keyed: Keyed,
) -> Result<Response, ApiError> {
    let (once, body) = keyed.json::<RoundBody, _>(&s).await?;
    let items = body
        .items
        .iter()
        .map(|i| parse_ref(i))
        .collect::<Result<Vec<_>, _>>()?;
    let closes_at = match body.closes_at.as_deref() {
        None => None,
        Some(t) => Some(Timestamp::parse_rfc3339(t).ok_or_else(|| {
            ApiError::bad_request("closes_at must be an RFC 3339 time, e.g. 2026-12-01T18:00:00Z")
        })?),
    };
    if closes_at.is_some_and(|t| t <= s.gather.clock.now()) {
        return Err(ApiError::bad_request("closes_at is in the past"));
    }
    let render: Render<'_, Round> = &|r| (201, json_text(&RoundDto::from(r.clone())));
    let done = s
        .gather
        .create_round_once(
            RoundInput {
                title: body.title,
                items,
                max_choices: body.max_choices,
                closes_at,
            },
            with_key(&once, render),
        )
        .await?;
    Ok(done_response(done, render))
}

fn round_id(raw: &str) -> Result<RoundId, ApiError> {
    raw.parse::<RoundId>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_request(format!("`{raw}` is not a round id")))
}

/// Open a draft round (only one round is open at a time).
#[utoipa::path(post, path = "/api/v1/rounds/{id}/open", params(("id" = i64, Path)),
    request_body(content = OpenBody, description = "optional"),
    responses((status = 200, body = RoundDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn open_round(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<RoundDto>, ApiError> {
    // The body is optional: empty means no fallback.
    let body: OpenBody = if body.iter().all(u8::is_ascii_whitespace) {
        OpenBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
    };
    Ok(Json(
        s.gather
            .open_round_id_with(round_id(&id)?, body.accept_fallback)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    /// Open even if an issue has no title in a language its voters read:
    /// they see the default language's title, marked "(EN)". Without it
    /// such a round is refused (409).
    #[serde(default)]
    pub accept_fallback: bool,
}

/// Set or clear an issue's short title in one language (issue 19).
#[utoipa::path(post, path = "/api/v1/issues/{ref}/titles", request_body = TitleBody,
    params(("ref" = String, Path, description = "e.g. G-1001")),
    responses((status = 200, body = IssueTitlesDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "no such locale, too long for SMS, or an emoji")),
    security(("bearer" = [])))]
async fn set_title(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(r): Path<String>,
    ApiJson(body): ApiJson<TitleBody>,
) -> Result<Json<IssueTitlesDto>, ApiError> {
    let r = parse_ref(&r)?;
    let lang =
        LanguageTag::parse(&body.language).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let issue = s
        .gather
        .set_issue_title_in(r, &lang, body.title.as_deref())
        .await?;
    let titles = s.gather.issue_titles(&[r]).await?;
    Ok(Json(IssueTitlesDto {
        issue_ref: r.to_string(),
        title: issue.title,
        titles: titles.into_iter().map(|(_, l, t)| (l, t)).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TitleBody {
    /// A loaded locale, e.g. `pl`; the default language replaces the
    /// issue's main title.
    pub language: String,
    /// At most 60 characters when SMS spell it in GSM-7, 30 in UCS-2; no
    /// emoji. `null` clears the language's title.
    pub title: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IssueTitlesDto {
    #[serde(rename = "ref")]
    pub issue_ref: String,
    /// The default language's title.
    pub title: String,
    /// The titles in other languages, by language tag.
    pub titles: BTreeMap<String, String>,
}

/// Import short titles of many issues in many languages from a CSV sheet
/// with the columns `issue`, `language` and `title` (issue 19). Every row is
/// checked first; one wrong row and nothing is stored (422 lists the lines).
/// An empty title clears that language's title.
#[utoipa::path(post, path = "/api/v1/titles",
    request_body(content = String, content_type = "text/csv",
        description = "issue,language,title\nG-1001,pl,Brak wizyt u lekarza"),
    responses((status = 200, body = TitlesImportedDto), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody, description = "the wrong lines and why; nothing stored")),
    security(("bearer" = [])))]
async fn import_titles(
    _: AdminToken,
    State(s): State<AdminState>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<TitlesImportedDto>, ApiError> {
    let csv_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/csv"));
    if !csv_type {
        return Err(ApiError::unsupported_media_type(
            "send the sheet as Content-Type: text/csv",
        ));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("the CSV must be UTF-8 (export it as CSV UTF-8)"))?;
    let done = s.gather.import_issue_titles(text).await?;
    Ok(Json(TitlesImportedDto {
        set: done.set,
        cleared: done.cleared,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct TitlesImportedDto {
    /// Titles set.
    pub set: usize,
    /// Titles cleared.
    pub cleared: usize,
}

/// Set or clear a round's title in one language (issue 19); the round's
/// own title is the default language's.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/titles", request_body = TitleBody,
    params(("id" = i64, Path)),
    responses((status = 200, body = RoundTitlesDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "no such locale, the default language, too long for SMS, or an emoji")),
    security(("bearer" = [])))]
async fn set_round_title(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TitleBody>,
) -> Result<Json<RoundTitlesDto>, ApiError> {
    let id = round_id(&id)?;
    let lang =
        LanguageTag::parse(&body.language).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let titles = s
        .gather
        .set_round_title_in(id, &lang, body.title.as_deref())
        .await?;
    Ok(Json(RoundTitlesDto {
        id,
        titles: titles.into_iter().collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RoundTitlesDto {
    pub id: i64,
    /// The titles in other languages, by language tag.
    pub titles: BTreeMap<String, String>,
}

/// Close an open round; results are computed and stored, ties reported.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/close", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ResultDto>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn close_round(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<ResultDto>>, ApiError> {
    let rows = s.gather.close_round(round_id(&id)?).await?;
    Ok(Json(result_dtos(&rows)))
}

/// A round's results (live counts while it is open).
#[utoipa::path(get, path = "/api/v1/rounds/{id}/results", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ResultDto>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn results(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<ResultDto>>, ApiError> {
    let rows = s.gather.results(round_id(&id)?).await?;
    Ok(Json(result_dtos(&rows)))
}

fn result_dtos(rows: &[crate::store::ResultRow]) -> Vec<ResultDto> {
    with_ties(rows)
        .into_iter()
        .map(|r| ResultDto {
            rank: r.rank,
            issue_ref: r.issue_ref,
            title: r.title,
            votes: r.votes,
            tie: r.tie,
        })
        .collect()
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AnnounceBody {
    /// `voters` (default): the people who voted in the round; `everyone`:
    /// everyone who has not opted out.
    pub audience: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FanOutDto {
    pub id: i64,
    /// response or announce
    pub kind: String,
    pub recipients: i64,
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub created_at: String,
}

impl From<crate::store::fanout::FanOutStatus> for FanOutDto {
    fn from(f: crate::store::fanout::FanOutStatus) -> Self {
        FanOutDto {
            id: f.id,
            kind: f.kind,
            recipients: f.recipients,
            queued: f.queued,
            sending: f.sending,
            sent: f.sent,
            delivered: f.delivered,
            failed: f.failed,
            cancelled: f.cancelled,
            created_at: f.created_at.to_rfc3339(),
        }
    }
}

/// Tell the people who voted (or everyone opted in) that results are out.
/// An `Idempotency-Key` makes a retry return the first fan-out instead of
/// queueing another.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/announce", params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "A unique key, e.g. a UUID, that makes a retry safe: the same key and body within 24 hours returns the first response and acts no more")),
    request_body(content = AnnounceBody, description = "optional"),
    responses((status = 202, body = ResponseCreated), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the round is not closed"), (status = 422, body = ErrorBody, description = "the Idempotency-Key was used with another body")),
    security(("bearer" = [])))]
async fn announce(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(id): Path<String>,
    keyed: Keyed,
) -> Result<Response, ApiError> {
    let Keyed { once, body, .. } = keyed;
    // The body is optional: empty means the voters.
    let body: AnnounceBody = if body.iter().all(u8::is_ascii_whitespace) {
        AnnounceBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
    };
    let everyone = match body.audience.as_deref() {
        None | Some("voters") => false,
        Some("everyone") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "audience `{other}`: use voters or everyone"
            )));
        }
    };
    let render: Render<'_, ResponseRecorded> = &|r| (202, json_text(&created(r)));
    let done = s
        .gather
        .announce_once(round_id(&id)?, everyone, with_key(&once, render))
        .await?;
    Ok(done_response(done, render))
}

/// Every fan-out's progress, newest first.
#[utoipa::path(get, path = "/api/v1/fanouts",
    responses((status = 200, body = Vec<FanOutDto>)), security(("bearer" = [])))]
async fn fanouts(
    _: AdminToken,
    State(s): State<AdminState>,
) -> Result<Json<Vec<FanOutDto>>, ApiError> {
    let all = s.gather.fanout_status(None).await?;
    Ok(Json(all.into_iter().map(FanOutDto::from).collect()))
}

/// One fan-out's progress: queued, sent, delivered, failed.
#[utoipa::path(get, path = "/api/v1/fanouts/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = FanOutDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn fanout(
    _: AdminToken,
    State(s): State<AdminState>,
    Path(id): Path<String>,
) -> Result<Json<FanOutDto>, ApiError> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_request(format!("`{id}` is not a fan-out id")))?;
    let mut all = s.gather.fanout_status(Some(id)).await?;
    let one = all
        .pop()
        .ok_or_else(|| ApiError::not_found(format!("no fan-out {id}")))?;
    Ok(Json(one.into()))
}

/// Who is reached: people and messages by channel, language, area,
/// involvement and round (exact counts; for organisers only).
#[utoipa::path(get, path = "/api/v1/reach",
    responses((status = 200, description = "the reach report")), security(("bearer" = [])))]
async fn reach(_: AdminToken, State(s): State<AdminState>) -> Result<Json<Reach>, ApiError> {
    Ok(Json(s.gather.reach().await?))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Gather admin API", description = "Moderate issues, run rounds, record Board responses."),
    paths(list_issues, approve, hide, merge, respond, set_title, import_titles, set_round_title, list_rounds, create_round, open_round, close_round, results, announce, fanouts, fanout, reach),
    components(schemas(IssueDto, HideBody, MergeBody, OpenBody, TitleBody, IssueTitlesDto, TitlesImportedDto, RoundTitlesDto, RoundBody, RoundDto, RoundItemDto, RoundSummaryDto, ResultDto, ResponseBody, ResponseCreated, AnnounceBody, FanOutDto, ErrorBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document (no token needed: it describes, it does not reveal).
async fn openapi() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!("cannot render the OpenAPI document: {e}"),
        )
        .into_response(),
    }
}
