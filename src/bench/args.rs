//! The settings of `boxoffice bench`: how big and how long each scenario is, where the results
//! go, and the memory measurement. The defaults keep a whole run to a few minutes on two cores.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::BenchError;
use crate::booking::Strategy;
use crate::limits::SEATS_PER_EVENT_MAX;
use crate::loadtest::{CONCURRENCY_MAX, DURATION_MAX, parse_duration};

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Where results.md and results.svg are written.
    #[arg(long, default_value = "bench")]
    pub out_dir: PathBuf,

    /// The boxoffice executable to serve (default: this one).
    #[arg(long)]
    pub server_binary: Option<PathBuf>,

    /// ceiling: how long to load GET /health/live.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub ceiling_duration: Duration,

    /// Workers of ceiling, hot-seat taken, distinct and flash (one connection each).
    #[arg(long, default_value_t = 128)]
    pub concurrency: usize,

    /// hot-seat: users on one fresh seat, all at once (one connection each).
    #[arg(long, default_value_t = 5_000)]
    pub hot_seat_users: u64,

    /// hot-seat taken: how long to book the seat hot-seat sold (every answer 409).
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub taken_duration: Duration,

    /// distinct: requests, each on a seat of its own in a fresh event.
    #[arg(long, default_value_t = 40_000)]
    pub distinct_requests: u64,

    /// flash: requests on Zipf-drawn seats of a fresh event.
    #[arg(long, default_value_t = 20_000)]
    pub flash_requests: u64,

    /// flash: seats of the draw.
    #[arg(long, default_value_t = 1_000)]
    pub flash_seats: usize,

    /// The longest a distinct or flash run may send requests (the slow strategies stop here).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,

    /// distinct at half rate (ACTOR): how long to book at half the throughput measured.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub half_rate_duration: Duration,

    /// Strategies to compare, in order (ACTOR first: the ratios divide by the others).
    #[arg(long, value_delimiter = ',', default_value = "ACTOR,DATABASE,REDIS", value_parser = parse_strategy)]
    pub strategies: Vec<Strategy>,

    /// Memory: events created before the resident memory is read.
    #[arg(long, default_value_t = 5)]
    pub memory_events: usize,

    /// Memory: seats of each of those events (the API's maximum is 200000).
    #[arg(long, default_value_t = 200_000)]
    pub memory_event_seats: usize,

    /// Memory: seat actors activated (one booking each on different seats) before the reading.
    #[arg(long, default_value_t = 10_000)]
    pub memory_actors: u64,

    /// Skip the memory measurement.
    #[arg(long)]
    pub no_memory: bool,

    /// No progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

impl BenchArgs {
    /// Checks the settings together, before any server starts.
    pub fn validate(&self) -> Result<(), BenchError> {
        let fail = |message: String| Err(BenchError::Usage(message));
        for (flag, duration) in [
            ("--ceiling-duration", self.ceiling_duration),
            ("--taken-duration", self.taken_duration),
            ("--duration", self.duration),
            ("--half-rate-duration", self.half_rate_duration),
        ] {
            if duration.is_zero() || duration > DURATION_MAX {
                return fail(format!("{flag} must be more than 0 and at most {DURATION_MAX:?}"));
            }
        }
        if !(1..=CONCURRENCY_MAX).contains(&self.concurrency) {
            return fail(format!("--concurrency must be between 1 and {CONCURRENCY_MAX}"));
        }
        // Each user of the crowd has a connection of its own.
        if !(1..=CONCURRENCY_MAX as u64).contains(&self.hot_seat_users) {
            return fail(format!("--hot-seat-users must be between 1 and {CONCURRENCY_MAX}"));
        }
        let seats_max = SEATS_PER_EVENT_MAX as u64;
        for (flag, requests) in [
            ("--distinct-requests", self.distinct_requests),
            ("--memory-actors", self.memory_actors),
        ] {
            if !(1..=seats_max).contains(&requests) {
                return fail(format!("{flag} must be between 1 and {seats_max}"));
            }
        }
        if self.flash_requests == 0 {
            return fail("--flash-requests must be at least 1".into());
        }
        if !(1..=SEATS_PER_EVENT_MAX).contains(&self.flash_seats)
            || !(1..=SEATS_PER_EVENT_MAX).contains(&self.memory_event_seats)
        {
            return fail(
                "--flash-seats and --memory-event-seats must be between 1 and 200000".into(),
            );
        }
        if self.memory_events == 0 || self.memory_actors > self.memory_event_seats as u64 {
            return fail(
                "--memory-events must be at least 1 and --memory-actors at most --memory-event-seats"
                    .into(),
            );
        }
        if self.strategies.is_empty() || self.strategies[0] != Strategy::Actor {
            return fail(
                "--strategies must start with ACTOR (the ratios are ACTOR over the others)".into(),
            );
        }
        Ok(())
    }
}

fn parse_strategy(text: &str) -> Result<Strategy, String> {
    Strategy::parse(text).map_err(|error| error.0)
}

#[cfg(test)]
mod tests {
    use crate::config::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> super::BenchArgs {
        let mut all = vec!["boxoffice", "bench"];
        all.extend_from_slice(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Bench(args) => args,
            other => panic!("not a bench command: {other:?}"),
        }
    }

    #[test]
    fn the_defaults_are_valid_and_compare_every_strategy() {
        let args = parse(&[]);
        assert!(args.validate().is_ok());
        assert_eq!(args.out_dir, std::path::PathBuf::from("bench"));
        assert_eq!(args.strategies, crate::booking::Strategy::ALL);
        assert_eq!(args.hot_seat_users, 5_000);
    }

    #[test]
    fn settings_that_cannot_work_are_refused_with_the_flag_named() {
        for (args, flag) in [
            (vec!["--duration", "0s"], "--duration"),
            (vec!["--concurrency", "0"], "--concurrency"),
            (vec!["--hot-seat-users", "10001"], "--hot-seat-users"),
            (vec!["--distinct-requests", "200001"], "--distinct-requests"),
            (vec!["--memory-actors", "500", "--memory-event-seats", "100"], "--memory-actors"),
            (vec!["--strategies", "DATABASE,ACTOR"], "--strategies"),
        ] {
            let error = parse(&args).validate().unwrap_err();
            assert!(error.to_string().contains(flag), "{args:?}: {error}");
        }
    }
}
