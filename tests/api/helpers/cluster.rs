//! A cluster of real `boxoffice` processes on loopback ports: one fresh PostgreSQL database, one
//! Redis (shared, with a key prefix of the test's own, or the test's own server), N nodes. Only
//! one cluster test runs at a time: they measure failover times and stream delays, which a
//! second cluster on two cores would distort.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use serde_json::Value;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::redis::{shared_url, unique_prefix};
use super::{Db, ServerProcess, TempDir, TestDb, client};

pub const SECRET: &str = "test-cluster-secret-0123456789";
pub const PARTITIONS: usize = 64;

/// The turn of a test that loads the machine (a cluster, the bench): one at a time, so that none
/// distorts another's timing on two cores.
pub async fn exclusive_turn() -> SemaphorePermit<'static> {
    static TURN: Semaphore = Semaphore::const_new(1);
    TURN.acquire().await.expect("never closed")
}

pub struct TestCluster {
    pub db: TestDb,
    pub redis_url: String,
    pub prefix: String,
    pub lease_ttl_ms: u64,
    /// `None` once a node was killed or stopped.
    pub nodes: Vec<Option<ServerProcess>>,
    pub client: reqwest::Client,
    logs: TempDir,
    _turn: SemaphorePermit<'static>,
}

impl TestCluster {
    /// Starts `nodes` nodes against the shared Redis, one after the other, each ready.
    pub async fn start(nodes: usize, lease_ttl_ms: u64) -> Self {
        Self::start_with_redis(nodes, lease_ttl_ms, shared_url()).await
    }

    pub async fn start_with_redis(nodes: usize, lease_ttl_ms: u64, redis_url: &str) -> Self {
        let turn = exclusive_turn().await;
        let mut cluster = Self {
            db: TestDb::fresh(Db::Postgres).await,
            redis_url: redis_url.to_owned(),
            prefix: unique_prefix(),
            lease_ttl_ms,
            nodes: Vec::new(),
            client: client(),
            logs: TempDir::new("cluster"),
            _turn: turn,
        };
        for _ in 0..nodes {
            cluster.add_node().await;
        }
        cluster
    }

    /// Starts one more node and waits until it is ready (it owns a partition). Returns its index.
    pub async fn add_node(&mut self) -> usize {
        let index = self.nodes.len();
        let node_id = format!("node-{}", index + 1);
        let ttl = self.lease_ttl_ms.to_string();
        let mut args = vec![
            "--redis-url",
            &self.redis_url,
            "--redis-prefix",
            &self.prefix,
            "--cluster-secret",
            SECRET,
            "--node-id",
            &node_id,
            "--lease-ttl-ms",
            &ttl,
        ];
        // The first node creates the demo event; the others find it.
        if index > 0 {
            args.push("--no-demo");
        }
        let node = ServerProcess::start(self.db.url(), &args, &self.logs.0).await;
        self.nodes.push(Some(node));
        index
    }

    pub fn node(&self, index: usize) -> &ServerProcess {
        self.nodes[index].as_ref().expect("the node is running")
    }

    /// Addresses of the running nodes.
    pub fn addresses(&self) -> Vec<String> {
        self.nodes.iter().flatten().map(|node| node.address.clone()).collect()
    }

    /// Partitions each running node serves, by node index, from its readiness report.
    pub async fn owned(&self) -> BTreeMap<usize, usize> {
        let mut owned = BTreeMap::new();
        for (index, node) in self.nodes.iter().enumerate() {
            let Some(node) = node else { continue };
            let count = match self.client.get(format!("{}/health/ready", node.address)).send().await
            {
                Ok(response) => response
                    .json::<Value>()
                    .await
                    .ok()
                    .and_then(|body| body["checks"]["partitions"]["owned"].as_u64()),
                Err(_) => None,
            };
            owned.insert(index, count.unwrap_or(0) as usize);
        }
        owned
    }

    /// Waits until every running node serves its fair share and all partitions are served.
    pub async fn wait_balanced(&self, within: Duration) -> BTreeMap<usize, usize> {
        let deadline = Instant::now() + within;
        loop {
            let owned = self.owned().await;
            // Each node takes at most its share, ceil(P / nodes); so the least a node can be
            // left with is what the others' full shares leave over.
            let share = PARTITIONS.div_ceil(owned.len());
            let least = PARTITIONS.saturating_sub((owned.len() - 1) * share).max(1);
            let total: usize = owned.values().sum();
            if total == PARTITIONS && owned.values().all(|&n| n >= least && n <= share) {
                return owned;
            }
            assert!(Instant::now() < deadline, "not balanced within {within:?}: {owned:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Creates an event through the first running node, waits (bounded) until every node's
    /// seat view has it, and returns its id and seat ids in layout order.
    pub async fn create_event(&self, name: &str, rows: u32, seats_per_row: u32) -> (i64, Vec<i64>) {
        let addresses = self.addresses();
        let created = self
            .client
            .post(format!("{}/api/v1/events", addresses[0]))
            .json(&serde_json::json!({ "name": name, "rows": rows, "seatsPerRow": seats_per_row }))
            .send()
            .await
            .expect("create an event");
        assert_eq!(created.status(), 201);
        let event = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        for address in &addresses {
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let url = format!("{address}/api/v1/events/{event}");
                if self.client.get(url).send().await.is_ok_and(|r| r.status() == 200) {
                    break;
                }
                assert!(Instant::now() < deadline, "event {event} never reached {address}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        (event, super::seat_ids_at(&self.client, &addresses[0], event).await)
    }

    /// Waits (bounded) until a node other than `not` holds the partition's lease; returns it.
    pub async fn wait_for_new_owner(&self, partition: u64, not: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Some(owner) = self.lease_owner(partition).await
                && owner != not
            {
                return owner;
            }
            assert!(
                Instant::now() < deadline,
                "partition {partition} had no new owner within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn redis(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.redis_url.as_str())
            .expect("a Redis URL")
            .get_multiplexed_async_connection()
            .await
            .expect("connect to Redis")
    }

    /// The node id that holds a partition's lease now, if any.
    pub async fn lease_owner(&self, partition: u64) -> Option<String> {
        let mut redis = self.redis().await;
        let value: Option<String> =
            redis.get(format!("{}:lease:{partition}", self.prefix)).await.ok().flatten();
        value.and_then(|v| v.rsplit_once(':').map(|(node, _)| node.to_owned()))
    }

    /// The index of the node named `node_id`.
    pub fn index_of(node_id: &str) -> usize {
        node_id.trim_start_matches("node-").parse::<usize>().expect("node-N") - 1
    }
}
