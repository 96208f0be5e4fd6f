//! The `REDIS` strategy (the lock design boxoffice replaces) on one node and on three: one winner
//! per seat, and lock contention answered `409` only when the seat is really taken.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::cluster::TestCluster;
use crate::helpers::{book_each_seat, spawn_cluster_app, status_counts};

const HOT_USERS: usize = 5_000;
/// Attempts per user: a `503` (the lock was held by a request still deciding, or Redis was slow
/// to answer under the crowd) is retried after its `Retry-After`, as a client should.
const ATTEMPTS_MAX: usize = 10;

/// Books with the REDIS strategy, retrying `503`s; returns the final status and body.
async fn book_retrying(
    client: reqwest::Client,
    url: String,
    seat: i64,
    user: String,
) -> (u16, Value) {
    for _ in 0..ATTEMPTS_MAX {
        let response = client
            .post(&url)
            .json(&json!({ "seatId": seat, "userId": user, "strategy": "REDIS" }))
            .send()
            .await
            .expect("an answer");
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != 503 {
            return (status, body);
        }
        let wait = retry_after.expect("a 503 says when to retry");
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
    panic!("seat {seat}: still 503 after {ATTEMPTS_MAX} attempts");
}

async fn hot_seat(addresses: &[String], seat: i64) -> Vec<(u16, Value)> {
    let client = crate::helpers::client();
    let tasks: Vec<_> = (0..HOT_USERS)
        .map(|i| {
            let url = format!("{}/api/v1/bookings", addresses[i % addresses.len()]);
            tokio::spawn(book_retrying(client.clone(), url, seat, format!("u-{i}")))
        })
        .collect();
    let mut results = Vec::with_capacity(HOT_USERS);
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

fn assert_one_winner(results: &[(u16, Value)]) {
    let counts = status_counts(results);
    assert_eq!(counts.get(&201), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&409), Some(&(HOT_USERS - 1)), "{counts:?}");
    assert_eq!(counts.len(), 2, "{counts:?}");
    let winner = results.iter().find(|(status, _)| *status == 201).unwrap();
    assert_eq!(winner.1["strategy"], "REDIS");
    assert_eq!(winner.1["version"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_strategy_sells_a_hot_seat_once_on_one_node() {
    let app = spawn_cluster_app().await;
    let results = hot_seat(std::slice::from_ref(&app.address), 7).await;
    assert_one_winner(&results);
    assert_eq!(app.db.bookings_of_seat(7).await, 1);
    assert_eq!(app.db.seat_version(7).await, 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_strategy_books_distinct_seats_on_one_node() {
    let app = spawn_cluster_app().await;
    let event = app.create_event("Redis distinct", 20, 100).await;
    let seats = app.seat_ids(event).await;
    let results = book_each_seat(std::slice::from_ref(&app.address), &seats, Some("REDIS")).await;
    assert_eq!(status_counts(&results).get(&201), Some(&2_000), "{:?}", status_counts(&results));
    assert_eq!(app.db.bookings_of_event(event).await, 2_000);
    assert_eq!(app.db.double_booked_seats().await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_strategy_sells_a_hot_seat_once_over_three_nodes() {
    let cluster = TestCluster::start(3, 5_000).await;
    let results = hot_seat(&cluster.addresses(), 9).await;
    assert_one_winner(&results);
    assert_eq!(cluster.db.bookings_of_seat(9).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redis_strategy_books_distinct_seats_over_three_nodes() {
    let cluster = TestCluster::start(3, 5_000).await;
    let (event, seats) = cluster.create_event("Redis spread", 30, 100).await;
    let addresses = cluster.addresses();
    let results = book_each_seat(&addresses, &seats, Some("REDIS")).await;
    assert_eq!(status_counts(&results).get(&201), Some(&3_000), "{:?}", status_counts(&results));
    let won: HashSet<i64> = results.iter().map(|(_, b)| b["seatId"].as_i64().unwrap()).collect();
    assert_eq!(won.len(), 3_000);
    assert_eq!(cluster.db.bookings_of_event(event).await, 3_000);
    assert_eq!(cluster.db.double_booked_seats().await, 0);
}
