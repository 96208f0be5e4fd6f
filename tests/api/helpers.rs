//! The test harness: `spawn_app` gives each test a fresh database (PostgreSQL or SQLite), the
//! server on a free port inside the test's runtime, and a `TestApp` with one method per endpoint
//! and direct database assertions. `ServerProcess` runs the real binary, for tests that kill it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use boxoffice::config::{Cli, Command as CliCommand, ServeArgs};
use boxoffice::startup::Application;
use boxoffice_actors::Engine;
use clap::Parser;
use serde_json::{Value, json};
use sqlx::{PgPool, SqlitePool};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub mod cluster;
pub mod load;
pub mod postgres;
pub mod redis;

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Postgres,
    Sqlite,
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    boxoffice::throwaway::free_port().unwrap_or_else(|e| panic!("{e}"))
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(purpose: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "boxoffice-test-{purpose}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temp dir");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // A failed test keeps its files (server logs) for the post-mortem.
        if std::thread::panicking() {
            eprintln!("kept for inspection: {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A database for one test, with a pool for assertions.
pub enum TestDb {
    Postgres { url: String, pool: PgPool },
    Sqlite { url: String, pool: SqlitePool, _dir: TempDir },
}

impl TestDb {
    pub async fn fresh(db: Db) -> Self {
        match db {
            Db::Postgres => Self::fresh_on(postgres::admin_url()).await,
            Db::Sqlite => {
                let dir = TempDir::new("sqlite");
                let url = format!("sqlite://{}", dir.0.join("boxoffice.db").display());
                // The pool connects lazily: the server creates the file and its schema first.
                let pool = SqlitePool::connect_lazy(&url).expect("an assertion pool");
                TestDb::Sqlite { url, pool, _dir: dir }
            }
        }
    }

    /// A fresh database on the PostgreSQL server whose maintenance database is `admin`.
    pub async fn fresh_on(admin: &str) -> Self {
        let url = postgres::fresh_database_on(admin).await;
        let pool = PgPool::connect(&url).await.expect("connect the assertion pool");
        TestDb::Postgres { url, pool }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Postgres { url, .. } | TestDb::Sqlite { url, .. } => url,
        }
    }

    /// A seat's version as stored.
    pub async fn seat_version(&self, seat: i64) -> i64 {
        self.scalar("SELECT version FROM seats WHERE id = $1", &[seat]).await
    }

    /// Booking rows of one seat.
    pub async fn bookings_of_seat(&self, seat: i64) -> i64 {
        self.scalar("SELECT count(*) FROM bookings WHERE seat_id = $1", &[seat]).await
    }

    /// Booking rows of one event.
    pub async fn bookings_of_event(&self, event: i64) -> i64 {
        self.scalar("SELECT count(*) FROM bookings WHERE event_id = $1", &[event]).await
    }

    /// Booking rows in all.
    pub async fn booking_count(&self) -> i64 {
        self.scalar("SELECT count(*) FROM bookings", &[]).await
    }

    /// Seats whose status is BOOKED, in all.
    pub async fn booked_seat_count(&self) -> i64 {
        self.scalar("SELECT count(*) FROM seats WHERE status = 'BOOKED'", &[]).await
    }

    /// Seats that have more than one active booking (must always be zero).
    pub async fn double_booked_seats(&self) -> i64 {
        self.scalar(
            "SELECT count(*) FROM (SELECT seat_id FROM bookings WHERE status = 'ACTIVE'
             GROUP BY seat_id HAVING count(*) > 1) AS doubles",
            &[],
        )
        .await
    }

    /// What a new owner does on gaining a partition: raises its fence past this node's.
    /// Returns the rows changed.
    pub async fn raise_fence_elsewhere(&self, partition: i64) -> u64 {
        let sql = "UPDATE partitions SET fence = fence + 100, owner = 'elsewhere' WHERE id = $1";
        match self {
            TestDb::Postgres { pool, .. } => {
                sqlx::query(sql).bind(partition).execute(pool).await.expect("fence").rows_affected()
            }
            TestDb::Sqlite { pool, .. } => sqlx::query(sqlx::AssertSqlSafe(sql.replace('$', "?")))
                .bind(partition)
                .execute(pool)
                .await
                .expect("fence")
                .rows_affected(),
        }
    }

    /// An event's active bookings: booking id → seat id.
    pub async fn active_bookings(&self, event: i64) -> HashMap<i64, i64> {
        let sql = "SELECT id, seat_id FROM bookings WHERE event_id = $1 AND status = 'ACTIVE'";
        let rows: Vec<(i64, i64)> = match self {
            TestDb::Postgres { pool, .. } => {
                sqlx::query_as(sql).bind(event).fetch_all(pool).await.expect("bookings")
            }
            TestDb::Sqlite { pool, .. } => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql.replace('$', "?")))
                    .bind(event)
                    .fetch_all(pool)
                    .await
                    .expect("bookings")
            }
        };
        rows.into_iter().collect()
    }

    /// An event's seats as stored: id → (status, version).
    pub async fn seat_map(&self, event: i64) -> HashMap<i64, (String, i64)> {
        let sql = "SELECT id, status, version FROM seats WHERE event_id = $1";
        let rows: Vec<(i64, String, i64)> = match self {
            TestDb::Postgres { pool, .. } => {
                sqlx::query_as(sql).bind(event).fetch_all(pool).await.expect("seat map")
            }
            TestDb::Sqlite { pool, .. } => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql.replace('$', "?")))
                    .bind(event)
                    .fetch_all(pool)
                    .await
                    .expect("seat map")
            }
        };
        rows.into_iter().map(|(id, status, version)| (id, (status, version))).collect()
    }

    /// One integer from the database; `$1`, `$2`… are bound to `args`.
    async fn scalar(&self, sql: &'static str, args: &[i64]) -> i64 {
        match self {
            TestDb::Postgres { pool, .. } => {
                let mut query = sqlx::query_scalar(sql);
                for &arg in args {
                    query = query.bind(arg);
                }
                query.fetch_one(pool).await.expect("assertion query")
            }
            TestDb::Sqlite { pool, .. } => {
                // SQLite spells numbered parameters ?1, ?2…
                let sql = sql.replace('$', "?");
                let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
                for &arg in args {
                    query = query.bind(arg);
                }
                query.fetch_one(pool).await.expect("assertion query")
            }
        }
    }
}

/// `boxoffice serve` settings for a test: a free port, no UI.
pub fn serve_args(database_url: &str, extra: &[&str]) -> ServeArgs {
    let mut args =
        vec!["boxoffice", "serve", "--listen", "127.0.0.1:0", "--database-url", database_url];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--ui-dir", "/nonexistent"]);
    let CliCommand::Serve(serve) = Cli::try_parse_from(args).expect("test arguments parse").command
    else {
        unreachable!("the arguments start with serve")
    };
    serve
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub engine: Arc<Engine>,
    pub db: TestDb,
    shutdown: CancellationToken,
    server: JoinHandle<anyhow::Result<()>>,
}

/// The application on a fresh database of the given kind, with the demo event.
pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, &[]).await
}

/// The same, with extra `serve` flags.
pub async fn spawn_app_with(db: Db, extra: &[&str]) -> TestApp {
    spawn_app_on(TestDb::fresh(db).await, extra).await
}

/// The application on a database the test prepared.
pub async fn spawn_app_on(db: TestDb, extra: &[&str]) -> TestApp {
    boxoffice::telemetry::raise_open_files_limit();
    let app =
        Application::build(serve_args(db.url(), extra)).await.expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let engine = app.engine().clone();
    let shutdown = app.shutdown_token();
    let server = tokio::spawn(app.run_until_stopped());
    TestApp { address, client: client(), engine, db, shutdown, server }
}

/// A single cluster-mode node in this process (Redis leases on the shared Redis, a key prefix of
/// its own), once it serves its partitions.
pub async fn spawn_cluster_app() -> TestApp {
    let prefix = redis::unique_prefix();
    let app = spawn_app_with(
        Db::Postgres,
        &[
            "--redis-url",
            redis::shared_url(),
            "--redis-prefix",
            &prefix,
            "--cluster-secret",
            cluster::SECRET,
        ],
    )
    .await;
    // Alone in its cluster, the node takes every partition within a few lease ticks.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready: Value = app.get("/health/ready").await.json().await.unwrap_or(Value::Null);
        let partitions = &ready["checks"]["partitions"];
        if ready["status"] == "UP" && partitions["owned"] == partitions["total"] {
            break;
        }
        assert!(Instant::now() < deadline, "the node never owned every partition: {ready}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app
}

/// An HTTP client that opens as many connections as the test asks for.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("GET")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.address)).json(body).send().await.expect("POST")
    }

    pub async fn book(&self, seat: i64, user: &str, strategy: Option<&str>) -> reqwest::Response {
        let mut body = json!({ "seatId": seat, "userId": user });
        if let Some(strategy) = strategy {
            body["strategy"] = json!(strategy);
        }
        self.post_json("/api/v1/bookings", &body).await
    }

    /// Creates an event (admin route, from loopback) and returns its id.
    pub async fn create_event(&self, name: &str, rows: u32, seats_per_row: u32) -> i64 {
        let response = self
            .post_json(
                "/api/v1/events",
                &json!({ "name": name, "rows": rows, "seatsPerRow": seats_per_row }),
            )
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        response.json::<Value>().await.expect("event JSON")["id"].as_i64().expect("an event id")
    }

    /// The seat ids of an event in layout order.
    pub async fn seat_ids(&self, event: i64) -> Vec<i64> {
        seat_ids_at(&self.client, &self.address, event).await
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.server.await.expect("the server task").expect("a clean stop");
    }
}

/// Sends `count` requests at once from a client of their own, each built by `send(client, i)`,
/// and returns every response's status with its JSON body, in order. Crowds take turns: two at
/// once would pass the process's open-file limit (each connection is a socket on both ends, in
/// this one process), and the client's connections close before the next crowd starts.
pub async fn all_at_once<F, Fut>(count: usize, send: F) -> Vec<(u16, Value)>
where
    F: Fn(&reqwest::Client, usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
{
    static CROWDS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
    let _turn = CROWDS.acquire().await.expect("the semaphore is never closed");
    let crowd = client();
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let request = send(&crowd, i);
            tokio::spawn(async move {
                let response = request.await.expect("a response");
                let status = response.status().as_u16();
                let body = response.json::<Value>().await.unwrap_or(Value::Null);
                (status, body)
            })
        })
        .collect();
    let mut results = Vec::with_capacity(count);
    for task in tasks {
        results.push(task.await.expect("a request task"));
    }
    results
}

/// The seat ids of an event in layout order, as the node at `address` serves them.
pub async fn seat_ids_at(client: &reqwest::Client, address: &str, event: i64) -> Vec<i64> {
    let seats: Vec<Value> = client
        .get(format!("{address}/api/v1/events/{event}/seats"))
        .send()
        .await
        .expect("GET the seat map")
        .json()
        .await
        .expect("seats JSON");
    seats.iter().map(|seat| seat["seatId"].as_i64().expect("seatId")).collect()
}

/// Books every seat once, all at once, spreading the requests over `addresses` in turn, with
/// `strategy` if given. Returns each answer's status and body, in the order of `seats`.
pub async fn book_each_seat(
    addresses: &[String],
    seats: &[i64],
    strategy: Option<&str>,
) -> Vec<(u16, Value)> {
    all_at_once(seats.len(), |client, i| {
        let mut body = json!({ "seatId": seats[i], "userId": format!("u-{i}") });
        if let Some(strategy) = strategy {
            body["strategy"] = json!(strategy);
        }
        client
            .post(format!("{}/api/v1/bookings", addresses[i % addresses.len()]))
            .json(&body)
            .send()
    })
    .await
}

/// Counts of each status in `results`.
pub fn status_counts(results: &[(u16, Value)]) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for (status, _) in results {
        *counts.entry(*status).or_insert(0) += 1;
    }
    counts
}

/// The real `boxoffice` binary in its own process, for tests that kill it.
pub struct ServerProcess {
    child: Child,
    pub address: String,
    pub log: PathBuf,
}

impl ServerProcess {
    /// Starts `boxoffice serve` on a free port and waits (bounded) until it is ready.
    pub async fn start(database_url: &str, extra: &[&str], log_dir: &Path) -> Self {
        let port = free_port();
        let log = log_dir.join(format!("server-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("a server log file");
        let child = Command::new(env!("CARGO_BIN_EXE_boxoffice"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                database_url,
            ])
            .args(["--ui-dir", "/nonexistent"])
            .args(extra)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file)
            .spawn()
            .expect("start the boxoffice binary");
        let mut server = Self { child, address: format!("http://127.0.0.1:{port}"), log };
        server.wait_ready(Duration::from_secs(60)).await;
        server
    }

    async fn wait_ready(&mut self, within: Duration) {
        let client = client();
        let deadline = Instant::now() + within;
        loop {
            if let Ok(response) = client.get(format!("{}/health/ready", self.address)).send().await
                && response.status() == 200
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the server exited with {status}: {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "the server was not ready within {within:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends a signal (SIGSTOP, SIGCONT, SIGTERM…) to the server.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill only sends a signal to our own child process.
        let sent = unsafe { libc::kill(self.child.id() as i32, signal) };
        assert_eq!(sent, 0, "signal {signal} to the server");
    }

    /// SIGTERM, then waits (bounded) for a graceful exit; returns whether it exited cleanly.
    pub fn terminate(mut self, within: Duration) -> bool {
        self.signal(libc::SIGTERM);
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// SIGKILL: the process gets no chance to flush anything.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A seat stream read the way a browser reads it: events parsed from the SSE body, applied to a
/// seat map with the version rule (a change counts only if newer than the one held).
pub struct SeatStream {
    response: reqwest::Response,
    buffer: String,
    /// seat id → (status, version)
    pub seats: HashMap<i64, (String, i64)>,
    pub snapshots: usize,
}

impl SeatStream {
    pub async fn open(client: &reqwest::Client, address: &str, event: i64) -> Self {
        let response = client
            .get(format!("{address}/api/v1/events/{event}/stream"))
            .timeout(Duration::from_secs(300))
            .send()
            .await
            .expect("open the stream");
        assert_eq!(response.status(), 200, "stream of event {event}");
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self { response, buffer: String::new(), seats: HashMap::new(), snapshots: 0 }
    }

    /// The next event (name and JSON data), or None when the stream ended. Applies it.
    pub async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut name, mut data) = (String::from("message"), String::new());
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                let data: Value = serde_json::from_str(&data).expect("event data is JSON");
                self.apply(&name, &data);
                return Some((name, data));
            }
            let chunk = self.response.chunk().await.expect("read the stream")?;
            self.buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }

    fn apply(&mut self, name: &str, data: &Value) {
        let entry = |seat: &Value| {
            (
                seat["seatId"].as_i64().expect("seatId"),
                (
                    seat["status"].as_str().expect("status").to_owned(),
                    seat["version"].as_i64().expect("version"),
                ),
            )
        };
        match name {
            "snapshot" => {
                self.snapshots += 1;
                self.seats = data["seats"].as_array().expect("seats").iter().map(entry).collect();
            }
            "seat" => {
                let (id, state) = entry(data);
                if self.seats.get(&id).is_none_or(|held| held.1 < state.1) {
                    self.seats.insert(id, state);
                }
            }
            other => panic!("unexpected stream event {other:?}"),
        }
    }

    /// Reads until the seat map equals `expected`, or fails after `within`.
    pub async fn converge_on(&mut self, expected: &HashMap<i64, (String, i64)>, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        while &self.seats != expected {
            match tokio::time::timeout_at(deadline, self.next()).await {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the stream ended before it converged"),
                Err(_) => {
                    let wrong =
                        expected.iter().filter(|(id, s)| self.seats.get(id) != Some(s)).count();
                    panic!("the stream did not converge within {within:?}: {wrong} seats differ");
                }
            }
        }
    }
}
