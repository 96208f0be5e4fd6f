//! A throwaway Redis server from the machine's own `redis-server`, on a free loopback port, with
//! no persistence: a restart loses everything, as a real outage of a cache-only Redis would.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::watchdog::Watchdog;
use super::{ThrowawayError, free_port, kill_group};

pub const INSTALL_HINT: &str = "redis-server is not installed. Install it with \
     `sudo apt-get install -y redis-server` (or run `make test`, which installs it), or set \
     TEST_REDIS_URL to a Redis server the tests may use.";

/// How long the server may take to answer PING.
const START_WAIT: Duration = Duration::from_secs(20);

pub struct Redis {
    /// `None` while stopped.
    running: Option<(Child, Watchdog)>,
    pub port: u16,
    pub url: String,
}

impl Redis {
    pub fn start() -> Result<Self, ThrowawayError> {
        let port = free_port()?;
        let mut server = Self { running: None, port, url: format!("redis://127.0.0.1:{port}") };
        server.restart()?;
        Ok(server)
    }

    /// (Re)starts the server on its port, empty, and waits until it answers PING.
    pub fn restart(&mut self) -> Result<(), ThrowawayError> {
        if self.running.is_some() {
            return Err(ThrowawayError("the Redis server is running".into()));
        }
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .args(["--daemonize", "no", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                ThrowawayError(format!("cannot start redis-server ({e}). {INSTALL_HINT}"))
            })?;
        let watchdog = Watchdog::spawn(child.id(), None)
            .map_err(|e| ThrowawayError(format!("cannot start the cleanup watchdog: {e}")))?;
        self.running = Some((child, watchdog));
        let deadline = Instant::now() + START_WAIT;
        while !answers_ping(self.port) {
            if Instant::now() >= deadline {
                self.stop();
                return Err(ThrowawayError(format!(
                    "redis-server did not start within {START_WAIT:?}"
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Kills the server (its data is gone).
    pub fn stop(&mut self) {
        if let Some((mut child, watchdog)) = self.running.take() {
            drop(watchdog);
            kill_group(child.id());
            let _ = child.wait();
        }
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.running.as_ref().map(|(child, _)| child.id())
    }
}

impl Drop for Redis {
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
