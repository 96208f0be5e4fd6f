//! A booking answered 201 survives `kill -9` of the process that answered it.

use serde_json::{Value, json};

use crate::helpers::{Db, ServerProcess, TempDir, TestDb, client};

async fn booking_survives_sigkill(db: Db) {
    let database = TestDb::fresh(db).await;
    let logs = TempDir::new("durability");
    let server = ServerProcess::start(database.url(), &[], &logs.0).await;
    let http = client();

    let response = http
        .post(format!("{}/api/v1/bookings", server.address))
        .json(&json!({ "seatId": 42, "userId": "durable-user" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let booking: Value = response.json().await.unwrap();
    server.kill();

    let restarted = ServerProcess::start(database.url(), &[], &logs.0).await;
    let id = booking["bookingId"].as_i64().unwrap();
    let read =
        http.get(format!("{}/api/v1/bookings/{id}", restarted.address)).send().await.unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(read.json::<Value>().await.unwrap(), booking, "the booking reads back unchanged");
    let seats: Vec<Value> = http
        .get(format!("{}/api/v1/events/1/seats", restarted.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seat = seats.iter().find(|s| s["seatId"] == 42).unwrap();
    assert_eq!(seat["status"], "BOOKED");
    assert_eq!(seat["version"], 1);
    let again = http
        .post(format!("{}/api/v1/bookings", restarted.address))
        .json(&json!({ "seatId": 42, "userId": "someone-else" }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(database.bookings_of_seat(42).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_answered_201_survives_sigkill_on_postgres() {
    booking_survives_sigkill(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_answered_201_survives_sigkill_on_sqlite() {
    booking_survives_sigkill(Db::Sqlite).await;
}
