//! Who owns which partition, as this node last saw it in Redis. The lease loop refreshes the
//! whole table every tick; routing reads it for every booking it forwards, looks a partition up
//! in Redis on a miss, and forgets an entry that turned out wrong (the node asked said it is not
//! the owner, or could not be reached).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use boxoffice_actors::PartitionId;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use super::Keys;

/// A node that owns a partition, as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub node: Arc<str>,
    /// Where its internal endpoints are.
    pub url: Arc<str>,
}

pub struct Owners {
    redis: ConnectionManager,
    keys: Keys,
    table: RwLock<Table>,
}

#[derive(Default)]
struct Table {
    /// Owner node per partition.
    owners: Vec<Option<Arc<str>>>,
    /// URL per node.
    urls: HashMap<Arc<str>, Arc<str>>,
}

impl Owners {
    pub fn new(redis: ConnectionManager, keys: Keys, partitions: u32) -> Self {
        let table = Table { owners: vec![None; partitions as usize], urls: HashMap::new() };
        Self { redis, keys, table: RwLock::new(table) }
    }

    /// Replaces the table with what a tick read: owner per partition, URL per live node.
    pub fn remember(&self, owners: &[Option<Arc<str>>], nodes: &HashMap<Arc<str>, Arc<str>>) {
        let mut table = self.table.write().unwrap_or_else(|e| e.into_inner());
        table.owners = owners.to_vec();
        table.urls.extend(nodes.iter().map(|(id, url)| (id.clone(), url.clone())));
    }

    /// The partition's owner as last seen.
    pub fn owner(&self, partition: PartitionId) -> Option<Owner> {
        let table = self.table.read().unwrap_or_else(|e| e.into_inner());
        let node = table.owners.get(partition.0 as usize)?.clone()?;
        let url = table.urls.get(&node)?.clone();
        Some(Owner { node, url })
    }

    /// Reads one partition's owner from Redis now (a routing miss).
    pub async fn lookup(&self, partition: PartitionId) -> redis::RedisResult<Option<Owner>> {
        let mut redis = self.redis.clone();
        let value: Option<String> = redis.get(self.keys.lease(partition)).await?;
        let Some(node) = value.as_deref().and_then(owner_of_value).map(Arc::<str>::from) else {
            self.set(partition, None);
            return Ok(None);
        };
        let known = self.table.read().unwrap_or_else(|e| e.into_inner()).urls.get(&node).cloned();
        let url = match known {
            Some(url) => url,
            None => {
                let url: Option<String> = redis.get(self.keys.node(&node)).await?;
                let Some(url) = url else { return Ok(None) };
                let url: Arc<str> = Arc::from(url.as_str());
                let mut table = self.table.write().unwrap_or_else(|e| e.into_inner());
                table.urls.insert(node.clone(), url.clone());
                url
            }
        };
        self.set(partition, Some(node.clone()));
        Ok(Some(Owner { node, url }))
    }

    /// Forgets a cached owner that turned out wrong.
    pub fn forget(&self, partition: PartitionId) {
        self.set(partition, None);
    }

    fn set(&self, partition: PartitionId, node: Option<Arc<str>>) {
        let mut table = self.table.write().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = table.owners.get_mut(partition.0 as usize) {
            *slot = node;
        }
    }
}

/// The node id in a lease value `{node_id}:{fence}`.
pub fn owner_of_value(value: &str) -> Option<&str> {
    value.rsplit_once(':').map(|(node, _fence)| node)
}

#[cfg(test)]
mod tests {
    use super::owner_of_value;

    #[test]
    fn lease_values_name_their_node() {
        assert_eq!(owner_of_value("node-1:17"), Some("node-1"));
        assert_eq!(owner_of_value("a:b:3"), Some("a:b"));
        assert_eq!(owner_of_value("garbage"), None);
    }
}
