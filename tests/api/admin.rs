//! Admin routes: a bearer token when one is configured; loopback clients only when none is.

use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use crate::helpers::{Db, spawn_app, spawn_app_with};

const TOKEN: &str = "s3cret-admin-token";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_routes_need_the_configured_token() {
    let app = spawn_app_with(Db::Postgres, &["--admin-token", TOKEN]).await;
    let event = json!({ "name": "Rock Night", "rows": 2, "seatsPerRow": 3 });
    let events_url = format!("{}/api/v1/events", app.address);
    let seed_url = format!("{}/api/tickets/seed", app.address);

    for header in
        [None, Some("Bearer wrong-token-123"), Some("s3cret-admin-token"), Some("Basic czNjcmV0")]
    {
        let mut request = app.client.post(&events_url).json(&event);
        let mut seed = app.client.post(&seed_url);
        if let Some(value) = header {
            request = request.header(AUTHORIZATION, value);
            seed = seed.header(AUTHORIZATION, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{header:?}");
        assert_eq!(response.json::<Value>().await.unwrap()["code"], "UNAUTHORIZED");
        assert_eq!(seed.send().await.unwrap().status(), 401, "{header:?}");
    }
    let events: Vec<Value> = app.get("/api/v1/events").await.json().await.unwrap();
    assert_eq!(events.len(), 1, "nothing was created without the token");

    let bearer = format!("Bearer {TOKEN}");
    let response = app
        .client
        .post(&events_url)
        .header(AUTHORIZATION, &bearer)
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/events/{}", created["id"]));
    assert_eq!(created["seatCount"], 6);

    let seeded = app.client.post(&seed_url).header(AUTHORIZATION, &bearer).send().await.unwrap();
    assert_eq!(seeded.status(), 200);
    assert_eq!(seeded.text().await.unwrap(), "Database already has tickets.");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_admin_routes_work_from_loopback() {
    let app = spawn_app_with(Db::Sqlite, &["--no-demo"]).await;
    assert_eq!(app.get("/api/v1/events").await.json::<Vec<Value>>().await.unwrap().len(), 0);

    let seeded = app.client.post(format!("{}/api/tickets/seed", app.address)).send().await.unwrap();
    assert_eq!(seeded.status(), 200);
    assert_eq!(seeded.text().await.unwrap(), "Created 100 Seats!");
    let again = app.client.post(format!("{}/api/tickets/seed", app.address)).send().await.unwrap();
    assert_eq!(again.text().await.unwrap(), "Database already has tickets.");

    let seats: Vec<Value> = app.get("/api/v1/seats").await.json().await.unwrap();
    assert_eq!(seats.len(), 100);
    assert_eq!(seats[0]["seatNumber"], "Seat-1");
    assert_eq!(seats[99]["seatNumber"], "Seat-100");

    let created = app
        .post_json("/api/v1/events", &json!({ "name": "Local", "rows": 1, "seatsPerRow": 4 }))
        .await;
    assert_eq!(created.status(), 201);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_database_gets_the_demo_event_unless_told_not_to() {
    let app = spawn_app(Db::Sqlite).await;
    let events: Vec<Value> = app.get("/api/v1/events").await.json().await.unwrap();
    assert_eq!(
        events,
        vec![
            json!({ "id": 1, "name": "Demo Concert", "seatCount": 100, "available": 100, "booked": 0 })
        ]
    );
    let seats = app.seat_ids(1).await;
    assert_eq!(seats, (1..=100).collect::<Vec<i64>>());
    app.stop().await;
}
