//! Thousands of users on one seat: exactly one winner, everyone else an honest 409.

use std::time::Instant;

use boxoffice_actors::{EngineError, SeatId, UserId};
use serde_json::json;

use crate::helpers::{Db, all_at_once, spawn_app, status_counts};

const USERS: usize = 5_000;
const SEAT: i64 = 7;

async fn hot_seat_in_process(db: Db) {
    let app = spawn_app(db).await;
    let seat = SeatId::new(SEAT).unwrap();

    let tasks: Vec<_> = (0..USERS)
        .map(|i| {
            let engine = app.engine.clone();
            tokio::spawn(async move {
                engine.book(seat, UserId::parse(&format!("u-{i}")).unwrap()).await
            })
        })
        .collect();
    let (mut winners, mut occupied) = (Vec::new(), 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(booked) => winners.push(booked),
            Err(EngineError::SeatOccupied { version: 1, .. }) => occupied += 1,
            Err(other) => panic!("unexpected answer: {other:?}"),
        }
    }

    assert_eq!(winners.len(), 1);
    assert_eq!(occupied, USERS - 1);
    assert_eq!(winners[0].version, 1);
    assert_eq!(app.db.seat_version(SEAT).await, 1);
    assert_eq!(app.db.bookings_of_seat(SEAT).await, 1);
    assert_eq!(app.db.booking_count().await, 1);
    assert_eq!(app.db.double_booked_seats().await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_seat_has_exactly_one_winner_in_process_on_postgres() {
    hot_seat_in_process(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_seat_has_exactly_one_winner_in_process_on_sqlite() {
    hot_seat_in_process(Db::Sqlite).await;
}

/// 5,000 concurrent POSTs to /api/v1/bookings: one 201, 4,999 409 SEAT_OCCUPIED, nothing else.
async fn hot_seat_over_http(db: Db, strategy: &str) {
    let app = spawn_app(db).await;
    let started = Instant::now();
    let results = all_at_once(USERS, |client, i| {
        client
            .post(format!("{}/api/v1/bookings", app.address))
            .json(&json!({ "seatId": SEAT, "userId": format!("u-{i}"), "strategy": strategy }))
            .send()
    })
    .await;
    let elapsed = started.elapsed();
    eprintln!("hot seat over HTTP ({db:?}, {strategy}): {USERS} requests answered in {elapsed:?}");

    let counts = status_counts(&results);
    assert_eq!(counts.get(&201), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&409), Some(&(USERS - 1)), "{counts:?}");
    assert_eq!(counts.len(), 2, "no other status: {counts:?}");
    for (status, body) in &results {
        if *status == 409 {
            assert_eq!(body["code"], "SEAT_OCCUPIED");
        } else {
            assert_eq!(body["seatId"], SEAT);
            assert_eq!(body["version"], 1);
            assert_eq!(body["strategy"], strategy);
        }
    }
    assert_eq!(app.db.seat_version(SEAT).await, 1);
    assert_eq!(app.db.bookings_of_seat(SEAT).await, 1);
    let seats: Vec<serde_json::Value> =
        app.get("/api/v1/events/1/seats").await.json().await.unwrap();
    let seat = seats.iter().find(|s| s["seatId"] == SEAT).unwrap();
    assert_eq!((seat["status"].as_str(), seat["version"].as_i64()), (Some("BOOKED"), Some(1)));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_seat_has_exactly_one_winner_over_http() {
    hot_seat_over_http(Db::Postgres, "ACTOR").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_seat_has_exactly_one_winner_over_http_on_sqlite() {
    hot_seat_over_http(Db::Sqlite, "ACTOR").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_seat_has_exactly_one_winner_with_the_database_strategy() {
    hot_seat_over_http(Db::Postgres, "DATABASE").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_seat_through_the_compatibility_route_sells_once() {
    let app = spawn_app(Db::Postgres).await;
    let results = all_at_once(USERS, |client, i| {
        client
            .post(format!("{}/api/tickets/book?ticketId={SEAT}&userId={}", app.address, i + 1))
            .send()
    })
    .await;

    let counts = status_counts(&results);
    assert_eq!(counts.get(&200), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&409), Some(&(USERS - 1)), "{counts:?}");
    assert_eq!(counts.len(), 2, "{counts:?}");
    for (status, body) in &results {
        if *status == 409 {
            assert_eq!(body, &json!({ "status": "error", "message": "Sold Out!" }));
        } else {
            assert_eq!(body["id"], SEAT);
            assert_eq!(body["status"], "SOLD");
            assert_eq!(body["version"], 1);
        }
    }
    assert_eq!(app.db.bookings_of_seat(SEAT).await, 1);
    app.stop().await;
}
