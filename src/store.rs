//! Durable state: events, seats, bookings and partition fences, in PostgreSQL or in the embedded
//! SQLite file. Each store implements the engine's [`Journal`] port (group commits with version and
//! fence checks) and the reads and writes the server needs around it. Nothing here caches: the
//! seat view is the cache.

use std::sync::Arc;

use async_trait::async_trait;
use boxoffice_actors::journal::Journal;
use boxoffice_actors::{BookingId, EventId, Fence, PartitionId, SeatId, SeatStatus, UserId};
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::layout::{NewEvent, Section};

/// The migrations of both stores, embedded in the binary.
mod migrations;
/// The PostgreSQL store.
pub mod postgres;
/// The embedded SQLite store.
pub mod sqlite;

/// The database URL used when none is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/boxoffice.db";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database holds something this version cannot use (a configuration mismatch).
    #[error("{0}")]
    Incompatible(String),
    /// A journal read failed (the database is unreachable or failing).
    #[error(transparent)]
    Journal(#[from] boxoffice_actors::journal::JournalError),
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: EventId,
    pub name: String,
    pub sections: Vec<Section>,
    pub created_at: DateTime<Utc>,
}

/// A seat as stored, with its current status and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatRow {
    pub id: SeatId,
    pub event: EventId,
    pub position: u32,
    pub section: String,
    pub row: u32,
    pub number: u32,
    pub label: String,
    pub status: SeatStatus,
    pub version: u64,
}

/// A booking as stored, with the seat's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRow {
    pub id: BookingId,
    pub seat: SeatId,
    pub event: EventId,
    pub seat_label: String,
    pub user: String,
    pub seat_version: u64,
    pub strategy: String,
    pub created_at: DateTime<Utc>,
    pub active: bool,
}

/// Why a booking made directly in the database (not through an actor) did not happen.
#[derive(Debug, Error)]
pub enum DirectBookingError {
    #[error("seat {0} does not exist")]
    SeatNotFound(SeatId),
    #[error("seat {seat} is already booked")]
    SeatOccupied { seat: SeatId, version: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A connection pool's state, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConnections {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

impl PoolConnections {
    fn of(pool: &sqlx::Pool<impl sqlx::Database>) -> Self {
        let size = pool.size();
        let idle = pool.num_idle() as u32;
        Self { in_use: size.saturating_sub(idle), idle, max: pool.options().get_max_connections() }
    }

    fn plus(self, other: Self) -> Self {
        Self {
            in_use: self.in_use + other.in_use,
            idle: self.idle + other.idle,
            max: self.max + other.max,
        }
    }
}

#[async_trait]
pub trait Store: Journal {
    fn backend(&self) -> Backend;

    /// The connection pool's state now.
    fn pool_connections(&self) -> PoolConnections;

    /// Answers if the database answers a trivial query.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Makes sure the partition table has its rows and returns the partition count `P`. `P` is
    /// fixed when the database is first used; asking for a different one later is an error.
    async fn init_partitions(
        &self,
        requested: Option<u32>,
        default: u32,
    ) -> Result<u32, StoreError>;

    /// Raises every partition's fence by one and records `node` as owner (local leases: this
    /// process now owns everything, and any older process on the same database is fenced out).
    async fn bump_all_fences(&self, node: &str) -> Result<Vec<(PartitionId, Fence)>, StoreError>;

    /// Records `fence` for `partition` if it is newer than the stored one. Returns false when a
    /// newer or equal fence is already stored (this node's lease is stale).
    async fn raise_fence(
        &self,
        partition: PartitionId,
        fence: Fence,
        node: &str,
    ) -> Result<bool, StoreError>;

    /// Every event, oldest first.
    async fn events(&self) -> Result<Vec<EventRow>, StoreError>;

    /// An event's seats in layout order.
    async fn seats(&self, event: EventId) -> Result<Vec<SeatRow>, StoreError>;

    /// The seats of one partition (when a node gains it), any order.
    async fn partition_seats(&self, partition: PartitionId) -> Result<Vec<SeatRow>, StoreError>;

    /// Creates an event and all its seats in one transaction.
    async fn create_event(
        &self,
        event: &NewEvent,
        partitions: u32,
    ) -> Result<(EventRow, Vec<SeatRow>), StoreError>;

    /// Creates an event only if the database has none yet (the demo event of nodes starting
    /// together), atomically. `None`: an event already existed.
    async fn create_event_if_none(
        &self,
        event: &NewEvent,
        partitions: u32,
    ) -> Result<Option<(EventRow, Vec<SeatRow>)>, StoreError>;

    /// Every partition's fence as stored, ascending by partition.
    async fn fences(&self) -> Result<Vec<(PartitionId, Fence)>, StoreError>;

    async fn booking(&self, id: BookingId) -> Result<Option<BookingRow>, StoreError>;

    /// When each booked seat of an event was booked.
    async fn booked_at(&self, event: EventId) -> Result<Vec<(SeatId, DateTime<Utc>)>, StoreError>;

    /// The `DATABASE` strategy: one transaction that locks the seat's row, checks it, books it.
    async fn book_with_row_lock(
        &self,
        seat: SeatId,
        user: &UserId,
        strategy: &str,
    ) -> Result<BookingRow, DirectBookingError>;

    /// The tail of the `REDIS` strategy: books the seat only if its version is still `expected`.
    async fn book_if_version(
        &self,
        seat: SeatId,
        expected: u64,
        user: &UserId,
        strategy: &str,
    ) -> Result<BookingRow, DirectBookingError>;

    /// Closes the connection pools, waiting for connections in use.
    async fn close(&self);
}

/// Opens the store a URL names (`postgres://…`, `sqlite://…`) and brings its schema up to date.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::open(url).await?))
    } else {
        Err(StoreError::Incompatible(format!(
            "unsupported database URL {url:?}: use postgres://… or sqlite://…"
        )))
    }
}

/// Reads a stored status, treating an unknown one as a corrupt row.
fn parse_status(text: &str) -> Result<SeatStatus, StoreError> {
    SeatStatus::parse(text).map_err(|e| StoreError::Incompatible(e.0))
}

/// Reads a stored id, which the schema keeps positive.
fn stored_id<T>(
    parse: fn(i64) -> Result<T, boxoffice_actors::InvalidInput>,
    raw: i64,
) -> Result<T, StoreError> {
    parse(raw).map_err(|e| StoreError::Incompatible(format!("corrupt row: {}", e.0)))
}

/// A booking as both stores select it: id, seat, event, seat label, user, seat version, strategy,
/// created at, status.
type BookingTuple = (i64, i64, i64, String, String, i64, String, DateTime<Utc>, String);

fn booking_row(raw: BookingTuple) -> Result<BookingRow, StoreError> {
    let (id, seat, event, seat_label, user, seat_version, strategy, created_at, status) = raw;
    Ok(BookingRow {
        id: stored_id(BookingId::new, id)?,
        seat: stored_id(SeatId::new, seat)?,
        event: stored_id(EventId::new, event)?,
        seat_label,
        user,
        seat_version: seat_version as u64,
        strategy,
        created_at,
        active: status == "ACTIVE",
    })
}

/// The row a direct booking (`DATABASE`, `REDIS` strategies) just inserted.
#[allow(clippy::too_many_arguments)]
fn inserted_booking(
    id: i64,
    seat: SeatId,
    event: i64,
    seat_label: String,
    user: &UserId,
    seat_version: i64,
    strategy: &str,
    created_at: DateTime<Utc>,
) -> Result<BookingRow, StoreError> {
    booking_row((
        id,
        seat.as_i64(),
        event,
        seat_label,
        user.as_str().to_owned(),
        seat_version,
        strategy.to_owned(),
        created_at,
        "ACTIVE".to_owned(),
    ))
}

/// The rows of an event just inserted: its seats, in layout order, with the ids they were given.
fn created_event(
    event: &NewEvent,
    id: i64,
    created_at: DateTime<Utc>,
    seats: Vec<crate::layout::NewSeat>,
    ids: Vec<i64>,
) -> Result<(EventRow, Vec<SeatRow>), StoreError> {
    let event_id = stored_id(EventId::new, id)?;
    let rows = seats
        .into_iter()
        .zip(ids)
        .map(|(seat, id)| {
            Ok(SeatRow {
                id: stored_id(SeatId::new, id)?,
                event: event_id,
                position: seat.position,
                section: seat.section,
                row: seat.row,
                number: seat.number,
                label: seat.label,
                status: SeatStatus::Available,
                version: 0,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let row = EventRow {
        id: event_id,
        name: event.name.clone(),
        sections: event.sections.clone(),
        created_at,
    };
    Ok((row, rows))
}

/// Decides the partition count from what is stored and what was asked for.
fn settle_partitions(stored: u32, requested: Option<u32>, default: u32) -> Result<u32, StoreError> {
    match (stored, requested) {
        (0, requested) => Ok(requested.unwrap_or(default)),
        (stored, Some(requested)) if requested != stored => Err(StoreError::Incompatible(format!(
            "this database is split into {stored} partitions; --partitions {requested} cannot change that"
        ))),
        (stored, _) => Ok(stored),
    }
}
