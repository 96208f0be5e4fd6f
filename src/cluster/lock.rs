//! The `REDIS` strategy's seat lock, as the systems boxoffice replaces used it: a fast-fail
//! `SET {prefix}:lock:seat:{id} {token} NX PX` with a token unique to the request, and an
//! owner-checked release (compare-and-`DEL`), so a request whose lock expired can never release
//! the lock of the next one. The lock only keeps requests from piling onto the database; the
//! version-checked update is what keeps a seat from being sold twice.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use boxoffice_actors::SeatId;
use redis::Script;
use redis::aio::ConnectionManager;

use super::Keys;

/// How long a lock lives if its holder never releases it (a crashed node).
pub const SEAT_LOCK_TTL: Duration = Duration::from_secs(5);

const RELEASE_LUA: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

pub struct SeatLocks {
    redis: ConnectionManager,
    keys: Keys,
    node_id: String,
    next_token: AtomicU64,
    release: Script,
}

/// A held lock; give it back with [`SeatLocks::unlock`].
#[derive(Debug)]
pub struct SeatLock {
    key: String,
    token: String,
}

impl SeatLocks {
    pub fn new(redis: ConnectionManager, keys: Keys, node_id: &str) -> Self {
        Self {
            redis,
            keys,
            node_id: node_id.to_owned(),
            next_token: AtomicU64::new(1),
            release: Script::new(RELEASE_LUA),
        }
    }

    /// Takes the seat's lock if nobody holds it; `None` when somebody does. Never waits.
    pub async fn try_lock(&self, seat: SeatId) -> redis::RedisResult<Option<SeatLock>> {
        let key = self.keys.seat_lock(seat);
        // Unique across nodes (node id) and requests (counter), so a release is always ours.
        let token = format!("{}:{}", self.node_id, self.next_token.fetch_add(1, Ordering::Relaxed));
        let mut redis = self.redis.clone();
        let set: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(SEAT_LOCK_TTL.as_millis() as u64)
            .query_async(&mut redis)
            .await?;
        Ok(set.map(|_| SeatLock { key, token }))
    }

    /// Releases the lock if it is still ours. A failure is harmless: the lock expires.
    pub async fn unlock(&self, lock: SeatLock) {
        let mut redis = self.redis.clone();
        let released: redis::RedisResult<i64> =
            self.release.key(&lock.key).arg(&lock.token).invoke_async(&mut redis).await;
        if let Err(error) = released {
            metrics::counter!("boxoffice_redis_errors_total").increment(1);
            tracing::debug!(%error, key = lock.key, "cannot release a seat lock; it will expire");
        }
    }
}
