//! The HTTP boundary's error: a status code and a reason, as JSON
//! `{"error": "...", "detail": ...}`. Never a panic, never a bare 500 for
//! something the caller did.

use crate::service::ServiceError;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, m)
    }
    pub fn forbidden(m: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, m)
    }
    pub fn unauthorized(m: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, m)
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, m)
    }
    pub fn unsupported_media_type(m: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, m)
    }
    pub fn from_body_rejection(e: &BytesRejection) -> Self {
        Self::new(e.status(), e.body_text())
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let status = match &e {
            ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
            ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            // A provider retries a 503: nothing acknowledged is lost.
            ServiceError::Unavailable(_) | ServiceError::Internal(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = %e, "request failed");
        }
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = match self.status.as_u16() {
            400 => "bad request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not found",
            409 => "conflict",
            413 => "payload too large",
            415 => "unsupported media type",
            422 => "invalid",
            429 => "too many requests",
            503 => "unavailable",
            _ => "error",
        };
        let mut resp = (
            self.status,
            axum::Json(json!({"error": error, "detail": self.message})),
        )
            .into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        resp
    }
}
