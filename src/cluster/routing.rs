//! Forwarding: a booking for a seat whose partition another node owns is sent once to that
//! node's internal endpoint (`POST /internal/v1/bookings`), which books only locally and never
//! forwards again, so a request crosses at most one hop and can never loop. The request carries
//! the cluster secret, without which internal endpoints refuse it.
//!
//! The caller (the booking service) keeps trying, for a bounded time, while the partition has no
//! owner or its owner says it is not the owner any more (a hand-back or failover in progress);
//! then it answers `503` with `Retry-After`.

use std::sync::Arc;

use boxoffice_actors::{EngineError, PartitionId, SeatId, UserId};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::leases::RedisLeases;
use super::owners::Owner;
use crate::booking::{Booking, BookingError};
use crate::http::bookings::BookingDto;
use crate::limits::FORWARD_TIMEOUT;

/// The header that carries the cluster secret to internal endpoints.
pub const SECRET_HEADER: &str = "x-boxoffice-cluster-secret";
/// The header that names the node a request was forwarded by (the hop).
pub const HOP_HEADER: &str = "x-boxoffice-forwarded-by";
/// The internal booking endpoint.
pub const INTERNAL_BOOKINGS: &str = "/internal/v1/bookings";

pub struct Forwarder {
    client: reqwest::Client,
    leases: Arc<RedisLeases>,
    secret: Arc<str>,
}

/// What forwarding one request achieved.
enum Forwarded {
    /// The owner answered: the booking's outcome.
    Answer(Result<Booking, BookingError>),
    /// The node asked is not (or no longer) the owner, or could not be reached.
    Retry,
}

impl Forwarder {
    pub fn new(leases: Arc<RedisLeases>, secret: &str) -> reqwest::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(FORWARD_TIMEOUT)
            .pool_max_idle_per_host(256)
            .build()?;
        Ok(Self { client, leases, secret: Arc::from(secret) })
    }

    /// Sends the booking to the partition's owner if there is one other than this node.
    /// `None`: there is no usable owner right now; wait a little and try again.
    pub async fn try_forward(
        &self,
        partition: PartitionId,
        seat: SeatId,
        user: &UserId,
    ) -> Option<Result<Booking, BookingError>> {
        let me = self.leases.node().id.as_str();
        // The cached owner, unless it is missing or is this node (which just refused the seat:
        // the partition is being handed back, so the cache is out of date).
        let owner = match self.leases.owners().owner(partition).filter(|owner| &*owner.node != me) {
            Some(owner) => Some(owner),
            None => self.leases.owners().lookup(partition).await.ok().flatten(),
        };
        let owner = owner.filter(|owner| &*owner.node != me)?;
        match self.forward(&owner, seat, user).await {
            Forwarded::Answer(answer) => Some(answer),
            Forwarded::Retry => {
                self.leases.owners().forget(partition);
                None
            }
        }
    }

    async fn forward(&self, owner: &Owner, seat: SeatId, user: &UserId) -> Forwarded {
        metrics::counter!("boxoffice_forwarded_requests_total").increment(1);
        let sent = self
            .client
            .post(format!("{}{INTERNAL_BOOKINGS}", owner.url))
            .header(SECRET_HEADER, &*self.secret)
            .header(HOP_HEADER, &self.leases.node().id)
            .json(&json!({ "seatId": seat.get(), "userId": user.as_str() }))
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            // Never connected: the owner did not see the request, so asking again is safe.
            Err(error) if error.is_connect() => {
                tracing::debug!(node = %owner.node, %error, "cannot reach the owner");
                return Forwarded::Retry;
            }
            // Sent, but no answer (timeout, the owner died mid-request): it may have committed.
            // Retrying elsewhere could answer 409 for the client's own booking; say instead that
            // the outcome is unknown.
            Err(error) => {
                tracing::warn!(node = %owner.node, %error, "forwarded booking has no answer");
                return Forwarded::Answer(Err(EngineError::Unavailable(format!(
                    "node {} did not answer; the booking may have been made: check the seat map",
                    owner.node
                ))
                .into()));
            }
        };
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let detail = body["detail"].as_str().unwrap_or("").to_owned();
        let answer = match status {
            StatusCode::CREATED => match serde_json::from_value::<BookingDto>(body) {
                Ok(dto) => Booking::try_from(dto).map_err(|e| EngineError::Unavailable(e.0)),
                Err(error) => Err(EngineError::Unavailable(format!("unreadable answer: {error}"))),
            },
            StatusCode::MISDIRECTED_REQUEST => return Forwarded::Retry,
            StatusCode::CONFLICT => Err(EngineError::SeatOccupied {
                seat,
                version: body["version"].as_u64().unwrap_or(0),
            }),
            StatusCode::NOT_FOUND => Err(EngineError::SeatNotFound(seat)),
            StatusCode::SERVICE_UNAVAILABLE if body["code"] == "OVERLOADED" => Err(
                EngineError::Overloaded("commands at the seat's owner", crate::limits::RETRY_AFTER),
            ),
            StatusCode::UNAUTHORIZED => {
                tracing::error!(node = %owner.node, "the owner refused the cluster secret: nodes must share one");
                Err(EngineError::Unavailable("the cluster is misconfigured".into()))
            }
            other => Err(EngineError::Unavailable(format!(
                "node {} answered {other}: {detail}",
                owner.node
            ))),
        };
        Forwarded::Answer(answer.map_err(BookingError::from))
    }
}
