//! The result of a run: what was sent, what came back (by status, by problem code, without an
//! answer), how fast (throughput over the wall time, latency percentiles in microseconds) and the
//! correctness check. Serialized as one JSON object for `--json` and for drivers such as
//! `make bench`; shown as a few aligned lines otherwise.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::args::Scenario;
use super::check::Check;
use super::plan::Plan;
use super::runner::{Outcome, Settings};

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub scenario: Scenario,
    pub url: String,
    /// The strategy sent with each booking (`None` for `ceiling`).
    pub strategy: Option<&'static str>,
    pub event_id: Option<u64>,
    pub event_created: bool,
    /// `hot-seat`: the seat.
    pub seat_id: Option<u64>,
    /// `hot-seat --taken`: the seat was booked before the run.
    pub taken: bool,
    /// Seats the requests went to (`distinct`: one each; `flash`: the seats of the draw).
    pub seats: usize,
    /// `flash`: the seed and exponent of the draw, to repeat it.
    pub seed: Option<u64>,
    pub zipf_exponent: Option<f64>,
    /// Workers, each on its own connection: `--concurrency`, or fewer when fewer requests.
    pub concurrency: usize,
    pub duration_ms: Option<u64>,
    /// `--rate`: the schedule requests were sent on (requests per second in all).
    pub rate_rps: Option<f64>,
    pub requests_planned: u64,
    pub requests_sent: u64,
    pub answered: u64,
    /// Requests without an HTTP answer, by kind (`connect`, `timeout`, `body`, `other`).
    pub unanswered: BTreeMap<&'static str, u64>,
    pub retries: u64,
    /// Whether `--duration` ended the run before every planned request was sent.
    pub stopped_by_duration: bool,
    pub elapsed_ms: u64,
    /// Answers per second over the wall time of the run.
    pub throughput_rps: f64,
    pub by_status: BTreeMap<u16, u64>,
    pub by_code: BTreeMap<String, u64>,
    pub latency: Latency,
    pub check: Check,
}

/// Latency of every answered exchange, in microseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    pub count: u64,
    pub mean_us: u64,
    pub p50_us: u64,
    pub p90_us: u64,
    pub p99_us: u64,
    pub max_us: u64,
}

impl Summary {
    pub fn new(plan: &Plan, settings: &Settings, outcome: &Outcome, check: Check) -> Self {
        let tally = &outcome.tally;
        let histogram = &tally.latency;
        let latency = if histogram.is_empty() {
            Latency { count: 0, mean_us: 0, p50_us: 0, p90_us: 0, p99_us: 0, max_us: 0 }
        } else {
            Latency {
                count: histogram.len(),
                mean_us: histogram.mean().round() as u64,
                p50_us: histogram.value_at_quantile(0.50),
                p90_us: histogram.value_at_quantile(0.90),
                p99_us: histogram.value_at_quantile(0.99),
                max_us: histogram.max(),
            }
        };
        let answered = tally.answered();
        let seconds = outcome.elapsed.as_secs_f64();
        let books = plan.scenario.books();
        Self {
            scenario: plan.scenario,
            url: settings.base.clone(),
            strategy: books.then(|| plan.strategy.as_str()),
            event_id: plan.event.or(tally.event_of_win),
            event_created: plan.event_created,
            seat_id: (plan.scenario == Scenario::HotSeat)
                .then(|| plan.seats.first().copied())
                .flatten(),
            taken: plan.taken,
            seats: plan.seats.len(),
            seed: plan.seed,
            zipf_exponent: plan.zipf_exponent,
            concurrency: outcome.workers,
            duration_ms: settings
                .duration
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            rate_rps: settings.rate,
            requests_planned: plan.requests,
            requests_sent: tally.sent,
            answered,
            unanswered: tally.unanswered.clone(),
            retries: tally.retries,
            stopped_by_duration: tally.sent < plan.requests,
            elapsed_ms: u64::try_from(outcome.elapsed.as_millis()).unwrap_or(u64::MAX),
            throughput_rps: if seconds > 0.0 { answered as f64 / seconds } else { 0.0 },
            by_status: tally.by_status.clone(),
            by_code: tally.by_code.clone(),
            latency,
            check,
        }
    }
}

/// Microseconds as milliseconds with two decimals.
fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1_000.0)
}

fn counts<K: fmt::Display>(counts: &BTreeMap<K, u64>) -> String {
    if counts.is_empty() {
        return "none".to_owned();
    }
    counts.iter().map(|(key, n)| format!("{key}: {n}")).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} against {}", self.scenario.as_str(), self.url)?;
        if let Some(strategy) = self.strategy {
            write!(f, ", strategy {strategy}")?;
        }
        writeln!(f)?;
        if let Some(event) = self.event_id {
            let fresh = if self.event_created { " (created for this run)" } else { "" };
            write!(f, "  event       {event}{fresh}")?;
            match (self.seat_id, self.seed) {
                (Some(seat), _) if self.taken => {
                    write!(f, ", seat {seat} (booked before the run)")?
                }
                (Some(seat), _) => write!(f, ", seat {seat}")?,
                (None, Some(seed)) => write!(
                    f,
                    ", {} seats, Zipf exponent {}, seed {seed}",
                    self.seats,
                    self.zipf_exponent.unwrap_or_default()
                )?,
                (None, None) => write!(f, ", {} seats", self.seats)?,
            }
            writeln!(f)?;
        }
        write!(
            f,
            "  requests    {} sent of {} planned by {} workers, {} answered",
            self.requests_sent, self.requests_planned, self.concurrency, self.answered
        )?;
        if self.stopped_by_duration {
            write!(f, " (stopped by --duration)")?;
        }
        if let Some(rate) = self.rate_rps {
            write!(f, ", scheduled at {rate:.0} requests/s")?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "  time        {:.2} s, {:.0} requests/s",
            self.elapsed_ms as f64 / 1_000.0,
            self.throughput_rps
        )?;
        writeln!(f, "  status      {}", counts(&self.by_status))?;
        if !self.by_code.is_empty() {
            writeln!(f, "  code        {}", counts(&self.by_code))?;
        }
        if !self.unanswered.is_empty() {
            writeln!(f, "  unanswered  {}", counts(&self.unanswered))?;
        }
        if self.retries > 0 {
            writeln!(f, "  retries     {} (503 retried after Retry-After)", self.retries)?;
        }
        let l = &self.latency;
        writeln!(
            f,
            "  latency     p50 {}, p90 {}, p99 {}, max {} (mean {}, {} exchanges)",
            ms(l.p50_us),
            ms(l.p90_us),
            ms(l.p99_us),
            ms(l.max_us),
            ms(l.mean_us),
            l.count
        )?;
        let check = &self.check;
        if self.scenario.books() {
            write!(f, "  seats       {} hit, {} won", check.seats_hit, check.seats_won)?;
            if let Some(booked) = check.seats_booked_in_map {
                write!(f, ", {booked} BOOKED in the seat map")?;
            }
            writeln!(f)?;
        }
        let verdict = if check.passed { "PASSED" } else { "FAILED" };
        writeln!(f, "  check       {verdict}: {}", check.rule)?;
        for failure in &check.failures {
            writeln!(f, "              - {failure}")?;
        }
        Ok(())
    }
}
