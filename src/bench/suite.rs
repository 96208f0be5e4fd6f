//! The runs of `boxoffice bench`, in order: `ceiling`, then for each strategy `hot-seat` (every
//! user at once on one fresh seat, each on a connection of its own; for ACTOR also `hot-seat
//! pooled`, the same crowd over `--concurrency` connections), `hot-seat taken` (that seat again, now sold: every answer
//! `409`), `distinct` (for ACTOR also again at half the throughput it reached, for the latency
//! there) and `flash` (the same seeded draw for every strategy). Every booking run creates its own
//! event, so each starts from available seats. A failed check does not stop the suite: it shows
//! in the table.

use std::time::Duration;

use super::BenchError;
use super::args::BenchArgs;
use super::stack::resident_kib;
use crate::booking::Strategy;
use crate::loadtest::{self, LoadtestArgs, Scenario, Summary};

/// The seed of every `flash` draw, so that the strategies book the same seats in the same order.
const FLASH_SEED: u64 = 20_240_601;
/// A bound on runs that are sized by their requests (they end long before it when all is well).
const RUN_BOUND: Duration = Duration::from_secs(120);

/// One row of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Ceiling,
    HotSeat,
    HotSeatPooled,
    HotSeatTaken,
    Distinct,
    DistinctHalfRate,
    Flash,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Ceiling => "ceiling",
            Step::HotSeat => "hot-seat",
            Step::HotSeatPooled => "hot-seat pooled",
            Step::HotSeatTaken => "hot-seat taken",
            Step::Distinct => "distinct",
            Step::DistinctHalfRate => "distinct at half rate",
            Step::Flash => "flash",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Run {
    pub step: Step,
    /// `None` for `ceiling`.
    pub strategy: Option<Strategy>,
    pub summary: Summary,
    /// The server's resident memory right after the run.
    pub server_rss_kib: Option<u64>,
}

/// Runs every step against the server at `url`, whose process is `server_pid`.
pub async fn run_all(url: &str, server_pid: u32, args: &BenchArgs) -> Result<Vec<Run>, BenchError> {
    let step = |step_: Step, strategy: Option<Strategy>, args: LoadtestArgs| async move {
        let mut run = step(step_, strategy, &args).await?;
        run.server_rss_kib = resident_kib(server_pid).map(|(rss, _)| rss);
        Ok::<_, BenchError>(run)
    };
    let mut runs = Vec::new();
    let base = |scenario, strategy| LoadtestArgs {
        concurrency: args.concurrency,
        duration: Some(RUN_BOUND),
        strategy,
        no_progress: args.no_progress,
        ..LoadtestArgs::new(scenario, url)
    };

    let ceiling = LoadtestArgs {
        duration: Some(args.ceiling_duration),
        ..base(Scenario::Ceiling, Strategy::Actor)
    };
    runs.push(step(Step::Ceiling, None, ceiling).await?);

    for &strategy in &args.strategies {
        let hot = LoadtestArgs {
            requests: Some(args.hot_seat_users),
            concurrency: args.hot_seat_users as usize,
            ..base(Scenario::HotSeat, strategy)
        };
        let hot = step(Step::HotSeat, Some(strategy), hot).await?;
        let (event, seat) = (hot.summary.event_id, hot.summary.seat_id);
        runs.push(hot);
        if strategy == Strategy::Actor {
            // The same crowd over the usual pooled connections: how much of the wall time above
            // is 5,000 connections being opened at once.
            let pooled = LoadtestArgs {
                requests: Some(args.hot_seat_users),
                ..base(Scenario::HotSeat, strategy)
            };
            runs.push(step(Step::HotSeatPooled, Some(strategy), pooled).await?);
        }
        if let (Some(event), Some(seat)) = (event, seat) {
            let taken = LoadtestArgs {
                event: Some(event),
                seat: Some(seat),
                taken: true,
                duration: Some(args.taken_duration),
                ..base(Scenario::HotSeat, strategy)
            };
            runs.push(step(Step::HotSeatTaken, Some(strategy), taken).await?);
        }

        let distinct = LoadtestArgs {
            requests: Some(args.distinct_requests),
            duration: Some(args.duration),
            ..base(Scenario::Distinct, strategy)
        };
        let distinct = step(Step::Distinct, Some(strategy), distinct).await?;
        let half = distinct.summary.throughput_rps / 2.0;
        runs.push(distinct);
        if strategy == Strategy::Actor && half >= 1.0 {
            let seconds = args.half_rate_duration.as_secs_f64();
            let requests = ((half * seconds).ceil() as u64).clamp(1, args.distinct_requests);
            let at_half = LoadtestArgs {
                requests: Some(requests),
                rate: Some(half),
                // The schedule ends after `seconds`; the bound only matters if the server stalls.
                duration: Some(args.half_rate_duration * 3),
                ..base(Scenario::Distinct, strategy)
            };
            runs.push(step(Step::DistinctHalfRate, Some(strategy), at_half).await?);
        }

        let flash = LoadtestArgs {
            requests: Some(args.flash_requests),
            duration: Some(args.duration),
            seats: Some(args.flash_seats),
            seed: Some(FLASH_SEED),
            ..base(Scenario::Flash, strategy)
        };
        runs.push(step(Step::Flash, Some(strategy), flash).await?);
    }
    Ok(runs)
}

/// One run, reported on standard error as it ends.
async fn step(
    step: Step,
    strategy: Option<Strategy>,
    args: &LoadtestArgs,
) -> Result<Run, BenchError> {
    let name = match strategy {
        Some(strategy) => format!("{} {}", step.label(), strategy.as_str()),
        None => step.label().to_owned(),
    };
    eprintln!("bench: {name}…");
    let summary = loadtest::run_scenario(args)
        .await
        .map_err(|error| BenchError::Run(format!("{name}: {error}")))?;
    eprint!("{summary}");
    Ok(Run { step, strategy, summary, server_rss_kib: None })
}
