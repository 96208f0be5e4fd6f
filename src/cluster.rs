//! Cluster mode: several nodes, one PostgreSQL, one Redis. What each part owns:
//!
//! - [`leases`]: which node owns which partition of seats (Redis leases with fencing tokens, a
//!   fair share per live node, clean hand-back when a node joins, self-stop when Redis is lost);
//! - [`routing`]: a booking for a seat owned elsewhere is forwarded once to its owner's internal
//!   endpoint, or waits briefly for an owner and then answers `503`;
//! - [`feed`]: committed changes cross nodes through a Redis stream, and a node that may have
//!   missed some reconciles its seat view from the database;
//! - [`lock`]: the `REDIS` strategy's per-seat lock (the design boxoffice replaces).
//!
//! Redis only decides *liveness* (who should serve a seat). *Safety* never depends on it: every
//! commit checks the partition's fence in the database, so a node that lost its lease without
//! knowing (paused, partitioned) commits nothing.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// The committed-change feed across nodes.
pub mod feed;
/// Redis key names, all under one prefix.
pub mod keys;
/// Partition leases, fencing and the fair share of partitions.
pub mod leases;
/// The `REDIS` strategy's seat lock.
pub mod lock;
/// Who owns which partition, as last seen.
pub mod owners;
/// Forwarding bookings to the node that owns the seat.
pub mod routing;

pub use keys::Keys;

/// How long one Redis command may take before it counts as failed. Leases renew every `ttl/3`,
/// so a slow Redis must fail fast rather than hold a renewal past the lease's life.
pub const REDIS_RESPONSE_TIMEOUT: Duration = Duration::from_millis(1_000);

/// This node as the others see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub id: String,
    /// Where the other nodes reach this node's internal endpoints.
    pub url: String,
}

/// A Redis connection that reconnects by itself. It is created without connecting, so a node
/// starts (and reports not ready) while Redis is down.
pub fn connect(url: &str, response_timeout: Duration) -> redis::RedisResult<ConnectionManager> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_millis(1_000)))
        .set_response_timeout(Some(response_timeout))
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(500));
    client.get_connection_manager_lazy(config)
}
