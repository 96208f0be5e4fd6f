//! The memory measurement: create events of up to 200,000 seats (the API's maximum) through the
//! API, restart the server so that a fresh process loads every seat (and carries nothing from the
//! runs before), activate seat actors (one booking each on different seats), then read the
//! server's resident memory from `/proc/<pid>/status`. Every event created during the bench is in
//! the node's seat view by then, so the seats counted are all of them.

use serde_json::{Value, json};

use super::BenchError;
use super::args::BenchArgs;
use super::stack::{Stack, resident_kib};
use crate::limits::SEATS_PER_ROW_MAX;
use crate::loadtest::{self, LoadtestArgs, Scenario};

#[derive(Debug, Clone)]
pub struct Memory {
    /// Seats of every event on the node when the memory was read.
    pub seats_loaded: u64,
    pub events_loaded: u64,
    /// Seat actors activated by the measurement's own bookings.
    pub actors_activated: u64,
    /// Seat actors alive when the memory was read (`boxoffice_actors_active`).
    pub actors_active: Option<u64>,
    /// Resident memory of the fresh process with every seat loaded, before the actors.
    pub rss_loaded_kib: u64,
    pub rss_kib: u64,
    pub rss_peak_kib: u64,
    /// Whether the activation bookings passed their check.
    pub check_passed: bool,
}

pub async fn measure(stack: &mut Stack, args: &BenchArgs) -> Result<Memory, BenchError> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(300))
        .build()
        .map_err(|e| BenchError::Setup(format!("cannot build an HTTP client: {e}")))?;
    let per_row = args.memory_event_seats.clamp(1, SEATS_PER_ROW_MAX as usize);
    let rows = args.memory_event_seats.div_ceil(per_row);
    let mut first_event = None;
    for i in 0..args.memory_events {
        eprintln!(
            "bench: memory: event {} of {} ({} seats)…",
            i + 1,
            args.memory_events,
            rows * per_row
        );
        let body =
            json!({ "name": format!("bench memory {i}"), "rows": rows, "seatsPerRow": per_row });
        let response = client
            .post(format!("{}/api/v1/events", stack.url))
            .json(&body)
            .send()
            .await
            .map_err(|e| BenchError::Run(format!("memory: creating an event: {e}")))?;
        let status = response.status();
        let created: Value = response.json().await.unwrap_or(Value::Null);
        if status != 201 {
            return Err(BenchError::Run(format!(
                "memory: creating an event answered {status}: {created}"
            )));
        }
        first_event = first_event.or(created["id"].as_u64());
    }

    eprintln!("bench: memory: restarting the server…");
    stack.restart_server().await?;
    let pid = stack.server_pid();
    let (rss_loaded_kib, _) = resident(pid)?;
    eprintln!("bench: memory: activating {} seat actors…", args.memory_actors);
    let activate = LoadtestArgs {
        event: first_event,
        requests: Some(args.memory_actors),
        concurrency: args.concurrency,
        duration: Some(std::time::Duration::from_secs(120)),
        no_progress: args.no_progress,
        ..LoadtestArgs::new(Scenario::Distinct, &stack.url)
    };
    let activation = loadtest::run_scenario(&activate)
        .await
        .map_err(|error| BenchError::Run(format!("memory: activating actors: {error}")))?;

    let (rss_kib, rss_peak_kib) = resident(pid)?;
    let metrics = client.get(format!("{}/metrics", stack.url)).send().await;
    let metrics = match metrics {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    let events: Value = client
        .get(format!("{}/api/v1/events", stack.url))
        .send()
        .await
        .map_err(|e| BenchError::Run(format!("memory: listing events: {e}")))?
        .json()
        .await
        .unwrap_or(Value::Null);
    let events = events.as_array().cloned().unwrap_or_default();
    Ok(Memory {
        seats_loaded: events.iter().filter_map(|e| e["seatCount"].as_u64()).sum(),
        events_loaded: events.len() as u64,
        actors_activated: activation.check.seats_won,
        actors_active: gauge(&metrics, "boxoffice_actors_active"),
        rss_loaded_kib,
        rss_kib,
        rss_peak_kib,
        check_passed: activation.check.passed,
    })
}

fn resident(pid: u32) -> Result<(u64, u64), BenchError> {
    resident_kib(pid).ok_or_else(|| {
        BenchError::Run(format!("cannot read /proc/{pid}/status: did the server exit?"))
    })
}

/// The value of an unlabelled gauge in a Prometheus scrape.
fn gauge(scrape: &str, name: &str) -> Option<u64> {
    scrape.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(' ')?;
        value.trim().parse::<f64>().ok().map(|v| v as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::gauge;

    #[test]
    fn gauges_are_read_from_a_scrape() {
        let scrape = "# HELP boxoffice_actors_active x\nboxoffice_actors_active 10042\nboxoffice_actors_active_other 3\n";
        assert_eq!(gauge(scrape, "boxoffice_actors_active"), Some(10_042));
        assert_eq!(gauge(scrape, "missing"), None);
    }
}
