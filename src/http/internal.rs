//! Node-to-node endpoints. `POST /internal/v1/bookings` books a seat through *this* node's actor
//! and never forwards again (so a request crosses at most one hop). It requires the cluster
//! secret; on a single node, where there is none, it refuses every request.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use boxoffice_actors::{EngineError, SeatId, UserId};
use serde::Deserialize;

use super::AppState;
use super::bookings::BookingDto;
use super::error::ApiError;
use super::extract::{ApiJson, constant_time_eq};
use crate::booking::BookingError;
use crate::cluster::routing::{HOP_HEADER, SECRET_HEADER};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardedBooking {
    seat_id: i64,
    user_id: String,
}

pub async fn book(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ForwardedBooking>,
) -> Result<(StatusCode, Json<BookingDto>), ApiError> {
    let presented = headers.get(SECRET_HEADER).map(|value| value.as_bytes());
    let authorized = match (&state.cluster_secret, presented) {
        (Some(secret), Some(presented)) => constant_time_eq(presented, secret.as_bytes()),
        _ => false,
    };
    if !authorized {
        return Err(ApiError::unauthorized(
            "internal endpoints need the cluster secret of this cluster",
        ));
    }
    let seat = SeatId::new(body.seat_id)?;
    let user = UserId::parse(&body.user_id)?;
    let from = headers.get(HOP_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("?");
    tracing::debug!(%seat, from, "forwarded booking");
    match state.bookings.book_here(seat, user).await {
        Ok(booking) => Ok((StatusCode::CREATED, Json(booking.into()))),
        Err(BookingError::Engine(EngineError::NotOwner(partition))) => {
            Err(ApiError::not_owner(format!("this node does not own partition {partition}")))
        }
        Err(error) => Err(error.into()),
    }
}
