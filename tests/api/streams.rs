//! Seat streams: a snapshot first, every committed change after it, a fresh snapshot for a client
//! that fell behind, bounded clients, and every client ends with the database's seat map.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{Db, SeatStream, book_each_seat, spawn_app, spawn_app_with, status_counts};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_client_gets_a_snapshot_then_each_committed_change() {
    let app = spawn_app(Db::Postgres).await;
    let mut stream = SeatStream::open(&app.client, &app.address, 1).await;

    let (name, snapshot) = stream.next().await.unwrap();
    assert_eq!(name, "snapshot");
    assert_eq!(snapshot["eventId"], 1);
    let seats = snapshot["seats"].as_array().unwrap();
    assert_eq!(seats.len(), 100);
    assert_eq!(
        seats[0],
        json!({ "seatId": 1, "seatNumber": "A-1", "section": "Stalls", "row": 1, "number": 1,
                                  "status": "AVAILABLE", "booked": false, "version": 0 })
    );

    assert_eq!(app.book(5, "u-1", None).await.status(), 201);
    let (name, change) =
        tokio::time::timeout(Duration::from_secs(1), stream.next()).await.unwrap().unwrap();
    assert_eq!(name, "seat");
    assert_eq!(change, json!({ "seatId": 5, "status": "BOOKED", "booked": true, "version": 1 }));

    // A losing attempt changes nothing, so it streams nothing; the next winner streams next.
    assert_eq!(app.book(5, "u-2", None).await.status(), 409);
    assert_eq!(app.book(6, "u-2", Some("DATABASE")).await.status(), 201);
    let (_, change) =
        tokio::time::timeout(Duration::from_secs(1), stream.next()).await.unwrap().unwrap();
    assert_eq!(change, json!({ "seatId": 6, "status": "BOOKED", "booked": true, "version": 1 }));

    // Shutdown ends open streams instead of waiting for them forever.
    tokio::time::timeout(Duration::from_secs(10), app.stop())
        .await
        .expect("stopped with a stream open");
    assert!(tokio::time::timeout(Duration::from_secs(5), stream.next()).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_falls_behind_gets_a_fresh_snapshot_not_a_closed_stream() {
    let app = spawn_app_with(Db::Postgres, &["--stream-buffer", "4"]).await;
    let event = app.create_event("Lag", 20, 100).await;
    let seats = app.seat_ids(event).await;
    let mut stream = SeatStream::open(&app.client, &app.address, event).await;
    assert_eq!(stream.next().await.unwrap().0, "snapshot");

    // Commits arrive in batches of hundreds, published faster than the client is read.
    let results = book_each_seat(std::slice::from_ref(&app.address), &seats, None).await;
    assert_eq!(status_counts(&results).get(&201), Some(&seats.len()));

    let expected = app.db.seat_map(event).await;
    assert!(expected.values().all(|(status, version)| status == "BOOKED" && *version == 1));
    stream.converge_on(&expected, Duration::from_secs(10)).await;
    assert!(
        stream.snapshots >= 2,
        "the lagging client was sent a fresh snapshot ({} snapshots)",
        stream.snapshots
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_stream_clients_end_with_the_database_seat_map() {
    let app = spawn_app(Db::Postgres).await;
    let event = app.create_event("Crowd", 20, 100).await;
    let seats = app.seat_ids(event).await;
    let mut streams = Vec::new();
    for _ in 0..100 {
        let mut stream = SeatStream::open(&app.client, &app.address, event).await;
        assert_eq!(stream.next().await.unwrap().0, "snapshot");
        streams.push(stream);
    }
    let readers: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            tokio::spawn(async move {
                // Read while the bookings commit, until the whole event is booked.
                while stream.seats.values().any(|(status, _)| status != "BOOKED") {
                    if stream.next().await.is_none() {
                        break;
                    }
                }
                stream
            })
        })
        .collect();

    let results = book_each_seat(std::slice::from_ref(&app.address), &seats, None).await;
    assert_eq!(status_counts(&results).get(&201), Some(&2_000));

    let expected = app.db.seat_map(event).await;
    assert_eq!(expected.len(), 2_000);
    for reader in readers {
        let mut stream = tokio::time::timeout(Duration::from_secs(15), reader)
            .await
            .expect("converged")
            .unwrap();
        stream.converge_on(&expected, Duration::from_secs(1)).await;
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_clients_beyond_the_limit_get_503_with_retry_after() {
    let app = spawn_app_with(Db::Sqlite, &["--stream-clients-max", "2"]).await;
    let first = SeatStream::open(&app.client, &app.address, 1).await;
    let _second = SeatStream::open(&app.client, &app.address, 1).await;

    let refused = app.get("/api/v1/events/1/stream").await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "1");
    assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["code"], "OVERLOADED");

    drop(first);
    // The server notices the closed connection on its next write; wait (bounded) for the slot.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let response = app.get("/api/v1/events/1/stream").await;
        if response.status() == 200 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the slot was never freed");
        // Book something so the server writes to (and discovers) the closed stream.
        let _ = app.book(1 + (deadline.elapsed().as_millis() % 50) as i64, "nudger", None).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.get("/api/v1/events/999/stream").await.status(), 404);
    app.stop().await;
}
