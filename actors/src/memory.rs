//! An in-memory journal for engine tests and benchmarks: the same version and fence checks as the
//! real stores, no durability. It can also fail on purpose, to test what the engine does when a
//! commit fails or its fate is unknown. Never used by the server.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;

use crate::domain::{BookingId, EventId, Fence, PartitionId, SeatId, UserId};
use crate::journal::{CommitBatch, Journal, JournalError, SeatSource, WriteOutcome};
use crate::seat::{SeatRecord, SeatState, SeatStatus};

/// A booking row as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRow {
    pub id: BookingId,
    pub seat: SeatId,
    pub user: UserId,
}

/// A failure the next commit suffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Nothing is written and the commit reports an error.
    Refuse,
    /// Everything is written, then the commit reports an error (a connection lost during COMMIT).
    LoseAnswer,
}

#[derive(Default)]
pub struct InMemoryJournal {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    seats: HashMap<SeatId, SeatRecord>,
    bookings: Vec<BookingRow>,
    fences: HashMap<PartitionId, Fence>,
    faults: VecDeque<Fault>,
    next_booking: u64,
}

impl InMemoryJournal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds available seats of an event.
    pub fn add_seats(&self, event: EventId, seats: impl IntoIterator<Item = SeatId>) {
        let mut inner = self.lock();
        for seat in seats {
            inner.seats.insert(seat, SeatRecord { seat, event, state: SeatState::NEW });
        }
    }

    /// Records a newer fence for a partition, as a new owner would.
    pub fn set_fence(&self, partition: PartitionId, fence: Fence) {
        self.lock().fences.insert(partition, fence);
    }

    /// Makes the next commits fail, one fault each.
    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push_back(fault);
    }

    /// Books a seat behind the engine's back, as a writer outside the actors would (the
    /// `DATABASE` strategy). Returns false if the seat was not available.
    pub fn book_outside(&self, seat: SeatId, user: UserId) -> bool {
        let mut inner = self.lock();
        let Some(record) = inner.seats.get_mut(&seat) else { return false };
        if record.state.status != SeatStatus::Available {
            return false;
        }
        record.state = SeatState { status: SeatStatus::Booked, version: record.state.version + 1 };
        inner.add_booking(seat, user);
        true
    }

    pub fn bookings(&self) -> Vec<BookingRow> {
        self.lock().bookings.clone()
    }

    pub fn record(&self, seat: SeatId) -> Option<SeatRecord> {
        self.lock().seats.get(&seat).copied()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock is a test failure already; keep going to report it.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Inner {
    fn add_booking(&mut self, seat: SeatId, user: UserId) -> BookingId {
        self.next_booking += 1;
        let id = BookingId::new(self.next_booking as i64).expect("booking ids start at 1");
        self.bookings.push(BookingRow { id, seat, user });
        id
    }

    fn fenced(&self, batch: &CommitBatch, partition: PartitionId) -> bool {
        let held = batch.fences.iter().find(|(p, _)| *p == partition).map(|&(_, fence)| fence);
        match (self.fences.get(&partition), held) {
            (Some(stored), Some(held)) => *stored != held,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

#[async_trait]
impl Journal for InMemoryJournal {
    async fn commit(&self, batch: &CommitBatch) -> Result<Vec<WriteOutcome>, JournalError> {
        let mut inner = self.lock();
        let fault = inner.faults.pop_front();
        if fault == Some(Fault::Refuse) {
            return Err(JournalError("injected: commit refused".into()));
        }
        let mut outcomes = Vec::with_capacity(batch.writes.len());
        for write in &batch.writes {
            if inner.fenced(batch, write.partition) {
                outcomes.push(WriteOutcome::Fenced);
                continue;
            }
            let Some(record) = inner.seats.get_mut(&write.seat) else {
                outcomes.push(WriteOutcome::VersionMismatch);
                continue;
            };
            if record.state.version != write.expected_version {
                outcomes.push(WriteOutcome::VersionMismatch);
                continue;
            }
            assert!(write.version > record.state.version, "versions only grow");
            record.state = SeatState { status: write.status, version: write.version };
            let booking = write.booking_for.clone().map(|user| inner.add_booking(write.seat, user));
            outcomes.push(WriteOutcome::Committed { booking });
        }
        if fault == Some(Fault::LoseAnswer) {
            return Err(JournalError("injected: answer lost after commit".into()));
        }
        Ok(outcomes)
    }

    async fn load_seat(&self, seat: SeatId) -> Result<Option<SeatRecord>, JournalError> {
        Ok(self.record(seat))
    }
}

impl SeatSource for InMemoryJournal {
    fn seat(&self, seat: SeatId) -> Option<SeatRecord> {
        self.record(seat)
    }
}

/// Seat ids `first..first + count` as a vector, for tests and benchmarks.
pub fn seat_range(first: u64, count: u64) -> Vec<SeatId> {
    (first..first + count).map(|id| SeatId::new(id as i64).expect("positive seat id")).collect()
}

/// An event id for tests and benchmarks.
pub fn event(id: i64) -> EventId {
    EventId::new(id).expect("positive event id")
}
