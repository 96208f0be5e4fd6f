//! The ports through which the engine touches the outside world. The server implements them with
//! PostgreSQL, SQLite, its seat view and its change feed; [`crate::memory`] implements them in
//! memory for tests and benchmarks.

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use thiserror::Error;

use crate::domain::{BookingId, EventId, Fence, PartitionId, SeatId, UserId};
use crate::seat::{SeatRecord, SeatStatus};

/// The current time at the precision every store keeps (microseconds), so that a timestamp
/// answered at commit reads back identical from the database.
pub fn stored_now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// One seat's accepted transition, waiting to be committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatWrite {
    pub seat: SeatId,
    pub event: EventId,
    pub partition: PartitionId,
    /// The version the seat must still have in the store, or the write is refused.
    pub expected_version: u64,
    pub status: SeatStatus,
    pub version: u64,
    /// A booking row to insert in the same transaction.
    pub booking_for: Option<UserId>,
}

/// What the committer hands the journal: writes for distinct seats, the fencing token this node
/// holds for every partition they touch, and one timestamp for the whole batch.
#[derive(Debug, Clone)]
pub struct CommitBatch {
    pub writes: Vec<SeatWrite>,
    /// Sorted by partition, one entry per partition present in `writes`.
    pub fences: Vec<(PartitionId, Fence)>,
    pub committed_at: DateTime<Utc>,
}

/// The fate of one write in a batch that the journal committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Committed {
        booking: Option<BookingId>,
    },
    /// The stored version was not `expected_version`: someone else changed the seat.
    VersionMismatch,
    /// The partition's fence in the store is no longer this node's: it lost ownership.
    Fenced,
}

/// The journal could not commit the batch, or cannot say whether it did (a connection lost during
/// `COMMIT`). Every write of the batch is then of unknown fate.
#[derive(Debug, Clone, Error)]
#[error("journal unavailable: {0}")]
pub struct JournalError(pub String);

/// Durable storage of seat transitions. `commit` returns only after the transaction is durable.
#[async_trait]
pub trait Journal: Send + Sync + 'static {
    /// Commits every write whose version and fence check pass, in one transaction, and returns one
    /// outcome per write, in order.
    async fn commit(&self, batch: &CommitBatch) -> Result<Vec<WriteOutcome>, JournalError>;

    /// Reads a seat's committed state, bypassing every cache.
    async fn load_seat(&self, seat: SeatId) -> Result<Option<SeatRecord>, JournalError>;
}

/// Where a seat actor reads its state when it starts: the node's in-memory seat view, so that
/// activation costs no database round trip. A stale answer is safe: the commit's version check
/// catches it and the actor reloads from the journal.
pub trait SeatSource: Send + Sync + 'static {
    fn seat(&self, seat: SeatId) -> Option<SeatRecord>;
}

/// A committed change of one seat, as seat maps see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatChanged {
    pub event: EventId,
    pub seat: SeatId,
    pub status: SeatStatus,
    pub version: u64,
}

/// Receives every committed change, after the commit and before the winners are answered. It must
/// not block: slow consumers (Redis, stream clients) sit behind their own bounded buffers.
pub trait ChangeSink: Send + Sync + 'static {
    fn publish(&self, changes: &[SeatChanged]);
}

/// A sink that drops every change, for engines nobody watches (benchmarks).
pub struct NoChanges;

impl ChangeSink for NoChanges {
    fn publish(&self, _changes: &[SeatChanged]) {}
}
