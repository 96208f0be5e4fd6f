//! Prometheus metrics. Code everywhere records through the `metrics` facade (the engine's
//! committer, leases, routing, streams, HTTP); this module installs the one process-wide
//! recorder, declares every metric with its help text, and renders the text format for
//! `/metrics`. Gauges that are cheaper to sample than to maintain (actors, mailbox depth,
//! database pool, stream clients) are set just before each scrape.
//!
//! [`METRICS`] is the list of everything boxoffice exports; a test checks that every Grafana
//! panel queries only names from it.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// What kind of series a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Every metric boxoffice exports: name (units last), kind, help.
pub const METRICS: &[(&str, Kind, &str)] = &[
    ("booking_conflict_total", Kind::Counter, "Bookings refused because the seat was taken (409)."),
    (
        "boxoffice_booking_requests_total",
        Kind::Counter,
        "Booking requests by strategy and outcome (booked, conflict, not_found, invalid, unavailable, overloaded, error).",
    ),
    (
        "boxoffice_booking_duration_seconds",
        Kind::Histogram,
        "Time to answer a booking request, by strategy.",
    ),
    ("boxoffice_commit_batch_size", Kind::Histogram, "Seat writes per group commit."),
    ("boxoffice_commit_duration_seconds", Kind::Histogram, "Time of one group commit transaction."),
    (
        "boxoffice_commit_failures_total",
        Kind::Counter,
        "Writes that did not commit, by reason (version_mismatch, fenced, database).",
    ),
    ("boxoffice_actors_active", Kind::Gauge, "Seat actors alive on this node."),
    (
        "boxoffice_actor_mailbox_depth_max",
        Kind::Gauge,
        "The most commands waiting for any one seat actor.",
    ),
    ("boxoffice_partitions_owned", Kind::Gauge, "Partitions this node serves."),
    (
        "boxoffice_lease_changes_total",
        Kind::Counter,
        "Partition lease changes of this node (acquired, lost, released).",
    ),
    (
        "boxoffice_forwarded_requests_total",
        Kind::Counter,
        "Bookings forwarded to the node that owns the seat.",
    ),
    ("boxoffice_stream_clients", Kind::Gauge, "Seat stream (SSE) clients connected to this node."),
    (
        "boxoffice_stream_resyncs_total",
        Kind::Counter,
        "Fresh snapshots sent to stream clients that fell behind.",
    ),
    (
        "boxoffice_db_connections",
        Kind::Gauge,
        "Database pool connections by state (in_use, idle, max).",
    ),
    ("boxoffice_redis_errors_total", Kind::Counter, "Redis commands that failed."),
    (
        "boxoffice_http_requests_total",
        Kind::Counter,
        "HTTP requests by method, matched route and status.",
    ),
    (
        "boxoffice_http_request_duration_seconds",
        Kind::Histogram,
        "HTTP request latency by method, matched route and status.",
    ),
];

/// Latency buckets: 50 µs to 5 s.
const SECONDS_BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0,
];

/// Batch-size buckets, up to the batch limit.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// The process's recorder, installed on first use. Several applications in one process (tests)
/// share it.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
            .and_then(|builder| {
                builder.set_buckets_for_metric(
                    Matcher::Full("boxoffice_commit_batch_size".into()),
                    BATCH_BUCKETS,
                )
            })
            .expect("the bucket lists are non-empty constants");
        match builder.install_recorder() {
            Ok(handle) => {
                describe_and_zero();
                handle
            }
            // Only when something else in the process installed a recorder first (an embedding
            // program): /metrics then shows an empty scrape instead of failing the server.
            Err(error) => {
                tracing::warn!(%error, "another metrics recorder is installed; /metrics will be empty");
                PrometheusBuilder::new().build_recorder().handle()
            }
        }
    })
}

/// Help texts for every metric, and zero values for the counters whose label sets are known,
/// so that dashboards and alerts see a series before the first event.
fn describe_and_zero() {
    for &(name, kind, help) in METRICS {
        match kind {
            Kind::Counter => metrics::describe_counter!(name, help),
            Kind::Gauge => metrics::describe_gauge!(name, help),
            Kind::Histogram => metrics::describe_histogram!(name, help),
        }
    }
    metrics::counter!("booking_conflict_total").absolute(0);
    for strategy in ["ACTOR", "DATABASE", "REDIS"] {
        for outcome in BOOKING_OUTCOMES {
            metrics::counter!("boxoffice_booking_requests_total", "strategy" => strategy, "outcome" => *outcome)
                .absolute(0);
        }
    }
    for reason in ["version_mismatch", "fenced", "database"] {
        metrics::counter!("boxoffice_commit_failures_total", "reason" => reason).absolute(0);
    }
    for change in ["acquired", "lost", "released"] {
        metrics::counter!("boxoffice_lease_changes_total", "change" => change).absolute(0);
    }
    for name in [
        "boxoffice_forwarded_requests_total",
        "boxoffice_stream_resyncs_total",
        "boxoffice_redis_errors_total",
    ] {
        metrics::counter!(name).absolute(0);
    }
}

/// The outcomes a booking request is counted under.
pub const BOOKING_OUTCOMES: &[&str] =
    &["booked", "conflict", "not_found", "invalid", "unavailable", "overloaded", "error"];

/// Counts one answered booking request.
pub fn record_booking(strategy: &'static str, outcome: &'static str, seconds: f64) {
    metrics::counter!("boxoffice_booking_requests_total", "strategy" => strategy, "outcome" => outcome)
        .increment(1);
    metrics::histogram!("boxoffice_booking_duration_seconds", "strategy" => strategy)
        .record(seconds);
    if outcome == "conflict" {
        metrics::counter!("booking_conflict_total").increment(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_end_with_their_unit_or_kind() {
        for &(name, kind, _) in METRICS {
            let ok = match kind {
                Kind::Counter => name.ends_with("_total"),
                Kind::Histogram => name.ends_with("_seconds") || name.ends_with("_size"),
                Kind::Gauge => !name.ends_with("_total"),
            };
            assert!(ok, "{name} is named against its kind {kind:?}");
        }
    }
}
