//! The system under test as `boxoffice bench` runs it: a throwaway PostgreSQL (durable: `fsync`
//! and `synchronous_commit` on) and Redis, and the server itself as a child process (`serve` in
//! cluster mode with one node, so that all three strategies work), ready once it owns every
//! partition. Dropping the stack stops the server, then Redis, then PostgreSQL, and removes their
//! files; watchdogs do the same if this process dies without dropping it.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::BenchError;
use crate::throwaway::watchdog::Watchdog;
use crate::throwaway::{Postgres, Redis, free_port};

/// How long the server may take to own every partition.
const READY_WAIT: Duration = Duration::from_secs(60);
/// How long a stopping server may take to finish in-flight work before it is killed.
const STOP_WAIT: Duration = Duration::from_secs(15);
/// The secret nodes present to each other; one node here, so it only has to be valid.
const CLUSTER_SECRET: &str = "boxoffice-bench-cluster-secret";

pub struct Stack {
    /// The server's base URL, `http://127.0.0.1:<port>`.
    pub url: String,
    binary: PathBuf,
    // Fields drop in order: the server first, the databases after it.
    server: ServerChild,
    redis: Redis,
    postgres: Postgres,
}

impl Stack {
    pub async fn start(binary: &Path) -> Result<Self, BenchError> {
        let servers = tokio::task::spawn_blocking(|| {
            let postgres = Postgres::start("bench-pg")?;
            let redis = Redis::start()?;
            Ok::<_, crate::throwaway::ThrowawayError>((postgres, redis))
        })
        .await
        .map_err(|e| BenchError::Setup(format!("the server start panicked: {e}")))?
        .map_err(|e| BenchError::Setup(e.to_string()))?;
        let (postgres, redis) = servers;
        let port = free_port().map_err(|e| BenchError::Setup(e.to_string()))?;
        let log = postgres.dir().join("boxoffice-1.log");
        let server = ServerChild::spawn(binary, port, postgres.url(), &redis.url, &log)?;
        let mut stack = Self {
            url: format!("http://127.0.0.1:{port}"),
            binary: binary.to_owned(),
            server,
            redis,
            postgres,
        };
        stack.wait_ready().await?;
        Ok(stack)
    }

    /// Stops the server and starts a fresh process on the same databases (a new port), ready
    /// once it has taken every partition and loaded their seats.
    pub async fn restart_server(&mut self) -> Result<(), BenchError> {
        // The old node hands its partitions back as it stops, so the new one takes them at once.
        self.server.stop();
        let port = free_port().map_err(|e| BenchError::Setup(e.to_string()))?;
        let log = self.postgres.dir().join(format!("boxoffice-{port}.log"));
        self.server =
            ServerChild::spawn(&self.binary, port, self.postgres.url(), &self.redis.url, &log)?;
        self.url = format!("http://127.0.0.1:{port}");
        self.wait_ready().await
    }

    /// The server's process id, for its memory.
    pub fn server_pid(&self) -> u32 {
        self.server.child.id()
    }

    /// The last lines of the server's log, for an error message.
    pub fn log_tail(&self) -> String {
        log_tail(&self.server.log)
    }

    async fn wait_ready(&mut self) -> Result<(), BenchError> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| BenchError::Setup(format!("cannot build an HTTP client: {e}")))?;
        let deadline = Instant::now() + READY_WAIT;
        let mut last = Value::Null;
        loop {
            if let Ok(response) = client.get(format!("{}/health/ready", self.url)).send().await {
                let ok = response.status() == 200;
                last = response.json().await.unwrap_or(Value::Null);
                let partitions = &last["checks"]["partitions"];
                if ok && partitions["owned"] == partitions["total"] {
                    return Ok(());
                }
            }
            if let Ok(Some(status)) = self.server.child.try_wait() {
                return Err(BenchError::Setup(format!(
                    "the server exited with {status}:\n{}",
                    self.log_tail()
                )));
            }
            if Instant::now() >= deadline {
                return Err(BenchError::Setup(format!(
                    "the server did not own every partition within {READY_WAIT:?} ({last}):\n{}",
                    self.log_tail()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// `boxoffice serve` in a process group of its own (Ctrl-C reaches the bench, which stops it).
struct ServerChild {
    child: Child,
    _watchdog: Option<Watchdog>,
    log: PathBuf,
    /// Once reaped, its process id may belong to another process: never signal it again.
    stopped: bool,
}

impl ServerChild {
    fn spawn(
        binary: &Path,
        port: u16,
        database_url: &str,
        redis_url: &str,
        log: &Path,
    ) -> Result<Self, BenchError> {
        let file = std::fs::File::create(log)
            .and_then(|file| Ok((file.try_clone()?, file)))
            .map_err(|e| BenchError::Setup(format!("cannot create {}: {e}", log.display())))?;
        let child = Command::new(binary)
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--database-url", database_url, "--redis-url", redis_url])
            .args(["--cluster-secret", CLUSTER_SECRET, "--node-id", "bench-1"])
            .args(["--no-demo", "--ui-dir", "/nonexistent"])
            .env("RUST_LOG", "warn")
            .env_remove("BOXOFFICE_ADMIN_TOKEN")
            .stdin(Stdio::null())
            .stdout(file.0)
            .stderr(file.1)
            .process_group(0)
            .spawn()
            .map_err(|e| {
                BenchError::Setup(format!("cannot start {} serve: {e}", binary.display()))
            })?;
        let watchdog = Watchdog::spawn(child.id(), None).ok();
        Ok(Self { child, _watchdog: watchdog, log: log.to_owned(), stopped: false })
    }

    /// SIGTERM and a bounded wait for the ordered stop, then SIGKILL.
    fn stop(&mut self) {
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SAFETY: kill only sends a signal to our own child, which has not been reaped.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + STOP_WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        self.stop();
    }
}

fn log_tail(path: &Path) -> String {
    const LINES: usize = 30;
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(LINES)..].join("\n")
}

/// Resident memory of a process now and at its peak, in KiB (`VmRSS`, `VmHWM`).
pub fn resident_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
