//! A steady load of distinct-seat bookings from a few workers, for tests that break something
//! (kill a node, stop Redis) while bookings flow, and then check that every `201` is durable.
//! Bounded: each seat is tried once, and the load stops when told.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use super::TestDb;

/// One booking attempt and its answer (`None`: no HTTP answer at all).
#[derive(Debug, Clone)]
pub struct Attempt {
    pub seat: i64,
    pub status: Option<u16>,
    pub booking: Option<i64>,
    pub code: Option<String>,
    pub at: Instant,
}

pub struct Load {
    stop: Arc<AtomicBool>,
    next: Arc<AtomicUsize>,
    seats: usize,
    targets: Arc<RwLock<Vec<String>>>,
    booked: Arc<AtomicUsize>,
    workers: Vec<JoinHandle<Vec<Attempt>>>,
}

impl Load {
    /// Starts `concurrency` workers booking `seats` in order, spread over `targets`.
    pub fn start(
        client: &reqwest::Client,
        targets: Vec<String>,
        seats: Vec<i64>,
        concurrency: usize,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let targets = Arc::new(RwLock::new(targets));
        let booked = Arc::new(AtomicUsize::new(0));
        let next = Arc::new(AtomicUsize::new(0));
        let seat_count = seats.len();
        let seats = Arc::new(seats);
        let workers = (0..concurrency)
            .map(|_| {
                let (client, stop, targets, booked, next, seats) = (
                    client.clone(),
                    stop.clone(),
                    targets.clone(),
                    booked.clone(),
                    next.clone(),
                    seats.clone(),
                );
                tokio::spawn(async move {
                    let mut attempts = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&seat) = seats.get(index) else { break };
                        let target = {
                            let targets = targets.read().unwrap();
                            targets[index % targets.len()].clone()
                        };
                        let sent = client
                            .post(format!("{target}/api/v1/bookings"))
                            .json(&json!({ "seatId": seat, "userId": format!("load-{index}") }))
                            .send()
                            .await;
                        let attempt = match sent {
                            Ok(response) => {
                                let status = response.status().as_u16();
                                let body: Value = response.json().await.unwrap_or(Value::Null);
                                if status == 201 {
                                    booked.fetch_add(1, Ordering::Relaxed);
                                }
                                Attempt {
                                    seat,
                                    status: Some(status),
                                    booking: body["bookingId"].as_i64(),
                                    code: body["code"].as_str().map(str::to_owned),
                                    at: Instant::now(),
                                }
                            }
                            Err(_) => Attempt {
                                seat,
                                status: None,
                                booking: None,
                                code: None,
                                at: Instant::now(),
                            },
                        };
                        attempts.push(attempt);
                    }
                    attempts
                })
            })
            .collect();
        Self { stop, next, seats: seat_count, targets, booked, workers }
    }

    /// Where the next requests go (e.g. without a node that was killed, with one that joined).
    pub fn set_targets(&self, targets: Vec<String>) {
        *self.targets.write().unwrap() = targets;
    }

    /// Seats not tried yet: a wait for more `201`s must not outlast them.
    pub fn seats_left(&self) -> usize {
        self.seats.saturating_sub(self.next.load(Ordering::Relaxed))
    }

    /// `201`s so far.
    pub fn booked(&self) -> usize {
        self.booked.load(Ordering::Relaxed)
    }

    /// Waits until `count` bookings were answered `201`, or fails after `within`, saying what
    /// was awaited (`what`) and how far it got.
    pub async fn wait_for_booked(&self, count: usize, within: Duration, what: &str) {
        let deadline = Instant::now() + within;
        while self.booked() < count {
            assert!(
                Instant::now() < deadline,
                "{what}: {} of {count} bookings within {within:?} ({} seats left untried)",
                self.booked(),
                self.seats_left()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn stop(self) -> Vec<Attempt> {
        self.stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for worker in self.workers {
            all.extend(worker.await.expect("a load worker"));
        }
        all
    }
}

/// Counts of each answer (`0` for no answer).
pub fn answer_counts(attempts: &[Attempt]) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for attempt in attempts {
        *counts.entry(attempt.status.unwrap_or(0)).or_insert(0) += 1;
    }
    counts
}

/// Every `201` is in the database as the active booking of its seat, with the id it was given;
/// and no seat has two active bookings.
pub async fn assert_every_201_is_durable(db: &TestDb, event: i64, attempts: &[Attempt]) {
    let stored: HashMap<i64, i64> = db.active_bookings(event).await;
    for attempt in attempts.iter().filter(|a| a.status == Some(201)) {
        let booking = attempt.booking.expect("a 201 names its booking");
        assert_eq!(
            stored.get(&booking),
            Some(&attempt.seat),
            "booking {booking} of seat {} was answered 201 but is not in the database",
            attempt.seat
        );
    }
    assert_eq!(db.double_booked_seats().await, 0, "a seat has two active bookings");
}
