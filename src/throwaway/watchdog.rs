//! A watchdog: a small shell, in a process group of its own so that Ctrl-C does not reach it,
//! that waits for this process to end and then kills a server's process group and removes its
//! files. It covers every way this process can end without running destructors; a clean stop
//! dismisses it first.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Watchdog {
    child: Child,
}

impl Watchdog {
    /// Watches over the process group led by `leader` and, when given, the directory `dir`.
    pub fn spawn(leader: u32, dir: Option<&Path>) -> std::io::Result<Self> {
        let remove =
            dir.map(|dir| format!("; sleep 1; rm -rf '{}'", dir.display())).unwrap_or_default();
        // `kill -9 -PGID`: dash, Debian's sh, refuses `kill -9 -- -PGID`.
        let script = format!(
            "while kill -0 {me} 2>/dev/null; do sleep 1; done; kill -9 -{leader} 2>/dev/null{remove}",
            me = std::process::id(),
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()?;
        Ok(Self { child })
    }
}

impl Drop for Watchdog {
    /// A clean stop: the server is stopped by its owner, the watchdog is no longer needed.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
