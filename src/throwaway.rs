//! Throwaway PostgreSQL and Redis servers on free loopback ports, for `boxoffice bench`, the
//! criterion benchmarks and the integration tests. Each is started from the machine's own binaries
//! in a temporary directory of its own and removed when dropped; a [`watchdog`] removes it when
//! the process that started it ends any other way (a panic, Ctrl-C, SIGKILL).

use thiserror::Error;

/// A throwaway PostgreSQL server.
pub mod postgres;
/// A throwaway Redis server.
pub mod redis;
/// The shell that cleans up after a process that could not.
pub mod watchdog;

pub use postgres::Postgres;
pub use redis::Redis;

/// Why a throwaway server could not be started; the message says what to install or read.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct ThrowawayError(pub String);

/// A loopback port nobody listens on right now.
pub fn free_port() -> Result<u16, ThrowawayError> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| ThrowawayError(format!("no free loopback port: {error}")))
}

/// Whether this process runs as root (PostgreSQL refuses to).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A fresh, empty directory under the system's temporary directory.
fn fresh_dir(name: &str) -> Result<std::path::PathBuf, ThrowawayError> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "boxoffice-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|error| ThrowawayError(format!("cannot create {}: {error}", dir.display())))?;
    Ok(dir)
}

/// Kills a process group we started (the server and every process it forked).
fn kill_group(leader: u32) {
    // SAFETY: kill only sends a signal; the group is one this process started.
    unsafe {
        libc::kill(-(leader as i32), libc::SIGKILL);
    }
}
