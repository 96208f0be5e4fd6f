//! Many users, each on a different seat: everyone wins, and the committer shares commits.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use serde_json::json;

use crate::helpers::{Db, all_at_once, spawn_app, status_counts};

const SEATS: usize = 2_000;

async fn distinct_seats_over_http(db: Db, strategy: &str) -> crate::helpers::TestApp {
    let app = spawn_app(db).await;
    let event = app.create_event("Distinct", 20, 100).await;
    let seats = app.seat_ids(event).await;
    assert_eq!(seats.len(), SEATS);

    let results = all_at_once(SEATS, |client, i| {
        client
            .post(format!("{}/api/v1/bookings", app.address))
            .json(&json!({ "seatId": seats[i], "userId": format!("u-{i}"), "strategy": strategy }))
            .send()
    })
    .await;

    let counts = status_counts(&results);
    assert_eq!(counts.get(&201), Some(&SEATS), "{counts:?}");
    let booked: HashSet<i64> =
        results.iter().map(|(_, body)| body["seatId"].as_i64().unwrap()).collect();
    assert_eq!(booked.len(), SEATS, "every booking is for a different seat");
    assert!(results.iter().all(|(_, body)| body["version"] == 1));
    assert_eq!(app.db.bookings_of_event(event).await, SEATS as i64);
    assert_eq!(app.db.booked_seat_count().await, SEATS as i64);
    let detail: serde_json::Value =
        app.get(&format!("/api/v1/events/{event}")).await.json().await.unwrap();
    assert_eq!(
        (detail["booked"].as_u64(), detail["available"].as_u64()),
        (Some(SEATS as u64), Some(0))
    );
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distinct_seats_all_win_and_commits_are_batched() {
    let app = distinct_seats_over_http(Db::Postgres, "ACTOR").await;
    let stats = app.engine.commit_stats();
    let largest = stats.batch_size_max.load(Ordering::Relaxed);
    let batches = stats.batches.load(Ordering::Relaxed);
    eprintln!("2,000 distinct seats committed in {batches} batches, the largest of {largest}");
    assert!(largest > 1, "the committer formed batches (largest {largest})");
    assert_eq!(stats.writes_committed.load(Ordering::Relaxed), SEATS as u64);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distinct_seats_all_win_on_sqlite() {
    let app = distinct_seats_over_http(Db::Sqlite, "ACTOR").await;
    assert!(app.engine.commit_stats().batch_size_max.load(Ordering::Relaxed) > 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distinct_seats_all_win_with_the_database_strategy() {
    let app = distinct_seats_over_http(Db::Postgres, "DATABASE").await;
    assert_eq!(
        app.engine.commit_stats().batches.load(Ordering::Relaxed),
        0,
        "no actor was involved"
    );
    app.stop().await;
}
