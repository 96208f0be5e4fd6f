//! Every bound the server keeps, in one place, with the engine's own bounds re-exported so that
//! this file is the whole list. Past a bound a client gets a clear error (`413`, `429`, `503` with
//! `Retry-After`), never unbounded memory or latency.

use std::time::Duration;

pub use boxoffice_actors::limits::{
    ACTOR_IDLE, ACTORS_ACTIVE_MAX, COMMAND_TIMEOUT, COMMIT_BATCH_MAX, COMMIT_QUEUE_MAX,
    SEAT_IN_FLIGHT_MAX,
};

/// Request bodies larger than this are refused with `413`. Every JSON body of the API is tiny.
pub const BODY_BYTES_MAX: usize = 16 * 1024;

/// Seats in one event (the API's documented maximum).
pub const SEATS_PER_EVENT_MAX: usize = 200_000;

/// Sections in one event layout.
pub const SECTIONS_PER_EVENT_MAX: usize = 50;

/// Rows in one section: labels run A … Z, AA … ZZ.
pub const ROWS_PER_SECTION_MAX: u32 = 702;

/// Seats in one row.
pub const SEATS_PER_ROW_MAX: u32 = 1_000;

/// Characters in an event or section name.
pub const EVENT_NAME_CHARS_MAX: usize = 200;
pub const SECTION_NAME_CHARS_MAX: usize = 64;

/// Connections in the PostgreSQL pool of one node. Several nodes share one server, whose default
/// `max_connections` is 100.
pub const PG_POOL_CONNECTIONS_MAX: u32 = 16;

/// How long a request waits for a pooled database connection before it is answered `503`.
pub const DB_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long graceful shutdown waits for in-flight work before it gives up on it.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Connections the kernel may queue before the server accepts them (capped by
/// `net.core.somaxconn`).
pub const LISTEN_BACKLOG: u32 = 4_096;

/// Seat stream clients connected to one node at once (each holds a connection and a position in
/// its event's change buffer). Beyond it: `503` with `Retry-After`.
pub const STREAM_CLIENTS_MAX: usize = 10_000;

/// Committed changes buffered per event for its stream clients. A client further behind than
/// this gets a fresh snapshot instead of the changes it missed.
pub const STREAM_BUFFER_PER_EVENT: usize = 4_096;

/// Interval of keep-alive comments on seat streams (so proxies do not close idle streams).
pub const STREAM_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long a booking for a seat with no usable owner (a failover or hand-back in progress)
/// keeps looking for one before it is answered `503`.
pub const ROUTE_WAIT: Duration = Duration::from_secs(2);

/// The pause between two looks for a seat's owner.
pub const ROUTE_RETRY: Duration = Duration::from_millis(50);

/// How long a forwarded booking may take at its owner (its actor's own timeout, plus the hop).
pub const FORWARD_TIMEOUT: Duration = Duration::from_secs(COMMAND_TIMEOUT.as_secs() + 2);

/// How long a stopping node waits for its last committed changes to reach Redis.
pub const FEED_FLUSH_WAIT: Duration = Duration::from_secs(2);

/// What a client is told to wait after a `503`.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

const _: () = assert!(SEATS_PER_EVENT_MAX <= i32::MAX as usize);
const _: () = assert!(ROWS_PER_SECTION_MAX as usize * SEATS_PER_ROW_MAX as usize >= 100);
