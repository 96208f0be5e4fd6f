//! What the numbers were measured on: cores, memory, CPU model, kernel, the commit and the build
//! of the server. Read from `/proc` and `git`; anything unreadable is reported as unknown.

use std::process::Command;

#[derive(Debug, Clone)]
pub struct Machine {
    pub cores: usize,
    pub memory_gib: Option<f64>,
    pub cpu: Option<String>,
    pub kernel: Option<String>,
    /// `git describe --always --dirty` of the working directory.
    pub commit: Option<String>,
    /// `release` or `debug`: how this binary (and so the server it started) was built.
    pub build: &'static str,
}

impl Machine {
    pub fn read() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_gib = field(&meminfo, "MemTotal")
            .and_then(|kib| kib.split_whitespace().next()?.parse::<f64>().ok())
            .map(|kib| kib / (1024.0 * 1024.0));
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = field(&cpuinfo, "model name");
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .map(|text| text.trim().to_owned());
        let commit = Command::new("git")
            .args(["describe", "--always", "--dirty"])
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned());
        let build = if cfg!(debug_assertions) { "debug" } else { "release" };
        Self { cores, memory_gib, cpu, kernel, commit, build }
    }

    /// One line for the report.
    pub fn describe(&self) -> String {
        let unknown = || "unknown".to_owned();
        format!(
            "{} cores ({}), {} RAM, Linux {}, {} build of {}",
            self.cores,
            self.cpu.clone().unwrap_or_else(unknown),
            self.memory_gib.map_or_else(unknown, |gib| format!("{gib:.0} GiB")),
            self.kernel.clone().unwrap_or_else(unknown),
            self.build,
            self.commit.clone().map_or_else(unknown, |commit| format!("commit {commit}")),
        )
    }
}

/// The value of the first `name: value` line.
fn field(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn proc_fields_are_read_by_name() {
        let text = "processor\t: 0\nmodel name\t: Some CPU @ 2.0GHz\nMemTotal:       24576000 kB\n";
        assert_eq!(field(text, "model name").as_deref(), Some("Some CPU @ 2.0GHz"));
        assert_eq!(field(text, "MemTotal").as_deref(), Some("24576000 kB"));
        assert_eq!(field(text, "cache size"), None);
    }
}
