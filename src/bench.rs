//! `boxoffice bench`: the whole benchmark in one go. It starts a throwaway PostgreSQL (durable)
//! and Redis and the server itself as a child process, runs the load test scenarios against it
//! for each strategy (`suite`), measures the server's memory with many seats and actors loaded
//! (`memory`), then stops everything and writes one Markdown table (`report`) and an SVG chart
//! (`chart`) to `--out-dir`, with the machine it ran on (`machine`).
//!
//! [`run_bench`] is the library entry point (the smoke test calls it with tiny sizes); [`run`] is
//! the command: it prints the table and turns the outcome into an exit code.

use std::path::Path;
use std::process::ExitCode;

use thiserror::Error;

/// The settings of `boxoffice bench`.
mod args;
/// The SVG chart.
mod chart;
/// The machine the numbers were measured on.
mod machine;
/// The memory measurement.
mod memory;
/// The Markdown report and the goals.
mod report;
/// PostgreSQL, Redis and the server under test.
mod stack;
/// The runs, in order.
mod suite;

pub use args::BenchArgs;
pub use machine::Machine;
pub use memory::Memory;
pub use report::{Goal, Report};
pub use suite::{Run, Step};

/// The file names written to `--out-dir`.
pub const RESULTS_MD: &str = "results.md";
pub const RESULTS_SVG: &str = "results.svg";

/// Exit code: the bench ran and a check failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the servers could not be started, a run could not be set up, or the results could
/// not be written.
pub const EXIT_FAILED: u8 = 3;
/// Exit code: interrupted (Ctrl-C); everything started was stopped.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Why the bench produced no report.
#[derive(Debug, Error)]
pub enum BenchError {
    #[error("invalid settings: {0}")]
    Usage(String),
    #[error("could not start the servers: {0}")]
    Setup(String),
    #[error("a run could not be carried out: {0}")]
    Run(String),
    #[error("could not write the results: {0}")]
    Output(String),
    #[error("interrupted")]
    Interrupted,
}

impl BenchError {
    pub fn exit_code(&self) -> u8 {
        match self {
            BenchError::Usage(_) => EXIT_USAGE,
            BenchError::Interrupted => EXIT_INTERRUPTED,
            _ => EXIT_FAILED,
        }
    }
}

/// Starts the servers, runs everything, stops the servers, writes `results.md` and
/// `results.svg` to `args.out_dir`, and returns the report (whether its checks passed or not).
pub async fn run_bench(args: &BenchArgs) -> Result<Report, BenchError> {
    args.validate()?;
    // Thousands of connections on each side of loopback, in two processes.
    crate::telemetry::raise_open_files_limit();
    let binary = match &args.server_binary {
        Some(binary) => binary.clone(),
        None => std::env::current_exe()
            .map_err(|e| BenchError::Setup(format!("cannot find this executable: {e}")))?,
    };
    let machine = Machine::read();
    eprintln!("bench: starting PostgreSQL, Redis and {} serve…", binary.display());
    let mut stack = stack::Stack::start(&binary).await?;
    let outcome = async {
        let runs = suite::run_all(&stack.url, stack.server_pid(), args).await?;
        let memory = match args.no_memory {
            true => None,
            false => Some(memory::measure(&mut stack, args).await?),
        };
        Ok::<_, BenchError>(Report::new(machine, runs, memory, args))
    }
    .await;
    if outcome.is_err() {
        eprintln!("bench: the server's last log lines:\n{}", stack.log_tail());
    }
    eprintln!("bench: stopping the servers…");
    drop(stack);
    let report = outcome?;
    write(&args.out_dir, &report)?;
    Ok(report)
}

fn write(dir: &Path, report: &Report) -> Result<(), BenchError> {
    let fail = |what: &Path, e: std::io::Error| {
        BenchError::Output(format!("cannot write {}: {e}", what.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let md = dir.join(RESULTS_MD);
    std::fs::write(&md, report.markdown()).map_err(|e| fail(&md, e))?;
    chart::draw(&dir.join(RESULTS_SVG), report)
}

/// The command: prints the table on standard output, exits 0 when every check passed.
pub async fn run(args: BenchArgs) -> ExitCode {
    // On Ctrl-C the run is dropped, and with it the servers it started.
    let outcome = tokio::select! {
        outcome = run_bench(&args) => outcome,
        _ = tokio::signal::ctrl_c() => Err(BenchError::Interrupted),
    };
    match outcome {
        Ok(report) => {
            print!("{}", report.markdown());
            eprintln!(
                "bench: wrote {} and {}",
                args.out_dir.join(RESULTS_MD).display(),
                args.out_dir.join(RESULTS_SVG).display()
            );
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                eprintln!("bench: a check failed (see the table)");
                ExitCode::from(EXIT_CHECK_FAILED)
            }
        }
        Err(error) => {
            eprintln!("boxoffice bench: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
