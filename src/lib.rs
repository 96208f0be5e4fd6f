//! # boxoffice: a seat-booking engine for flash sales
//!
//! Thousands of people click the same seats in the same second: exactly one wins each seat,
//! everyone gets a fast and honest answer, and every open seat map shows the truth within a second.
//!
//! ## The path of a booking
//!
//! 1. [`http`] (axum) parses `POST /api/v1/bookings` into domain values and calls the
//!    [`booking`] service with the chosen strategy (`ACTOR` by default).
//! 2. The engine (crate `boxoffice_actors`) routes the command through its directory to the seat's
//!    actor, which decides from memory: a loser is answered `409` at once.
//! 3. A winner's transition joins the engine's group committer, which commits many of them in one
//!    version- and fence-checked transaction through a [`store`] (PostgreSQL or embedded SQLite).
//! 4. After the commit the [`feed`] applies the change to the node's [`view`] (the read model that
//!    serves seat maps and seat streams), and only then is the winner answered `201`.
//! 5. Which partitions of seats this node may commit is decided by its [`leases`]: all of them on
//!    a single node; in a [`cluster`], a fair share held through Redis leases, with bookings for
//!    other nodes' seats forwarded to their owner and changes crossing nodes through Redis.
//!
//! [`startup`] wires these together and stops them in order; [`config`] is the command line.
//! [`loadtest`] is the client side: `boxoffice loadtest` drives a running server and checks it;
//! [`bench`] runs it for every strategy against [`throwaway`] servers and reports the results.

/// `boxoffice bench`: the whole benchmark against throwaway servers, with a table and a chart.
pub mod bench;
/// Bookings with the `ACTOR`, `DATABASE` and `REDIS` strategies.
pub mod booking;
/// Cluster mode: Redis leases, forwarding, the cross-node change feed, the seat lock.
pub mod cluster;
/// Command-line settings and their validation.
pub mod config;
/// The change feed: committed changes to the seat view and its streams.
pub mod feed;
/// The HTTP API: routes, extractors, problem+json errors.
pub mod http;
/// Event layouts and seat labels.
pub mod layout;
/// Partition leases: which seats this node may commit.
pub mod leases;
/// Every bound of the server, in one place.
pub mod limits;
/// The load test: scenarios against a running server, with a checked summary.
pub mod loadtest;
/// Building, running and stopping the application.
pub mod startup;
/// PostgreSQL and SQLite stores implementing the engine's journal.
pub mod store;
/// Logging, Prometheus metrics and process limits.
pub mod telemetry;
/// Throwaway PostgreSQL and Redis servers for `boxoffice bench`, benchmarks and tests.
pub mod throwaway;
/// The in-memory read model of every event and seat.
pub mod view;
