//! The engine against the in-memory journal: single winner, reloads, fencing, passivation, bounds.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use boxoffice_actors::SeatStatus;
use boxoffice_actors::domain::{Fence, PartitionId, SeatId, UserId};
use boxoffice_actors::journal::{
    ChangeSink, CommitBatch, Journal, JournalError, NoChanges, SeatChanged, SeatSource,
    WriteOutcome,
};
use boxoffice_actors::memory::{Fault, InMemoryJournal, event, seat_range};
use boxoffice_actors::ownership::Ownership;
use boxoffice_actors::{Engine, EngineConfig, EngineError, EnginePorts, SeatRecord, SeatState};
use tokio::sync::Semaphore;

const PARTITIONS: u32 = 8;

fn user(name: &str) -> UserId {
    UserId::parse(name).unwrap()
}

fn seat(id: i64) -> SeatId {
    SeatId::new(id).unwrap()
}

fn owned_everything() -> Arc<Ownership> {
    let ownership = Arc::new(Ownership::new(PARTITIONS));
    for partition in 0..PARTITIONS {
        ownership.grant(PartitionId(partition), Fence(1));
    }
    ownership
}

fn journal_with_seats(count: u64) -> Arc<InMemoryJournal> {
    let journal = Arc::new(InMemoryJournal::new());
    journal.add_seats(event(1), seat_range(1, count));
    journal
}

fn start(
    journal: Arc<dyn Journal>,
    source: Arc<dyn SeatSource>,
    config: EngineConfig,
) -> Arc<Engine> {
    Engine::start(
        EnginePorts {
            journal,
            source,
            changes: Arc::new(NoChanges),
            ownership: owned_everything(),
        },
        config,
    )
}

fn start_in_memory(journal: &Arc<InMemoryJournal>) -> Arc<Engine> {
    start(journal.clone(), journal.clone(), EngineConfig::default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_seat_has_exactly_one_winner_in_memory() {
    let journal = journal_with_seats(10);
    let engine = start_in_memory(&journal);

    let tasks: Vec<_> = (0..5_000)
        .map(|i| {
            let engine = engine.clone();
            tokio::spawn(async move { engine.book(seat(7), user(&format!("u-{i}"))).await })
        })
        .collect();
    let mut winners = Vec::new();
    let mut occupied = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(booked) => winners.push(booked),
            Err(EngineError::SeatOccupied { version: 1, .. }) => occupied += 1,
            Err(other) => panic!("unexpected answer {other:?}"),
        }
    }

    assert_eq!(winners.len(), 1);
    assert_eq!(occupied, 4_999);
    assert_eq!(winners[0].version, 1);
    let bookings = journal.bookings();
    assert_eq!(bookings.len(), 1);
    assert_eq!(bookings[0].seat, seat(7));
    assert_eq!(bookings[0].user, winners[0].user);
    assert_eq!(bookings[0].id, winners[0].booking);
    assert_eq!(journal.record(seat(7)).unwrap().state.version, 1);
    assert_eq!(engine.directory().active(), 1, "one actor for one seat");
}

#[tokio::test]
async fn an_unknown_seat_is_not_found_and_starts_no_actor() {
    let journal = journal_with_seats(3);
    let engine = start_in_memory(&journal);

    let answer = engine.book(seat(99), user("u-1")).await;

    assert_eq!(answer, Err(EngineError::SeatNotFound(seat(99))));
    assert_eq!(engine.directory().active(), 0);
}

/// A seat view that still shows every seat as new: the actor starts from a stale state.
struct StaleView(Arc<InMemoryJournal>);

impl SeatSource for StaleView {
    fn seat(&self, seat: SeatId) -> Option<SeatRecord> {
        self.0.record(seat).map(|record| SeatRecord { state: SeatState::NEW, ..record })
    }
}

#[tokio::test]
async fn a_seat_booked_outside_the_engine_is_answered_occupied_after_a_reload() {
    let journal = journal_with_seats(3);
    assert!(journal.book_outside(seat(2), user("outsider")));
    let engine =
        start(journal.clone(), Arc::new(StaleView(journal.clone())), EngineConfig::default());

    let answer = engine.book(seat(2), user("u-1")).await;

    assert_eq!(answer, Err(EngineError::SeatOccupied { seat: seat(2), version: 1 }));
    assert_eq!(journal.bookings().len(), 1);
    assert_eq!(journal.bookings()[0].user, user("outsider"));
    assert_eq!(
        engine.commit_stats().version_mismatches.load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn a_fenced_commit_writes_nothing_and_answers_fenced() {
    let journal = journal_with_seats(16);
    let engine = start_in_memory(&journal);
    let partition = engine.ownership().partition_of(seat(5));
    // Another node took the partition and recorded a newer fence.
    journal.set_fence(partition, Fence(2));

    let answer = engine.book(seat(5), user("u-1")).await;

    assert_eq!(answer, Err(EngineError::Fenced(partition)));
    assert!(journal.bookings().is_empty());
    assert_eq!(journal.record(seat(5)).unwrap().state, SeatState::NEW);

    // Once the lease loop notices, the node stops routing the partition at all.
    engine.ownership().revoke(partition);
    assert_eq!(engine.book(seat(5), user("u-1")).await, Err(EngineError::NotOwner(partition)));
}

#[tokio::test]
async fn a_lost_commit_answer_never_makes_a_second_winner() {
    let journal = journal_with_seats(3);
    let engine = start_in_memory(&journal);
    journal.inject(Fault::LoseAnswer);

    let first = engine.book(seat(1), user("u-1")).await;
    let second = engine.book(seat(1), user("u-2")).await;

    assert!(matches!(first, Err(EngineError::Unavailable(_))), "{first:?}");
    assert_eq!(second, Err(EngineError::SeatOccupied { seat: seat(1), version: 1 }));
    let bookings = journal.bookings();
    assert_eq!(bookings.len(), 1);
    assert_eq!(bookings[0].user, user("u-1"), "the lost answer's booking stands");
}

#[tokio::test]
async fn a_refused_commit_leaves_the_seat_bookable() {
    let journal = journal_with_seats(3);
    let engine = start_in_memory(&journal);
    journal.inject(Fault::Refuse);

    let first = engine.book(seat(3), user("u-1")).await;
    let second = engine.book(seat(3), user("u-2")).await;

    assert!(matches!(first, Err(EngineError::Unavailable(_))), "{first:?}");
    assert_eq!(second.unwrap().version, 1);
    assert_eq!(journal.bookings().len(), 1);
}

fn idle_immediately() -> EngineConfig {
    let mut config = EngineConfig::default();
    config.directory.actor_idle = Duration::ZERO;
    config
}

#[tokio::test]
async fn idle_actors_are_passivated_and_reactivated_from_the_seat_view() {
    let journal = journal_with_seats(3);
    let engine = start(journal.clone(), journal.clone(), idle_immediately());
    engine.book(seat(1), user("u-1")).await.unwrap();
    assert_eq!(engine.directory().active(), 1);

    assert_eq!(engine.directory().passivate_idle(), 1);
    assert_eq!(engine.directory().active(), 0);

    let again = engine.book(seat(1), user("u-2")).await;
    assert_eq!(again, Err(EngineError::SeatOccupied { seat: seat(1), version: 1 }));
    assert_eq!(engine.directory().active(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passivation_racing_with_commands_drops_none_and_doubles_none() {
    const SEATS: u64 = 20;
    let journal = journal_with_seats(SEATS);
    let engine = start(journal.clone(), journal.clone(), idle_immediately());

    let passivator = {
        let engine = engine.clone();
        tokio::spawn(async move {
            let mut stopped = 0;
            for _ in 0..2_000 {
                stopped += engine.directory().passivate_idle();
                tokio::task::yield_now().await;
            }
            stopped
        })
    };
    let clients: Vec<_> = (0..2_000)
        .map(|i| {
            let engine = engine.clone();
            tokio::spawn(async move {
                let id = (i % SEATS as i64) + 1;
                tokio::task::yield_now().await;
                engine.book(seat(id), user(&format!("u-{i}"))).await
            })
        })
        .collect();

    let mut winners = vec![0; SEATS as usize + 1];
    for client in clients {
        match client.await.unwrap() {
            Ok(booked) => winners[booked.seat.get() as usize] += 1,
            Err(EngineError::SeatOccupied { version: 1, .. }) => {}
            Err(other) => panic!("a command was dropped or answered wrongly: {other:?}"),
        }
    }
    let stopped = passivator.await.unwrap();

    assert!(winners[1..].iter().all(|&w| w == 1), "one winner per seat: {winners:?}");
    assert_eq!(journal.bookings().len(), SEATS as usize);
    assert!(stopped > 0, "the race was exercised");
}

/// A journal whose commits wait for a permit, to hold a command in flight.
struct GatedJournal {
    inner: Arc<InMemoryJournal>,
    gate: Semaphore,
}

#[async_trait]
impl Journal for GatedJournal {
    async fn commit(&self, batch: &CommitBatch) -> Result<Vec<WriteOutcome>, JournalError> {
        self.gate.acquire().await.unwrap().forget();
        self.inner.commit(batch).await
    }
    async fn load_seat(&self, seat: SeatId) -> Result<Option<SeatRecord>, JournalError> {
        self.inner.load_seat(seat).await
    }
}

#[tokio::test]
async fn commands_past_the_per_seat_bound_are_refused_as_overloaded() {
    let journal = journal_with_seats(3);
    let gated = Arc::new(GatedJournal { inner: journal.clone(), gate: Semaphore::new(0) });
    let mut config = EngineConfig::default();
    config.directory.seat_in_flight_max = 2;
    let engine = start(gated.clone(), journal.clone(), config);

    let first = tokio::spawn({
        let engine = engine.clone();
        async move { engine.book(seat(1), user("u-1")).await }
    });
    let second = tokio::spawn({
        let engine = engine.clone();
        async move { engine.book(seat(1), user("u-2")).await }
    });
    // Wait (bounded) until both are admitted: the first one is stuck in its commit.
    for _ in 0..1_000 {
        if engine.directory().in_flight_max() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(engine.directory().in_flight_max(), 2);

    let third = engine.book(seat(1), user("u-3")).await;
    assert!(matches!(third, Err(EngineError::Overloaded(..))), "{third:?}");

    gated.gate.add_permits(10);
    assert_eq!(first.await.unwrap().unwrap().version, 1);
    assert_eq!(second.await.unwrap(), Err(EngineError::SeatOccupied { seat: seat(1), version: 1 }));
}

#[tokio::test]
async fn shutdown_flushes_queued_commits_then_refuses_new_ones() {
    let journal = journal_with_seats(3);
    let gated = Arc::new(GatedJournal { inner: journal.clone(), gate: Semaphore::new(0) });
    let engine = start(gated.clone(), journal.clone(), EngineConfig::default());
    let pending = tokio::spawn({
        let engine = engine.clone();
        async move { engine.book(seat(2), user("u-1")).await }
    });
    for _ in 0..1_000 {
        if engine.directory().in_flight_max() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    gated.gate.add_permits(10);
    engine.shutdown(Duration::from_secs(5)).await;

    assert_eq!(pending.await.unwrap().unwrap().version, 1, "the queued booking committed");
    assert_eq!(journal.bookings().len(), 1);
    let late = engine.book(seat(3), user("u-2")).await;
    assert!(matches!(late, Err(EngineError::Unavailable(_))), "{late:?}");
    assert_eq!(journal.bookings().len(), 1);
}

/// Records every published change.
#[derive(Default)]
struct Recorder(Mutex<Vec<SeatChanged>>);

impl ChangeSink for Recorder {
    fn publish(&self, changes: &[SeatChanged]) {
        self.0.lock().unwrap().extend_from_slice(changes);
    }
}

#[tokio::test]
async fn every_committed_change_is_published_once_with_its_version() {
    let journal = journal_with_seats(5);
    let recorder = Arc::new(Recorder::default());
    let engine = Engine::start(
        EnginePorts {
            journal: journal.clone(),
            source: journal.clone(),
            changes: recorder.clone(),
            ownership: owned_everything(),
        },
        EngineConfig::default(),
    );

    for id in 1..=5 {
        engine.book(seat(id), user("u-1")).await.unwrap();
        let _ = engine.book(seat(id), user("u-2")).await;
    }

    let mut changes = recorder.0.lock().unwrap().clone();
    changes.sort_by_key(|change| change.seat);
    assert_eq!(changes.len(), 5);
    for (index, change) in changes.iter().enumerate() {
        assert_eq!(change.seat, seat(index as i64 + 1));
        assert_eq!(change.status, SeatStatus::Booked);
        assert_eq!(change.version, 1);
    }
}
