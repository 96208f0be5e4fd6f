//! Every Redis key boxoffice uses, under one prefix (`--redis-prefix`), so that several clusters
//! (or tests) can share one Redis server without seeing each other.

use boxoffice_actors::{PartitionId, SeatId};

#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(prefix: &str) -> Self {
        Self { prefix: prefix.to_owned() }
    }

    /// `{node_id}:{fence}` of the partition's owner, with the lease's TTL.
    pub fn lease(&self, partition: PartitionId) -> String {
        format!("{}:lease:{}", self.prefix, partition.0)
    }

    /// The partition's fencing-token counter (never expires).
    pub fn fence(&self, partition: PartitionId) -> String {
        format!("{}:fence:{}", self.prefix, partition.0)
    }

    /// A live node's announcement: its internal URL, with a TTL.
    pub fn node(&self, node_id: &str) -> String {
        format!("{}:node:{node_id}", self.prefix)
    }

    /// The pattern that matches every node announcement.
    pub fn node_pattern(&self) -> String {
        format!("{}:node:*", self.prefix)
    }

    /// The node id in an announcement key.
    pub fn node_id_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(&self.prefix)?.strip_prefix(":node:")
    }

    /// The stream of committed seat changes.
    pub fn changes(&self) -> String {
        format!("{}:changes", self.prefix)
    }

    /// The `REDIS` strategy's lock of one seat.
    pub fn seat_lock(&self, seat: SeatId) -> String {
        format!("{}:lock:seat:{seat}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_share_the_prefix_and_node_ids_read_back() {
        let keys = Keys::new("bo-test");
        assert_eq!(keys.lease(PartitionId(3)), "bo-test:lease:3");
        assert_eq!(keys.fence(PartitionId(3)), "bo-test:fence:3");
        assert_eq!(keys.seat_lock(SeatId::new(42).unwrap()), "bo-test:lock:seat:42");
        assert_eq!(keys.node_id_of(&keys.node("node-7")), Some("node-7"));
        assert_eq!(keys.node_id_of("other:node:node-7"), None);
    }
}
