//! The PostgreSQL store's group commit alone: `Journal::commit` with batches of 1, 16, 128 and
//! 512 seat writes, each the booking of a different available seat (a version-checked update and
//! a booking row), in one fence-checked statement. Throughput is in rows (bookings) per second.
//!
//! It runs against a throwaway PostgreSQL started like the integration tests' (durable: `fsync`
//! and `synchronous_commit` on), or, when `BENCH_DATABASE_URL` or `TEST_DATABASE_URL` is set, in a
//! fresh database on that server. Seats come from events created through the store (200,000
//! seats each, outside the timed part); partitions and fences are set up through the store too,
//! as a node that owns everything would, so every commit passes the fence check.

use std::sync::Arc;
use std::time::{Duration, Instant};

use boxoffice::layout::NewEvent;
use boxoffice::store::Store;
use boxoffice::store::postgres::PgStore;
use boxoffice::throwaway::Postgres;
use boxoffice::throwaway::postgres::create_database;
use boxoffice_actors::journal::{CommitBatch, Journal, SeatWrite, WriteOutcome, stored_now};
use boxoffice_actors::ownership::Ownership;
use boxoffice_actors::{EventId, Fence, PartitionId, SeatId, SeatStatus, UserId};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tokio::runtime::Runtime;

const BATCH_SIZES: [u64; 4] = [1, 16, 128, 512];
const PARTITIONS: u32 = 64;
/// Seats of each event the supply creates (the API's maximum).
const EVENT_SEATS: i64 = 200_000;

/// Available seats, handed out once each; more are created when they run out.
struct Seats {
    store: Arc<PgStore>,
    ownership: Ownership,
    fences: Vec<(PartitionId, Fence)>,
    available: Vec<(SeatId, EventId)>,
    created_events: u32,
    users: u64,
}

impl Seats {
    /// Creates events until at least `count` seats are available. Called before each batch size
    /// is measured, so that creating seats (seconds) rarely falls inside a measurement, where
    /// criterion would count it in its estimates (though never in the times).
    async fn refill(&mut self, count: usize) {
        while self.available.len() < count {
            self.created_events += 1;
            let name = format!("committer bench {}", self.created_events);
            let rows = EVENT_SEATS / 1_000;
            let event = NewEvent::parse(&name, vec![("Main".to_owned(), rows, 1_000)])
                .expect("a valid layout");
            let (_, seats) = self.store.create_event(&event, PARTITIONS).await.expect("seats");
            self.available.extend(seats.into_iter().rev().map(|seat| (seat.id, seat.event)));
        }
    }

    async fn batch(&mut self, size: usize) -> CommitBatch {
        self.refill(size).await;
        let writes: Vec<SeatWrite> = (0..size)
            .map(|_| {
                let (seat, event) = self.available.pop().expect("enough seats");
                self.users += 1;
                SeatWrite {
                    seat,
                    event,
                    partition: self.ownership.partition_of(seat),
                    expected_version: 0,
                    status: SeatStatus::Booked,
                    version: 1,
                    booking_for: Some(UserId::parse(&format!("bench-{}", self.users)).unwrap()),
                }
            })
            .collect();
        let mut partitions: Vec<PartitionId> = writes.iter().map(|w| w.partition).collect();
        partitions.sort();
        partitions.dedup();
        let fences = partitions
            .into_iter()
            .map(|p| {
                *self.fences.iter().find(|(q, _)| *q == p).expect("every partition has a fence")
            })
            .collect();
        CommitBatch { writes, fences, committed_at: stored_now() }
    }
}

/// The database URL and, when this bench started it, the server (stopped when dropped).
fn database(runtime: &Runtime) -> (Option<Postgres>, String) {
    let name = format!("boxoffice_bench_{}", std::process::id());
    for variable in ["BENCH_DATABASE_URL", "TEST_DATABASE_URL"] {
        if let Ok(admin) = std::env::var(variable)
            && !admin.is_empty()
        {
            let url = runtime.block_on(create_database(&admin, &name)).expect("a bench database");
            return (None, url);
        }
    }
    let server = Postgres::start("bench-committer").unwrap_or_else(|e| panic!("{e}"));
    let url = runtime.block_on(create_database(server.url(), &name)).expect("a bench database");
    (Some(server), url)
}

fn commit(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (_server, url) = database(&runtime);
    let mut seats = runtime.block_on(async {
        let store = Arc::new(PgStore::connect(&url).await.expect("connect the store"));
        store.init_partitions(Some(PARTITIONS), PARTITIONS).await.expect("partitions");
        let fences = store.bump_all_fences("bench").await.expect("fences");
        Seats {
            store,
            ownership: Ownership::new(PARTITIONS),
            fences,
            available: Vec::new(),
            created_events: 0,
            users: 0,
        }
    });

    let mut group = c.benchmark_group("commit");
    // Every commit books seats for good: a short measurement keeps the seats needed bounded.
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for size in BATCH_SIZES {
        runtime.block_on(seats.refill(EVENT_SEATS as usize));
        group.throughput(Throughput::Elements(size));
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, &size| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let mut batches = Vec::with_capacity(iterations as usize);
                    for _ in 0..iterations {
                        batches.push(seats.batch(size as usize).await);
                    }
                    let started = Instant::now();
                    for batch in &batches {
                        let outcomes = seats.store.commit(batch).await.expect("a commit");
                        assert!(
                            outcomes.iter().all(|o| matches!(o, WriteOutcome::Committed { .. })),
                            "every write of fresh seats commits: {outcomes:?}"
                        );
                    }
                    started.elapsed()
                })
            });
        });
    }
    group.finish();
}

criterion_group!(benches, commit);
criterion_main!(benches);
