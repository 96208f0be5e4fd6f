//! `boxoffice loadtest` against a real server: each scenario's counts and check are exact, and the
//! binary's exit code tells a passed check, a failed check and an unreachable server apart.

use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};

use boxoffice::config::{Cli, Command as CliCommand};
use boxoffice::loadtest::{
    EXIT_CHECK_FAILED, EXIT_SETUP_FAILED, EXIT_UNREACHABLE, LoadtestArgs, LoadtestError, Summary,
    run_scenario,
};
use clap::Parser;
use serde_json::Value;

use crate::helpers::{Db, TestApp, free_port, spawn_app, spawn_app_with};

/// Every run of these tests stops issuing requests after this long, whatever its count.
const RUN_BOUND: &str = "60s";

/// `boxoffice loadtest <flags>` against `app`, without a progress bar.
fn loadtest_args(app: &TestApp, flags: &[&str]) -> LoadtestArgs {
    let mut all = vec!["boxoffice", "loadtest", "--url", &app.address, "--no-progress"];
    all.extend_from_slice(flags);
    if !flags.contains(&"--duration") {
        all.extend_from_slice(&["--duration", RUN_BOUND]);
    }
    match Cli::try_parse_from(all).expect("loadtest arguments parse").command {
        CliCommand::Loadtest(args) => args,
        other => panic!("not a loadtest command: {other:?}"),
    }
}

async fn run(app: &TestApp, flags: &[&str]) -> Summary {
    let summary = run_scenario(&loadtest_args(app, flags)).await.expect("the run completes");
    eprintln!("{summary}");
    summary
}

/// The real binary, `boxoffice loadtest <args> --json`, with its output.
async fn run_binary(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_boxoffice"))
            .arg("loadtest")
            .args(args)
            .args(["--json", "--duration", RUN_BOUND])
            .env_remove("BOXOFFICE_ADMIN_TOKEN")
            .stdin(Stdio::null())
            .output()
            .expect("run the boxoffice binary")
    })
    .await
    .expect("the binary's thread")
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

fn stdout_json(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "one JSON line on stdout: {stdout}");
    serde_json::from_str(&stdout).expect("stdout is JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_hot_seat_finds_exactly_one_winner_among_2000_users() {
    let app = spawn_app(Db::Postgres).await;
    let summary = run(&app, &["hot-seat", "--requests", "2000", "--concurrency", "64"]).await;

    assert!(summary.check.passed, "{:?}", summary.check.failures);
    assert_eq!(summary.by_status, BTreeMap::from([(201, 1), (409, 1_999)]));
    assert_eq!(summary.by_code, BTreeMap::from([("SEAT_OCCUPIED".to_owned(), 1_999)]));
    assert_eq!(
        (summary.requests_sent, summary.answered, summary.latency.count),
        (2_000, 2_000, 2_000)
    );
    assert_eq!(summary.check.seats_booked_in_map, Some(1));
    assert!(summary.event_created && !summary.stopped_by_duration);
    let latency = summary.latency;
    assert!(
        0 < latency.p50_us && latency.p50_us <= latency.p99_us && latency.p99_us <= latency.max_us
    );
    assert!(summary.throughput_rps > 0.0);
    let event = summary.event_id.expect("the run's event") as i64;
    assert_eq!(app.db.bookings_of_event(event).await, 1);
    assert_eq!(app.db.double_booked_seats().await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_hot_seat_with_the_database_strategy_finds_one_winner() {
    let app = spawn_app(Db::Postgres).await;
    let summary = run(&app, &["hot-seat", "--requests", "500", "--strategy", "DATABASE"]).await;
    assert!(summary.check.passed, "{:?}", summary.check.failures);
    assert_eq!(summary.strategy, Some("DATABASE"));
    assert_eq!(summary.by_status, BTreeMap::from([(201, 1), (409, 499)]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_distinct_books_1000_different_seats() {
    let app = spawn_app(Db::Sqlite).await;
    let summary = run(&app, &["distinct", "--requests", "1000", "--concurrency", "32"]).await;

    assert!(summary.check.passed, "{:?}", summary.check.failures);
    assert_eq!(summary.by_status, BTreeMap::from([(201, 1_000)]));
    assert!(summary.by_code.is_empty());
    let check = &summary.check;
    assert_eq!(
        (check.won, check.seats_won, check.seats_booked_in_map),
        (1_000, 1_000, Some(1_000))
    );
    let event = summary.event_id.expect("the run's event") as i64;
    assert_eq!(app.db.bookings_of_event(event).await, 1_000);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_flash_has_one_winner_per_seat_hit_and_repeats_with_its_seed() {
    let app = spawn_app(Db::Postgres).await;
    let flags = ["flash", "--requests", "2000", "--seats", "200", "--seed", "42"];
    let first = run(&app, &flags).await;

    assert!(first.check.passed, "{:?}", first.check.failures);
    let check = &first.check;
    let (won, occupied) = (first.by_status[&201], first.by_status[&409]);
    assert_eq!(won + occupied, 2_000, "{:?}", first.by_status);
    assert_eq!((check.won, check.seats_won, check.seats_hit), (won, won, won));
    assert_eq!(check.seats_booked_in_map, Some(won));
    assert!(1 < won && won <= 200 && occupied > won, "skewed: {won} winners, {occupied} 409");
    assert_eq!((first.seed, first.seats), (Some(42), 200));
    let event = first.event_id.expect("the run's event") as i64;
    assert_eq!(app.db.bookings_of_event(event).await, won as i64);

    // The same seed on a fresh event draws the same seats, so the answers are the same.
    let again = run(&app, &flags).await;
    assert!(again.check.passed, "{:?}", again.check.failures);
    assert_ne!(again.event_id, first.event_id);
    assert_eq!(again.by_status, first.by_status);
    assert_eq!(app.db.double_booked_seats().await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_ceiling_answers_all_200_and_stops_on_time() {
    let app = spawn_app(Db::Sqlite).await;
    let counted = run(&app, &["ceiling", "--requests", "3000"]).await;
    assert!(counted.check.passed, "{:?}", counted.check.failures);
    assert_eq!(counted.by_status, BTreeMap::from([(200, 3_000)]));
    assert_eq!((counted.event_id, counted.strategy), (None, None));

    let timed = run(&app, &["ceiling", "--duration", "1s", "--concurrency", "8"]).await;
    assert!(timed.check.passed, "{:?}", timed.check.failures);
    assert!(timed.stopped_by_duration);
    assert!(0 < timed.requests_sent && timed.requests_sent < timed.requests_planned);
    assert_eq!(timed.by_status, BTreeMap::from([(200, timed.requests_sent)]));
    assert!((1_000..10_000).contains(&timed.elapsed_ms), "{} ms", timed.elapsed_ms);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_creates_its_event_with_the_admin_token_and_says_when_it_lacks_one() {
    let token = "loadtest-admin-token";
    let app = spawn_app_with(Db::Sqlite, &["--admin-token", token]).await;
    let without = run_scenario(&loadtest_args(&app, &["distinct", "--requests", "10"])).await;
    match without {
        Err(error @ LoadtestError::Setup(_)) => {
            assert!(error.to_string().contains("--admin-token"), "{error}");
            assert_eq!(error.exit_code(), EXIT_SETUP_FAILED);
        }
        other => panic!("expected a setup error, got {other:?}"),
    }
    let with = run(&app, &["distinct", "--requests", "10", "--admin-token", token]).await;
    assert!(with.check.passed, "{:?}", with.check.failures);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_with_the_redis_strategy_and_no_redis_fails_its_check() {
    let app = spawn_app(Db::Sqlite).await;
    let summary = run(&app, &["hot-seat", "--requests", "20", "--strategy", "REDIS"]).await;
    assert!(!summary.check.passed);
    assert_eq!(summary.by_status, BTreeMap::from([(422, 20)]));
    assert_eq!(summary.by_code, BTreeMap::from([("INVALID_REQUEST".to_owned(), 20)]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_binary_prints_one_json_summary_and_exits_0_when_the_check_passes() {
    let app = spawn_app(Db::Sqlite).await;
    let output =
        run_binary(strings(&["distinct", "--requests", "300", "--url", &app.address])).await;
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = stdout_json(&output);
    assert_eq!(summary["scenario"], "distinct");
    assert_eq!(summary["check"]["passed"], true);
    assert_eq!(summary["by_status"], serde_json::json!({ "201": 300 }));
    assert_eq!(summary["latency"]["count"], 300);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_binary_exits_1_when_the_hot_seat_was_sold_before_the_run() {
    let app = spawn_app(Db::Sqlite).await;
    assert_eq!(app.book(7, "early-bird", None).await.status(), 201);
    let args = strings(&["hot-seat", "--event", "1", "--seat", "7", "--requests", "100"]);
    let output = run_binary([args, strings(&["--url", &app.address])].concat()).await;

    assert_eq!(output.status.code(), Some(i32::from(EXIT_CHECK_FAILED)));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("check failed"), "{stderr}");
    let summary = stdout_json(&output);
    assert_eq!(summary["check"]["passed"], false);
    assert_eq!(summary["by_status"], serde_json::json!({ "409": 100 }));
    let failures = summary["check"]["failures"].to_string();
    assert!(failures.contains("no request won the seat"), "{failures}");
    assert_eq!(app.db.bookings_of_seat(7).await, 1, "the early bird keeps the seat");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loadtest_binary_exits_3_when_no_server_listens() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let output = run_binary(strings(&["ceiling", "--requests", "10", "--url", &url])).await;
    assert_eq!(output.status.code(), Some(i32::from(EXIT_UNREACHABLE)));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("could not reach the server"), "{stderr}");
    assert_eq!(stdout_json(&output)["error"], "unreachable");
}
