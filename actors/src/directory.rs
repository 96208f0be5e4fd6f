//! The directory: seat id → its actor on this node. It starts an actor on a seat's first command
//! (a virtual actor), bounds the commands waiting for each actor, and stops actors that sat idle.
//!
//! The traps of virtual actors, and how this file avoids them:
//! - Two first commands for one seat must not start two actors: the actor is started inside the
//!   map's entry for that seat, under the shard's write lock (insert-if-absent).
//! - A passivated actor must remove only its own entry, and a command racing with passivation must
//!   not be dropped: a command counts itself in `in_flight` while it holds the shard lock, and
//!   passivation removes an entry only under the same lock and only when `in_flight` is zero. A
//!   command that still finds a stopped actor (it stopped itself after being fenced) removes that
//!   entry, if it is still the same one, and goes to a fresh activation.
//! - Seat actors are not named in ractor's global registry: names are process-wide.
//! - ractor mailboxes are unbounded, so the bound is the `in_flight` counter checked here.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use ractor::rpc::CallResult;
use ractor::{ActorRef, ActorRuntime};

use crate::actor::{Accepted, ActorContext, SeatActor, SeatActorArgs, SeatMsg};
use crate::domain::{PartitionId, SeatId};
use crate::error::EngineError;
use crate::journal::SeatSource;
use crate::ownership::Ownership;
use crate::seat::{Command, SeatRecord};

/// How long a client is told to wait when a bound is reached.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Bounds of the directory, usually the defaults of [`crate::limits`].
#[derive(Debug, Clone, Copy)]
pub struct DirectoryLimits {
    pub seat_in_flight_max: u32,
    pub actors_active_max: usize,
    pub command_timeout: Duration,
    pub actor_idle: Duration,
}

/// One activation of a seat actor.
struct Slot {
    actor: ActorRef<SeatMsg>,
    partition: PartitionId,
    /// Commands admitted to this activation and not yet answered.
    in_flight: AtomicU32,
    /// Milliseconds since the directory's epoch when the last command finished.
    last_used_ms: AtomicU64,
}

pub struct Directory {
    slots: DashMap<SeatId, Arc<Slot>>,
    active: AtomicUsize,
    context: Arc<ActorContext>,
    source: Arc<dyn SeatSource>,
    ownership: Arc<Ownership>,
    limits: DirectoryLimits,
    epoch: Instant,
}

impl Directory {
    pub(crate) fn new(
        context: Arc<ActorContext>,
        source: Arc<dyn SeatSource>,
        ownership: Arc<Ownership>,
        limits: DirectoryLimits,
    ) -> Self {
        Self {
            slots: DashMap::new(),
            active: AtomicUsize::new(0),
            context,
            source,
            ownership,
            limits,
            epoch: Instant::now(),
        }
    }

    /// Routes `command` to the seat's actor, starting one if needed, and waits for its answer.
    pub async fn execute(&self, seat: SeatId, command: Command) -> Result<Accepted, EngineError> {
        let partition = self.ownership.partition_of(seat);
        if !self.ownership.owns(partition) {
            return Err(EngineError::NotOwner(partition));
        }
        // A seat the seat view does not know yet (an event created on another node a moment
        // ago) is looked up in the journal before it is called unknown.
        let fallback = if self.slots.contains_key(&seat) || self.source.seat(seat).is_some() {
            None
        } else {
            let loaded = self.context.journal.load_seat(seat).await;
            Some(
                loaded
                    .map_err(|error| EngineError::Unavailable(error.0))?
                    .ok_or(EngineError::SeatNotFound(seat))?,
            )
        };
        // A second attempt only follows an actor that had stopped before it took the command.
        for _ in 0..2 {
            // Checked on every attempt: an actor stops when its partition is handed back, and a
            // retry must not start a fresh one on a partition this node is giving up.
            if !self.ownership.owns(partition) {
                return Err(EngineError::NotOwner(partition));
            }
            let slot = self.enter(seat, partition, fallback)?;
            let _admitted = Admitted { slot: &slot, directory: self };
            let command = command.clone();
            let call = slot.actor.call(
                |reply| SeatMsg::Execute { command, reply },
                Some(self.limits.command_timeout),
            );
            match call.await {
                Ok(CallResult::Success(result)) => return result,
                Ok(CallResult::Timeout) => {
                    return Err(EngineError::Unavailable(format!(
                        "seat {seat} did not answer within {:?}",
                        self.limits.command_timeout
                    )));
                }
                // The actor stopped before it read the command (or dropped it while stopping).
                Ok(CallResult::SenderError) | Err(_) => self.forget(seat, &slot),
            }
        }
        Err(EngineError::Unavailable(format!("seat {seat} could not be activated")))
    }

    /// Admits one command to the seat's current activation, starting one if there is none, from
    /// the seat view or else from `fallback` (read from the journal).
    fn enter(
        &self,
        seat: SeatId,
        partition: PartitionId,
        fallback: Option<SeatRecord>,
    ) -> Result<Arc<Slot>, EngineError> {
        if let Some(slot) = self.slots.get(&seat) {
            self.admit(&slot)?;
            return Ok(Arc::clone(&slot));
        }
        // Unknown seats are answered without starting anything.
        let record = self.source.seat(seat).or(fallback).ok_or(EngineError::SeatNotFound(seat))?;
        match self.slots.entry(seat) {
            Entry::Occupied(occupied) => {
                self.admit(occupied.get())?;
                Ok(Arc::clone(occupied.get()))
            }
            Entry::Vacant(vacant) => {
                if self.active.load(Ordering::Relaxed) >= self.limits.actors_active_max {
                    return Err(EngineError::Overloaded("seat actors", RETRY_AFTER));
                }
                let handler = SeatActor { context: Arc::clone(&self.context) };
                let (actor, _start) =
                    ActorRuntime::spawn_instant(None, handler, SeatActorArgs { record, partition })
                        .map_err(|error| {
                            EngineError::Unavailable(format!("cannot start actor: {error}"))
                        })?;
                let slot = Arc::new(Slot {
                    actor,
                    partition,
                    in_flight: AtomicU32::new(1),
                    last_used_ms: AtomicU64::new(self.now_ms()),
                });
                vacant.insert(Arc::clone(&slot));
                self.active.fetch_add(1, Ordering::Relaxed);
                Ok(slot)
            }
        }
    }

    /// Counts one more command in; called while the shard lock is held.
    fn admit(&self, slot: &Slot) -> Result<(), EngineError> {
        let before = slot.in_flight.fetch_add(1, Ordering::AcqRel);
        if before >= self.limits.seat_in_flight_max {
            slot.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Err(EngineError::Overloaded("commands for one seat", RETRY_AFTER));
        }
        Ok(())
    }

    /// Removes the entry of a stopped activation, unless it was already replaced.
    fn forget(&self, seat: SeatId, slot: &Arc<Slot>) {
        if self.slots.remove_if(&seat, |_, current| Arc::ptr_eq(current, slot)).is_some() {
            self.active.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// One passivation step: stops every actor idle for at least the configured time. Returns how
    /// many were stopped. The engine calls it on a timer; tests call it directly.
    pub fn passivate_idle(&self) -> usize {
        let now = self.now_ms();
        let idle_ms = self.limits.actor_idle.as_millis() as u64;
        let is_idle = |slot: &Slot| {
            slot.in_flight.load(Ordering::Acquire) == 0
                && now.saturating_sub(slot.last_used_ms.load(Ordering::Relaxed)) >= idle_ms
        };
        let candidates: Vec<SeatId> =
            self.slots.iter().filter(|entry| is_idle(entry.value())).map(|e| *e.key()).collect();
        self.remove_and_drain(candidates, |slot| is_idle(slot))
    }

    /// Stops every actor of `partition` after it finished what it already took. Called when the
    /// node loses the partition, so that a later owner's changes are never shadowed by a stale
    /// actor here.
    pub fn evict_partition(&self, partition: PartitionId) -> usize {
        self.remove_and_drain(self.seats_of(partition), |_| true)
    }

    /// The seats of `partition` that have an actor here.
    fn seats_of(&self, partition: PartitionId) -> Vec<SeatId> {
        self.slots
            .iter()
            .filter(|entry| entry.value().partition == partition)
            .map(|entry| *entry.key())
            .collect()
    }

    /// Stops every actor of `partition`, waiting (bounded) for each to finish the commands it
    /// already took. Called while the partition drains, before it is handed back.
    pub async fn drain_partition(&self, partition: PartitionId, wait: Duration) -> usize {
        self.stop_and_wait(self.seats_of(partition), wait).await
    }

    /// Stops every actor, waiting (bounded) for each to finish its queued commands.
    pub async fn stop_all(&self, wait: Duration) {
        let seats: Vec<SeatId> = self.slots.iter().map(|entry| *entry.key()).collect();
        self.stop_and_wait(seats, wait).await;
    }

    async fn stop_and_wait(&self, seats: Vec<SeatId>, wait: Duration) -> usize {
        let mut actors = Vec::with_capacity(seats.len());
        for seat in seats {
            if let Some((_, slot)) = self.slots.remove(&seat) {
                self.active.fetch_sub(1, Ordering::Relaxed);
                actors.push(slot.actor.clone());
            }
        }
        let stopped = actors.len();
        let deadline = tokio::time::Instant::now() + wait;
        for actor in actors {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if actor.drain_and_wait(Some(left)).await.is_err() {
                actor.kill();
            }
        }
        stopped
    }

    fn remove_and_drain(&self, seats: Vec<SeatId>, still: impl Fn(&Slot) -> bool) -> usize {
        let mut stopped = 0;
        for seat in seats {
            if let Some((_, slot)) = self.slots.remove_if(&seat, |_, slot| still(slot)) {
                self.active.fetch_sub(1, Ordering::Relaxed);
                // Drain, not kill: commands already in the mailbox are answered first.
                let _ = slot.actor.drain();
                stopped += 1;
            }
        }
        stopped
    }

    /// Seat actors alive now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }

    /// The most commands waiting for any one actor (a scan: for metrics, not for the hot path).
    pub fn in_flight_max(&self) -> u32 {
        self.slots.iter().map(|e| e.value().in_flight.load(Ordering::Relaxed)).max().unwrap_or(0)
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }
}

/// Counts a command out when its caller is done, even if the caller's future is dropped.
struct Admitted<'a> {
    slot: &'a Slot,
    directory: &'a Directory,
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.slot.last_used_ms.store(self.directory.now_ms(), Ordering::Relaxed);
        self.slot.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}
