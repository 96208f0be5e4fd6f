//! `boxoffice bench` end to end with tiny sizes, so that the driver cannot rot: it starts its own
//! PostgreSQL, Redis and the real (debug) binary, runs every scenario for every strategy, writes
//! its table and chart, and stops everything. No timing is asserted: a debug build on a shared
//! machine measures nothing worth a threshold.

use boxoffice::bench::{BenchArgs, RESULTS_MD, RESULTS_SVG, Step, run_bench};
use boxoffice::booking::Strategy;
use boxoffice::config::{Cli, Command};
use clap::Parser;

use crate::helpers::TempDir;
use crate::helpers::cluster::exclusive_turn;

fn tiny_bench(out_dir: &str) -> BenchArgs {
    let args = [
        "boxoffice",
        "bench",
        "--out-dir",
        out_dir,
        "--server-binary",
        env!("CARGO_BIN_EXE_boxoffice"),
        "--no-progress",
        "--concurrency",
        "16",
        "--ceiling-duration",
        "500ms",
        "--taken-duration",
        "500ms",
        "--hot-seat-users",
        "200",
        "--distinct-requests",
        "200",
        "--flash-requests",
        "200",
        "--flash-seats",
        "50",
        "--duration",
        "20s",
        "--half-rate-duration",
        "500ms",
        "--memory-events",
        "2",
        "--memory-event-seats",
        "1000",
        "--memory-actors",
        "100",
    ];
    match Cli::try_parse_from(args).expect("bench arguments parse").command {
        Command::Bench(args) => args,
        other => panic!("not a bench command: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_runs_every_scenario_for_every_strategy_and_writes_its_table_and_chart() {
    // A cluster node under load: it takes its turn with the cluster tests.
    let _turn = exclusive_turn().await;
    let out = TempDir::new("bench");
    let args = tiny_bench(out.0.to_str().expect("a UTF-8 temp path"));

    let report = run_bench(&args).await.expect("the bench runs");

    let table = report.markdown();
    assert!(report.passed(), "{table}");
    assert!(report.find(Step::Ceiling, None).is_some(), "{table}");
    for strategy in Strategy::ALL {
        for step in [Step::HotSeat, Step::HotSeatTaken, Step::Distinct, Step::Flash] {
            let row = format!("| {} | {} |", step.label(), strategy.as_str());
            assert!(table.contains(&row), "no row {row}:\n{table}");
            assert!(report.find(step, Some(strategy)).is_some(), "{row}");
        }
    }
    assert!(table.contains("| distinct at half rate | ACTOR |"), "{table}");
    let hot = report.find(Step::HotSeat, Some(Strategy::Actor)).expect("hot-seat ACTOR");
    assert_eq!((hot.by_status.get(&201), hot.by_status.get(&409)), (Some(&1), Some(&199)));
    let taken = report.find(Step::HotSeatTaken, Some(Strategy::Database)).expect("taken");
    assert!(taken.answered > 0 && !taken.by_status.contains_key(&201), "{table}");
    for ratio in ["ACTOR / DATABASE, distinct", "ACTOR / REDIS, flash", "taken / ceiling"] {
        assert!(table.contains(ratio), "no ratio {ratio}:\n{table}");
    }
    let memory = report.memory.as_ref().expect("the memory was measured");
    assert!(memory.rss_kib > 0 && memory.seats_loaded >= 2_000, "{memory:?}");
    assert_eq!(memory.actors_activated, 100);

    let written = std::fs::read_to_string(out.0.join(RESULTS_MD)).expect("results.md");
    assert_eq!(written, table);
    let svg = std::fs::read_to_string(out.0.join(RESULTS_SVG)).expect("results.svg");
    assert!(svg.starts_with("<svg") && svg.contains("ACTOR") && svg.contains("hot-seat taken"));
}
