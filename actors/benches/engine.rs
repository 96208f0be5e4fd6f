//! The engine alone: seat actors, directory and group committer with the in-memory journal and
//! no change sink, so that neither HTTP nor a database is measured.
//!
//! - `hot_seat`: 5,000 concurrent `Book` commands on one fresh seat per iteration: one wins and
//!   commits, 4,999 are refused from memory. Throughput: decisions per second.
//! - `distinct`: 10,000 concurrent `Book` commands on 10,000 fresh seats of a fresh engine per
//!   iteration: every one starts its seat's actor (activation) and commits through the group
//!   committer. Throughput: bookings per second.
//!
//! Each command is a task of its own, as each HTTP request is in the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use boxoffice_actors::domain::{Fence, PartitionId, SeatId, UserId};
use boxoffice_actors::journal::NoChanges;
use boxoffice_actors::memory::{InMemoryJournal, event, seat_range};
use boxoffice_actors::ownership::Ownership;
use boxoffice_actors::{Engine, EngineConfig, EngineError, EnginePorts};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokio::runtime::Runtime;

const HOT_SEAT_USERS: u64 = 5_000;
const DISTINCT_SEATS: u64 = 10_000;
const PARTITIONS: u32 = 64;
/// How long a stopping engine may take to stop its actors (outside the timed part).
const SHUTDOWN_WAIT: Duration = Duration::from_secs(30);

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime")
}

/// An engine on `journal` that owns every partition.
fn engine(journal: &Arc<InMemoryJournal>) -> Arc<Engine> {
    let ownership = Arc::new(Ownership::new(PARTITIONS));
    for partition in 0..PARTITIONS {
        ownership.grant(PartitionId(partition), Fence(1));
    }
    Engine::start(
        EnginePorts {
            journal: journal.clone(),
            source: journal.clone(),
            changes: Arc::new(NoChanges),
            ownership,
        },
        EngineConfig::default(),
    )
}

fn users(prefix: &str, count: u64) -> Vec<UserId> {
    (0..count).map(|i| UserId::parse(&format!("{prefix}-{i}")).expect("a user id")).collect()
}

/// Books `seats[i]` for `users[i]`, every command in a task of its own, and counts the winners.
async fn book_all(engine: &Arc<Engine>, seats: &[SeatId], users: Vec<UserId>) -> usize {
    let tasks: Vec<_> = seats
        .iter()
        .zip(users)
        .map(|(&seat, user)| {
            let engine = engine.clone();
            tokio::spawn(async move { engine.book(seat, user).await })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.expect("a booking task") {
            Ok(_) => won += 1,
            Err(EngineError::SeatOccupied { .. }) => {}
            Err(other) => panic!("unexpected answer {other:?}"),
        }
    }
    won
}

fn hot_seat(c: &mut Criterion) {
    let runtime = runtime();
    let journal = Arc::new(InMemoryJournal::new());
    let engine = runtime.block_on(async { engine(&journal) });
    let mut next_seat = 1;
    let mut group = c.benchmark_group("engine");
    group.sample_size(20).throughput(Throughput::Elements(HOT_SEAT_USERS));
    group.bench_function("hot_seat_5000_users", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut timed = Duration::ZERO;
                for _ in 0..iterations {
                    let seat = seat_range(next_seat, 1)[0];
                    next_seat += 1;
                    journal.add_seats(event(1), [seat]);
                    let seats = vec![seat; HOT_SEAT_USERS as usize];
                    let users = users("hot", HOT_SEAT_USERS);
                    let started = Instant::now();
                    let won = book_all(&engine, &seats, users).await;
                    timed += started.elapsed();
                    assert_eq!(won, 1, "exactly one winner");
                }
                timed
            })
        });
    });
    group.finish();
    runtime.block_on(engine.shutdown(SHUTDOWN_WAIT));
}

fn distinct(c: &mut Criterion) {
    let runtime = runtime();
    let mut group = c.benchmark_group("engine");
    group.sample_size(10).throughput(Throughput::Elements(DISTINCT_SEATS));
    group.bench_function("distinct_10000_seats_with_activation", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut timed = Duration::ZERO;
                for _ in 0..iterations {
                    // A fresh journal and engine each time: every seat's actor starts cold, and
                    // the actors of earlier iterations do not pile up.
                    let journal = Arc::new(InMemoryJournal::new());
                    let seats = seat_range(1, DISTINCT_SEATS);
                    journal.add_seats(event(1), seats.iter().copied());
                    let engine = engine(&journal);
                    let users = users("distinct", DISTINCT_SEATS);
                    let started = Instant::now();
                    let won = book_all(&engine, &seats, users).await;
                    timed += started.elapsed();
                    assert_eq!(won, DISTINCT_SEATS as usize, "every seat booked");
                    engine.shutdown(SHUTDOWN_WAIT).await;
                }
                timed
            })
        });
    });
    group.finish();
}

criterion_group!(benches, hot_seat, distinct);
criterion_main!(benches);
