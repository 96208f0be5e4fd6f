//! Nodes die, pause, join, and Redis goes away, while bookings flow: no `201` is ever lost or
//! doubled, a stale owner commits nothing, and service comes back by itself.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::cluster::{PARTITIONS, TestCluster};
use crate::helpers::load::{Load, answer_counts, assert_every_201_is_durable};
use crate::helpers::redis::RedisServer;

const TTL_MS: u64 = 5_000;
const TTL: Duration = Duration::from_millis(TTL_MS);

async fn book(client: &reqwest::Client, address: &str, seat: i64, user: &str) -> (u16, Value) {
    let response = client
        .post(format!("{address}/api/v1/bookings"))
        .json(&json!({ "seatId": seat, "userId": user }))
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survivors_serve_a_killed_owners_partitions_within_ttl_plus_one_second() {
    let mut cluster = TestCluster::start(3, TTL_MS).await;
    cluster.wait_balanced(Duration::from_secs(20)).await;
    let (event, seats) = cluster.create_event("Failover", 200, 100).await;
    let hot_seat = seats[0];
    let partition = hot_seat as u64 % PARTITIONS as u64;
    let victim_id = cluster.lease_owner(partition).await.expect("the hot partition has an owner");
    let victim = TestCluster::index_of(&victim_id);
    let survivors: Vec<String> =
        (0..3).filter(|&i| i != victim).map(|i| cluster.node(i).address.clone()).collect();

    let load = Load::start(&cluster.client, cluster.addresses(), seats[1..].to_vec(), 16);
    load.wait_for_booked(200, Duration::from_secs(5), "the load never got going").await;
    load.set_targets(survivors.clone());
    cluster.nodes[victim].take().expect("running").kill();
    let killed_at = Instant::now();

    let owner = cluster.wait_for_new_owner(partition, &victim_id, TTL * 3).await;
    // Served again: the hot seat books through a survivor at once.
    let (status, body) = book(&cluster.client, &survivors[0], hot_seat, "after-failover").await;
    let failover = killed_at.elapsed();
    eprintln!("failover: partition {partition} served again by {owner} {failover:?} after SIGKILL");
    assert_eq!(status, 201, "{body}");
    assert!(failover <= TTL + Duration::from_secs(1), "failover took {failover:?} (TTL {TTL:?})");

    let after = load.booked() + 200;
    load.wait_for_booked(
        after,
        Duration::from_secs(10),
        "bookings did not continue after the failover",
    )
    .await;
    let attempts = load.stop().await;
    eprintln!("failover load: {:?}", answer_counts(&attempts));
    assert_every_201_is_durable(&cluster.db, event, &attempts).await;
    for attempt in &attempts {
        match attempt.status {
            // The node died under the request (only requests sent to it before the kill).
            None | Some(201) => {}
            Some(503) => assert_eq!(attempt.code.as_deref(), Some("UNAVAILABLE"), "{attempt:?}"),
            other => panic!("unexpected answer {other:?}: {attempt:?}"),
        }
    }
    assert_eq!(cluster.db.bookings_of_seat(hot_seat).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_stopped_gracefully_releases_its_leases_so_others_take_over_at_once() {
    let mut cluster = TestCluster::start(3, TTL_MS).await;
    cluster.wait_balanced(Duration::from_secs(20)).await;
    let leaving = cluster.nodes[0].take().expect("running");
    let stopped_at = Instant::now();
    assert!(leaving.terminate(Duration::from_secs(15)), "SIGTERM ends the node cleanly");
    let owned = cluster.wait_balanced(TTL).await;
    let took = stopped_at.elapsed();
    eprintln!("graceful hand-over: {owned:?} after {took:?}");
    assert_eq!(owned.values().sum::<usize>(), PARTITIONS);
    // Released leases are taken at the survivors' next ticks, not after their TTL ran out.
    assert!(took < TTL, "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_owner_commits_nothing_after_its_partition_moved() {
    let cluster = TestCluster::start(3, TTL_MS).await;
    cluster.wait_balanced(Duration::from_secs(20)).await;
    let (event, seats) = cluster.create_event("Paused", 10, 64).await;
    let partition = seats[0] as u64 % PARTITIONS as u64;
    let in_partition: Vec<i64> =
        seats.iter().copied().filter(|s| *s as u64 % PARTITIONS as u64 == partition).collect();
    assert_eq!(in_partition.len(), 10);
    let (taken, untouched) = in_partition.split_at(5);
    let victim_id = cluster.lease_owner(partition).await.unwrap();
    let victim = cluster.node(TestCluster::index_of(&victim_id));
    // The paused node holds the seats as available, in its view and in live actors.
    for &seat in taken {
        let refused = book(&cluster.client, &victim.address, seat, "").await;
        assert_eq!(refused.0, 422, "an invalid request activates nothing: {refused:?}");
    }

    victim.signal(libc::SIGSTOP);
    let new_owner = cluster.wait_for_new_owner(partition, &victim_id, TTL * 4).await;
    // Straight to the new owner: a node whose cached owner is still the paused one would forward
    // there and wait out the forward's timeout.
    let other = cluster.node(TestCluster::index_of(&new_owner)).address.clone();
    let mut winners = Vec::new();
    for &seat in taken {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, body) = book(&cluster.client, &other, seat, "new-owner-user").await;
            if status == 201 {
                winners.push((seat, body["bookingId"].as_i64().unwrap()));
                break;
            }
            assert_eq!(status, 503, "{body}");
            assert!(Instant::now() < deadline, "{new_owner} never served seat {seat}");
        }
    }

    // Requests sent while the node is still stopped wait in its socket queue and race its lease
    // tick when it wakes: whichever runs first, none may commit.
    let queued: Vec<_> = taken
        .iter()
        .chain(untouched)
        .map(|&seat| {
            let (client, address) = (cluster.client.clone(), victim.address.clone());
            tokio::spawn(async move { (seat, book(&client, &address, seat, "stale-user").await) })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    victim.signal(libc::SIGCONT);
    let mut answers = Vec::new();
    for request in queued {
        answers.push(request.await.unwrap());
    }
    let fenced = crate::cluster::metric_sum(
        &cluster.client,
        &victim.address,
        "boxoffice_commit_failures_total",
    )
    .await;
    eprintln!(
        "paused owner after SIGCONT: {:?}, failed commits there {fenced}",
        answers.iter().map(|(seat, (status, _))| (*seat, *status)).collect::<Vec<_>>()
    );
    for (seat, (status, body)) in &answers {
        if taken.contains(seat) {
            assert!(
                matches!(status, 409 | 503),
                "seat {seat} was sold by the new owner; the paused node answered {status} {body}"
            );
        } else {
            assert!(matches!(status, 201 | 503), "seat {seat}: {status} {body}");
        }
    }
    let stored = cluster.db.active_bookings(event).await;
    for (seat, booking) in &winners {
        assert_eq!(stored.get(booking), Some(seat), "the new owner's booking stands");
    }
    for (seat, (status, body)) in &answers {
        if *status == 201 {
            let booking = body["bookingId"].as_i64().unwrap();
            assert_eq!(stored.get(&booking), Some(seat));
        }
    }
    assert_eq!(cluster.db.double_booked_seats().await, 0);
    for &seat in taken {
        assert_eq!(cluster.db.bookings_of_seat(seat).await, 1);
        assert_eq!(cluster.db.seat_version(seat).await, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joining_node_takes_its_share_without_a_failed_or_double_booking() {
    let mut cluster = TestCluster::start(3, TTL_MS).await;
    cluster.wait_balanced(Duration::from_secs(20)).await;
    let (event, seats) = cluster.create_event("Join", 200, 100).await;

    let load = Load::start(&cluster.client, cluster.addresses(), seats, 16);
    load.wait_for_booked(200, Duration::from_secs(5), "the load never got going").await;
    let joined = cluster.add_node().await;
    let owned = cluster.wait_balanced(Duration::from_secs(15)).await;
    assert_eq!(owned[&joined], PARTITIONS / 4, "the new node owns its share: {owned:?}");
    load.set_targets(cluster.addresses());
    let after = load.booked() + 300;
    load.wait_for_booked(after, Duration::from_secs(10), "bookings stalled after the join").await;
    let attempts = load.stop().await;
    let counts = answer_counts(&attempts);
    eprintln!("join load: {counts:?}");
    assert_eq!(counts.len(), 1, "every booking succeeded: {counts:?}");
    assert_eq!(counts[&201], attempts.len());
    assert_every_201_is_durable(&cluster.db, event, &attempts).await;
    assert_eq!(cluster.db.bookings_of_event(event).await as usize, attempts.len());
}

/// How long Redis is away in the outage test.
const REDIS_OUTAGE: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookings_stop_honestly_while_redis_is_down_and_resume_when_it_returns() {
    let mut redis = RedisServer::start();
    let cluster = TestCluster::start_with_redis(2, TTL_MS, &redis.url).await;
    cluster.wait_balanced(Duration::from_secs(20)).await;
    // Enough seats that the load cannot run out of them: each seat is tried once, and before
    // the leases lapse the nodes keep booking at full speed.
    let (event, seats) = cluster.create_event("Outage", 200, 100).await;

    let load = Load::start(&cluster.client, cluster.addresses(), seats, 8);
    load.wait_for_booked(100, Duration::from_secs(5), "the load never got going").await;
    redis.stop();
    let stopped_at = Instant::now();
    // The outage itself: bookings keep arriving, nodes cannot renew their leases.
    tokio::time::sleep(REDIS_OUTAGE).await;
    let before_restart = load.booked();
    redis.restart();
    let restarted_at = Instant::now();

    load.wait_for_booked(
        before_restart + 200,
        Duration::from_secs(20),
        "bookings did not resume after Redis returned",
    )
    .await;
    let attempts = load.stop().await;
    eprintln!("outage load: {:?}", answer_counts(&attempts));
    assert_every_201_is_durable(&cluster.db, event, &attempts).await;
    // Once the leases could not be renewed for TTL/2, nobody served: no 201 in the rest of
    // the outage (a margin covers requests already in flight).
    let quiet_from = stopped_at + TTL / 2 + Duration::from_secs(2);
    let during = attempts
        .iter()
        .filter(|a| a.status == Some(201) && a.at > quiet_from && a.at < restarted_at)
        .count();
    assert_eq!(during, 0, "bookings were confirmed while no node held a lease");
    assert!(attempts.iter().all(|a| matches!(a.status, Some(201 | 503))));
}

/// The fence alone, deterministically: another node raises a partition's fence in the database
/// (as a new owner does) while this node still believes it owns it. Its commit must fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_whose_fence_was_raised_elsewhere_commits_nothing_and_answers_503() {
    let app = crate::helpers::spawn_app(crate::helpers::Db::Postgres).await;
    let seat = 12;
    let partition = seat % PARTITIONS as i64;
    // Warm the seat's actor, so the stale state is held in memory too.
    assert_eq!(app.book(seat + 1, "warm-up", None).await.status(), 201);
    let raised = app.db.raise_fence_elsewhere(partition).await;
    assert_eq!(raised, 1, "the other node's fence is newer");

    let response = app.book(seat, "stale", None).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "UNAVAILABLE");
    assert_eq!(app.db.seat_version(seat).await, 0);
    assert_eq!(app.db.bookings_of_seat(seat).await, 0);
    let fenced = app.engine.commit_stats().fenced.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(fenced, 1, "the database refused the commit");
    // Seats of partitions this node still owns book as before.
    assert_eq!(app.book(seat + 2, "other", None).await.status(), 201);
    app.stop().await;
}
