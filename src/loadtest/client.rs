//! HTTP for the load test: the keep-alive client of one worker, the exchanges a scenario makes
//! (a booking, a liveness probe) and the setup calls around a run (probe the server, create an
//! event, read a seat map). Every body is read with a size bound, so a misbehaving server cannot
//! grow the client's memory.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, RETRY_AFTER};
use reqwest::{Client, Response, StatusCode};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::LoadtestError;

/// How long one exchange may take before it counts as unanswered.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Setup calls create events of up to 200,000 seats and read their seat maps.
pub const SETUP_TIMEOUT: Duration = Duration::from_secs(120);
/// Bytes read of the answer to a booking or a probe (a few hundred bytes when all is well).
pub const ANSWER_BYTES_MAX: usize = 64 * 1024;
/// Bytes read of a seat map: 200,000 seats of about 150 bytes, with room to spare.
pub const SEAT_MAP_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Characters kept of a problem `code`, so that a strange server cannot grow the counts.
const CODE_CHARS_MAX: usize = 64;

/// A client for one worker: its one connection is kept alive and reused for each request.
pub fn worker_client() -> reqwest::Result<Client> {
    builder(REQUEST_TIMEOUT).pool_max_idle_per_host(1).build()
}

fn builder(timeout: Duration) -> reqwest::ClientBuilder {
    // No proxy from the environment: the load goes straight to the server under test.
    Client::builder().no_proxy().tcp_nodelay(true).connect_timeout(CONNECT_TIMEOUT).timeout(timeout)
}

/// Why an exchange got no HTTP answer.
#[derive(Debug, Error)]
pub enum ExchangeError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("the answer was longer than {0} bytes")]
    TooLarge(usize),
}

impl ExchangeError {
    /// A short name for counting: `connect`, `timeout`, `body` or `other`.
    pub fn kind(&self) -> &'static str {
        match self {
            ExchangeError::Http(error) if error.is_connect() => "connect",
            ExchangeError::Http(error) if error.is_timeout() => "timeout",
            ExchangeError::Http(error) if error.is_body() || error.is_decode() => "body",
            ExchangeError::TooLarge(_) => "body",
            ExchangeError::Http(_) => "other",
        }
    }

    /// The error with its causes (reqwest's own message rarely names the cause).
    pub fn describe(&self) -> String {
        let ExchangeError::Http(error) = self else { return self.to_string() };
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

/// What one exchange came to.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    /// The problem+json `code` of an error answer.
    pub code: Option<String>,
    /// A `201`: the seat and event it booked.
    pub seat: Option<u64>,
    pub event: Option<u64>,
    pub retry_after: Option<Duration>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BookingRequest<'a> {
    seat_id: u64,
    user_id: &'a str,
    strategy: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Booked {
    seat_id: u64,
    event_id: u64,
}

#[derive(Deserialize)]
struct ProblemCode {
    code: String,
}

/// `POST /api/v1/bookings`.
pub async fn book(
    client: &Client,
    base: &str,
    seat: u64,
    user: &str,
    strategy: &str,
) -> Result<Answer, ExchangeError> {
    let body = BookingRequest { seat_id: seat, user_id: user, strategy };
    let response = client.post(format!("{base}/api/v1/bookings")).json(&body).send().await?;
    answer(response).await
}

/// `GET /health/live`.
pub async fn live(client: &Client, base: &str) -> Result<Answer, ExchangeError> {
    answer(client.get(format!("{base}/health/live")).send().await?).await
}

/// Reads the whole answer (so the connection can carry the next request) and what it says.
async fn answer(response: Response) -> Result<Answer, ExchangeError> {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = read_bounded(response, ANSWER_BYTES_MAX).await?;
    let mut answer = Answer { status: status.as_u16(), retry_after, ..Answer::default() };
    if status == StatusCode::CREATED {
        if let Ok(booked) = serde_json::from_slice::<Booked>(&body) {
            answer.seat = Some(booked.seat_id);
            answer.event = Some(booked.event_id);
        }
    } else if !status.is_success()
        && let Ok(problem) = serde_json::from_slice::<ProblemCode>(&body)
    {
        answer.code = Some(problem.code.chars().take(CODE_CHARS_MAX).collect());
    }
    Ok(answer)
}

/// The body, or an error once it passes `max` bytes.
async fn read_bounded(mut response: Response, max: usize) -> Result<Vec<u8>, ExchangeError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > max {
            return Err(ExchangeError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// One seat of a seat map, as much as the check needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapSeat {
    pub seat_id: u64,
    pub booked: bool,
}

#[derive(Deserialize)]
struct CreatedEvent {
    id: u64,
}

/// The calls around a run: they are few, may be slow, and any failure ends the run.
pub struct Setup {
    client: Client,
    base: String,
    admin_token: Option<String>,
}

impl Setup {
    pub fn new(base: &str, admin_token: Option<String>) -> Result<Self, LoadtestError> {
        let client = builder(SETUP_TIMEOUT).build().map_err(|error| {
            LoadtestError::Setup(format!("cannot build an HTTP client: {error}"))
        })?;
        Ok(Self { client, base: base.to_owned(), admin_token })
    }

    /// `GET /health/live`: is a boxoffice server there at all?
    pub async fn probe(&self) -> Result<(), LoadtestError> {
        let response = self
            .client
            .get(format!("{}/health/live", self.base))
            .timeout(CONNECT_TIMEOUT + Duration::from_secs(5))
            .send()
            .await
            .map_err(|error| self.unreachable(error.into()))?;
        let status = response.status();
        if status != StatusCode::OK {
            return Err(LoadtestError::Setup(format!(
                "GET {}/health/live answered {status}: is this a boxoffice server?",
                self.base
            )));
        }
        Ok(())
    }

    /// `POST /api/v1/events` (admin): an event of `rows` × `seats_per_row` seats; its id.
    pub async fn create_event(
        &self,
        name: &str,
        rows: usize,
        seats_per_row: usize,
    ) -> Result<u64, LoadtestError> {
        let mut request = self
            .client
            .post(format!("{}/api/v1/events", self.base))
            .json(&serde_json::json!({ "name": name, "rows": rows, "seatsPerRow": seats_per_row }));
        if let Some(token) = &self.admin_token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = request.send().await.map_err(|error| self.unreachable(error.into()))?;
        let status = response.status();
        let body = read_bounded(response, ANSWER_BYTES_MAX)
            .await
            .map_err(|error| self.unreachable(error))?;
        match status {
            StatusCode::CREATED => serde_json::from_slice::<CreatedEvent>(&body)
                .map(|event| event.id)
                .map_err(|error| LoadtestError::Setup(format!("unreadable new event: {error}"))),
            StatusCode::UNAUTHORIZED => Err(LoadtestError::Setup(format!(
                "creating the event was refused (401): give the server's admin token with \
                 --admin-token or BOXOFFICE_ADMIN_TOKEN, or name an event with --event ({})",
                excerpt(&body)
            ))),
            _ => Err(LoadtestError::Setup(format!(
                "creating the event answered {status}: {}",
                excerpt(&body)
            ))),
        }
    }

    /// `GET /api/v1/events/{id}/seats`, in layout order.
    pub async fn seat_map(&self, event: u64) -> Result<Vec<MapSeat>, LoadtestError> {
        let response = self
            .client
            .get(format!("{}/api/v1/events/{event}/seats", self.base))
            .send()
            .await
            .map_err(|error| self.unreachable(error.into()))?;
        let status = response.status();
        let body = read_bounded(response, SEAT_MAP_BYTES_MAX)
            .await
            .map_err(|error| self.unreachable(error))?;
        match status {
            StatusCode::OK => serde_json::from_slice(&body).map_err(|error| {
                LoadtestError::Setup(format!("unreadable seat map of event {event}: {error}"))
            }),
            StatusCode::NOT_FOUND => {
                Err(LoadtestError::Setup(format!("event {event} does not exist on {}", self.base)))
            }
            _ => Err(LoadtestError::Setup(format!(
                "the seat map of event {event} answered {status}: {}",
                excerpt(&body)
            ))),
        }
    }

    fn unreachable(&self, error: ExchangeError) -> LoadtestError {
        LoadtestError::Unreachable { url: self.base.clone(), cause: error.describe() }
    }
}

/// The start of a body, for an error message.
fn excerpt(body: &[u8]) -> String {
    const CHARS_MAX: usize = 300;
    String::from_utf8_lossy(body).chars().take(CHARS_MAX).collect()
}
