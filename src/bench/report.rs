//! The results of `boxoffice bench` as one Markdown document: the machine, one table row per run
//! (throughput, p50/p99 latency, the answers, the check), the ratios between strategies, the
//! memory reading, and each goal of the benchmark with what was measured against it.

use std::fmt::Write as _;

use super::args::BenchArgs;
use super::machine::Machine;
use super::memory::Memory;
use super::suite::{Run, Step};
use crate::booking::Strategy;
use crate::loadtest::Summary;

/// What the goals ask for.
pub const GOAL_DISTINCT_RPS: f64 = 25_000.0;
pub const GOAL_OVER_DATABASE: f64 = 10.0;
pub const GOAL_OVER_REDIS: f64 = 5.0;
pub const GOAL_TAKEN_OF_CEILING: f64 = 0.70;
pub const GOAL_HOT_SEAT_WALL_MS: u64 = 500;
pub const GOAL_HALF_RATE_P99_US: u64 = 10_000;
pub const GOAL_RSS_KIB: u64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Report {
    pub machine: Machine,
    /// When the run ended (UTC).
    pub at: String,
    /// The sizes of the runs, in words.
    pub settings: String,
    pub runs: Vec<Run>,
    pub memory: Option<Memory>,
}

/// One goal and how the run fared against it (`met: None` when the run did not measure it).
#[derive(Debug, Clone)]
pub struct Goal {
    pub goal: String,
    pub measured: String,
    pub met: Option<bool>,
}

impl Report {
    pub fn new(machine: Machine, runs: Vec<Run>, memory: Option<Memory>, args: &BenchArgs) -> Self {
        let settings = format!(
            "ceiling {:?}; hot-seat {} users at once, each on a connection of its own (pooled: \
             over the connections below); hot-seat taken {:?}; distinct {} requests; \
             distinct at half rate {:?}; flash {} requests on {} seats (Zipf 1.2, fixed seed); \
             distinct and flash stop after {:?}; {} connections except hot-seat",
            args.ceiling_duration,
            args.hot_seat_users,
            args.taken_duration,
            args.distinct_requests,
            args.half_rate_duration,
            args.flash_requests,
            args.flash_seats,
            args.duration,
            args.concurrency,
        );
        let at = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
        Self { machine, at, settings, runs, memory }
    }

    /// The summary of one run.
    pub fn find(&self, step: Step, strategy: Option<Strategy>) -> Option<&Summary> {
        self.runs
            .iter()
            .find(|run| run.step == step && run.strategy == strategy)
            .map(|run| &run.summary)
    }

    /// Every check passed (the memory measurement's bookings included).
    pub fn passed(&self) -> bool {
        self.runs.iter().all(|run| run.summary.check.passed)
            && self.memory.as_ref().is_none_or(|memory| memory.check_passed)
    }

    fn rps(&self, step: Step, strategy: Option<Strategy>) -> Option<f64> {
        self.find(step, strategy).map(|summary| summary.throughput_rps)
    }

    /// ACTOR over DATABASE and over REDIS (distinct, flash) and ACTOR taken over the ceiling.
    pub fn ratios(&self) -> Vec<(String, Option<f64>)> {
        let actor = Some(Strategy::Actor);
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let mut ratios = Vec::new();
        for step in [Step::Distinct, Step::Flash] {
            for other in [Strategy::Database, Strategy::Redis] {
                ratios.push((
                    format!("ACTOR / {}, {}", other.as_str(), step.label()),
                    ratio(self.rps(step, actor), self.rps(step, Some(other))),
                ));
            }
        }
        ratios.push((
            "ACTOR hot-seat taken / ceiling".to_owned(),
            ratio(self.rps(Step::HotSeatTaken, actor), self.rps(Step::Ceiling, None)),
        ));
        ratios
    }

    pub fn goals(&self) -> Vec<Goal> {
        let actor = Some(Strategy::Actor);
        let ratios = self.ratios();
        let ratio_of = |name: &str| ratios.iter().find(|(n, _)| n == name).and_then(|(_, r)| *r);
        let mut goals = Vec::new();
        let distinct = self.rps(Step::Distinct, actor);
        goals.push(Goal {
            goal: "distinct seats, ACTOR: ≥ 25,000 durable bookings/s".into(),
            measured: distinct.map_or("not run".into(), |rps| format!("{} /s", thousands(rps))),
            met: distinct.map(|rps| rps >= GOAL_DISTINCT_RPS),
        });
        for (other, goal) in [("DATABASE", GOAL_OVER_DATABASE), ("REDIS", GOAL_OVER_REDIS)] {
            let value = ratio_of(&format!("ACTOR / {other}, distinct"));
            goals.push(Goal {
                goal: format!("distinct seats: ACTOR ≥ {goal:.0}× {other}"),
                measured: value.map_or("not run".into(), |r| format!("{r:.1}×")),
                met: value.map(|r| r >= goal),
            });
        }
        let taken = ratio_of("ACTOR hot-seat taken / ceiling");
        goals.push(Goal {
            goal: "hot seat already taken (all 409), ACTOR: ≥ 70% of the ceiling".into(),
            measured: taken.map_or("not run".into(), |r| format!("{:.0}%", r * 100.0)),
            met: taken.map(|r| r >= GOAL_TAKEN_OF_CEILING),
        });
        let hot = self.find(Step::HotSeat, actor);
        goals.push(Goal {
            goal: "N concurrent users on one fresh seat, ACTOR: all answered (1 × 201, the rest 409) in ≤ 0.5 s".into(),
            measured: hot.map_or("not run".into(), |s| {
                format!("{} users: {} in {:.2} s", s.requests_planned, statuses(s), s.elapsed_ms as f64 / 1e3)
            }),
            met: hot.map(|s| {
                s.check.passed
                    && s.answered == s.requests_planned
                    && s.by_status.get(&201) == Some(&1)
                    && s.by_status.get(&409).copied() == Some(s.requests_planned - 1)
                    && s.elapsed_ms <= GOAL_HOT_SEAT_WALL_MS
            }),
        });
        let half = self.find(Step::DistinctHalfRate, actor);
        goals.push(Goal {
            goal: "booking latency p99 ≤ 10 ms at half the maximum throughput (distinct, ACTOR)"
                .into(),
            measured: half.map_or("not run".into(), |s| {
                format!("p99 {} at {} /s", ms(s.latency.p99_us), thousands(s.throughput_rps))
            }),
            met: half.map(|s| s.check.passed && s.latency.p99_us <= GOAL_HALF_RATE_P99_US),
        });
        let memory = self.memory.as_ref();
        goals.push(Goal {
            goal: "memory: 1,000,000 seats loaded and 10,000 active seat actors in ≤ 1 GiB RSS"
                .into(),
            measured: memory.map_or("not run".into(), |m| {
                format!(
                    "{} MiB with {} seats and {} actors",
                    m.rss_kib / 1024,
                    thousands(m.seats_loaded as f64),
                    m.actors_active.map_or("?".into(), |n| thousands(n as f64))
                )
            }),
            met: memory.map(|m| {
                m.rss_kib <= GOAL_RSS_KIB
                    && m.seats_loaded >= 1_000_000
                    && m.actors_active.unwrap_or(m.actors_activated) >= 10_000
            }),
        });
        goals
    }

    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "Measured {} on {}.\n", self.at, self.machine.describe());
        let _ = writeln!(md, "Runs: {}.\n", self.settings);
        md.push_str("| scenario | strategy | requests | requests/s | p50 | p99 | answers | wall time | server RSS | check |\n");
        md.push_str("|---|---|---:|---:|---:|---:|---|---:|---:|---|\n");
        for run in &self.runs {
            let s = &run.summary;
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {:.2} s | {} | {} |",
                run.step.label(),
                run.strategy.map_or("–", Strategy::as_str),
                thousands(s.answered as f64),
                thousands(s.throughput_rps),
                ms(s.latency.p50_us),
                ms(s.latency.p99_us),
                statuses(s),
                s.elapsed_ms as f64 / 1e3,
                run.server_rss_kib.map_or("–".to_owned(), |kib| format!("{} MiB", kib / 1024)),
                if s.check.passed {
                    "passed".to_owned()
                } else {
                    format!("FAILED: {}", s.check.failures.join("; "))
                },
            );
        }
        md.push_str("\n| ratio of throughputs | value |\n|---|---:|\n");
        for (name, value) in self.ratios() {
            let value = value.map_or("–".to_owned(), |r| format!("{r:.2}×"));
            let _ = writeln!(md, "| {name} | {value} |");
        }
        if let Some(m) = &self.memory {
            let _ = writeln!(
                md,
                "\nMemory of a fresh server process: {} MiB resident (peak {} MiB) with {} seats \
                 in {} events loaded and {} seat actors active ({} activated by one booking \
                 each); {} MiB with the seats loaded, before the actors.",
                m.rss_kib / 1024,
                m.rss_peak_kib / 1024,
                thousands(m.seats_loaded as f64),
                m.events_loaded,
                m.actors_active.map_or("?".into(), |n| thousands(n as f64)),
                thousands(m.actors_activated as f64),
                m.rss_loaded_kib / 1024,
            );
        }
        md.push_str("\n| goal | measured | met |\n|---|---|---|\n");
        for goal in self.goals() {
            let met = match goal.met {
                Some(true) => "yes",
                Some(false) => "no",
                None => "–",
            };
            let _ = writeln!(md, "| {} | {} | {met} |", goal.goal, goal.measured);
        }
        md
    }
}

/// `201: 1, 409: 4,999`, and the unanswered requests if any.
fn statuses(summary: &Summary) -> String {
    let mut parts: Vec<String> = summary
        .by_status
        .iter()
        .map(|(status, n)| format!("{status}: {}", thousands(*n as f64)))
        .collect();
    let unanswered: u64 = summary.unanswered.values().sum();
    if unanswered > 0 {
        parts.push(format!("no answer: {}", thousands(unanswered as f64)));
    }
    parts.join(", ")
}

/// Microseconds as milliseconds.
fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1_000.0)
}

/// A whole number with thousands separators: `12,345`.
pub fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1_000.0), "1,000");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }
}
