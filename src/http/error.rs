//! The one error type of the HTTP API and its RFC 9457 body. Every failure a handler can meet is
//! turned into an [`ApiError`] here, in one place: engine outcomes, store failures, bad input.
//! Unexpected errors are logged with their cause chain and answered `500` without details.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use boxoffice_actors::{EngineError, InvalidInput};
use serde::Serialize;

use crate::booking::BookingError;
use crate::limits::{BODY_BYTES_MAX, RETRY_AFTER};
use crate::store::StoreError;

/// An error answer: status, stable code, and a sentence for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub retry_after: Option<Duration>,
}

/// The RFC 9457 body. `instance` is filled in by [`problem_instance`], which knows the path.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: String,
    title: &'static str,
    status: u16,
    detail: String,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance: Option<String>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self { status, code, title, detail: detail.into(), retry_after: None }
    }

    fn retry(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// Input that cannot be read at all (malformed JSON, a non-numeric id).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "Invalid request", detail)
    }

    /// Input that was read but is not acceptable (a wrong type, a value out of range).
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_REQUEST", "Invalid request", detail)
    }

    pub fn seat_occupied(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "SEAT_OCCUPIED", "Seat already booked", detail)
    }

    pub fn seat_not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "SEAT_NOT_FOUND", "Seat not found", detail)
    }

    pub fn event_not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "EVENT_NOT_FOUND", "Event not found", detail)
    }

    pub fn booking_not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "BOOKING_NOT_FOUND", "Booking not found", detail)
    }

    pub fn route_not_found(path: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found", format!("no route for {path}"))
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "Method not allowed",
            "this route does not accept that method",
        )
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "Payload too large",
            format!("request bodies are limited to {BODY_BYTES_MAX} bytes"),
        )
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Unsupported media type",
            "send the body as application/json",
        )
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Unauthorized", detail)
    }

    /// A forwarded request reached a node that does not own the seat (node to node only).
    pub fn not_owner(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::MISDIRECTED_REQUEST, "NOT_OWNER", "Not the owner", detail)
    }

    pub fn overloaded(detail: impl Into<String>, after: Duration) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "OVERLOADED", "Overloaded", detail).retry(after)
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", "Service unavailable", detail)
            .retry(RETRY_AFTER)
    }

    /// An unexpected failure: the cause is logged, the client learns nothing of the internals.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(next) = source {
            chain.push_str(": ");
            chain.push_str(&next.to_string());
            source = next.source();
        }
        tracing::error!(error = %chain, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "Internal error",
            "the server failed to handle the request; it has been logged",
        )
    }

    fn problem(&self) -> Problem {
        Problem {
            kind: format!(
                "urn:boxoffice:problem:{}",
                self.code.to_ascii_lowercase().replace('_', "-")
            ),
            title: self.title,
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code,
            instance: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(after.as_secs().max(1)));
        }
        response.extensions_mut().insert(problem);
        response
    }
}

/// Middleware: completes every problem body with the request's path as `instance`.
pub async fn problem_instance(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if let Some(mut problem) = response.extensions_mut().remove::<Problem>() {
        problem.instance = Some(path);
        if let Ok(body) = serde_json::to_vec(&problem) {
            response.headers_mut().remove(header::CONTENT_LENGTH);
            *response.body_mut() = Body::from(body);
        }
    }
    response
}

impl From<InvalidInput> for ApiError {
    fn from(error: InvalidInput) -> Self {
        ApiError::unprocessable(error.0)
    }
}

impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> Self {
        match error {
            EngineError::SeatOccupied { .. } => ApiError::seat_occupied(error.to_string()),
            EngineError::SeatNotFound(_) => ApiError::seat_not_found(error.to_string()),
            EngineError::Overloaded(what, after) => {
                ApiError::overloaded(format!("too many {what} are waiting; retry shortly"), after)
            }
            EngineError::NotOwner(_) | EngineError::Fenced(_) | EngineError::Unavailable(_) => {
                tracing::warn!(%error, "booking unavailable");
                ApiError::unavailable(error.to_string())
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match &error {
            StoreError::Database(sqlx::Error::PoolTimedOut) => ApiError::overloaded(
                "all database connections are busy; retry shortly",
                RETRY_AFTER,
            ),
            StoreError::Database(sqlx::Error::Io(_) | sqlx::Error::PoolClosed)
            | StoreError::Journal(_) => {
                tracing::warn!(%error, "database unreachable");
                ApiError::unavailable("the database is unreachable; retry shortly")
            }
            _ => ApiError::internal(&error),
        }
    }
}

impl From<BookingError> for ApiError {
    fn from(error: BookingError) -> Self {
        match error {
            BookingError::Engine(error) => error.into(),
            BookingError::Store(error) => error.into(),
            BookingError::StrategyUnavailable(detail) => ApiError::unprocessable(detail),
        }
    }
}
