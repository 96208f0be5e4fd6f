//! `GET /metrics` (and `/actuator/prometheus`): the Prometheus text format. The middleware counts
//! every request by method, *matched route* (never the raw path, so ids do not explode the label
//! space) and status, and times it.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::telemetry::metrics::handle;

pub async fn scrape(State(state): State<AppState>) -> Response {
    // Gauges that are cheaper to sample than to keep up to date.
    let directory = state.bookings.engine().directory();
    metrics::gauge!("boxoffice_actors_active").set(directory.active() as f64);
    metrics::gauge!("boxoffice_actor_mailbox_depth_max").set(f64::from(directory.in_flight_max()));
    metrics::gauge!("boxoffice_stream_clients").set(state.streams.active() as f64);
    metrics::gauge!("boxoffice_partitions_owned")
        .set(state.readiness.ownership.owned_count() as f64);
    let pool = state.store.pool_connections();
    for (name, value) in [("in_use", pool.in_use), ("idle", pool.idle), ("max", pool.max)] {
        metrics::gauge!("boxoffice_db_connections", "state" => name).set(f64::from(value));
    }
    let mut response = handle().render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Counts, times and logs (at debug) every request that matched a route.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    tracing::debug!(
        method,
        route,
        status = response.status().as_u16(),
        elapsed_us = elapsed.as_micros() as u64,
        "request"
    );
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("boxoffice_http_requests_total", &labels).increment(1);
    metrics::histogram!("boxoffice_http_request_duration_seconds", &labels)
        .record(elapsed.as_secs_f64());
    response
}
