//! Throwaway Redis servers from the machine's own `redis-server`, on free loopback ports, with no
//! persistence (a restart loses everything, as a real outage of a cache-only Redis would).
//! Most tests share one server and keep apart by key prefix; a test that stops Redis starts its
//! own. `TEST_REDIS_URL` replaces the shared server when set.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::free_port;

const INSTALL_HINT: &str = "redis-server is not installed. Install it with \
     `sudo apt-get install -y redis-server` (or run `make test`, which installs it), or set \
     TEST_REDIS_URL to a Redis server the tests may use.";

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
            let server = RedisServer::start();
            let url = server.url.clone();
            // Lives as long as the test process; the watchdog removes it afterwards.
            std::mem::forget(server);
            url
        }
    })
}

/// A Redis server of one's own.
pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    pub url: String,
}

impl RedisServer {
    pub fn start() -> Self {
        let port = free_port();
        let mut server = Self { child: None, port, url: format!("redis://127.0.0.1:{port}") };
        server.restart();
        server
    }

    /// (Re)starts the server on its port, empty.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "the server is running");
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .args(["--daemonize", "no", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server ({e}). {INSTALL_HINT}"));
        watch_over(child.id());
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !answers_ping(self.port) {
            assert!(Instant::now() < deadline, "redis-server did not start within 20 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the server (its data is gone).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answers_ping(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}

/// Kills the server once this test process has ended, however it ended.
fn watch_over(server_pid: u32) {
    super::when_this_process_ends(&format!("kill -9 {server_pid} 2>/dev/null"));
}
