//! Leases: which partitions of the seat space this node owns, and with which fencing token. The
//! engine reads ownership from [`Ownership`]; a lease implementation keeps it true.
//!
//! - [`LocalLeases`] (no Redis): this node owns every partition. At start it raises every
//!   partition's fence in the database, so an older process on the same database can no longer
//!   commit anything.
//! - [`RedisLeases`](crate::cluster::leases::RedisLeases) (cluster mode): leases in Redis with
//!   fencing tokens, a fair share of partitions per live node.

use std::sync::Arc;

use async_trait::async_trait;
use boxoffice_actors::PartitionId;
use boxoffice_actors::ownership::Ownership;

use crate::store::{Store, StoreError};

#[async_trait]
pub trait Leases: Send + Sync {
    /// Gives up every partition (graceful shutdown, after the committers flushed).
    async fn release_all(&self);
}

pub struct LocalLeases {
    ownership: Arc<Ownership>,
}

impl LocalLeases {
    /// Takes every partition with a freshly raised fence.
    pub async fn acquire(
        store: &dyn Store,
        ownership: Arc<Ownership>,
        node_id: &str,
    ) -> Result<Self, StoreError> {
        let fences = store.bump_all_fences(node_id).await?;
        if fences.len() != ownership.partitions() as usize {
            return Err(StoreError::Incompatible(format!(
                "the database has {} partitions, this node expected {}",
                fences.len(),
                ownership.partitions()
            )));
        }
        for (partition, fence) in fences {
            ownership.grant(partition, fence);
        }
        tracing::info!(
            partitions = ownership.partitions(),
            node = node_id,
            "owning every partition (single node)"
        );
        Ok(Self { ownership })
    }
}

#[async_trait]
impl Leases for LocalLeases {
    async fn release_all(&self) {
        for partition in 0..self.ownership.partitions() {
            self.ownership.revoke(PartitionId(partition));
        }
    }
}

#[async_trait]
impl Leases for crate::cluster::leases::RedisLeases {
    async fn release_all(&self) {
        crate::cluster::leases::RedisLeases::release_all(self).await;
    }
}
