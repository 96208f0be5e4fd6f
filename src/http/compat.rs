//! Routes kept for clients written for the two Spring Boot systems boxoffice replaces. They keep
//! those systems' envelopes (`{"status": "error", "message": …}`, plain-text seed answers) so the
//! old clients work unchanged; the booking itself goes through the same service as the v1 API.

use std::collections::HashMap;
use std::time::Instant;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_actors::{SeatId, UserId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::extract::Admin;
use crate::booking::{BookingError, Strategy};
use crate::layout::legacy_seed_event;
use crate::telemetry::metrics::record_booking;

/// `POST /api/tickets/seed`: creates the default event with 100 seats if there is none. The
/// check and the insert are one transaction, so two nodes seeding at once create one event.
pub async fn seed(_admin: Admin, State(state): State<AppState>) -> Result<&'static str, ApiError> {
    if state.view.default_event().is_some() {
        return Ok("Database already has tickets.");
    }
    match state.store.create_event_if_none(&legacy_seed_event(), state.partitions).await? {
        Some((event, seats)) => {
            let event = state.view.add_event(event, seats);
            state.feed.event_created(event.id);
            Ok("Created 100 Seats!")
        }
        None => Ok("Database already has tickets."),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ticket {
    id: u64,
    seat_number: String,
    status: &'static str,
    user_id: u64,
    version: u64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// The legacy error envelope.
fn legacy_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "status": "error", "message": message }))).into_response()
}

/// A positive integer query parameter, or the message that says it is not one.
fn positive(params: &HashMap<String, String>, name: &str) -> Result<u64, String> {
    params
        .get(name)
        .and_then(|raw| raw.parse::<i64>().ok())
        .filter(|&value| value >= 1)
        .map(|value| value as u64)
        .ok_or_else(|| format!("{name} must be a positive integer"))
}

/// `POST /api/tickets/book?ticketId=N&userId=M`: books seat N for user M.
pub async fn book(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let started = Instant::now();
    let invalid = |message: &str| {
        record_booking(Strategy::Actor.as_str(), "invalid", started.elapsed().as_secs_f64());
        legacy_error(StatusCode::BAD_REQUEST, message)
    };
    let (ticket, user) = match (positive(&params, "ticketId"), positive(&params, "userId")) {
        (Ok(ticket), Ok(user)) => (ticket, user),
        (Err(message), _) | (_, Err(message)) => return invalid(&message),
    };
    let strategy = match params.get("strategy").map(|s| Strategy::parse(s)).transpose() {
        Ok(strategy) => strategy.unwrap_or(Strategy::Actor),
        Err(error) => return invalid(&error.0),
    };
    let (Ok(seat), Ok(user_id)) = (SeatId::new(ticket as i64), UserId::parse(&user.to_string()))
    else {
        return invalid("ticketId and userId must be positive integers");
    };
    match state.bookings.book(seat, user_id, strategy).await {
        Ok(booking) => {
            let created_at =
                state.view.locate(seat).map(|(event, _)| event.created_at).unwrap_or(booking.at);
            Json(Ticket {
                id: seat.get(),
                seat_number: booking.seat_label,
                status: "SOLD",
                user_id: user,
                version: booking.version,
                created_at,
                updated_at: booking.at,
            })
            .into_response()
        }
        Err(error) => legacy_booking_error(error),
    }
}

fn legacy_booking_error(error: BookingError) -> Response {
    let api = ApiError::from(error);
    let message = match api.code {
        "SEAT_OCCUPIED" => "Sold Out!",
        "SEAT_NOT_FOUND" => "Ticket not found",
        _ => api.detail.as_str(),
    };
    let mut response = legacy_error(api.status, message);
    if let Some(after) = api.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(after.as_secs().max(1)));
    }
    response
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LegacySeat<'a> {
    seat_id: u64,
    seat_number: &'a str,
    booked: bool,
    booked_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/seats`: the default event's seats.
pub async fn seats(State(state): State<AppState>) -> Result<Response, ApiError> {
    let Some(event) = state.view.default_event() else {
        return Ok(Json(Vec::<LegacySeat>::new()).into_response());
    };
    let booked_at: HashMap<SeatId, DateTime<Utc>> =
        state.store.booked_at(event.id).await?.into_iter().collect();
    let seats: Vec<LegacySeat> = event
        .seats
        .iter()
        .map(|cell| LegacySeat {
            seat_id: cell.id.get(),
            seat_number: &cell.label,
            booked: cell.state().status.is_booked(),
            booked_at: booked_at.get(&cell.id).copied(),
        })
        .collect();
    let response = Json(seats).into_response();
    Ok(response)
}
