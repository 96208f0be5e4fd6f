//! Events and seat maps: layouts as given, seats in layout order, live counts.

use serde_json::{Value, json};

use crate::helpers::{Db, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_is_created_from_its_sections_and_read_back_in_layout_order() {
    let app = spawn_app(Db::Postgres).await;
    let body = json!({
        "name": "Rock Night",
        "sections": [
            { "name": "Stalls", "rows": 2, "seatsPerRow": 3 },
            { "name": "Balcony", "rows": 1, "seatsPerRow": 2 },
        ]
    });
    let response = app.post_json("/api/v1/events", &body).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["name"], "Rock Night");
    assert_eq!(created["seatCount"], 8);
    assert_eq!(created["sections"], body["sections"]);

    let detail: Value = app.get(&format!("/api/v1/events/{id}")).await.json().await.unwrap();
    assert_eq!(detail, created);
    let seats: Vec<Value> =
        app.get(&format!("/api/v1/events/{id}/seats")).await.json().await.unwrap();
    let labels: Vec<(&str, &str, i64, i64)> = seats
        .iter()
        .map(|s| {
            (
                s["section"].as_str().unwrap(),
                s["seatNumber"].as_str().unwrap(),
                s["row"].as_i64().unwrap(),
                s["number"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            ("Stalls", "A-1", 1, 1),
            ("Stalls", "A-2", 1, 2),
            ("Stalls", "A-3", 1, 3),
            ("Stalls", "B-1", 2, 1),
            ("Stalls", "B-2", 2, 2),
            ("Stalls", "B-3", 2, 3),
            ("Balcony", "A-1", 1, 1),
            ("Balcony", "A-2", 1, 2),
        ]
    );
    assert!(
        seats
            .iter()
            .all(|s| s["status"] == "AVAILABLE" && s["booked"] == false && s["version"] == 0)
    );
    assert!(
        seats.iter().all(|s| s.get("bookedBy").is_none() && s.get("userId").is_none()),
        "a seat map never says who booked"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_follow_bookings_and_bookings_read_back() {
    let app = spawn_app(Db::Sqlite).await;
    let booked = app.book(12, "fan-1", None).await;
    assert_eq!(booked.status(), 201);
    assert_eq!(booked.headers()["location"].to_str().unwrap(), "/api/v1/bookings/1");
    let booking: Value = booked.json().await.unwrap();
    assert_eq!(booking["seatNumber"], "B-2");
    assert_eq!(booking["bookedBy"], "fan-1");
    assert_eq!(booking["eventId"], 1);
    assert_eq!(booking["booked"], true);
    assert_eq!(booking["version"], 1);
    assert_eq!(booking["strategy"], "ACTOR");
    assert_eq!(app.book(13, "fan-2", Some("DATABASE")).await.status(), 201);

    let events: Vec<Value> = app.get("/api/v1/events").await.json().await.unwrap();
    assert_eq!(
        (events[0]["booked"].as_i64(), events[0]["available"].as_i64()),
        (Some(2), Some(98))
    );
    let read: Value = app.get("/api/v1/bookings/1").await.json().await.unwrap();
    assert_eq!(read, booking);
    let second: Value = app.get("/api/v1/bookings/2").await.json().await.unwrap();
    assert_eq!(
        (second["seatId"].as_i64(), second["strategy"].as_str()),
        (Some(13), Some("DATABASE"))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_live_and_ready_with_named_checks() {
    let app = spawn_app(Db::Postgres).await;
    let live: Value = app.get("/health/live").await.json().await.unwrap();
    assert_eq!(live, json!({ "status": "UP" }));
    for path in ["/health/ready", "/actuator/health"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let ready: Value = response.json().await.unwrap();
        assert_eq!(ready["status"], "UP");
        assert_eq!(ready["checks"]["database"]["status"], "UP");
        assert_eq!(ready["checks"]["partitions"]["owned"], 64);
    }
    app.stop().await;
}
