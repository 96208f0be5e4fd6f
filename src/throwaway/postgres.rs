//! A throwaway PostgreSQL server from the machine's own binaries (`initdb`, `postgres`,
//! `pg_isready`), on a free loopback port, with its data in a temporary directory. Durable like a
//! production server (`fsync` and `synchronous_commit` on), so that what is measured against it
//! is what a durable commit costs. PostgreSQL refuses to run as root: as root it runs as `nobody`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::watchdog::Watchdog;
use super::{ThrowawayError, free_port, fresh_dir, is_root, kill_group};

pub const INSTALL_HINT: &str = "PostgreSQL is not installed. Install it with `sudo apt-get install -y postgresql` \
     (or run `make test`, which installs it), or set TEST_DATABASE_URL to a server where the user may create databases.";

/// How long the server may take to accept connections.
const START_WAIT: Duration = Duration::from_secs(60);
/// The user and group PostgreSQL runs as when we are root.
const NOBODY: u32 = 65_534;

pub struct Postgres {
    child: Child,
    /// Dismissed before the directory goes, so it never outlives its server.
    watchdog: Option<Watchdog>,
    dir: PathBuf,
    port: u16,
    url: String,
}

impl Postgres {
    /// Starts a server and waits until it accepts connections. `name` goes into the name of
    /// its directory (`boxoffice-<name>-<pid>-<n>` under the temporary directory).
    pub fn start(name: &str) -> Result<Self, ThrowawayError> {
        let bin = bin_dir()?;
        let dir = fresh_dir(name)?;
        if is_root() {
            std::os::unix::fs::chown(&dir, Some(NOBODY), Some(NOBODY)).map_err(|e| {
                ThrowawayError(format!("cannot hand {} to nobody: {e}", dir.display()))
            })?;
        }
        let data = dir.join("data");
        let output = as_postgres_user(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
            .output()
            .map_err(|e| ThrowawayError(format!("cannot run initdb ({e}). {INSTALL_HINT}")))?;
        if !output.status.success() {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(ThrowawayError(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }

        let port = free_port()?;
        let log_path = dir.join("postgres.log");
        let log = std::fs::File::create(&log_path)
            .and_then(|log| Ok((log.try_clone()?, log)))
            .map_err(|e| ThrowawayError(format!("cannot create the server log: {e}")))?;
        let child = as_postgres_user(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(&dir)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=400"])
            .args(["-c", "shared_buffers=128MB", "-c", "fsync=on", "-c", "synchronous_commit=on"])
            .stdin(Stdio::null())
            .stdout(log.0)
            .stderr(log.1)
            .process_group(0)
            .spawn()
            .map_err(|e| ThrowawayError(format!("cannot start postgres ({e}). {INSTALL_HINT}")))?;
        let watchdog = Watchdog::spawn(child.id(), Some(&dir)).ok();
        let server = Self {
            child,
            watchdog,
            dir,
            port,
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        };
        server.wait_ready(&bin)?;
        Ok(server)
    }

    fn wait_ready(&self, bin: &Path) -> Result<(), ThrowawayError> {
        let deadline = Instant::now() + START_WAIT;
        loop {
            let ready = Command::new(bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres"])
                .output()
                .is_ok_and(|out| out.status.success());
            if ready {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let log =
                    std::fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
                return Err(ThrowawayError(format!(
                    "PostgreSQL did not start within {START_WAIT:?}: {log}"
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The URL of the maintenance database `postgres` (user `postgres`, no password).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's directory: its data and `postgres.log`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The process id of the postmaster.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.watchdog.take();
        kill_group(self.child.id());
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Creates database `name` on the server at `admin_url` and returns its URL.
pub async fn create_database(admin_url: &str, name: &str) -> Result<String, sqlx::Error> {
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut connection)
        .await?;
    Ok(with_database(admin_url, name))
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

/// The directory of the PostgreSQL binaries: the one `initdb` on the `PATH` lives in, else the
/// newest `/usr/lib/postgresql/*/bin`.
fn bin_dir() -> Result<PathBuf, ThrowawayError> {
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            // Follow links (Debian links a few tools into /usr/local/bin) to the real bin dir,
            // which also holds pg_isready.
            if let Ok(initdb) = dir.join("initdb").canonicalize()
                && let Some(real) = initdb.parent()
                && real.join("postgres").is_file()
                && real.join("pg_isready").is_file()
            {
                return Ok(real.to_path_buf());
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions
        .retain(|dir| ["initdb", "postgres", "pg_isready"].iter().all(|t| dir.join(t).is_file()));
    versions.sort();
    versions.pop().ok_or_else(|| ThrowawayError(INSTALL_HINT.to_owned()))
}

/// Runs a PostgreSQL binary as an unprivileged user when we are root.
fn as_postgres_user(program: &Path) -> Command {
    let mut command = Command::new(program);
    if is_root() {
        command.uid(NOBODY).gid(NOBODY);
    }
    command
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
