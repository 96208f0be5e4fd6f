//! Runs a plan: `--concurrency` workers, each with its own keep-alive connection, sending its
//! requests one after another and taking the next request number from a shared counter, until
//! every request is issued or `--duration` has passed (requests in flight then finish, within
//! their timeout). With `--rate`, request `i` is not sent before its slot, `i / rate` seconds
//! into the run. Each worker keeps its own tally, without locks; they are merged at the end.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::ProgressBar;
use reqwest::Client;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::LoadtestError;
use super::client::{self, Answer};
use super::plan::Plan;
use super::progress;
use super::tally::Tally;

/// Attempts of one request with `--retry-503`, the first included.
pub const RETRY_ATTEMPTS_MAX: u32 = 5;
/// The wait after a `503` that names none.
pub const RETRY_AFTER_DEFAULT: Duration = Duration::from_secs(1);
/// The longest `Retry-After` honored, so that a run stays bounded in time.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(10);

/// How to drive the plan.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base: String,
    pub concurrency: usize,
    pub duration: Option<Duration>,
    /// `--rate`: requests per second in all, on a fixed schedule.
    pub rate: Option<f64>,
    pub retry_503: bool,
    pub progress: bool,
}

/// What the workers saw together, how many there were and how long they took.
pub struct Outcome {
    pub tally: Tally,
    pub workers: usize,
    pub elapsed: Duration,
}

struct Shared {
    plan: Arc<Plan>,
    base: String,
    next: AtomicU64,
    started: Instant,
    rate: Option<f64>,
    deadline: Option<Instant>,
    retry_503: bool,
    progress: ProgressBar,
}

pub async fn drive(plan: Arc<Plan>, settings: &Settings) -> Result<Outcome, LoadtestError> {
    let workers = settings.concurrency.min(usize::try_from(plan.requests).unwrap_or(usize::MAX));
    let clients = (0..workers)
        .map(|_| client::worker_client())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| LoadtestError::Setup(format!("cannot build an HTTP client: {error}")))?;
    let progress = progress::bar(plan.requests, settings.duration, settings.progress);
    let started = Instant::now();
    let shared = Arc::new(Shared {
        plan,
        base: settings.base.clone(),
        next: AtomicU64::new(0),
        started,
        rate: settings.rate,
        deadline: settings.duration.map(|duration| started + duration),
        retry_503: settings.retry_503,
        progress,
    });
    let mut running = JoinSet::new();
    for client in clients {
        running.spawn(work(shared.clone(), client));
    }
    let mut tally = Tally::new();
    while let Some(joined) = running.join_next().await {
        match joined {
            Ok(worker) => tally.merge(worker),
            // Workers are never cancelled, so this is a panic: let it carry on.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    let elapsed = started.elapsed();
    shared.progress.finish_and_clear();
    Ok(Outcome { tally, workers, elapsed })
}

/// One worker: the next request number, its exchange (and retries), until none is left.
async fn work(shared: Arc<Shared>, client: Client) -> Tally {
    let mut tally = Tally::new();
    let plan = &shared.plan;
    loop {
        if shared.deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            break;
        }
        let i = shared.next.fetch_add(1, Ordering::Relaxed);
        if i >= plan.requests {
            break;
        }
        // On a schedule, a request waits for its slot and its latency counts from the slot: a
        // server that falls behind is charged for the queue it causes (no coordinated omission).
        let due = shared.rate.map(|rate| shared.started + Duration::from_secs_f64(i as f64 / rate));
        if let Some(due) = due {
            if shared.deadline.is_some_and(|deadline| due >= deadline) {
                break;
            }
            tokio::time::sleep_until(due).await;
        }
        tally.sent += 1;
        let seat = plan.seat_of(i);
        let user = seat.map(|_| plan.user_of(i));
        let mut attempts = 1;
        let mut first = due;
        loop {
            let started = first.take().unwrap_or_else(Instant::now);
            let result = match (seat, &user) {
                (Some(seat), Some(user)) => {
                    client::book(&client, &shared.base, seat, user, plan.strategy.as_str()).await
                }
                _ => client::live(&client, &shared.base).await,
            };
            match result {
                Ok(answer) => {
                    tally.record_latency(started.elapsed());
                    if let Some(wait) =
                        retry_wait(shared.retry_503, shared.deadline, &answer, attempts)
                    {
                        tally.retries += 1;
                        attempts += 1;
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    tally.record_answer(seat, &answer);
                }
                Err(error) => tally.record_unanswered(&error),
            }
            break;
        }
        shared.progress.inc(1);
    }
    tally
}

/// How long to wait before retrying this answer, or `None` when it is final: only a `503`, only
/// with `--retry-503`, at most [`RETRY_ATTEMPTS_MAX`] attempts, and never past the deadline.
fn retry_wait(
    retry_503: bool,
    deadline: Option<Instant>,
    answer: &Answer,
    attempts: u32,
) -> Option<Duration> {
    if !retry_503 || answer.status != 503 || attempts >= RETRY_ATTEMPTS_MAX {
        return None;
    }
    let wait = answer.retry_after.unwrap_or(RETRY_AFTER_DEFAULT).min(RETRY_AFTER_MAX);
    // A retry that would start after the deadline would stretch the run: the 503 stands.
    match deadline {
        Some(deadline) if Instant::now() + wait >= deadline => None,
        _ => Some(wait),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overloaded(retry_after_s: Option<u64>) -> Answer {
        Answer {
            status: 503,
            retry_after: retry_after_s.map(Duration::from_secs),
            ..Answer::default()
        }
    }

    #[test]
    fn a_503_is_final_unless_retries_are_asked_for() {
        assert_eq!(retry_wait(false, None, &overloaded(Some(1)), 1), None);
        let conflict = Answer { status: 409, ..Answer::default() };
        assert_eq!(retry_wait(true, None, &conflict, 1), None);
    }

    #[test]
    fn retries_honor_retry_after_within_bounds() {
        let second = Duration::from_secs(1);
        assert_eq!(retry_wait(true, None, &overloaded(Some(2)), 1), Some(2 * second));
        assert_eq!(retry_wait(true, None, &overloaded(None), 1), Some(RETRY_AFTER_DEFAULT));
        assert_eq!(retry_wait(true, None, &overloaded(Some(3_600)), 1), Some(RETRY_AFTER_MAX));
        assert_eq!(retry_wait(true, None, &overloaded(Some(1)), RETRY_ATTEMPTS_MAX), None);
        let soon = Some(Instant::now() + second / 2);
        assert_eq!(retry_wait(true, soon, &overloaded(Some(1)), 1), None);
    }
}
