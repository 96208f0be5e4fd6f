//! Booking a seat with one of the three strategies. They share validation, errors, the booking rows
//! and the change feed, so one benchmark run can put them side by side:
//! - `ACTOR` (default): the seat's actor decides, the group committer makes it durable;
//! - `DATABASE`: one transaction that locks the seat's row (`SELECT … FOR UPDATE`), checks, books;
//! - `REDIS`: a fast-fail lock per seat in Redis, then a version-checked update (cluster mode).

use std::sync::Arc;
use std::time::Instant;

use boxoffice_actors::journal::{ChangeSink, SeatChanged};
use boxoffice_actors::{
    Booked, BookingId, Engine, EngineError, EventId, InvalidInput, SeatId, SeatStatus, UserId,
};
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::cluster::lock::SeatLocks;
use crate::cluster::routing::Forwarder;
use crate::feed::ChangeFeed;
use crate::limits::{RETRY_AFTER, ROUTE_RETRY, ROUTE_WAIT};
use crate::store::{BookingRow, DirectBookingError, Store, StoreError};
use crate::telemetry::metrics::record_booking;
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

impl BookingError {
    /// The outcome a failed booking is counted under in the metrics.
    pub fn outcome(&self) -> &'static str {
        match self {
            BookingError::Engine(EngineError::SeatOccupied { .. }) => "conflict",
            BookingError::Engine(EngineError::SeatNotFound(_)) => "not_found",
            BookingError::Engine(EngineError::Overloaded(..)) => "overloaded",
            BookingError::Engine(
                EngineError::NotOwner(_) | EngineError::Fenced(_) | EngineError::Unavailable(_),
            ) => "unavailable",
            BookingError::Store(StoreError::Database(sqlx::Error::PoolTimedOut)) => "overloaded",
            BookingError::Store(
                StoreError::Database(sqlx::Error::Io(_) | sqlx::Error::PoolClosed)
                | StoreError::Journal(_),
            ) => "unavailable",
            BookingError::Store(_) => "error",
            BookingError::StrategyUnavailable(_) => "invalid",
        }
    }
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
    cluster: Option<ClusterParts>,
}

/// What bookings use in cluster mode.
pub struct ClusterParts {
    pub forwarder: Forwarder,
    pub locks: SeatLocks,
}

impl BookingService {
    pub fn new(
        engine: Arc<Engine>,
        store: Arc<dyn Store>,
        view: Arc<SeatView>,
        feed: Arc<ChangeFeed>,
        cluster: Option<ClusterParts>,
    ) -> Self {
        Self { engine, store, view, feed, cluster }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Books `seat` for `user`. `Ok` only once the booking is durable. Counted in the metrics
    /// by strategy and outcome.
    pub async fn book(
        &self,
        seat: SeatId,
        user: UserId,
        strategy: Strategy,
    ) -> Result<Booking, BookingError> {
        let started = Instant::now();
        let result = match strategy {
            Strategy::Actor => self.book_with_actor(seat, user).await,
            Strategy::Database => self
                .store
                .book_with_row_lock(seat, &user, strategy.as_str())
                .await
                .map(|row| self.published(row))
                .map_err(BookingError::from),
            Strategy::Redis => self.book_with_redis_lock(seat, user).await,
        };
        let outcome = match &result {
            Ok(_) => "booked",
            Err(error) => error.outcome(),
        };
        let elapsed = started.elapsed();
        tracing::debug!(%seat, strategy = strategy.as_str(), outcome, elapsed_us = elapsed.as_micros() as u64, "booking decided");
        record_booking(strategy.as_str(), outcome, elapsed.as_secs_f64());
        result
    }

    /// Books through this node's seat actor only (the internal endpoint of a forwarded booking):
    /// `NotOwner` if this node does not own the seat.
    pub async fn book_here(&self, seat: SeatId, user: UserId) -> Result<Booking, BookingError> {
        let booked = self.engine.book(seat, user).await?;
        Ok(self.actor_booking(booked))
    }

    /// The `ACTOR` strategy: this node's actor if it owns the seat, else the owner's, forwarded
    /// once. While nobody owns the seat (a failover or hand-back in progress) it waits, bounded.
    async fn book_with_actor(&self, seat: SeatId, user: UserId) -> Result<Booking, BookingError> {
        let deadline = tokio::time::Instant::now() + ROUTE_WAIT;
        loop {
            let partition = match self.engine.book(seat, user.clone()).await {
                Ok(booked) => return Ok(self.actor_booking(booked)),
                Err(EngineError::NotOwner(partition)) => partition,
                Err(other) => return Err(other.into()),
            };
            if let Some(cluster) = &self.cluster
                && let Some(answer) = cluster.forwarder.try_forward(partition, seat, &user).await
            {
                return answer;
            }
            if tokio::time::Instant::now() + ROUTE_RETRY >= deadline {
                return Err(EngineError::Unavailable(format!(
                    "no node serves seat {seat} right now (partition {partition} is changing hands)"
                ))
                .into());
            }
            tokio::time::sleep(ROUTE_RETRY).await;
        }
    }

    /// The `REDIS` strategy (the design boxoffice replaces): a fast-fail lock per seat, a read,
    /// a version-checked update, an owner-checked release. Lock contention is `409` only when the
    /// seat is really taken; otherwise `503 OVERLOADED`, to be retried.
    async fn book_with_redis_lock(
        &self,
        seat: SeatId,
        user: UserId,
    ) -> Result<Booking, BookingError> {
        let Some(cluster) = &self.cluster else {
            return Err(BookingError::StrategyUnavailable(
                "the REDIS strategy needs a Redis server: start boxoffice with --redis-url",
            ));
        };
        let unreachable = |error: redis::RedisError| {
            metrics::counter!("boxoffice_redis_errors_total").increment(1);
            BookingError::from(EngineError::Unavailable(format!("Redis is unreachable: {error}")))
        };
        let Some(lock) = cluster.locks.try_lock(seat).await.map_err(unreachable)? else {
            let current = self.store.load_seat(seat).await.map_err(StoreError::from)?;
            return Err(match current {
                None => EngineError::SeatNotFound(seat),
                Some(record) if record.state.status.is_booked() => {
                    EngineError::SeatOccupied { seat, version: record.state.version }
                }
                Some(_) => {
                    EngineError::Overloaded("requests holding this seat's lock", RETRY_AFTER)
                }
            }
            .into());
        };
        let booked = async {
            let current = self
                .store
                .load_seat(seat)
                .await
                .map_err(StoreError::from)?
                .ok_or(EngineError::SeatNotFound(seat))?;
            if current.state.status.is_booked() {
                return Err(
                    EngineError::SeatOccupied { seat, version: current.state.version }.into()
                );
            }
            let row = self
                .store
                .book_if_version(seat, current.state.version, &user, Strategy::Redis.as_str())
                .await?;
            Ok::<_, BookingError>(row)
        }
        .await;
        cluster.locks.unlock(lock).await;
        Ok(self.published(booked?))
    }

    fn actor_booking(&self, booked: Booked) -> Booking {
        Booking {
            id: booked.booking,
            event: booked.event,
            seat: booked.seat,
            seat_label: self.seat_label(booked.seat),
            user: booked.user.as_str().to_owned(),
            at: booked.at,
            version: booked.version,
            strategy: Strategy::Actor.as_str().to_owned(),
        }
    }

    /// Tells the change feed about a booking committed outside the engine.
    fn published(&self, row: BookingRow) -> Booking {
        self.feed.publish(&[SeatChanged {
            event: row.event,
            seat: row.seat,
            status: SeatStatus::Booked,
            version: row.seat_version,
        }]);
        row.into()
    }

    fn seat_label(&self, seat: SeatId) -> String {
        self.view
            .locate(seat)
            .map(|(event, index)| event.seats[index].label.to_string())
            .unwrap_or_default()
    }
}
