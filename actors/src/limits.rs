//! Every bound the engine keeps, in one place. Past a bound the engine answers `Overloaded` (the
//! client gets `503` with `Retry-After`); it never grows a queue without limit.

use std::time::Duration;

/// Commands waiting for or inside one seat's actor. A flash crowd on one seat queues here; each
/// loser costs microseconds, so 16,384 waiting commands drain in a few milliseconds. ractor
/// mailboxes are unbounded, so this counter is the bound.
pub const SEAT_IN_FLIGHT_MAX: u32 = 16_384;

/// Seat actors alive at once on a node (each costs a few kilobytes). Idle ones are passivated.
pub const ACTORS_ACTIVE_MAX: usize = 200_000;

/// Writes in one commit transaction.
pub const COMMIT_BATCH_MAX: usize = 512;

/// Commit requests waiting for a committer. Actors wait (back-pressure) when it is full.
pub const COMMIT_QUEUE_MAX: usize = 8_192;

/// How long a client waits for its seat's actor before it is answered `503`. The command is not
/// cancelled: it may still commit, and the booking is then visible.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an actor may sit idle before it is stopped.
pub const ACTOR_IDLE: Duration = Duration::from_secs(30);

/// How many times an actor re-reads its seat and retries after a version mismatch before it gives
/// up with `Unavailable` (only a writer outside the engine can cause a mismatch).
pub const VERSION_RETRIES_MAX: u32 = 3;

const _: () = assert!(COMMIT_BATCH_MAX <= COMMIT_QUEUE_MAX);
const _: () = assert!(SEAT_IN_FLIGHT_MAX >= 5_000, "a hot seat must absorb a 5,000-user burst");
