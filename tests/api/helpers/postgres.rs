//! A throwaway PostgreSQL server for the whole test binary (`boxoffice::throwaway::Postgres`:
//! the machine's own binaries, a free loopback port, as `nobody` when root, removed by a watchdog
//! once the test process is gone), and one fresh database per test. `TEST_DATABASE_URL` (a URL
//! whose user may create databases) replaces the throwaway server when set.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

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

/// Creates an empty database for one test and returns its URL.
pub async fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin = admin_url();
    let name =
        format!("boxoffice_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    boxoffice::throwaway::postgres::create_database(admin, &name)
        .await
        .unwrap_or_else(|e| panic!("cannot create a test database on {admin}: {e}"))
}
