//! The `boxoffice` binary: parse the command line, then either serve (set up logging, build the
//! application, run it until SIGINT or SIGTERM), run a load test against a server, or run the
//! whole benchmark.

use std::process::ExitCode;

use boxoffice::config::{Cli, Command, ServeArgs};
use boxoffice::startup::Application;
use boxoffice::telemetry;
use clap::Parser;
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Loadtest(args) => boxoffice::loadtest::run(args).await,
        Command::Bench(args) => boxoffice::bench::run(args).await,
    }
}

async fn serve(args: ServeArgs) -> ExitCode {
    telemetry::init(args.log_format);
    telemetry::raise_open_files_limit();
    let result = async {
        let app = Application::build(args).await?;
        tokio::spawn(stop_on_signal(app.shutdown_token()));
        app.run_until_stopped().await
    };
    match result.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("boxoffice: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn stop_on_signal(shutdown: CancellationToken) {
    let (Ok(mut interrupt), Ok(mut terminate)) =
        (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        tracing::error!("cannot install signal handlers; stop the server with SIGKILL");
        return;
    };
    tokio::select! {
        _ = interrupt.recv() => tracing::info!("SIGINT: shutting down"),
        _ = terminate.recv() => tracing::info!("SIGTERM: shutting down"),
    }
    shutdown.cancel();
}
