//! The routes of the systems boxoffice replaces keep their envelopes.

use serde_json::Value;

use crate::helpers::{Db, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_legacy_seat_list_shows_when_seats_were_booked() {
    let app = spawn_app(Db::Postgres).await;
    let response = app
        .client
        .post(format!("{}/api/tickets/book?ticketId=3&userId=77", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let ticket: Value = response.json().await.unwrap();
    assert_eq!(ticket["id"], 3);
    assert_eq!(ticket["seatNumber"], "A-3");
    assert_eq!(ticket["userId"], 77);
    assert_eq!(ticket["status"], "SOLD");

    let seats: Vec<Value> = app.get("/api/v1/seats").await.json().await.unwrap();
    assert_eq!(seats.len(), 100);
    let booked: Vec<&Value> = seats.iter().filter(|s| s["booked"] == true).collect();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0]["seatId"], 3);
    assert_eq!(booked[0]["bookedAt"], ticket["updatedAt"]);
    assert!(seats.iter().filter(|s| s["booked"] == false).all(|s| s["bookedAt"].is_null()));
    app.stop().await;
}
