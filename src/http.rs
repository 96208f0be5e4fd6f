//! The HTTP API (axum): routes, shared state and the layers every request passes through. Handlers
//! parse input into domain values, call the booking service or read the seat view, and answer;
//! every error leaves as RFC 9457 problem+json through [`error::ApiError`].

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::booking::BookingService;
use crate::cluster::routing::INTERNAL_BOOKINGS;
use crate::feed::ChangeFeed;
use crate::limits::BODY_BYTES_MAX;
use crate::store::Store;
use crate::view::SeatView;

/// Bookings: create one, read one.
pub mod bookings;
/// The routes kept for clients of the systems boxoffice replaces.
mod compat;
/// The error type and problem+json body.
pub mod error;
/// Events and seat maps.
mod events;
/// Extractors with problem+json rejections.
pub mod extract;
/// Liveness and readiness.
mod health;
/// Node-to-node endpoints of a cluster (forwarded bookings).
mod internal;
/// `/metrics` and the per-request HTTP metrics.
mod metrics;
/// Seat streams (Server-Sent Events).
mod stream;

pub use health::Readiness;
pub use stream::Streams;

/// What every handler may use.
#[derive(Clone)]
pub struct AppState {
    pub bookings: Arc<BookingService>,
    pub view: Arc<SeatView>,
    pub store: Arc<dyn Store>,
    pub feed: Arc<ChangeFeed>,
    pub readiness: Arc<Readiness>,
    pub streams: Arc<Streams>,
    pub partitions: u32,
    pub admin_token: Option<Arc<str>>,
    /// The secret internal (node-to-node) endpoints require; `None` on a single node, where
    /// they refuse everything.
    pub cluster_secret: Option<Arc<str>>,
}

/// The whole application's routes. `ui_dir` is the built web UI, served at `/`.
pub fn router(state: AppState, ui_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/api/v1/events", get(events::list).post(events::create))
        .route("/api/v1/events/{event_id}", get(events::detail))
        .route("/api/v1/events/{event_id}/seats", get(events::seats))
        .route("/api/v1/events/{event_id}/stream", get(stream::stream))
        .route("/api/v1/bookings", post(bookings::create))
        .route("/api/v1/bookings/{booking_id}", get(bookings::detail))
        .route("/api/v1/seats", get(compat::seats))
        .route("/api/tickets/seed", post(compat::seed))
        .route("/api/tickets/book", post(compat::book))
        .route(INTERNAL_BOOKINGS, post(internal::book))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/actuator/health", get(health::ready))
        .route("/metrics", get(metrics::scrape))
        .route("/actuator/prometheus", get(metrics::scrape))
        .route_layer(middleware::from_fn(metrics::track))
        .method_not_allowed_fallback(|| async { error::ApiError::method_not_allowed() })
        .with_state(state);
    let ui = ui_dir.filter(|dir| dir.join("index.html").is_file()).map(|dir| {
        let index = dir.join("index.html");
        ServeDir::new(dir).fallback(ServeFile::new(index))
    });
    api.fallback(move |request: Request| {
        let ui = ui.clone();
        async move {
            let path = request.uri().path();
            let is_api = ["/api/", "/health", "/actuator", "/metrics", "/internal/"].iter().any(|p| path.starts_with(p));
            match ui {
                Some(ui) if !is_api => ui.oneshot(request).await.into_response(),
                None if path == "/" => error::ApiError::route_not_found(
                    "/ (the web UI is not built: run `make run`, or `npm --prefix frontend ci && npm --prefix frontend run build`)",
                )
                .into_response(),
                _ => error::ApiError::route_not_found(path).into_response(),
            }
        }
    })
    .layer(DefaultBodyLimit::max(BODY_BYTES_MAX))
    .layer(middleware::from_fn(error::problem_instance))
}
