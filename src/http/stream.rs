//! Seat streams (Server-Sent Events): `GET /api/v1/events/{id}/stream` sends `event: snapshot`
//! (every seat with its version) first, then `event: seat` for each committed change, keep-alive
//! comments every 15 s, and a fresh `snapshot` whenever the client fell behind the event's change
//! buffer — a stream never ends silently because a client was slow. Clients apply a change only if
//! its version is newer than the one they hold, so a snapshot followed by older changes is safe.
//!
//! Each client costs one position in its event's shared, bounded change buffer; the number of
//! clients per node is bounded too (beyond it `503` with `Retry-After`). Streams end when the
//! server shuts down.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use boxoffice_actors::EventId;
use boxoffice_actors::journal::SeatChanged;
use futures_util::{Stream, StreamExt, stream};
use serde_json::json;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_util::sync::CancellationToken;

use super::AppState;
use super::error::ApiError;
use super::events::seat_map;
use super::extract::IdPath;
use crate::limits::{RETRY_AFTER, STREAM_KEEP_ALIVE};
use crate::view::EventView;

/// The node's stream clients: how many are connected, how many may be, and the token that ends
/// them all at shutdown.
pub struct Streams {
    active: AtomicUsize,
    clients_max: usize,
    resyncs: AtomicUsize,
    shutdown: CancellationToken,
}

impl Streams {
    pub fn new(clients_max: usize, shutdown: CancellationToken) -> Self {
        Self { active: AtomicUsize::new(0), clients_max, resyncs: AtomicUsize::new(0), shutdown }
    }

    /// Stream clients connected now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }

    /// Fresh snapshots sent because a client fell behind.
    pub fn resyncs(&self) -> usize {
        self.resyncs.load(Ordering::Relaxed)
    }

    fn admit(self: &Arc<Self>) -> Option<Admitted> {
        let before = self.active.fetch_add(1, Ordering::AcqRel);
        if before >= self.clients_max {
            self.active.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Admitted(self.clone()))
    }
}

/// Counts a client out when its stream is dropped.
struct Admitted(Arc<Streams>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::AcqRel);
    }
}

pub async fn stream(
    State(state): State<AppState>,
    IdPath(id): IdPath<EventId>,
) -> Result<Response, ApiError> {
    let event = state
        .view
        .event(id)
        .ok_or_else(|| ApiError::event_not_found(format!("event {id} does not exist")))?;
    let Some(admitted) = state.streams.admit() else {
        return Err(ApiError::overloaded(
            "too many seat streams are open on this node",
            RETRY_AFTER,
        ));
    };
    // Subscribe before the snapshot is read, so no change falls between the two.
    let changes = BroadcastStream::new(event.subscribe());
    let first = stream::once(std::future::ready(snapshot(&event)));
    let streams = state.streams.clone();
    let following = changes.map(move |received| match received {
        Ok(change) => seat_event(&change),
        Err(BroadcastStreamRecvError::Lagged(missed)) => {
            streams.resyncs.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("boxoffice_stream_resyncs_total").increment(1);
            tracing::debug!(event = %event.id, missed, "stream client lagged; sending a fresh snapshot");
            snapshot(&event)
        }
    });
    let events = first
        .chain(following)
        .take_until(state.streams.shutdown.clone().cancelled_owned())
        .map(move |event| {
            let _still_counted = &admitted;
            Ok::<_, Infallible>(event)
        });
    Ok(sse(events).into_response())
}

fn sse(
    events: impl Stream<Item = Result<Event, Infallible>> + Send + 'static,
) -> impl IntoResponse {
    let response = Sse::new(events).keep_alive(KeepAlive::new().interval(STREAM_KEEP_ALIVE));
    // Proxies (nginx) must pass events through at once, not buffer them.
    ([("x-accel-buffering", "no"), ("cache-control", "no-cache")], response)
}

fn snapshot(event: &EventView) -> Event {
    let body = json!({ "eventId": event.id.get(), "seats": seat_map(event) });
    Event::default().event("snapshot").data(body.to_string())
}

fn seat_event(change: &SeatChanged) -> Event {
    let body = json!({
        "seatId": change.seat.get(),
        "status": change.status.as_str(),
        "booked": change.status.is_booked(),
        "version": change.version,
    });
    Event::default().event("seat").data(body.to_string())
}
