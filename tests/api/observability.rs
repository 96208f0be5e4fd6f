//! What operators see: `/metrics` counts exactly what happened, the Grafana dashboard queries
//! only metrics the code exports, the compose file, Prometheus config and Dockerfile agree with
//! each other and with the README, and readiness names a failing database.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use boxoffice::telemetry::metrics::{Kind, METRICS};
use serde_json::{Value, json};

use crate::helpers::postgres::PgServer;
use crate::helpers::{Db, ServerProcess, TempDir, TestDb, client, spawn_app_on};

/// A scrape, parsed: `name{sorted labels}` → value.
fn parse_scrape(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let value = value.parse::<f64>().ok()?;
            let key = match series.split_once('{') {
                Some((name, labels)) => {
                    let mut labels: Vec<&str> =
                        labels.trim_end_matches('}').split(',').filter(|l| !l.is_empty()).collect();
                    labels.sort_unstable();
                    format!("{name}{{{}}}", labels.join(","))
                }
                None => series.to_owned(),
            };
            Some((key, value))
        })
        .collect()
}

fn value(scrape: &BTreeMap<String, f64>, key: &str) -> f64 {
    *scrape.get(key).unwrap_or_else(|| panic!("no series {key} in the scrape"))
}

/// Counts in the scrape are the process's own: the real binary, alone in its process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_exactly_the_bookings_that_were_made() {
    let logs = TempDir::new("metrics");
    let db = TestDb::fresh(Db::Postgres).await;
    let server = ServerProcess::start(db.url(), &[], &logs.0).await;
    let client = client();
    let book = |body: Value| {
        let request = client.post(format!("{}/api/v1/bookings", server.address)).json(&body);
        async move { request.send().await.expect("an answer").status().as_u16() }
    };

    // 5 booked, 7 conflicts, 3 invalid, 2 not found with ACTOR; 2 booked and 1 conflict with
    // DATABASE; 1 invalid (REDIS without Redis).
    for seat in 1..=5 {
        assert_eq!(book(json!({ "seatId": seat, "userId": "u-1" })).await, 201);
    }
    for i in 0..7 {
        assert_eq!(book(json!({ "seatId": 1 + i % 5, "userId": "u-2" })).await, 409);
    }
    for body in [
        json!({ "seatId": 0, "userId": "u" }),
        json!({ "seatId": 6, "userId": "" }),
        json!({ "seatId": "x" }),
    ] {
        assert!(matches!(book(body).await, 400 | 422));
    }
    for seat in [9_999, 10_000] {
        assert_eq!(book(json!({ "seatId": seat, "userId": "u-3" })).await, 404);
    }
    for seat in [20, 21] {
        assert_eq!(
            book(json!({ "seatId": seat, "userId": "u-4", "strategy": "DATABASE" })).await,
            201
        );
    }
    assert_eq!(book(json!({ "seatId": 20, "userId": "u-5", "strategy": "DATABASE" })).await, 409);
    assert_eq!(book(json!({ "seatId": 30, "userId": "u-6", "strategy": "REDIS" })).await, 422);

    let text = client.get(format!("{}/metrics", server.address)).send().await.unwrap();
    assert_eq!(text.status(), 200);
    assert!(text.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = text.text().await.unwrap();
    let scrape = parse_scrape(&text);
    let requests = |strategy: &str, outcome: &str| {
        value(
            &scrape,
            &format!(
                "boxoffice_booking_requests_total{{outcome=\"{outcome}\",strategy=\"{strategy}\"}}"
            ),
        )
    };
    assert_eq!(requests("ACTOR", "booked"), 5.0);
    assert_eq!(requests("ACTOR", "conflict"), 7.0);
    assert_eq!(requests("ACTOR", "invalid"), 3.0);
    assert_eq!(requests("ACTOR", "not_found"), 2.0);
    assert_eq!(requests("ACTOR", "unavailable"), 0.0);
    assert_eq!(requests("DATABASE", "booked"), 2.0);
    assert_eq!(requests("DATABASE", "conflict"), 1.0);
    assert_eq!(requests("REDIS", "invalid"), 1.0);
    assert_eq!(
        value(&scrape, "booking_conflict_total"),
        8.0,
        "the conflict counter equals the 409s"
    );
    assert_eq!(
        value(&scrape, "boxoffice_booking_duration_seconds_count{strategy=\"ACTOR\"}"),
        17.0
    );
    assert_eq!(
        value(&scrape, "boxoffice_booking_duration_seconds_count{strategy=\"DATABASE\"}"),
        3.0
    );
    // Each ACTOR winner is one write of some commit batch; nothing failed to commit.
    assert_eq!(value(&scrape, "boxoffice_commit_batch_size_sum"), 5.0);
    assert_eq!(
        value(&scrape, "boxoffice_commit_duration_seconds_count"),
        value(&scrape, "boxoffice_commit_batch_size_count")
    );
    for reason in ["version_mismatch", "fenced", "database"] {
        assert_eq!(
            value(&scrape, &format!("boxoffice_commit_failures_total{{reason=\"{reason}\"}}")),
            0.0
        );
    }
    assert_eq!(value(&scrape, "boxoffice_partitions_owned"), 64.0);
    // Seats 1-5 have actors; unknown seats and the DATABASE strategy start none.
    assert_eq!(value(&scrape, "boxoffice_actors_active"), 5.0);
    assert_eq!(value(&scrape, "boxoffice_actor_mailbox_depth_max"), 0.0);
    assert_eq!(value(&scrape, "boxoffice_forwarded_requests_total"), 0.0);
    let http = |status: u16| {
        value(
            &scrape,
            &format!(
                "boxoffice_http_requests_total{{method=\"POST\",route=\"/api/v1/bookings\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(http(201), 7.0);
    assert_eq!(http(409), 8.0);
    assert_eq!(http(404), 2.0);
    // Every declared metric is in the scrape, with its help text.
    for &(name, _, help) in METRICS {
        assert!(text.contains(&format!("# HELP {name} {help}")), "{name} is not exported");
    }
}

/// The PromQL words that are not metric names (aggregations may come before their `by (…)`).
const PROMQL_WORDS: &[&str] = &[
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "quantile",
    "count_values",
    "group",
];

/// Words that may be followed by a list of label names in parentheses.
const LABEL_LIST_WORDS: &[&str] = &["by", "without", "on", "ignoring", "group_left", "group_right"];

/// The metric names a PromQL expression reads: identifiers outside label matchers, ranges and
/// strings that are neither functions, keywords nor label lists of `by (…)` and friends.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut names = BTreeSet::new();
    let (mut braces, mut brackets, mut i) = (0, 0, 0);
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
            }
            '{' => braces += 1,
            '}' => braces -= 1,
            '[' => brackets += 1,
            ']' => brackets -= 1,
            c if (c.is_ascii_alphabetic() || c == '_' || c == ':')
                && braces == 0
                && brackets == 0 =>
            {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let next = chars[i..].iter().find(|c| !c.is_whitespace()).copied();
                let lower = word.to_ascii_lowercase();
                if LABEL_LIST_WORDS.contains(&lower.as_str()) {
                    // Skip the label names of `by (…)` and friends.
                    if next == Some('(') {
                        while i < chars.len() && chars[i] != ')' {
                            i += 1;
                        }
                    }
                } else if next != Some('(') && !PROMQL_WORDS.contains(&lower.as_str()) {
                    names.insert(word);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    names
}

/// Every `expr` in a dashboard, with its panel's title.
fn exprs(node: &Value, title: &str, found: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            let title = map.get("title").and_then(Value::as_str).unwrap_or(title);
            if let Some(expr) = map.get("expr").and_then(Value::as_str) {
                found.push((title.to_owned(), expr.to_owned()));
            }
            for child in map.values() {
                exprs(child, title, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| exprs(item, title, found)),
        _ => {}
    }
}

fn repository(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()))
}

#[test]
fn promql_names_are_read_from_expressions() {
    let expr = r#"histogram_quantile(0.99, sum by (le, strategy) (rate(boxoffice_booking_duration_seconds_bucket{strategy="ACTOR", x=~"a|b"}[$__rate_interval]))) / on (instance) group_left up"#;
    assert_eq!(
        metric_names(expr),
        BTreeSet::from(["boxoffice_booking_duration_seconds_bucket".to_owned(), "up".to_owned()])
    );
}

#[test]
fn every_dashboard_panel_queries_only_metrics_the_code_exports() {
    let exported: BTreeMap<&str, Kind> =
        METRICS.iter().map(|&(name, kind, _)| (name, kind)).collect();
    let known = |name: &str| {
        exported.contains_key(name)
            || ["_bucket", "_sum", "_count"].iter().any(|suffix| {
                name.strip_suffix(suffix)
                    .is_some_and(|base| exported.get(base) == Some(&Kind::Histogram))
            })
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grafana/dashboards");
    let mut dashboards = 0;
    for entry in std::fs::read_dir(&dir).expect("grafana/dashboards") {
        let path = entry.unwrap().path();
        let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        dashboards += 1;
        let panels = dashboard["panels"].as_array().expect("panels");
        assert!(panels.len() >= 10, "{}: a dashboard with the engine at work", path.display());
        for panel in panels.iter().filter(|p| p["type"] != "row") {
            let title = panel["title"].as_str().unwrap_or_default();
            assert!(!title.is_empty(), "a panel without a title in {}", path.display());
            assert!(
                panel["description"].as_str().is_some_and(|d| !d.is_empty()),
                "panel {title:?} has no description"
            );
        }
        let mut found = Vec::new();
        exprs(&dashboard, "", &mut found);
        assert!(!found.is_empty());
        for (title, expr) in &found {
            let names = metric_names(expr);
            assert!(!names.is_empty(), "panel {title:?} queries no metric: {expr}");
            for name in names {
                assert!(
                    known(&name),
                    "panel {title:?} queries {name}, which boxoffice does not export: {expr}"
                );
            }
        }
        // Each metric family the issue asks a panel for is on the dashboard.
        let all: String =
            found.iter().map(|(_, expr)| expr.as_str()).collect::<Vec<_>>().join("\n");
        for wanted in [
            "boxoffice_booking_requests_total",
            "boxoffice_booking_duration_seconds_bucket",
            "boxoffice_commit_batch_size",
            "boxoffice_commit_duration_seconds",
            "boxoffice_actors_active",
            "boxoffice_actor_mailbox_depth_max",
            "boxoffice_partitions_owned",
            "boxoffice_lease_changes_total",
            "boxoffice_stream_clients",
            "boxoffice_db_connections",
            "boxoffice_http_requests_total",
        ] {
            assert!(all.contains(wanted), "no panel shows {wanted}");
        }
    }
    assert!(dashboards >= 1);
}

/// The `boxoffice-N:8080` addresses of the compose file's nodes, and their environment.
fn compose_nodes() -> BTreeSet<String> {
    let compose = yaml_rust2::YamlLoader::load_from_str(&repository("docker-compose.yml"))
        .expect("docker-compose.yml is YAML");
    let services = compose[0]["services"].as_hash().expect("services");
    services
        .keys()
        .filter_map(|key| key.as_str())
        .filter(|name| name.starts_with("boxoffice-"))
        .map(|name| format!("{name}:8080"))
        .collect()
}

#[test]
fn compose_prometheus_and_dockerfile_agree_with_each_other_and_the_readme() {
    let nodes = compose_nodes();
    assert_eq!(nodes.len(), 3, "three nodes in the compose file: {nodes:?}");
    let compose = yaml_rust2::YamlLoader::load_from_str(&repository("docker-compose.yml")).unwrap();
    let services = &compose[0]["services"];
    for required in ["postgres", "redis", "prometheus", "grafana", "lb"] {
        assert!(!services[required].is_badvalue(), "the compose file has no {required}");
    }
    for node in &nodes {
        let name = node.trim_end_matches(":8080");
        let advertised = services[name]["environment"]["BOXOFFICE_ADVERTISE_URL"].as_str();
        assert_eq!(advertised, Some(format!("http://{node}").as_str()), "{name} advertises itself");
    }

    let prometheus = yaml_rust2::YamlLoader::load_from_str(&repository("grafana/prometheus.yml"))
        .expect("grafana/prometheus.yml is YAML");
    let mut targets = BTreeSet::new();
    for job in prometheus[0]["scrape_configs"].as_vec().expect("scrape_configs") {
        if job["job_name"].as_str() == Some("boxoffice") {
            for config in job["static_configs"].as_vec().expect("static_configs") {
                for target in config["targets"].as_vec().expect("targets") {
                    targets.insert(target.as_str().unwrap().to_owned());
                }
            }
        }
    }
    assert_eq!(targets, nodes, "Prometheus scrapes exactly the compose file's nodes");

    // The image is built with the README's own build steps: `make run` is `make ui release`.
    let dockerfile = repository("Dockerfile");
    // Instructions with their continuation lines joined.
    let joined = dockerfile.replace("\\\n", " ");
    let runs: Vec<&str> = joined.lines().filter(|l| l.trim_start().starts_with("RUN")).collect();
    assert!(
        runs.iter().any(|l| l.contains("make ui")),
        "the Dockerfile builds the UI with `make ui`"
    );
    assert!(
        runs.iter().any(|l| l.contains("make release")),
        "the Dockerfile builds with `make release`"
    );
    let makefile = repository("Makefile");
    assert!(
        makefile
            .lines()
            .any(|l| l.starts_with("run:") && l.contains("ui") && l.contains("release"))
    );
    let readme = repository("README.md");
    assert!(readme.contains("```sh\nmake run\n```"), "the README's Quick start is `make run`");
    assert!(readme.contains("docker compose up --build"), "the README says how to start the stack");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_names_the_database_when_it_is_down() {
    let server = tokio::task::spawn_blocking(PgServer::start).await.unwrap();
    let app = spawn_app_on(TestDb::fresh_on(&server.url).await, &[]).await;
    assert_eq!(app.get("/health/ready").await.status(), 200);

    server.stop();
    let ready =
        tokio::time::timeout(Duration::from_secs(10), app.get("/health/ready")).await.unwrap();
    assert_eq!(ready.status(), 503);
    assert!(ready.headers().contains_key("retry-after"));
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "DOWN");
    assert_eq!(body["checks"]["database"]["status"], "DOWN");
    assert!(body["checks"]["database"]["detail"].as_str().is_some_and(|d| !d.is_empty()));
    // A booking with the database gone is an honest 503, never a 500 or a false 201.
    let booking = app.book(3, "u-1", None).await;
    assert_eq!(booking.status(), 503);
    assert!(booking.headers().contains_key("retry-after"));
    app.stop().await;
}
