//! Events and seat maps. Reads come from the seat view; creating an event writes the store first,
//! then adds the event to the view.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_actors::EventId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::ApiError;
use super::extract::{Admin, ApiJson, IdPath};
use crate::layout::{NewEvent, Section};
use crate::view::{EventView, SeatCell};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSummary {
    id: u64,
    name: String,
    seat_count: usize,
    available: usize,
    booked: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDetail {
    id: u64,
    name: String,
    sections: Vec<Section>,
    seat_count: usize,
    available: usize,
    booked: usize,
    created_at: DateTime<Utc>,
}

impl EventDetail {
    fn of(event: &EventView) -> Self {
        Self {
            id: event.id.get(),
            name: event.name.clone(),
            sections: event.sections.clone(),
            seat_count: event.seat_count(),
            available: event.available(),
            booked: event.booked(),
            created_at: event.created_at,
        }
    }
}

/// One seat of a seat map. It never says who booked the seat.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatDto<'a> {
    seat_id: u64,
    seat_number: &'a str,
    section: &'a str,
    row: u32,
    number: u32,
    status: &'static str,
    booked: bool,
    version: u64,
}

impl<'a> SeatDto<'a> {
    pub fn of(event: &'a EventView, cell: &'a SeatCell) -> Self {
        let state = cell.state();
        Self {
            seat_id: cell.id.get(),
            seat_number: &cell.label,
            section: event.section_name(cell),
            row: cell.row,
            number: cell.number,
            status: state.status.as_str(),
            booked: state.status.is_booked(),
            version: state.version,
        }
    }
}

/// An event's whole seat map in layout order.
pub fn seat_map(event: &EventView) -> Vec<SeatDto<'_>> {
    event.seats.iter().map(|cell| SeatDto::of(event, cell)).collect()
}

pub async fn list(State(state): State<AppState>) -> Json<Vec<EventSummary>> {
    Json(
        state
            .view
            .events()
            .iter()
            .map(|event| EventSummary {
                id: event.id.get(),
                name: event.name.clone(),
                seat_count: event.seat_count(),
                available: event.available(),
                booked: event.booked(),
            })
            .collect(),
    )
}

fn find(state: &AppState, id: EventId) -> Result<std::sync::Arc<EventView>, ApiError> {
    state
        .view
        .event(id)
        .ok_or_else(|| ApiError::event_not_found(format!("event {id} does not exist")))
}

pub async fn detail(
    State(state): State<AppState>,
    IdPath(id): IdPath<EventId>,
) -> Result<Json<EventDetail>, ApiError> {
    let event = find(&state, id)?;
    Ok(Json(EventDetail::of(&event)))
}

pub async fn seats(
    State(state): State<AppState>,
    IdPath(id): IdPath<EventId>,
) -> Result<Response, ApiError> {
    let event = find(&state, id)?;
    // Serialized here, while the borrowed seat map is alive.
    let response = Json(seat_map(&event)).into_response();
    Ok(response)
}

/// `{"name", "sections": [{name, rows, seatsPerRow}]}` or the short form `{"name", "rows",
/// "seatsPerRow"}` (one section).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateEvent {
    name: String,
    sections: Option<Vec<SectionBody>>,
    rows: Option<i64>,
    seats_per_row: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SectionBody {
    name: String,
    rows: i64,
    seats_per_row: i64,
}

impl CreateEvent {
    fn parse(self) -> Result<NewEvent, ApiError> {
        let sections = match (self.sections, self.rows, self.seats_per_row) {
            (Some(sections), None, None) => {
                sections.into_iter().map(|s| (s.name, s.rows, s.seats_per_row)).collect()
            }
            (None, Some(rows), Some(seats_per_row)) => {
                vec![("Main".to_owned(), rows, seats_per_row)]
            }
            _ => {
                return Err(ApiError::unprocessable(
                    "give either \"sections\" or both \"rows\" and \"seatsPerRow\"",
                ));
            }
        };
        Ok(NewEvent::parse(&self.name, sections)?)
    }
}

pub async fn create(
    _admin: Admin,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateEvent>,
) -> Result<(StatusCode, HeaderMap, Json<EventDetail>), ApiError> {
    let new_event = body.parse()?;
    let (event, seats) = state.store.create_event(&new_event, state.partitions).await?;
    let event = state.view.add_event(event, seats);
    state.feed.event_created(event.id);
    tracing::info!(event = %event.id, seats = event.seat_count(), "event created");
    let mut headers = HeaderMap::new();
    let location = format!("/api/v1/events/{}", event.id);
    if let Ok(value) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, value);
    }
    Ok((StatusCode::CREATED, headers, Json(EventDetail::of(&event))))
}
