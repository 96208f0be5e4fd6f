//! # boxoffice-actors: the booking engine, without I/O
//!
//! A booking's path through the system, and the part of it that lives here:
//!
//! 1. The server parses a request into domain values ([`domain`]) and calls [`Engine::book`].
//! 2. The [`directory`] finds the seat's partition; if this node owns it ([`ownership`]), it routes
//!    the command to the seat's actor, starting one on first use and bounding its queue.
//! 3. The seat [`actor`] handles one command at a time and asks the pure state machine
//!    ([`seat`]) what to do. A refused command (a taken seat) is answered at once, from memory.
//! 4. An accepted transition goes to the [`committer`], which batches the writes of many actors into
//!    one version- and fence-checked transaction through the [`journal`] port.
//! 5. After the commit the committer hands the changes to the [`journal::ChangeSink`] (the server's
//!    change feed, seat view and streams), then answers the actors, which answer their clients.
//!
//! This crate depends on no web framework, database driver or Redis client: the server implements
//! the ports ([`journal::Journal`], [`journal::SeatSource`], [`journal::ChangeSink`]) and the
//! [`memory`] journal implements them for tests and benchmarks. `README.md` next to this crate
//! states the actor guarantees.

/// The seat actor: one ractor actor per seat, one command at a time.
pub mod actor;
/// The group committer: natural batching into one transaction per batch.
pub mod committer;
/// Seat id → actor: activation, bounded queues, passivation.
pub mod directory;
/// Identifiers and user input, parsed into values that are valid by construction.
pub mod domain;
/// The engine as one value: directory and committers, started and stopped together.
pub mod engine;
/// The engine's answers other than success.
pub mod error;
/// The ports the server implements: journal, seat source, change sink.
pub mod journal;
/// Every bound of the engine, documented in one place.
pub mod limits;
/// An in-memory journal for tests and benchmarks.
pub mod memory;
/// Which partitions this node owns, with their fencing tokens.
pub mod ownership;
/// A seat's state and its pure transitions.
pub mod seat;

pub use domain::{BookingId, EventId, Fence, InvalidInput, PartitionId, SeatId, UserId};
pub use engine::{Booked, Engine, EngineConfig, EnginePorts};
pub use error::EngineError;
pub use seat::{SeatRecord, SeatState, SeatStatus};
