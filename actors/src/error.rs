//! The engine's answers other than success. Each maps to one HTTP status in the server.

use std::time::Duration;

use thiserror::Error;

use crate::domain::{PartitionId, SeatId};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    /// An expected outcome of a flash sale: somebody else has the seat.
    #[error("seat {seat} is already booked")]
    SeatOccupied { seat: SeatId, version: u64 },

    #[error("seat {0} does not exist")]
    SeatNotFound(SeatId),

    /// Another node owns the seat's partition (or nobody does yet): forward or retry.
    #[error("partition {0} is not owned by this node")]
    NotOwner(PartitionId),

    /// A bound was reached; the client should retry after the given time.
    #[error("too many commands are waiting: {0}")]
    Overloaded(&'static str, Duration),

    /// This node lost the partition while the command was in flight. Nothing was committed.
    #[error("partition {0} moved to another node")]
    Fenced(PartitionId),

    /// The journal failed or the command timed out; the outcome may be unknown.
    #[error("the booking could not be completed: {0}")]
    Unavailable(String),
}
