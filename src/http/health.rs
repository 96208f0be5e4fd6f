//! Liveness (`/health/live`: the process runs) and readiness (`/health/ready`: the store answers
//! and this node serves its partitions). A failing readiness check is named in the `503` body.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use boxoffice_actors::ownership::Ownership;
use redis::aio::ConnectionManager;
use serde_json::{Value, json};

use super::AppState;
use crate::limits::RETRY_AFTER;

/// How long a readiness probe waits for the database.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// What readiness looks at besides the store.
pub struct Readiness {
    pub ownership: Arc<Ownership>,
    /// Redis, in cluster mode.
    pub redis: Option<ConnectionManager>,
}

pub async fn live() -> Json<Value> {
    Json(json!({ "status": "UP" }))
}

pub async fn ready(State(state): State<AppState>) -> Response {
    let mut checks = serde_json::Map::new();
    checks.insert("database".into(), probe(state.store.ping()).await);
    if let Some(redis) = &state.readiness.redis {
        let mut redis = redis.clone();
        let ping = redis::cmd("PING");
        checks.insert("redis".into(), probe(ping.query_async::<String>(&mut redis)).await);
    }
    let ownership = &state.readiness.ownership;
    let owned = ownership.owned().len();
    let partitions = if owned > 0 {
        json!({ "status": "UP", "owned": owned, "total": ownership.partitions() })
    } else {
        json!({ "status": "DOWN", "owned": 0, "total": ownership.partitions(),
                "detail": "this node owns no partitions" })
    };
    checks.insert("partitions".into(), partitions);
    let up = checks.values().all(|check| check["status"] == "UP");
    let body = json!({
        "status": if up { "UP" } else { "DOWN" },
        "checks": checks,
    });
    if up {
        (StatusCode::OK, Json(body)).into_response()
    } else {
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER.as_secs()));
        response
    }
}

/// One check: `UP`, or `DOWN` with the reason (an error, or no answer in time).
async fn probe<T, E: std::fmt::Display>(check: impl Future<Output = Result<T, E>>) -> Value {
    match tokio::time::timeout(PROBE_TIMEOUT, check).await {
        Ok(Ok(_)) => json!({ "status": "UP" }),
        Ok(Err(error)) => json!({ "status": "DOWN", "detail": error.to_string() }),
        Err(_) => {
            json!({ "status": "DOWN", "detail": format!("no answer within {PROBE_TIMEOUT:?}") })
        }
    }
}
