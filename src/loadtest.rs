//! `boxoffice loadtest`: drives a running server over HTTP with one scenario (`hot-seat`,
//! `distinct`, `flash`, `ceiling`), then checks that the answers add up (one winner per seat,
//! every winner BOOKED in the seat map) and reports counts, throughput and latency.
//!
//! [`run_scenario`] is the library entry point (a driver such as `make bench` calls it and gets a
//! [`Summary`]); [`run`] is the command: it prints the summary and turns it into an exit code.
//!
//! The parts: `args` (settings), `plan` (the event, seats and users of each request, with `zipf`
//! for `flash`), `runner` (workers on keep-alive connections, with `progress`), `client` (the
//! HTTP exchanges), `tally` (what the workers saw), `check` (the verdict) and `summary` (the
//! report).

use std::process::ExitCode;
use std::sync::Arc;

use thiserror::Error;

/// The settings of `boxoffice loadtest`.
mod args;
/// The correctness check at the end of a run.
mod check;
/// HTTP exchanges and setup calls.
mod client;
/// What each request sends.
mod plan;
/// The progress bar.
mod progress;
/// The workers.
mod runner;
/// The report of a run.
mod summary;
/// Per-worker counts and latencies.
mod tally;
/// Zipf sampling for `flash`.
mod zipf;

pub use args::{
    CONCURRENCY_MAX, DURATION_MAX, LoadtestArgs, REQUESTS_MAX, Scenario, parse_duration,
};
pub use check::Check;
pub use summary::{Latency, Summary};

/// Exit code: the run completed and its check failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code: the settings cannot work (clap uses the same code for its own usage errors).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the server could not be reached.
pub const EXIT_UNREACHABLE: u8 = 3;
/// Exit code: the server answered, but the run could not be set up (no admin token, no such
/// event, too few available seats).
pub const EXIT_SETUP_FAILED: u8 = 4;

/// Why a run did not produce a summary.
#[derive(Debug, Error)]
pub enum LoadtestError {
    #[error("invalid settings: {0}")]
    Usage(String),
    #[error("could not reach the server at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    #[error("could not set up the run: {0}")]
    Setup(String),
}

impl LoadtestError {
    pub fn exit_code(&self) -> u8 {
        match self {
            LoadtestError::Usage(_) => EXIT_USAGE,
            LoadtestError::Unreachable { .. } => EXIT_UNREACHABLE,
            LoadtestError::Setup(_) => EXIT_SETUP_FAILED,
        }
    }

    /// A stable name, for `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            LoadtestError::Usage(_) => "usage",
            LoadtestError::Unreachable { .. } => "unreachable",
            LoadtestError::Setup(_) => "setup",
        }
    }
}

/// Runs one scenario against the server at `args.url` and checks it.
pub async fn run_scenario(args: &LoadtestArgs) -> Result<Summary, LoadtestError> {
    args.validate()?;
    let base = args.url.trim_end_matches('/').to_owned();
    let setup = client::Setup::new(&base, args.admin_token.clone())?;
    setup.probe().await?;
    let plan = Arc::new(plan::Plan::prepare(&setup, args).await?);
    let settings = runner::Settings {
        base,
        concurrency: args.concurrency,
        duration: args.duration,
        rate: args.rate,
        retry_503: args.retry_503,
        progress: !args.no_progress,
    };
    let outcome = runner::drive(plan.clone(), &settings).await?;
    let check = check::verify(&setup, &plan, &outcome.tally).await?;
    Ok(Summary::new(&plan, &settings, &outcome, check))
}

/// The command: runs the scenario, prints the summary (text, or JSON with `--json`) on standard
/// output, and exits 0 when the check passed, [`EXIT_CHECK_FAILED`] when it failed, and
/// [`EXIT_UNREACHABLE`], [`EXIT_SETUP_FAILED`] or [`EXIT_USAGE`] when there was no run.
pub async fn run(mut args: LoadtestArgs) -> ExitCode {
    crate::telemetry::raise_open_files_limit();
    if args.scenario == Scenario::Flash && args.seed.is_none() {
        // Chosen here, so it is on the screen even if the run is interrupted.
        let seed = rand::random();
        eprintln!("flash: seed {seed} (repeat this draw with --seed {seed})");
        args.seed = Some(seed);
    }
    match run_scenario(&args).await {
        Ok(summary) => {
            if args.json {
                match serde_json::to_string(&summary) {
                    Ok(json) => println!("{json}"),
                    Err(error) => eprintln!("boxoffice loadtest: cannot write JSON: {error}"),
                }
            } else {
                print!("{summary}");
            }
            if summary.check.passed {
                ExitCode::SUCCESS
            } else {
                let failures = summary.check.failures.join("; ");
                eprintln!("boxoffice loadtest: check failed: {failures}");
                ExitCode::from(EXIT_CHECK_FAILED)
            }
        }
        Err(error) => {
            eprintln!("boxoffice loadtest: {error}");
            if args.json {
                let json =
                    serde_json::json!({ "error": error.kind(), "message": error.to_string() });
                println!("{json}");
            }
            ExitCode::from(error.exit_code())
        }
    }
}
