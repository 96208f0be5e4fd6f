//! The command line: `boxoffice serve` and its settings, and the `boxoffice loadtest` and
//! `boxoffice bench` commands (whose settings live in [`crate::loadtest`] and [`crate::bench`]).
//! Every `serve` flag has an environment variable; everything is validated before the server
//! starts, with a message that says what to change.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use thiserror::Error;

use crate::bench::BenchArgs;
use crate::limits::{STREAM_BUFFER_PER_EVENT, STREAM_CLIENTS_MAX};
use crate::loadtest::LoadtestArgs;
use crate::store::DEFAULT_DATABASE_URL;
use crate::telemetry::LogFormat;

/// Partitions of a new database when `--partitions` is not given.
pub const DEFAULT_PARTITIONS: u32 = 64;
pub const PARTITIONS_MAX: u32 = 4_096;
pub const LEASE_TTL_MS_MIN: u64 = 1_000;
pub const LEASE_TTL_MS_MAX: u64 = 60_000;
pub const CLUSTER_SECRET_CHARS_MIN: usize = 16;
pub const ADMIN_TOKEN_CHARS_MIN: usize = 8;

#[derive(Debug, Parser)]
#[command(name = "boxoffice", version, about = "A seat-booking engine for flash sales")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the server: HTTP API, seat streams and the web UI.
    Serve(ServeArgs),
    /// Loads a running server with one scenario, then checks the answers and reports latency.
    Loadtest(LoadtestArgs),
    /// Starts a throwaway PostgreSQL, Redis and server, runs every scenario for each strategy,
    /// and writes a Markdown table and an SVG chart of the results.
    Bench(BenchArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, env = "BOXOFFICE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Database: postgres://user:pass@host/db, or sqlite://path for the embedded file store.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Redis for a cluster of nodes (leases, change feed). Unset: a single node owning every seat.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key, so several clusters can share one Redis server.
    #[arg(long, env = "BOXOFFICE_REDIS_PREFIX", default_value = "boxoffice")]
    pub redis_prefix: String,

    /// This node's name in the cluster (default: derived from the process id).
    #[arg(long, env = "BOXOFFICE_NODE_ID")]
    pub node_id: Option<String>,

    /// The URL other nodes use to reach this one (default: `http://` and the listen address).
    #[arg(long, env = "BOXOFFICE_ADVERTISE_URL")]
    pub advertise_url: Option<String>,

    /// Partitions of the seat space (fixed when a database is first used; default 64).
    #[arg(long, env = "BOXOFFICE_PARTITIONS")]
    pub partitions: Option<u32>,

    /// Lease time-to-live in milliseconds: a dead node's seats move after about this long.
    #[arg(long, env = "BOXOFFICE_LEASE_TTL_MS", default_value_t = 5_000)]
    pub lease_ttl_ms: u64,

    /// Shared secret that nodes present to each other's internal endpoints (required with Redis).
    #[arg(long, env = "BOXOFFICE_CLUSTER_SECRET", hide_env_values = true)]
    pub cluster_secret: Option<String>,

    /// Bearer token for admin routes. Unset: admin routes answer only to loopback clients.
    #[arg(long, env = "BOXOFFICE_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Log format on standard error (filter with RUST_LOG).
    #[arg(long, env = "BOXOFFICE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Do not create the demo event on an empty database.
    #[arg(long, env = "BOXOFFICE_NO_DEMO")]
    pub no_demo: bool,

    /// Directory of the built web UI, served at /.
    #[arg(long, env = "BOXOFFICE_UI_DIR", default_value = "frontend/dist")]
    pub ui_dir: PathBuf,

    /// Seat stream clients this node serves at once (more get 503 with Retry-After).
    #[arg(long, env = "BOXOFFICE_STREAM_CLIENTS_MAX", default_value_t = STREAM_CLIENTS_MAX)]
    pub stream_clients_max: usize,

    /// Changes buffered per event for stream clients; a client further behind gets a snapshot.
    #[arg(long, env = "BOXOFFICE_STREAM_BUFFER", default_value_t = STREAM_BUFFER_PER_EVENT)]
    pub stream_buffer: usize,

    /// Committer tasks, each committing one batch at a time with its own connection.
    #[arg(long, env = "BOXOFFICE_COMMITTERS", default_value_t = 2)]
    pub committers: usize,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(pub String);

impl ServeArgs {
    /// Checks the settings together, before anything starts.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |message: String| Err(ConfigError(message));
        if let Some(partitions) = self.partitions
            && !(1..=PARTITIONS_MAX).contains(&partitions)
        {
            return fail(format!(
                "--partitions must be between 1 and {PARTITIONS_MAX}, got {partitions}"
            ));
        }
        if !(LEASE_TTL_MS_MIN..=LEASE_TTL_MS_MAX).contains(&self.lease_ttl_ms) {
            return fail(format!(
                "--lease-ttl-ms must be between {LEASE_TTL_MS_MIN} and {LEASE_TTL_MS_MAX}, got {}",
                self.lease_ttl_ms
            ));
        }
        // Renewal runs every ttl/3 and a node stops serving at ttl/2 without one: the first must
        // come well before the second.
        if self.lease_renew_interval_ms() * 2 >= self.lease_ttl_ms {
            return fail("the lease renewal interval must be shorter than half the TTL".into());
        }
        if !(1..=16).contains(&self.committers) {
            return fail(format!("--committers must be between 1 and 16, got {}", self.committers));
        }
        if !(1..=1_000_000).contains(&self.stream_clients_max) {
            return fail("--stream-clients-max must be between 1 and 1000000".into());
        }
        if !(1..=1_000_000).contains(&self.stream_buffer) {
            return fail("--stream-buffer must be between 1 and 1000000".into());
        }
        if let Some(token) = &self.admin_token
            && token.chars().count() < ADMIN_TOKEN_CHARS_MIN
        {
            return fail(format!(
                "--admin-token must be at least {ADMIN_TOKEN_CHARS_MIN} characters"
            ));
        }
        if !(self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
            || self.database_url.starts_with("sqlite:"))
        {
            return fail(format!(
                "--database-url must start with postgres:// or sqlite:, got {:?}",
                self.database_url
            ));
        }
        if self.redis_prefix.is_empty()
            || self.redis_prefix.len() > 64
            || !self.redis_prefix.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        {
            return fail(
                "--redis-prefix must be 1 to 64 characters of letters, digits, - _ . :".into(),
            );
        }
        if let Some(node_id) = &self.node_id
            && (node_id.is_empty()
                || node_id.len() > 64
                || !node_id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)))
        {
            return fail("--node-id must be 1 to 64 characters of letters, digits, - _ .".into());
        }
        if self.redis_url.is_some() {
            if self.database_url.starts_with("sqlite:") {
                return fail(
                    "a cluster (--redis-url) needs a shared PostgreSQL --database-url".into(),
                );
            }
            match &self.cluster_secret {
                Some(secret) if secret.chars().count() >= CLUSTER_SECRET_CHARS_MIN => {}
                _ => {
                    return fail(format!(
                        "--cluster-secret (at least {CLUSTER_SECRET_CHARS_MIN} characters) is required with --redis-url"
                    ));
                }
            }
            if self.advertise_url.is_none() && self.listen.ip().is_unspecified() {
                return fail(
                    "--advertise-url is required when listening on an unspecified address in a cluster".into(),
                );
            }
        }
        Ok(())
    }

    pub fn lease_renew_interval_ms(&self) -> u64 {
        self.lease_ttl_ms / 3
    }

    /// This node's id: the configured one, or one derived from the process id.
    pub fn node_id(&self) -> String {
        self.node_id.clone().unwrap_or_else(|| format!("node-{}", std::process::id()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> ServeArgs {
        let mut all = vec!["boxoffice", "serve"];
        all.extend_from_slice(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Serve(args) => args,
            other => panic!("not a serve command: {other:?}"),
        }
    }

    #[test]
    fn defaults_are_a_valid_single_node_on_sqlite() {
        let args = parse(&[]);
        assert_eq!(args.validate(), Ok(()));
        assert_eq!(args.database_url, "sqlite://./data/boxoffice.db");
        assert_eq!(args.listen.port(), 8080);
        assert_eq!(args.lease_renew_interval_ms(), 1_666);
    }

    #[test]
    fn a_cluster_needs_a_secret_and_postgres() {
        let no_secret = parse(&["--redis-url", "redis://x", "--database-url", "postgres://db/x"]);
        assert!(no_secret.validate().unwrap_err().0.contains("--cluster-secret"));
        let on_sqlite =
            parse(&["--redis-url", "redis://x", "--cluster-secret", "0123456789abcdef"]);
        assert!(on_sqlite.validate().unwrap_err().0.contains("PostgreSQL"));
        let ok = parse(&[
            "--redis-url",
            "redis://x",
            "--database-url",
            "postgres://db/x",
            "--cluster-secret",
            "0123456789abcdef",
        ]);
        assert_eq!(ok.validate(), Ok(()));
    }

    #[test]
    fn out_of_range_settings_are_refused_with_the_flag_named() {
        for (args, flag) in [
            (vec!["--partitions", "0"], "--partitions"),
            (vec!["--lease-ttl-ms", "10"], "--lease-ttl-ms"),
            (vec!["--committers", "0"], "--committers"),
            (vec!["--admin-token", "short"], "--admin-token"),
            (vec!["--database-url", "mysql://x"], "--database-url"),
            (vec!["--node-id", "a b"], "--node-id"),
        ] {
            let error = parse(&args).validate().unwrap_err();
            assert!(error.0.contains(flag), "{args:?}: {error}");
        }
    }
}
