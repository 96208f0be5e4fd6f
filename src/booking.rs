//! Booking a seat with one of the three strategies. They share validation, errors, the booking rows
//! and the change feed, so one benchmark run can put them side by side:
//! - `ACTOR` (default): the seat's actor decides, the group committer makes it durable;
//! - `DATABASE`: one transaction that locks the seat's row (`SELECT … FOR UPDATE`), checks, books;
//! - `REDIS`: a fast-fail lock per seat in Redis, then a version-checked update (cluster mode).

use std::sync::Arc;

use boxoffice_actors::journal::{ChangeSink, SeatChanged};
use boxoffice_actors::{
    BookingId, Engine, EngineError, EventId, InvalidInput, SeatId, SeatStatus, UserId,
};
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::feed::ChangeFeed;
use crate::store::{BookingRow, DirectBookingError, Store, StoreError};
use crate::view::SeatView;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    Actor,
    Database,
    Redis,
}

impl Strategy {
    pub const ALL: [Strategy; 3] = [Strategy::Actor, Strategy::Database, Strategy::Redis];

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Self::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text)).ok_or_else(|| {
            InvalidInput(format!("unknown strategy {text:?}: use ACTOR, DATABASE or REDIS"))
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Actor => "ACTOR",
            Strategy::Database => "DATABASE",
            Strategy::Redis => "REDIS",
        }
    }
}

/// A durable booking, whatever strategy made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: BookingId,
    pub event: EventId,
    pub seat: SeatId,
    pub seat_label: String,
    pub user: String,
    pub at: DateTime<Utc>,
    /// The seat's version after this booking.
    pub version: u64,
    pub strategy: String,
}

impl From<BookingRow> for Booking {
    fn from(row: BookingRow) -> Self {
        Self {
            id: row.id,
            event: row.event,
            seat: row.seat,
            seat_label: row.seat_label,
            user: row.user,
            at: row.created_at,
            version: row.seat_version,
            strategy: row.strategy,
        }
    }
}

#[derive(Debug, Error)]
pub enum BookingError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The strategy needs something this node does not have (Redis).
    #[error("{0}")]
    StrategyUnavailable(&'static str),
}

impl From<DirectBookingError> for BookingError {
    fn from(error: DirectBookingError) -> Self {
        match error {
            DirectBookingError::SeatNotFound(seat) => EngineError::SeatNotFound(seat).into(),
            DirectBookingError::SeatOccupied { seat, version } => {
                EngineError::SeatOccupied { seat, version }.into()
            }
            DirectBookingError::Store(error) => error.into(),
        }
    }
}

pub struct BookingService {
    engine: Arc<Engine>,
    store: Arc<dyn Store>,
    view: Arc<SeatView>,
    feed: Arc<ChangeFeed>,
}

impl BookingService {
    pub fn new(
        engine: Arc<Engine>,
        store: Arc<dyn Store>,
        view: Arc<SeatView>,
        feed: Arc<ChangeFeed>,
    ) -> Self {
        Self { engine, store, view, feed }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Books `seat` for `user`. `Ok` only once the booking is durable.
    pub async fn book(
        &self,
        seat: SeatId,
        user: UserId,
        strategy: Strategy,
    ) -> Result<Booking, BookingError> {
        match strategy {
            Strategy::Actor => {
                let booked = self.engine.book(seat, user).await?;
                let seat_label = self.seat_label(seat);
                Ok(Booking {
                    id: booked.booking,
                    event: booked.event,
                    seat,
                    seat_label,
                    user: booked.user.as_str().to_owned(),
                    at: booked.at,
                    version: booked.version,
                    strategy: Strategy::Actor.as_str().to_owned(),
                })
            }
            Strategy::Database => {
                let row = self.store.book_with_row_lock(seat, &user, strategy.as_str()).await?;
                self.published(row)
            }
            Strategy::Redis => Err(BookingError::StrategyUnavailable(
                "the REDIS strategy needs a Redis server: start boxoffice with --redis-url",
            )),
        }
    }

    /// Tells the change feed about a booking committed outside the engine.
    fn published(&self, row: BookingRow) -> Result<Booking, BookingError> {
        self.feed.publish(&[SeatChanged {
            event: row.event,
            seat: row.seat,
            status: SeatStatus::Booked,
            version: row.seat_version,
        }]);
        Ok(row.into())
    }

    fn seat_label(&self, seat: SeatId) -> String {
        self.view
            .locate(seat)
            .map(|(event, index)| event.seats[index].label.to_string())
            .unwrap_or_default()
    }
}
