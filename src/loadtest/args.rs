//! The settings of `boxoffice loadtest`: which scenario, against which server, how hard and for
//! how long. They are checked together before the first request, with a message that names the
//! flag to change.

use std::time::Duration;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::LoadtestError;
use crate::booking::Strategy;
use crate::limits::SEATS_PER_EVENT_MAX;

pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";
/// Requests of a run given neither `--requests` nor `--duration`.
pub const DEFAULT_REQUESTS: u64 = 10_000;
/// Requests of any run. With `--duration` and no `--requests` a run may send up to this many
/// (`distinct`: up to the seats of one event), and the time decides.
pub const REQUESTS_MAX: u64 = 100_000_000;
pub const DEFAULT_CONCURRENCY: usize = 64;
/// Each worker holds one connection: beyond this the client's own sockets become the limit.
pub const CONCURRENCY_MAX: usize = 10_000;
pub const DURATION_MAX: Duration = Duration::from_secs(24 * 3_600);
/// Seats the `flash` scenario draws from unless `--seats` says otherwise.
pub const DEFAULT_FLASH_SEATS: usize = 1_000;
/// With exponent 1.2 over 1,000 seats the top ten seats get more than half of the requests.
pub const DEFAULT_ZIPF_EXPONENT: f64 = 1.2;
pub const ZIPF_EXPONENT_MAX: f64 = 10.0;
/// `--rate` above this is no schedule at all: no machine answers that fast.
pub const RATE_MAX: f64 = 10_000_000.0;

/// What a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// N requests by N different users, all on one seat: exactly one wins.
    HotSeat,
    /// N requests by N different users, each on a seat of its own: every one wins.
    Distinct,
    /// N requests on seats drawn from a Zipf distribution: most of them on a few seats.
    Flash,
    /// GET /health/live: the HTTP ceiling of the server on this machine.
    Ceiling,
}

impl Scenario {
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::HotSeat => "hot-seat",
            Scenario::Distinct => "distinct",
            Scenario::Flash => "flash",
            Scenario::Ceiling => "ceiling",
        }
    }

    /// Whether the scenario books seats (all but `ceiling`).
    pub fn books(self) -> bool {
        self != Scenario::Ceiling
    }
}

#[derive(Debug, Clone, Args)]
pub struct LoadtestArgs {
    /// The scenario to run.
    #[arg(value_enum)]
    pub scenario: Scenario,

    /// The server to load (plain HTTP).
    #[arg(long, default_value = DEFAULT_URL)]
    pub url: String,

    /// Event to book in (its available seats). Default: a fresh event sized for the scenario.
    #[arg(long)]
    pub event: Option<u64>,

    /// Bearer token for creating the event, when the server has one.
    #[arg(long, env = "BOXOFFICE_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Requests to send (default 10000; with --duration, as many as the time allows).
    #[arg(long)]
    pub requests: Option<u64>,

    /// Workers, each sending its requests one after another on its own keep-alive connection.
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,

    /// Stop issuing requests after this long, e.g. 30s, 500ms, 2m.
    #[arg(long, value_parser = parse_duration)]
    pub duration: Option<Duration>,

    /// Booking strategy sent with each booking: ACTOR, DATABASE or REDIS.
    #[arg(long, default_value = "ACTOR", value_parser = parse_strategy)]
    pub strategy: Strategy,

    /// hot-seat: the seat to book (default: a fresh one).
    #[arg(long)]
    pub seat: Option<u64>,

    /// hot-seat: the seat given with --seat is already booked, so every answer must be
    /// 409 SEAT_OCCUPIED (the cost of answering a crowd that lost).
    #[arg(long)]
    pub taken: bool,

    /// Requests per second in all, on a fixed schedule (open loop): request i is due at
    /// i / rate seconds and its latency counts from then, so time spent waiting for a free worker
    /// counts too. Default: every worker sends its next request as soon as it has an answer.
    #[arg(long)]
    pub rate: Option<f64>,

    /// flash: seats the requests are drawn from (default 1000).
    #[arg(long)]
    pub seats: Option<usize>,

    /// flash: Zipf exponent (default 1.2); 0 is uniform, larger puts more on the first seats.
    #[arg(long)]
    pub zipf_exponent: Option<f64>,

    /// flash: seed of the seat draw (default: random, printed), to repeat a run exactly.
    #[arg(long)]
    pub seed: Option<u64>,

    /// Retry a 503 after its Retry-After (5 attempts at most). Default: count it, move on.
    #[arg(long)]
    pub retry_503: bool,

    /// Print the summary as one JSON object on standard output.
    #[arg(long)]
    pub json: bool,

    /// No progress bar (there is none either when standard error is not a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

impl LoadtestArgs {
    /// A run of `scenario` against `url` with every other setting at its command-line default,
    /// for drivers (`boxoffice bench`) that set the few they care about with `..`.
    pub fn new(scenario: Scenario, url: &str) -> Self {
        Self {
            scenario,
            url: url.to_owned(),
            event: None,
            admin_token: None,
            requests: None,
            concurrency: DEFAULT_CONCURRENCY,
            duration: None,
            strategy: Strategy::Actor,
            seat: None,
            taken: false,
            rate: None,
            seats: None,
            zipf_exponent: None,
            seed: None,
            retry_503: false,
            json: false,
            no_progress: false,
        }
    }

    /// Checks the settings together, before anything is sent.
    pub fn validate(&self) -> Result<(), LoadtestError> {
        let fail = |message: String| Err(LoadtestError::Usage(message));
        if !self.url.starts_with("http://") {
            return fail(format!(
                "--url must be an http:// URL (the load test speaks plain HTTP), got {:?}",
                self.url
            ));
        }
        if !(1..=CONCURRENCY_MAX).contains(&self.concurrency) {
            return fail(format!(
                "--concurrency must be between 1 and {CONCURRENCY_MAX}, got {}",
                self.concurrency
            ));
        }
        if let Some(requests) = self.requests
            && !(1..=self.requests_max()).contains(&requests)
        {
            return fail(format!(
                "--requests must be between 1 and {} for {}, got {requests}",
                self.requests_max(),
                self.scenario.as_str()
            ));
        }
        if let Some(duration) = self.duration
            && (duration.is_zero() || duration > DURATION_MAX)
        {
            return fail(format!("--duration must be more than 0 and at most {DURATION_MAX:?}"));
        }
        if let Some(seats) = self.seats
            && !(1..=SEATS_PER_EVENT_MAX).contains(&seats)
        {
            return fail(format!("--seats must be between 1 and {SEATS_PER_EVENT_MAX}"));
        }
        if let Some(exponent) = self.zipf_exponent
            && !(0.0..=ZIPF_EXPONENT_MAX).contains(&exponent)
        {
            return fail(format!("--zipf-exponent must be between 0 and {ZIPF_EXPONENT_MAX}"));
        }
        if let Some(rate) = self.rate
            && !(rate > 0.0 && rate <= RATE_MAX)
        {
            return fail(format!("--rate must be more than 0 and at most {RATE_MAX}"));
        }
        if self.taken && self.seat.is_none() {
            return fail("--taken needs --seat: the already booked seat".into());
        }
        let only = |given: bool, flag: &str, scenario: Scenario| {
            if given && self.scenario != scenario {
                fail(format!("{flag} applies to the {} scenario only", scenario.as_str()))
            } else {
                Ok(())
            }
        };
        only(self.seat.is_some(), "--seat", Scenario::HotSeat)?;
        only(self.taken, "--taken", Scenario::HotSeat)?;
        only(self.seats.is_some(), "--seats", Scenario::Flash)?;
        only(self.zipf_exponent.is_some(), "--zipf-exponent", Scenario::Flash)?;
        only(self.seed.is_some(), "--seed", Scenario::Flash)?;
        if self.event.is_some() && !self.scenario.books() {
            return fail("--event applies to the scenarios that book seats".into());
        }
        Ok(())
    }

    /// The most requests this scenario can send: `distinct` needs a seat for each.
    pub fn requests_max(&self) -> u64 {
        match self.scenario {
            Scenario::Distinct => SEATS_PER_EVENT_MAX as u64,
            _ => REQUESTS_MAX,
        }
    }

    /// Requests to send: `--requests`, else as many as `--duration` allows, else the default.
    pub fn requests(&self) -> u64 {
        match (self.requests, self.duration) {
            (Some(requests), _) => requests,
            (None, Some(_)) => self.requests_max(),
            (None, None) => DEFAULT_REQUESTS.min(self.requests_max()),
        }
    }

    /// Seats of the `flash` draw.
    pub fn flash_seats(&self) -> usize {
        self.seats.unwrap_or(DEFAULT_FLASH_SEATS)
    }

    pub fn zipf_exponent(&self) -> f64 {
        self.zipf_exponent.unwrap_or(DEFAULT_ZIPF_EXPONENT)
    }
}

fn parse_strategy(text: &str) -> Result<Strategy, String> {
    Strategy::parse(text).map_err(|error| error.0)
}

/// `30s`, `500ms`, `2m`, `1h`, `1.5s`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 30s or 500ms"))?;
    let seconds = match unit {
        "ms" => number / 1_000.0,
        "" | "s" => number,
        "m" => number * 60.0,
        "h" => number * 3_600.0,
        _ => return Err(format!("unknown unit {unit:?} in {text:?}: use ms, s, m or h")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{text:?} is not a valid duration"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> LoadtestArgs {
        let mut all = vec!["boxoffice", "loadtest"];
        all.extend_from_slice(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Loadtest(args) => args,
            other => panic!("not a loadtest command: {other:?}"),
        }
    }

    #[test]
    fn durations_read_with_their_unit() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1_500)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        for bad in ["", "s", "10x", "-1s", "ten"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn defaults_target_the_local_server_with_the_actor_strategy() {
        let args = parse(&["hot-seat"]);
        assert!(args.validate().is_ok());
        assert_eq!(args.url, DEFAULT_URL);
        assert_eq!(args.strategy, Strategy::Actor);
        assert_eq!(args.requests(), DEFAULT_REQUESTS);
        assert_eq!(parse(&["ceiling", "--duration", "5s"]).requests(), REQUESTS_MAX);
        assert_eq!(parse(&["distinct", "--duration", "5s"]).requests(), 200_000);
        assert_eq!(parse(&["flash", "--strategy", "database"]).strategy, Strategy::Database);
    }

    #[test]
    fn settings_that_cannot_work_are_refused_with_the_flag_named() {
        for (args, flag) in [
            (vec!["ceiling", "--url", "https://x"], "--url"),
            (vec!["ceiling", "--concurrency", "0"], "--concurrency"),
            (vec!["distinct", "--requests", "200001"], "--requests"),
            (vec!["ceiling", "--requests", "0"], "--requests"),
            (vec!["ceiling", "--duration", "0s"], "--duration"),
            (vec!["flash", "--seats", "0"], "--seats"),
            (vec!["flash", "--zipf-exponent=-1"], "--zipf-exponent"),
            (vec!["flash", "--zipf-exponent", "11"], "--zipf-exponent"),
            (vec!["distinct", "--seat", "7"], "--seat"),
            (vec!["hot-seat", "--seed", "7"], "--seed"),
            (vec!["ceiling", "--event", "1"], "--event"),
            (vec!["hot-seat", "--taken"], "--taken"),
            (vec!["distinct", "--taken", "--seat", "1"], "--seat"),
            (vec!["ceiling", "--rate", "0"], "--rate"),
        ] {
            let error = parse(&args).validate().unwrap_err();
            assert!(error.to_string().contains(flag), "{args:?}: {error}");
        }
    }
}
