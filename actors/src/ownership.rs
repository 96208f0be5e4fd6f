//! Which partitions this node owns, and with which fencing token. The server's lease loop (local or
//! Redis) writes it; the directory reads it to route commands and the committer reads it to fence
//! every batch. Lock-free: it is read on every command.
//!
//! A partition is in one of three states here:
//! - **owned**: new commands are admitted and commits carry the fence;
//! - **draining** (the node is handing it back): new commands are refused as `NotOwner`, but
//!   commands already admitted still commit with the fence, so a clean hand-back fails no booking;
//! - **not owned**: nothing is admitted and nothing commits.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::domain::{Fence, PartitionId, SeatId};

/// The high bit of a slot marks a draining partition; the rest is the fence (`0` = not owned).
const DRAINING: u64 = 1 << 63;

pub struct Ownership {
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
        assert!(fence.0 > 0 && fence.0 < DRAINING, "fences start at 1 and fit in 63 bits");
        self.slot(partition).store(fence.0, Ordering::Release);
    }

    /// Stops admitting commands for `partition` while admitted ones may still commit.
    pub fn drain(&self, partition: PartitionId) {
        let slot = self.slot(partition);
        let mut current = slot.load(Ordering::Acquire);
        while current != 0 && current & DRAINING == 0 {
            match slot.compare_exchange(
                current,
                current | DRAINING,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Records that this node no longer owns `partition`; its next commits are fenced here
    /// without asking the database.
    pub fn revoke(&self, partition: PartitionId) {
        self.slot(partition).store(0, Ordering::Release);
    }

    /// The fence commits of `partition` carry: `Some` while owned or draining.
    pub fn fence(&self, partition: PartitionId) -> Option<Fence> {
        match self.slot(partition).load(Ordering::Acquire) & !DRAINING {
            0 => None,
            fence => Some(Fence(fence)),
        }
    }

    /// Whether new commands for `partition` are admitted here (owned, not draining).
    pub fn owns(&self, partition: PartitionId) -> bool {
        let slot = self.slot(partition).load(Ordering::Acquire);
        slot != 0 && slot & DRAINING == 0
    }

    /// The partitions that admit commands here, ascending.
    pub fn owned(&self) -> Vec<PartitionId> {
        (0..self.partitions()).map(PartitionId).filter(|&p| self.owns(p)).collect()
    }

    /// How many partitions admit commands here.
    pub fn owned_count(&self) -> usize {
        (0..self.partitions()).filter(|&p| self.owns(PartitionId(p))).count()
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
        assert_eq!(ownership.fence(PartitionId(2)), None);
    }

    #[test]
    fn a_draining_partition_refuses_commands_but_keeps_its_fence_for_commits() {
        let ownership = Ownership::new(4);
        ownership.grant(PartitionId(1), Fence(3));
        ownership.drain(PartitionId(1));
        assert!(!ownership.owns(PartitionId(1)));
        assert_eq!(ownership.fence(PartitionId(1)), Some(Fence(3)));
        assert_eq!(ownership.owned_count(), 0);
        // Draining what is not owned changes nothing; a new grant ends the drain.
        ownership.drain(PartitionId(2));
        assert_eq!(ownership.fence(PartitionId(2)), None);
        ownership.grant(PartitionId(1), Fence(4));
        assert!(ownership.owns(PartitionId(1)));
    }
}
