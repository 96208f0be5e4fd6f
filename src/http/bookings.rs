//! `POST /api/v1/bookings` and `GET /api/v1/bookings/{id}`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use boxoffice_actors::{BookingId, EventId, InvalidInput, SeatId, UserId};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, IdPath};
use crate::booking::{Booking, Strategy};
use crate::telemetry::metrics::record_booking;

/// `{"seatId": 42, "userId": "u-123", "strategy": "ACTOR"}`. Numbers are read as `i64` so that
/// `0`, `-1` and too-large ids get a clear message rather than a type error.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBooking {
    seat_id: i64,
    user_id: String,
    strategy: Option<String>,
}

/// A booking on the wire: the public answer, and what a forwarded booking's owner returns.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingDto {
    booking_id: u64,
    event_id: u64,
    seat_id: u64,
    seat_number: String,
    booked_by: String,
    booked_at: DateTime<Utc>,
    booked: bool,
    version: u64,
    strategy: String,
}

impl From<Booking> for BookingDto {
    fn from(booking: Booking) -> Self {
        Self {
            booking_id: booking.id.get(),
            event_id: booking.event.get(),
            seat_id: booking.seat.get(),
            seat_number: booking.seat_label,
            booked_by: booking.user,
            booked_at: booking.at,
            booked: true,
            version: booking.version,
            strategy: booking.strategy,
        }
    }
}

impl TryFrom<BookingDto> for Booking {
    type Error = InvalidInput;

    fn try_from(dto: BookingDto) -> Result<Self, InvalidInput> {
        let id = |value: u64| i64::try_from(value).unwrap_or(-1);
        Ok(Self {
            id: BookingId::new(id(dto.booking_id))?,
            event: EventId::new(id(dto.event_id))?,
            seat: SeatId::new(id(dto.seat_id))?,
            seat_label: dto.seat_number,
            user: dto.booked_by,
            at: dto.booked_at,
            version: dto.version,
            strategy: dto.strategy,
        })
    }
}

pub async fn create(
    State(state): State<AppState>,
    body: Result<ApiJson<CreateBooking>, ApiError>,
) -> Result<(StatusCode, HeaderMap, Json<BookingDto>), ApiError> {
    let started = Instant::now();
    let (seat, user, strategy) = parse(body).map_err(|(strategy, error)| {
        record_booking(strategy.as_str(), "invalid", started.elapsed().as_secs_f64());
        error
    })?;

    let booking = state.bookings.book(seat, user, strategy).await?;

    tracing::debug!(booking = %booking.id, seat = %seat, strategy = strategy.as_str(), "booked");
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/bookings/{}", booking.id)) {
        headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, headers, Json(booking.into())))
}

/// The request's values, or the strategy to count the refusal under and the error.
fn parse(
    body: Result<ApiJson<CreateBooking>, ApiError>,
) -> Result<(SeatId, UserId, Strategy), (Strategy, ApiError)> {
    let ApiJson(body) = body.map_err(|error| (Strategy::Actor, error))?;
    let strategy = body
        .strategy
        .as_deref()
        .map(Strategy::parse)
        .transpose()
        .map_err(|error| (Strategy::Actor, error.into()))?
        .unwrap_or(Strategy::Actor);
    let seat = SeatId::new(body.seat_id).map_err(|error| (strategy, error.into()))?;
    let user = UserId::parse(&body.user_id).map_err(|error| (strategy, error.into()))?;
    Ok((seat, user, strategy))
}

pub async fn detail(
    State(state): State<AppState>,
    IdPath(id): IdPath<BookingId>,
) -> Result<Json<BookingDto>, ApiError> {
    let row = state
        .store
        .booking(id)
        .await?
        .ok_or_else(|| ApiError::booking_not_found(format!("booking {id} does not exist")))?;
    Ok(Json(Booking::from(row).into()))
}
