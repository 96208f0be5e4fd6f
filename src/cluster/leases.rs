//! Partition leases in Redis, with fencing tokens (DESIGN.md §4).
//!
//! - `{prefix}:lease:{p}` = `{node_id}:{fence}` with `PX ttl` says who owns partition `p`. It is
//!   taken by one Lua script (`INCR {prefix}:fence:{p}`, then `SET … NX PX`), renewed by
//!   compare-and-`PEXPIRE` every `ttl/3`, and released by compare-and-`DEL`.
//! - A node that has not renewed a lease for `ttl/2` stops serving that partition by itself, long
//!   before the lease expires and another node may take it.
//! - Nodes announce themselves (`{prefix}:node:{id}` = internal URL, same TTL, refreshed with the
//!   renewal so that a dead node's announcement is gone no later than its leases). Each node aims
//!   at `ceil(P / live nodes)` partitions: it takes free ones up to that share, and hands extras
//!   back cleanly (stop admitting, let admitted commands commit, release) when another node is
//!   below its share.
//! - Gaining partition `p` with fence `f`: the database's fence is raised to `f` (which fences
//!   out any older owner's commits), the partition's seats are reloaded into the seat view, and
//!   only then does the node serve it.
//!
//! Redis restarted empty (no persistence) would restart the fence counters; the acquire script
//! therefore takes the database's current fence as a floor, so fences only ever grow.
//!
//! The loop only calls [`RedisLeases::tick`]; tests call it directly.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use boxoffice_actors::journal::SeatChanged;
use boxoffice_actors::{Engine, Fence, PartitionId};
use futures_util::future::join_all;
use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};
use tokio_util::sync::CancellationToken;

use super::feed::RedisFeed;
use super::owners::{Owners, owner_of_value};
use super::{Keys, NodeInfo};
use crate::store::Store;
use crate::view::SeatView;

/// Takes a free lease with a fresh fence. KEYS: lease, fence counter. ARGV: node id, ttl (ms),
/// the database's current fence (the floor). Returns the fence, or nil if the lease is held.
const ACQUIRE_LUA: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local fence = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[3])
if fence <= floor then
  fence = floor + 1
  redis.call('SET', KEYS[2], fence)
end
if not redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'NX', 'PX', ARGV[2]) then return false end
return fence
";

/// Announces the node and renews the leases it still holds. KEYS: the node's announcement, then
/// the leases. ARGV: ttl (ms), the node's URL, then the value each lease must still have.
/// Returns 1 (renewed) or 0 (no longer ours) per lease.
const RENEW_LUA: &str = r"
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
local renewed = {}
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i + 1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
    renewed[i - 1] = 1
  else
    renewed[i - 1] = 0
  end
end
return renewed
";

/// Deletes a lease only if it is still ours. KEYS: lease. ARGV: its value.
const RELEASE_LUA: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// What the lease loop needs from the rest of the node.
pub struct LeaseHost {
    pub engine: Arc<Engine>,
    pub store: Arc<dyn Store>,
    pub view: Arc<SeatView>,
    pub feed: Arc<RedisFeed>,
}

/// A lease this node holds.
struct Held {
    fence: Fence,
    /// The lease's value in Redis, `{node}:{fence}`.
    value: String,
    /// When the last renewal that succeeded was sent (conservatively: before the answer).
    renewed_at: Instant,
}

#[derive(Default)]
struct LoopState {
    held: BTreeMap<PartitionId, Held>,
    last_renewal: Option<Instant>,
}

/// What one tick saw and did, for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    pub live_nodes: usize,
    pub target: usize,
    pub acquired: Vec<PartitionId>,
    pub handed_back: Vec<PartitionId>,
    pub lost: Vec<PartitionId>,
    pub redis_error: Option<String>,
}

pub struct RedisLeases {
    redis: ConnectionManager,
    keys: Keys,
    node: NodeInfo,
    ttl: Duration,
    host: LeaseHost,
    partitions: u32,
    state: tokio::sync::Mutex<LoopState>,
    owners: Owners,
    acquire: Script,
    renew: Script,
    release: Script,
}

impl RedisLeases {
    pub fn new(
        redis: ConnectionManager,
        keys: Keys,
        node: NodeInfo,
        ttl: Duration,
        host: LeaseHost,
    ) -> Self {
        let partitions = host.engine.ownership().partitions();
        Self {
            owners: Owners::new(redis.clone(), keys.clone(), partitions),
            redis,
            keys,
            node,
            ttl,
            host,
            partitions,
            state: tokio::sync::Mutex::default(),
            acquire: Script::new(ACQUIRE_LUA),
            renew: Script::new(RENEW_LUA),
            release: Script::new(RELEASE_LUA),
        }
    }

    /// How often the loop ticks: often enough that a free partition is taken well within a
    /// second of its lease expiring.
    pub fn tick_interval(&self) -> Duration {
        (self.ttl / 10).clamp(Duration::from_millis(50), Duration::from_millis(500))
    }

    fn renew_interval(&self) -> Duration {
        self.ttl / 3
    }

    fn self_stop_after(&self) -> Duration {
        self.ttl / 2
    }

    /// Runs ticks until `stop` fires, then releases every lease.
    pub async fn run(self: Arc<Self>, stop: CancellationToken) {
        let mut interval = tokio::time::interval(self.tick_interval());
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                _ = interval.tick() => {}
            }
            let report = self.tick().await;
            if !report.acquired.is_empty() || !report.handed_back.is_empty() {
                tracing::info!(
                    node = %self.node.id,
                    acquired = report.acquired.len(),
                    handed_back = report.handed_back.len(),
                    owned = self.host.engine.ownership().owned_count(),
                    target = report.target,
                    live_nodes = report.live_nodes,
                    "partitions rebalanced"
                );
            }
        }
    }

    /// One step: self-stop stale leases, renew and announce when due, read who owns what, then
    /// take free partitions up to the fair share or hand extras back.
    pub async fn tick(&self) -> TickReport {
        let mut report = TickReport::default();
        let mut state = self.state.lock().await;

        let now = Instant::now();
        let stale: Vec<PartitionId> = state
            .held
            .iter()
            .filter(|(_, held)| now.duration_since(held.renewed_at) >= self.self_stop_after())
            .map(|(&partition, _)| partition)
            .collect();
        for partition in stale {
            tracing::warn!(%partition, "lease not renewed within ttl/2: no longer serving it");
            self.lose(&mut state, partition, &mut report);
        }

        let due =
            state.last_renewal.is_none_or(|at| now.duration_since(at) >= self.renew_interval());
        if due {
            match self.renew_all(&mut state).await {
                Ok(lost) => {
                    for partition in lost {
                        tracing::warn!(%partition, "lease taken by another node");
                        self.lose(&mut state, partition, &mut report);
                    }
                }
                Err(error) => {
                    redis_error(&mut report, &error);
                    self.publish_gauges();
                    return report;
                }
            }
        }

        let (owners, nodes) = match self.discover().await {
            Ok(found) => found,
            Err(error) => {
                redis_error(&mut report, &error);
                self.publish_gauges();
                return report;
            }
        };
        // A lease that Redis says is someone else's (or nobody's) is not ours any more.
        let mine: Arc<str> = Arc::from(self.node.id.as_str());
        let gone: Vec<PartitionId> = state
            .held
            .keys()
            .copied()
            .filter(|p| owners[p.0 as usize].as_deref() != Some(&*mine))
            .collect();
        for partition in gone {
            self.lose(&mut state, partition, &mut report);
        }
        self.owners.remember(&owners, &nodes);

        if nodes.contains_key(&mine) {
            self.balance(&mut state, &owners, &nodes, &mut report).await;
        }
        self.publish_gauges();
        report
    }

    /// Renews every held lease and the node's announcement in one script. Returns the
    /// partitions whose lease is no longer this node's.
    async fn renew_all(&self, state: &mut LoopState) -> redis::RedisResult<Vec<PartitionId>> {
        let started = Instant::now();
        let held: Vec<(PartitionId, String)> =
            state.held.iter().map(|(&p, held)| (p, held.value.clone())).collect();
        let mut invocation = self.renew.prepare_invoke();
        invocation.key(self.keys.node(&self.node.id));
        invocation.arg(self.ttl.as_millis() as u64).arg(&self.node.url);
        for (partition, value) in &held {
            invocation.key(self.keys.lease(*partition)).arg(value);
        }
        let mut redis = self.redis.clone();
        let renewed: Vec<i64> = invocation.invoke_async(&mut redis).await?;
        state.last_renewal = Some(started);
        let mut lost = Vec::new();
        for ((partition, _), ok) in held.iter().zip(renewed) {
            if ok == 1 {
                if let Some(lease) = state.held.get_mut(partition) {
                    lease.renewed_at = started;
                }
            } else {
                lost.push(*partition);
            }
        }
        Ok(lost)
    }

    /// Reads every lease and every live node: owner per partition, URL per node.
    async fn discover(
        &self,
    ) -> redis::RedisResult<(Vec<Option<Arc<str>>>, HashMap<Arc<str>, Arc<str>>)> {
        let mut redis = self.redis.clone();
        let mut node_keys: Vec<String> = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(self.keys.node_pattern())
                .arg("COUNT")
                .arg(1_000)
                .query_async(&mut redis)
                .await?;
            node_keys.extend(keys);
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        let mut nodes = HashMap::new();
        if !node_keys.is_empty() {
            let urls: Vec<Option<String>> = redis.mget(&node_keys).await?;
            for (key, url) in node_keys.iter().zip(urls) {
                if let (Some(id), Some(url)) = (self.keys.node_id_of(key), url) {
                    nodes.insert(Arc::from(id), Arc::from(url.as_str()));
                }
            }
        }
        let lease_keys: Vec<String> =
            (0..self.partitions).map(|p| self.keys.lease(PartitionId(p))).collect();
        let values: Vec<Option<String>> = redis.mget(&lease_keys).await?;
        let owners = values
            .into_iter()
            .map(|value| value.and_then(|v| owner_of_value(&v).map(Arc::from)))
            .collect();
        Ok((owners, nodes))
    }

    async fn balance(
        &self,
        state: &mut LoopState,
        owners: &[Option<Arc<str>>],
        nodes: &HashMap<Arc<str>, Arc<str>>,
        report: &mut TickReport,
    ) {
        let partitions = self.partitions as usize;
        let target = partitions.div_ceil(nodes.len().max(1));
        report.live_nodes = nodes.len();
        report.target = target;
        let mine = state.held.len();
        let free: Vec<PartitionId> = (0..self.partitions)
            .map(PartitionId)
            .filter(|p| owners[p.0 as usize].is_none())
            .collect();

        if mine < target && !free.is_empty() {
            let floors = match self.host.store.fences().await {
                Ok(fences) => fences.into_iter().collect::<HashMap<_, _>>(),
                Err(error) => {
                    tracing::warn!(%error, "cannot read partition fences; not acquiring");
                    return;
                }
            };
            // Start at a node-specific offset so that nodes racing for free partitions mostly
            // try different ones.
            let offset = stable_hash(&self.node.id) as usize % free.len();
            let wanted = target - mine;
            for partition in free.iter().cycle().skip(offset).take(free.len()) {
                if report.acquired.len() >= wanted {
                    break;
                }
                let floor = floors.get(partition).copied().unwrap_or(Fence(0));
                match self.try_acquire(state, *partition, floor).await {
                    Ok(true) => report.acquired.push(*partition),
                    Ok(false) => {}
                    Err(error) => {
                        redis_error(report, &error);
                        return;
                    }
                }
            }
        } else if mine > target {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for owner in owners.iter().flatten() {
                *counts.entry(owner).or_default() += 1;
            }
            let deficit: usize = nodes
                .keys()
                .filter(|node| ***node != *self.node.id)
                .map(|node| target.saturating_sub(counts.get(&**node).copied().unwrap_or(0)))
                .sum();
            // Free partitions will be taken by the nodes below their share themselves.
            let give = (mine - target).min(deficit.saturating_sub(free.len()));
            let chosen: Vec<PartitionId> = state.held.keys().rev().take(give).copied().collect();
            let extras: Vec<(PartitionId, Held)> = chosen
                .into_iter()
                .filter_map(|partition| state.held.remove(&partition).map(|held| (partition, held)))
                .collect();
            // All at once, so the tick takes one drain's time however many go back.
            join_all(extras.iter().map(|(partition, held)| self.hand_back(*partition, held))).await;
            report.handed_back.extend(extras.iter().map(|(partition, _)| *partition));
        }
    }

    /// Takes a free partition: lease in Redis, fence raised in the database, seats reloaded,
    /// then served. Returns whether the partition is now this node's.
    async fn try_acquire(
        &self,
        state: &mut LoopState,
        partition: PartitionId,
        floor: Fence,
    ) -> redis::RedisResult<bool> {
        let started = Instant::now();
        let mut redis = self.redis.clone();
        let fence: Option<u64> = self
            .acquire
            .key(self.keys.lease(partition))
            .key(self.keys.fence(partition))
            .arg(&self.node.id)
            .arg(self.ttl.as_millis() as u64)
            .arg(floor.0)
            .invoke_async(&mut redis)
            .await?;
        let Some(fence) = fence.map(Fence) else {
            return Ok(false);
        };
        let value = format!("{}:{fence}", self.node.id);
        match self.take_over(partition, fence).await {
            Ok(()) => {
                state.held.insert(partition, Held { fence, value, renewed_at: started });
                metrics::counter!("boxoffice_lease_changes_total", "change" => "acquired")
                    .increment(1);
                tracing::debug!(%partition, %fence, "partition acquired");
                Ok(true)
            }
            Err(reason) => {
                tracing::warn!(%partition, %fence, %reason, "cannot take over the partition; releasing it");
                self.release_lease(partition, &value).await;
                Ok(false)
            }
        }
    }

    /// The database half of gaining a partition.
    async fn take_over(&self, partition: PartitionId, fence: Fence) -> Result<(), String> {
        let store = &self.host.store;
        let raised =
            store.raise_fence(partition, fence, &self.node.id).await.map_err(|e| e.to_string())?;
        if !raised {
            return Err(format!("the database already holds a fence newer than {fence}"));
        }
        // Actors left from an earlier ownership would hold stale state.
        self.host.engine.evict_partition(partition);
        let rows = store.partition_seats(partition).await.map_err(|e| e.to_string())?;
        // Changes the previous owner committed but never published (it died) reach every node.
        let refreshed: Vec<SeatChanged> = rows
            .iter()
            .map(|row| SeatChanged {
                event: row.event,
                seat: row.id,
                status: row.status,
                version: row.version,
            })
            .filter(|change| self.host.view.apply(change))
            .collect();
        self.host.feed.publish(&refreshed);
        self.host.engine.ownership().grant(partition, fence);
        Ok(())
    }

    /// Gives a partition back cleanly: admitted commands commit first, then the lease goes.
    async fn hand_back(&self, partition: PartitionId, held: &Held) {
        // Bounded well below the renewal interval, so other leases are renewed in time.
        self.host.engine.hand_back(partition, self.ttl / 10).await;
        self.release_lease(partition, &held.value).await;
        metrics::counter!("boxoffice_lease_changes_total", "change" => "released").increment(1);
        tracing::debug!(%partition, fence = %held.fence, "partition handed back");
    }

    /// Stops serving a partition at once (the lease is gone or stale).
    fn lose(&self, state: &mut LoopState, partition: PartitionId, report: &mut TickReport) {
        if state.held.remove(&partition).is_some() {
            self.host.engine.ownership().revoke(partition);
            self.host.engine.evict_partition(partition);
            metrics::counter!("boxoffice_lease_changes_total", "change" => "lost").increment(1);
            report.lost.push(partition);
        }
    }

    async fn release_lease(&self, partition: PartitionId, value: &str) {
        let mut redis = self.redis.clone();
        let released: redis::RedisResult<i64> =
            self.release.key(self.keys.lease(partition)).arg(value).invoke_async(&mut redis).await;
        if let Err(error) = released {
            // The lease expires by itself within the TTL.
            metrics::counter!("boxoffice_redis_errors_total").increment(1);
            tracing::warn!(%partition, %error, "cannot release the lease");
        }
    }

    /// Releases every lease and the node's announcement (graceful shutdown, after the
    /// committers flushed).
    pub async fn release_all(&self) {
        let mut state = self.state.lock().await;
        let held = std::mem::take(&mut state.held);
        for (partition, lease) in held {
            self.host.engine.ownership().revoke(partition);
            self.release_lease(partition, &lease.value).await;
            metrics::counter!("boxoffice_lease_changes_total", "change" => "released").increment(1);
        }
        let mut redis = self.redis.clone();
        let _: redis::RedisResult<i64> = redis.del(self.keys.node(&self.node.id)).await;
        self.publish_gauges();
    }

    /// Who owns which partition, as last seen.
    pub fn owners(&self) -> &Owners {
        &self.owners
    }

    pub fn node(&self) -> &NodeInfo {
        &self.node
    }

    fn publish_gauges(&self) {
        metrics::gauge!("boxoffice_partitions_owned")
            .set(self.host.engine.ownership().owned_count() as f64);
    }
}

fn redis_error(report: &mut TickReport, error: &redis::RedisError) {
    metrics::counter!("boxoffice_redis_errors_total").increment(1);
    tracing::debug!(%error, "lease tick: Redis failed");
    report.redis_error = Some(error.to_string());
}

/// FNV-1a: stable across processes (std's hasher is randomly seeded).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_offset_is_stable_per_node() {
        assert_eq!(stable_hash("node-1"), stable_hash("node-1"));
        assert_ne!(stable_hash("node-1"), stable_hash("node-2"));
    }
}
