//! Three real node processes, one PostgreSQL, one Redis: one owner per seat, forwarding, and
//! streams that show every node's commits.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::cluster::{PARTITIONS, TestCluster};
use crate::helpers::{SeatStream, all_at_once, book_each_seat, status_counts};

const HOT_USERS: usize = 5_000;
const TTL_MS: u64 = 5_000;

/// The sum of a counter over every series in a node's scrape.
pub async fn metric_sum(client: &reqwest::Client, address: &str, name: &str) -> f64 {
    let text = client.get(format!("{address}/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| line.split(['{', ' ']).next() == Some(name))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hot_seat_over_three_nodes_has_exactly_one_winner_and_every_stream_shows_it() {
    let cluster = TestCluster::start(3, TTL_MS).await;
    cluster.wait_balanced(Duration::from_secs(20)).await;
    let addresses = cluster.addresses();
    let mut streams = Vec::new();
    for address in &addresses {
        let mut stream = SeatStream::open(&cluster.client, address, 1).await;
        assert_eq!(stream.next().await.unwrap().0, "snapshot");
        streams.push(stream);
    }

    let seat = 42;
    let results = all_at_once(HOT_USERS, |client, i| {
        client
            .post(format!("{}/api/v1/bookings", addresses[i % addresses.len()]))
            .json(&json!({ "seatId": seat, "userId": format!("u-{i}") }))
            .send()
    })
    .await;

    let counts = status_counts(&results);
    assert_eq!(counts.get(&201), Some(&1), "{counts:?}");
    assert_eq!(counts.get(&409), Some(&(HOT_USERS - 1)), "{counts:?}");
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert!(results.iter().filter(|(s, _)| *s == 409).all(|(_, b)| b["code"] == "SEAT_OCCUPIED"));
    assert_eq!(cluster.db.seat_version(seat).await, 1);
    assert_eq!(cluster.db.bookings_of_seat(seat).await, 1);

    let expected = cluster.db.seat_map(1).await;
    for mut stream in streams {
        stream.converge_on(&expected, Duration::from_secs(1)).await;
        assert_eq!(stream.seats[&seat], ("BOOKED".to_owned(), 1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distinct_seats_over_three_nodes_all_win_on_spread_partitions_with_forwarding() {
    let cluster = TestCluster::start(3, TTL_MS).await;
    let owned = cluster.wait_balanced(Duration::from_secs(20)).await;
    assert!(owned.values().all(|&n| n > 0), "every node owns partitions: {owned:?}");
    assert_eq!(owned.values().sum::<usize>(), PARTITIONS);

    let addresses = cluster.addresses();
    // Created on one node, the event reaches every node's seat view through the change feed.
    let (event, seats) = cluster.create_event("Spread", 30, 100).await;
    assert_eq!(seats.len(), 3_000);

    let results = book_each_seat(&addresses, &seats, None).await;

    assert_eq!(status_counts(&results).get(&201), Some(&3_000), "{:?}", status_counts(&results));
    let won: HashSet<i64> =
        results.iter().map(|(_, body)| body["seatId"].as_i64().unwrap()).collect();
    assert_eq!(won.len(), 3_000);
    assert_eq!(cluster.db.bookings_of_event(event).await, 3_000);
    assert_eq!(cluster.db.double_booked_seats().await, 0);
    let mut forwarded = 0.0;
    for address in &addresses {
        forwarded +=
            metric_sum(&cluster.client, address, "boxoffice_forwarded_requests_total").await;
    }
    // Two of every three requests reached a node that did not own the seat.
    assert!(forwarded >= 1_000.0, "requests were forwarded: {forwarded}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_endpoints_refuse_requests_without_the_cluster_secret() {
    let app = crate::helpers::spawn_cluster_app().await;
    let url = format!("{}/internal/v1/bookings", app.address);
    let body = json!({ "seatId": 3, "userId": "u-1" });
    let without = app.client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(without.status(), 401);
    assert_eq!(without.json::<Value>().await.unwrap()["code"], "UNAUTHORIZED");
    let wrong = app
        .client
        .post(&url)
        .header("x-boxoffice-cluster-secret", "not-the-secret-at-all")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(app.db.bookings_of_seat(3).await, 0, "a refused request books nothing");
    let right = app
        .client
        .post(&url)
        .header("x-boxoffice-cluster-secret", crate::helpers::cluster::SECRET)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 201);
    assert_eq!(app.db.bookings_of_seat(3).await, 1);
    app.stop().await;

    // A single node has no secret: its internal endpoints refuse everything.
    let single = crate::helpers::spawn_app(crate::helpers::Db::Sqlite).await;
    let refused = single
        .client
        .post(format!("{}/internal/v1/bookings", single.address))
        .header("x-boxoffice-cluster-secret", "")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    single.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_cannot_reach_redis_is_not_ready_and_says_why() {
    let dead = format!("redis://127.0.0.1:{}", crate::helpers::free_port());
    let app = crate::helpers::spawn_app_with(
        crate::helpers::Db::Postgres,
        &["--redis-url", &dead, "--cluster-secret", crate::helpers::cluster::SECRET],
    )
    .await;
    let ready = app.get("/health/ready").await;
    assert_eq!(ready.status(), 503);
    assert!(ready.headers().contains_key("retry-after"));
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "DOWN");
    assert_eq!(body["checks"]["redis"]["status"], "DOWN");
    assert_eq!(body["checks"]["partitions"]["status"], "DOWN");
    assert_eq!(body["checks"]["partitions"]["owned"], 0);
    assert_eq!(body["checks"]["database"]["status"], "UP");
    // Nobody owns anything: a booking waits briefly, then gets an honest 503.
    let booking = app.book(5, "u-1", None).await;
    assert_eq!(booking.status(), 503);
    assert!(booking.headers().contains_key("retry-after"));
    assert_eq!(app.db.bookings_of_seat(5).await, 0);
    app.stop().await;
}

/// A change that cannot cross Redis at all (Redis is down) still reaches the other nodes' seat
/// maps: a node that cannot read the change feed reconciles from the database every second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_cannot_cross_redis_reaches_other_nodes_from_the_database() {
    let mut redis = crate::helpers::redis::RedisServer::start();
    let cluster = TestCluster::start_with_redis(2, TTL_MS, &redis.url).await;
    cluster.wait_balanced(Duration::from_secs(20)).await;
    let addresses = cluster.addresses();
    let mut watcher = SeatStream::open(&cluster.client, &addresses[1], 1).await;
    assert_eq!(watcher.next().await.unwrap().0, "snapshot");

    redis.stop();
    // The DATABASE strategy needs no Redis: the booking commits, but its change cannot be sent.
    let booked = cluster
        .client
        .post(format!("{}/api/v1/bookings", addresses[0]))
        .json(&json!({ "seatId": 77, "userId": "u-1", "strategy": "DATABASE" }))
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 201);
    let committed_at = std::time::Instant::now();
    let expected = cluster.db.seat_map(1).await;
    watcher.converge_on(&expected, Duration::from_secs(3)).await;
    eprintln!(
        "change seen on the other node {:?} after commit, without Redis",
        committed_at.elapsed()
    );
    assert_eq!(watcher.seats[&77], ("BOOKED".to_owned(), 1));
}
