//! Extractors whose rejections speak the API's one error format: JSON bodies, ids in paths, and
//! admin access.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use boxoffice_actors::{BookingId, EventId, InvalidInput};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;

/// A JSON body. Wrong content type → `415`, too large → `413`, unreadable → `400`, wrong shape or
/// types → `422`, each as problem+json.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::payload_too_large();
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::unsupported_media_type(),
        JsonRejection::JsonSyntaxError(error) => ApiError::bad_request(error.body_text()),
        JsonRejection::JsonDataError(error) => ApiError::unprocessable(error.body_text()),
        other => ApiError::bad_request(other.body_text()),
    }
}

/// An id from the path, parsed into its domain type: `abc`, `0` or `-1` → `400`.
pub struct IdPath<T>(pub T);

/// Ids that can be read from a path segment.
pub trait PathId: Sized {
    fn parse_path(text: &str) -> Result<Self, InvalidInput>;
}

impl PathId for EventId {
    fn parse_path(text: &str) -> Result<Self, InvalidInput> {
        EventId::parse(text)
    }
}

impl PathId for BookingId {
    fn parse_path(text: &str) -> Result<Self, InvalidInput> {
        BookingId::parse(text)
    }
}

impl<T: PathId, S: Send + Sync> FromRequestParts<S> for IdPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
        T::parse_path(&raw).map(IdPath).map_err(|error| ApiError::bad_request(error.0))
    }
}

/// Proof that the caller may use admin routes: the configured bearer token, or, when no token is
/// configured, a loopback client.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match state.admin_token.as_deref() {
            Some(token) => {
                let presented = parts
                    .headers
                    .get(AUTHORIZATION)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.strip_prefix("Bearer "));
                match presented {
                    Some(presented) if constant_time_eq(presented.as_bytes(), token.as_bytes()) => {
                        Ok(Admin)
                    }
                    _ => Err(ApiError::unauthorized(
                        "admin routes need the header Authorization: Bearer <admin token>",
                    )),
                }
            }
            None => {
                let loopback = parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback());
                if loopback {
                    Ok(Admin)
                } else {
                    Err(ApiError::unauthorized(
                        "no admin token is configured, so admin routes answer only to loopback clients",
                    ))
                }
            }
        }
    }
}

/// Compares secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn secrets_compare_equal_only_when_identical() {
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cret", b"s3creT"));
        assert!(!constant_time_eq(b"s3cret", b"s3cret!"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
