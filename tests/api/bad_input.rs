//! Bad input gets a clear 4xx with the right code in the one error format, never a 5xx, and
//! changes nothing.

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, spawn_app};

/// Checks a problem+json answer and returns its body.
async fn assert_problem(response: reqwest::Response, status: u16, code: &str, case: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "{case}");
    let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json", "{case}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status, "{case}: {body}");
    assert_eq!(body["code"], code, "{case}: {body}");
    for field in ["type", "title", "detail", "instance"] {
        assert!(body[field].is_string(), "{case}: {field} missing in {body}");
    }
    body
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_booking_requests_get_clear_client_errors() {
    let app = spawn_app(Db::Postgres).await;
    let long_user = format!(r#"{{"seatId": 1, "userId": "{}"}}"#, "a".repeat(65));
    let json_cases: Vec<(&str, &str, u16)> = vec![
        ("malformed JSON", r#"{"seatId": 1,"#, 400),
        ("not an object", r#"[1, 2]"#, 422),
        ("seatId of the wrong type", r#"{"seatId": "abc", "userId": "u-1"}"#, 422),
        ("userId of the wrong type", r#"{"seatId": 1, "userId": 7}"#, 422),
        ("missing userId", r#"{"seatId": 1}"#, 422),
        ("missing seatId", r#"{"userId": "u-1"}"#, 422),
        ("empty object", r#"{}"#, 422),
        ("seatId 0", r#"{"seatId": 0, "userId": "u-1"}"#, 422),
        ("seatId -1", r#"{"seatId": -1, "userId": "u-1"}"#, 422),
        ("seatId 2^63", r#"{"seatId": 9223372036854775808, "userId": "u-1"}"#, 422),
        ("seatId fractional", r#"{"seatId": 1.5, "userId": "u-1"}"#, 422),
        ("empty userId", r#"{"seatId": 1, "userId": ""}"#, 422),
        ("userId of 65 chars", &long_user, 422),
        ("userId with a space", r#"{"seatId": 1, "userId": "a b"}"#, 422),
        ("userId with a control character", r#"{"seatId": 1, "userId": "a\u0001b"}"#, 422),
        ("userId with a newline", r#"{"seatId": 1, "userId": "a\nb"}"#, 422),
        ("unknown strategy", r#"{"seatId": 1, "userId": "u-1", "strategy": "FASTEST"}"#, 422),
        ("REDIS without Redis", r#"{"seatId": 1, "userId": "u-1", "strategy": "REDIS"}"#, 422),
    ];
    for (case, body, status) in json_cases {
        let response =
            post_raw(&app, "/api/v1/bookings", "application/json", body.to_owned()).await;
        let problem = assert_problem(response, status, "INVALID_REQUEST", case).await;
        if case == "REDIS without Redis" {
            assert!(problem["detail"].as_str().unwrap().contains("Redis"), "{problem}");
        }
    }

    let huge = format!(r#"{{"seatId": 1, "userId": "u-1", "pad": "{}"}}"#, "x".repeat(1 << 20));
    let response = post_raw(&app, "/api/v1/bookings", "application/json", huge).await;
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE", "a 1 MiB body").await;

    let response =
        post_raw(&app, "/api/v1/bookings", "text/plain", r#"{"seatId": 1, "userId": "u-1"}"#).await;
    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE", "wrong content type").await;
    let response =
        app.client.post(format!("{}/api/v1/bookings", app.address)).send().await.unwrap();
    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE", "no content type").await;

    let response = app.book(999_999, "u-1", None).await;
    assert_problem(response, 404, "SEAT_NOT_FOUND", "unknown seat").await;

    // Nothing was booked or changed by any of it.
    assert_eq!(app.db.booking_count().await, 0);
    assert_eq!(app.db.booked_seat_count().await, 0);
    assert_eq!(app.db.seat_version(1).await, 0);
    assert_eq!(app.book(1, "u-1", None).await.status(), 201, "the seat is still bookable");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_malformed_ids_in_paths_are_client_errors() {
    let app = spawn_app(Db::Sqlite).await;
    let cases = [
        ("/api/v1/events/999", 404, "EVENT_NOT_FOUND"),
        ("/api/v1/events/999/seats", 404, "EVENT_NOT_FOUND"),
        ("/api/v1/bookings/999", 404, "BOOKING_NOT_FOUND"),
        ("/api/v1/events/abc", 400, "INVALID_REQUEST"),
        ("/api/v1/events/0", 400, "INVALID_REQUEST"),
        ("/api/v1/events/-1/seats", 400, "INVALID_REQUEST"),
        ("/api/v1/events/99999999999999999999", 400, "INVALID_REQUEST"),
        ("/api/v1/bookings/xyz", 400, "INVALID_REQUEST"),
        ("/api/v1/bookings/1.5", 400, "INVALID_REQUEST"),
        ("/api/v1/no-such-route", 404, "NOT_FOUND"),
    ];
    for (path, status, code) in cases {
        let problem = assert_problem(app.get(path).await, status, code, path).await;
        assert_eq!(problem["instance"], path);
    }
    let response =
        app.client.delete(format!("{}/api/v1/bookings", app.address)).send().await.unwrap();
    assert_problem(response, 405, "METHOD_NOT_ALLOWED", "DELETE bookings").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_event_layouts_are_refused_and_create_nothing() {
    let app = spawn_app(Db::Postgres).await;
    let cases = [
        json!({ "name": "", "rows": 2, "seatsPerRow": 2 }),
        json!({ "name": "x", "rows": 0, "seatsPerRow": 2 }),
        json!({ "name": "x", "rows": 2, "seatsPerRow": -3 }),
        json!({ "name": "x", "rows": 500, "seatsPerRow": 500 }),
        json!({ "name": "x", "rows": 2 }),
        json!({ "name": "x", "sections": [] }),
        json!({ "name": "x", "sections": [{ "name": "A", "rows": 1, "seatsPerRow": 1 }], "rows": 1, "seatsPerRow": 1 }),
        json!({ "name": "x", "sections": [{ "name": "A", "rows": 1 }] }),
        json!({ "rows": 2, "seatsPerRow": 2 }),
    ];
    for body in cases {
        let response = app.post_json("/api/v1/events", &body).await;
        assert_problem(response, 422, "INVALID_REQUEST", &body.to_string()).await;
    }
    let events: Vec<Value> = app.get("/api/v1/events").await.json().await.unwrap();
    assert_eq!(events.len(), 1, "only the demo event exists");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_on_the_compatibility_route_use_its_envelope() {
    let app = spawn_app(Db::Sqlite).await;
    for query in [
        "ticketId=abc&userId=1",
        "userId=1",
        "ticketId=1",
        "ticketId=0&userId=1",
        "ticketId=1&userId=-4",
    ] {
        let response = app
            .client
            .post(format!("{}/api/tickets/book?{query}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "error", "{query}");
        assert!(body["message"].as_str().unwrap().contains("positive integer"), "{query}: {body}");
    }
    let response = app
        .client
        .post(format!("{}/api/tickets/book?ticketId=5000&userId=1", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "status": "error", "message": "Ticket not found" })
    );
    assert_eq!(app.db.booking_count().await, 0);
    app.stop().await;
}
