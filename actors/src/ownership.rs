//! Which partitions this node owns, and with which fencing token. The server's lease loop (local or
//! Redis) writes it; the directory reads it to route commands and the committer reads it to fence
//! every batch. Lock-free: it is read on every command.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::domain::{Fence, PartitionId, SeatId};

pub struct Ownership {
    /// `0` = not owned here; otherwise the fence this node holds. Fences start at 1.
    fences: Box<[AtomicU64]>,
}

impl Ownership {
    /// A table of `partitions` partitions, none of them owned yet.
    pub fn new(partitions: u32) -> Self {
        assert!(partitions > 0, "a seat space needs at least one partition");
        Self { fences: (0..partitions).map(|_| AtomicU64::new(0)).collect() }
    }

    pub fn partitions(&self) -> u32 {
        self.fences.len() as u32
    }

    /// `partition = seat_id mod P`, fixed for the life of a database.
    pub fn partition_of(&self, seat: SeatId) -> PartitionId {
        PartitionId((seat.get() % self.fences.len() as u64) as u32)
    }

    /// Records that this node now owns `partition` with `fence`.
    pub fn grant(&self, partition: PartitionId, fence: Fence) {
        assert!(fence.0 > 0, "fences start at 1");
        self.slot(partition).store(fence.0, Ordering::Release);
    }

    /// Records that this node no longer owns `partition`; its next commits are fenced here
    /// without asking the database.
    pub fn revoke(&self, partition: PartitionId) {
        self.slot(partition).store(0, Ordering::Release);
    }

    pub fn fence(&self, partition: PartitionId) -> Option<Fence> {
        match self.slot(partition).load(Ordering::Acquire) {
            0 => None,
            fence => Some(Fence(fence)),
        }
    }

    pub fn owns(&self, partition: PartitionId) -> bool {
        self.fence(partition).is_some()
    }

    /// The partitions owned here, ascending.
    pub fn owned(&self) -> Vec<PartitionId> {
        (0..self.partitions()).map(PartitionId).filter(|&p| self.owns(p)).collect()
    }

    fn slot(&self, partition: PartitionId) -> &AtomicU64 {
        &self.fences[partition.0 as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_map_to_partitions_by_modulo() {
        let ownership = Ownership::new(64);
        assert_eq!(ownership.partition_of(SeatId::new(1).unwrap()), PartitionId(1));
        assert_eq!(ownership.partition_of(SeatId::new(64).unwrap()), PartitionId(0));
        assert_eq!(ownership.partition_of(SeatId::new(130).unwrap()), PartitionId(2));
    }

    #[test]
    fn grant_and_revoke_change_the_fence_seen() {
        let ownership = Ownership::new(4);
        assert_eq!(ownership.fence(PartitionId(2)), None);
        ownership.grant(PartitionId(2), Fence(9));
        assert_eq!(ownership.fence(PartitionId(2)), Some(Fence(9)));
        assert_eq!(ownership.owned(), vec![PartitionId(2)]);
        ownership.revoke(PartitionId(2));
        assert!(!ownership.owns(PartitionId(2)));
    }
}
