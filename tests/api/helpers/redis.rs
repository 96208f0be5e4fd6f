//! Throwaway Redis servers (`boxoffice::throwaway::Redis`: the machine's own `redis-server`, a
//! free loopback port, no persistence). Most tests share one server and keep apart by key prefix;
//! a test that stops Redis starts its own. `TEST_REDIS_URL` replaces the shared server when set.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use boxoffice::throwaway::Redis;

/// A key prefix no other test uses.
pub fn unique_prefix() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("bo-test-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The shared server's URL, starting it on first use.
pub fn shared_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            static SERVER: OnceLock<Redis> = OnceLock::new();
            // Never dropped: it lives as long as the test process, and its watchdog removes it.
            SERVER.get_or_init(|| Redis::start().unwrap_or_else(|e| panic!("{e}"))).url.clone()
        }
    })
}

/// A Redis server of one's own, stopped when dropped.
pub struct RedisServer {
    server: Redis,
    pub url: String,
}

impl RedisServer {
    pub fn start() -> Self {
        let server = Redis::start().unwrap_or_else(|e| panic!("{e}"));
        let url = server.url.clone();
        Self { server, url }
    }

    /// (Re)starts the server on its port, empty.
    pub fn restart(&mut self) {
        self.server.restart().unwrap_or_else(|e| panic!("{e}"));
    }

    /// Kills the server (its data is gone).
    pub fn stop(&mut self) {
        self.server.stop();
    }
}
