//! A throwaway PostgreSQL server for the whole test binary, started from the machine's own
//! binaries on a free loopback port, and one fresh database per test. `TEST_DATABASE_URL` (a URL
//! whose user may create databases) replaces the throwaway server when set.
//!
//! initdb refuses to run as root, so as root the server runs as `nobody`. A watchdog shell removes
//! the server and its files once the test process is gone, however it ended.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::free_port;

const INSTALL_HINT: &str = "PostgreSQL is not installed. Install it with `sudo apt-get install -y postgresql` \
     (or run `make test`, which installs it), or set TEST_DATABASE_URL to a server where the user may create databases.";

/// The URL of the server's maintenance database, starting the server on first use.
pub fn admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => start_server(),
    })
}

/// Creates an empty database for one test on the server whose maintenance database is `admin`,
/// and returns its URL.
pub async fn fresh_database_on(admin: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name =
        format!("boxoffice_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL at {admin}: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut connection)
        .await
        .expect("create the test database");
    with_database(admin, &name)
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{host_part}/{name}?{query}"),
        None => format!("{host_part}/{name}"),
    }
}

fn bin_dir() -> PathBuf {
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            // Follow links (Debian links a few tools into /usr/local/bin) to the real bin dir,
            // which also holds pg_isready.
            if let Ok(initdb) = dir.join("initdb").canonicalize()
                && let Some(real) = initdb.parent()
                && real.join("postgres").is_file()
                && real.join("pg_isready").is_file()
            {
                return real.to_path_buf();
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions
        .retain(|dir| ["initdb", "postgres", "pg_isready"].iter().all(|t| dir.join(t).is_file()));
    versions.sort();
    versions.pop().unwrap_or_else(|| panic!("{INSTALL_HINT}"))
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a PostgreSQL binary as an unprivileged user when we are root.
fn as_postgres_user(program: &Path) -> Command {
    let mut command = Command::new(program);
    if is_root() {
        command.uid(65534).gid(65534);
    }
    command
}

/// A PostgreSQL server of one's own, for a test that stops it.
pub struct PgServer {
    /// The maintenance database's URL.
    pub url: String,
    server_pid: u32,
}

impl PgServer {
    pub fn start() -> Self {
        let (url, server_pid) = start_server_in(&format!("own-{}", free_port()));
        Self { url, server_pid }
    }

    /// Stops the server at once ("immediate shutdown": the postmaster ends every backend and
    /// exits without a checkpoint, as close to a crash as PostgreSQL gets while still letting
    /// its backends go), and waits (bounded) until it is gone.
    pub fn stop(&self) {
        // SAFETY: kill only signals the server this test started.
        unsafe { libc::kill(self.server_pid as i32, libc::SIGQUIT) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while running(self.server_pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Whether a process runs (a zombie, exited but not yet reaped, does not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn start_server() -> String {
    start_server_in("shared").0
}

/// Starts a server whose files live in a directory named after `name`; returns its URL and pid.
// The server outlives this function on purpose; the watchdog reaps it.
#[allow(clippy::zombie_processes)]
fn start_server_in(name: &str) -> (String, u32) {
    let bin = bin_dir();
    let dir = std::env::temp_dir().join(format!("boxoffice-test-pg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.join("data");
    std::fs::create_dir_all(&dir).expect("create the PostgreSQL test directory");
    if is_root() {
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534))
            .expect("hand the directory to nobody");
    }
    let output = as_postgres_user(&bin.join("initdb"))
        .args(["-D"])
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run initdb ({e}). {INSTALL_HINT}"));
    assert!(output.status.success(), "initdb failed: {}", String::from_utf8_lossy(&output.stderr));

    let port = free_port();
    let log = std::fs::File::create(dir.join("postgres.log")).expect("create the server log");
    let server = as_postgres_user(&bin.join("postgres"))
        .arg("-D")
        .arg(&data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(&dir)
        .args([
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=400",
            "-c",
            "shared_buffers=128MB",
            "-c",
            "fsync=on",
            "-c",
            "synchronous_commit=on",
        ])
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start postgres ({e}). {INSTALL_HINT}"));
    let server_pid = server.id();
    watch_over(server_pid, &dir);

    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
            .output()
            .is_ok_and(|out| out.status.success());
        if ready {
            return (url, server_pid);
        }
        assert!(
            Instant::now() < deadline,
            "PostgreSQL did not start within 60 s; see {}",
            dir.join("postgres.log").display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Stops the server and removes its files once this test process has ended, however it ended.
fn watch_over(server_pid: u32, dir: &Path) {
    super::when_this_process_ends(&format!(
        "kill -QUIT {server_pid} 2>/dev/null; sleep 2; kill -9 -{server_pid} 2>/dev/null; rm -rf '{}'",
        dir.display()
    ));
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(with_database("postgres://u@h:5/postgres", "t1"), "postgres://u@h:5/t1");
        assert_eq!(with_database("postgres://u@h:5", "t1"), "postgres://u@h:5/t1");
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "t"),
            "postgres://u@h/t?sslmode=disable"
        );
    }
}
