//! A throwaway PostgreSQL server for the whole test binary (`boxoffice::throwaway::Postgres`:
//! the machine's own binaries, a free loopback port, as `nobody` when root, removed by a watchdog
//! once the test process is gone), and one fresh database per test. `TEST_DATABASE_URL` (a URL
//! whose user may create databases) replaces the throwaway server when set.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use boxoffice::throwaway::Postgres;

/// The URL of the server's maintenance database, starting the server on first use.
pub fn admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            static SERVER: OnceLock<Postgres> = OnceLock::new();
            // Never dropped: it lives as long as the test process, and the watchdog removes it.
            let server = SERVER.get_or_init(|| {
                Postgres::start("test-pg").unwrap_or_else(|error| panic!("{error}"))
            });
            server.url().to_owned()
        }
    })
}

/// Creates an empty database for one test on the server whose maintenance database is `admin`.
pub async fn fresh_database_on(admin: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name =
        format!("boxoffice_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    boxoffice::throwaway::postgres::create_database(admin, &name)
        .await
        .unwrap_or_else(|e| panic!("cannot create a test database on {admin}: {e}"))
}

/// A PostgreSQL server of one's own, for a test that stops it.
pub struct PgServer {
    server: Postgres,
    /// The maintenance database's URL.
    pub url: String,
}

impl PgServer {
    pub fn start() -> Self {
        let server = Postgres::start("own-pg").unwrap_or_else(|error| panic!("{error}"));
        let url = server.url().to_owned();
        Self { server, url }
    }

    /// Stops the server at once ("immediate shutdown": the postmaster ends every backend and
    /// exits without a checkpoint, as close to a crash as PostgreSQL gets while still letting its
    /// backends go), and waits (bounded) until it is gone.
    pub fn stop(&self) {
        let pid = self.server.pid();
        // SAFETY: kill only signals the server this test started.
        unsafe { libc::kill(pid as i32, libc::SIGQUIT) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while running(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Whether a process runs (a zombie, exited but not yet reaped, does not).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}
