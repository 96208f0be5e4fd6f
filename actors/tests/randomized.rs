//! A seeded randomized test: many concurrent clients send random commands to random seats while
//! the journal fails now and then, a writer outside the engine books seats behind its back, and
//! idle actors are passivated under their feet. A trivial reference model then checks that no seat
//! ever had two winners and that versions only grew.
//!
//! Reproduce a failure with `BOXOFFICE_SEED=<seed printed on failure> cargo test -p boxoffice-actors
//! --test randomized`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use boxoffice_actors::domain::{Fence, PartitionId, SeatId, UserId};
use boxoffice_actors::journal::NoChanges;
use boxoffice_actors::memory::{Fault, InMemoryJournal, event, seat_range};
use boxoffice_actors::ownership::Ownership;
use boxoffice_actors::{Engine, EngineConfig, EngineError, EnginePorts, SeatStatus};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SEATS: u64 = 40;
const CLIENTS: usize = 24;
const STEPS_PER_CLIENT: usize = 150;
const PARTITIONS: u32 = 4;

/// What one client saw of one step.
#[derive(Debug)]
enum Seen {
    Won { seat: SeatId, user: UserId, version: u64 },
    Occupied { seat: SeatId, version: u64 },
    Unavailable,
    BookedOutside { seat: SeatId, user: UserId },
    Nothing,
}

/// Prints the seed if the test fails, so the run can be repeated exactly.
struct SeedReport(u64);

impl Drop for SeedReport {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("randomized test failed; reproduce with BOXOFFICE_SEED={}", self.0);
        }
    }
}

fn seed() -> u64 {
    match std::env::var("BOXOFFICE_SEED") {
        Ok(text) => text.parse().expect("BOXOFFICE_SEED must be an integer"),
        Err(_) => rand::rng().random(),
    }
}

async fn client(
    engine: Arc<Engine>,
    journal: Arc<InMemoryJournal>,
    client: usize,
    seed: u64,
) -> Vec<Seen> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = Vec::with_capacity(STEPS_PER_CLIENT);
    for step in 0..STEPS_PER_CLIENT {
        let seat = SeatId::new(rng.random_range(1..=SEATS as i64)).unwrap();
        let user = UserId::parse(&format!("c{client}-{step}")).unwrap();
        let roll: u32 = rng.random_range(0..1_000);
        let outcome = match roll {
            // A writer outside the engine (the DATABASE strategy) books directly.
            0..=9 => {
                if journal.book_outside(seat, user.clone()) {
                    Seen::BookedOutside { seat, user }
                } else {
                    Seen::Nothing
                }
            }
            10..=19 => {
                journal.inject(Fault::Refuse);
                Seen::Nothing
            }
            20..=29 => {
                journal.inject(Fault::LoseAnswer);
                Seen::Nothing
            }
            30..=59 => {
                engine.directory().passivate_idle();
                Seen::Nothing
            }
            _ => match engine.book(seat, user.clone()).await {
                Ok(booked) => {
                    assert_eq!(booked.seat, seat);
                    Seen::Won { seat, user, version: booked.version }
                }
                Err(EngineError::SeatOccupied { seat: taken, version }) => {
                    assert_eq!(taken, seat);
                    Seen::Occupied { seat, version }
                }
                Err(EngineError::Unavailable(_)) => Seen::Unavailable,
                Err(other) => panic!("client {client} step {step}: unexpected {other:?}"),
            },
        };
        seen.push(outcome);
        if rng.random_bool(0.2) {
            tokio::task::yield_now().await;
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_commands_from_many_clients_never_make_two_winners() {
    let seed = seed();
    let _report = SeedReport(seed);
    let journal = Arc::new(InMemoryJournal::new());
    journal.add_seats(event(1), seat_range(1, SEATS));
    let ownership = Arc::new(Ownership::new(PARTITIONS));
    for partition in 0..PARTITIONS {
        ownership.grant(PartitionId(partition), Fence(1));
    }
    let mut config = EngineConfig::default();
    config.directory.actor_idle = Duration::ZERO;
    let engine = Engine::start(
        EnginePorts {
            journal: journal.clone(),
            source: journal.clone(),
            changes: Arc::new(NoChanges),
            ownership,
        },
        config,
    );

    let mut seeds = StdRng::seed_from_u64(seed);
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| tokio::spawn(client(engine.clone(), journal.clone(), c, seeds.random())))
        .collect();
    let mut histories = Vec::new();
    for task in tasks {
        histories.push(task.await.unwrap());
    }
    // A final pass books every seat still free; queued faults only delay it.
    let mut finals = Vec::new();
    for id in 1..=SEATS {
        let seat = SeatId::new(id as i64).unwrap();
        let user = UserId::parse(&format!("final-{id}")).unwrap();
        for _attempt in 0..10 {
            match engine.book(seat, user.clone()).await {
                Ok(booked) => {
                    finals.push(Seen::Won { seat, user, version: booked.version });
                    break;
                }
                Err(EngineError::SeatOccupied { version, .. }) => {
                    finals.push(Seen::Occupied { seat, version });
                    break;
                }
                Err(EngineError::Unavailable(_)) => continue,
                Err(other) => panic!("final pass, seat {seat}: unexpected {other:?}"),
            }
        }
    }
    histories.push(finals);

    // The reference model: a seat's truth is the journal's single booking row.
    let bookings = journal.bookings();
    let mut rows: HashMap<SeatId, Vec<&UserId>> = HashMap::new();
    for row in &bookings {
        rows.entry(row.seat).or_default().push(&row.user);
    }
    for (seat, users) in &rows {
        assert_eq!(users.len(), 1, "seat {seat} has two bookings: {users:?}");
    }
    let mut winners: HashMap<SeatId, Vec<&UserId>> = HashMap::new();
    for history in &histories {
        // Versions a client sees of one seat only grow.
        let mut last_version: HashMap<SeatId, u64> = HashMap::new();
        for seen in history {
            match seen {
                Seen::Won { seat, user, version } => {
                    assert_eq!(*version, 1, "a first booking makes version 1");
                    winners.entry(*seat).or_default().push(user);
                    assert_eq!(rows.get(seat), Some(&vec![user]), "a winner's booking is stored");
                    check_growth(&mut last_version, *seat, *version);
                }
                Seen::Occupied { seat, version } => {
                    assert!(rows.contains_key(seat), "occupied seat {seat} has a booking row");
                    check_growth(&mut last_version, *seat, *version);
                }
                Seen::BookedOutside { seat, user } => {
                    assert_eq!(rows.get(seat), Some(&vec![user]));
                }
                Seen::Unavailable | Seen::Nothing => {}
            }
        }
    }
    for (seat, users) in &winners {
        assert_eq!(users.len(), 1, "seat {seat} had two winners: {users:?}");
    }
    for id in 1..=SEATS {
        let seat = SeatId::new(id as i64).unwrap();
        let record = journal.record(seat).unwrap();
        assert!(rows.contains_key(&seat), "seat {seat} could not be booked at the end");
        assert_eq!(record.state.status, SeatStatus::Booked, "seat {seat}");
        assert_eq!(record.state.version, 1, "seat {seat}");
    }
    engine.shutdown(Duration::from_secs(5)).await;
}

fn check_growth(last: &mut HashMap<SeatId, u64>, seat: SeatId, version: u64) {
    let previous = last.insert(seat, version).unwrap_or(0);
    assert!(version >= previous, "seat {seat} went back from version {previous} to {version}");
}
