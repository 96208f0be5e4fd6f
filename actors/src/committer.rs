//! The group committer: turns the accepted transitions of many seat actors into few transactions.
//!
//! Natural batching, no timers: a committer takes everything that is waiting (up to
//! [`COMMIT_BATCH_MAX`](crate::limits::COMMIT_BATCH_MAX)), commits it as one journal transaction,
//! publishes the committed changes, answers every actor, and repeats. Under light load a batch is
//! one write; under a flash crowd it is hundreds, and the cost of a durable commit is shared.
//! Several committers may share the queue so that one batch is being made durable while the next
//! one fills.
//!
//! It never answers an actor before the journal said the write is durable.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::DateTime;
use chrono::Utc;
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::domain::{BookingId, Fence, PartitionId};
use crate::journal::{
    ChangeSink, CommitBatch, Journal, SeatChanged, SeatWrite, WriteOutcome, stored_now,
};
use crate::ownership::Ownership;

/// A write and the actor waiting for its fate.
pub struct CommitRequest {
    pub write: SeatWrite,
    pub reply: oneshot::Sender<Result<Committed, CommitFailure>>,
}

/// The write is durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    pub booking: Option<BookingId>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitFailure {
    VersionMismatch,
    Fenced(PartitionId),
    /// The journal failed; the write may or may not be durable.
    Unavailable(String),
}

/// Counters a test or a metrics scrape can read.
#[derive(Debug, Default)]
pub struct CommitStats {
    pub batches: AtomicU64,
    pub writes_committed: AtomicU64,
    pub batch_size_max: AtomicU64,
    pub version_mismatches: AtomicU64,
    pub fenced: AtomicU64,
    pub journal_failures: AtomicU64,
}

/// How the committers are sized.
#[derive(Debug, Clone, Copy)]
pub struct CommitterConfig {
    /// Tasks committing in parallel, each with its own transaction.
    pub committers: usize,
    pub batch_size_max: usize,
    pub queue_max: usize,
}

/// The running committers: the queue's sending side and the tasks draining it.
pub struct Committers {
    pub sender: mpsc::Sender<CommitRequest>,
    pub stats: Arc<CommitStats>,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl Committers {
    pub fn start(
        config: CommitterConfig,
        journal: Arc<dyn Journal>,
        ownership: Arc<Ownership>,
        changes: Arc<dyn ChangeSink>,
    ) -> Self {
        assert!(config.committers >= 1 && config.batch_size_max >= 1);
        let (sender, receiver) = mpsc::channel(config.queue_max);
        let receiver = Arc::new(Mutex::new(receiver));
        let stats = Arc::new(CommitStats::default());
        let shutdown = CancellationToken::new();
        let tasks = (0..config.committers)
            .map(|_| {
                let committer = Committer {
                    journal: journal.clone(),
                    ownership: ownership.clone(),
                    changes: changes.clone(),
                    stats: stats.clone(),
                    batch_size_max: config.batch_size_max,
                };
                tokio::spawn(committer.run(receiver.clone(), shutdown.clone()))
            })
            .collect();
        Self { sender, stats, shutdown, tasks }
    }

    /// Refuses new writes, commits every write already queued, and waits for the committers.
    pub async fn flush_and_stop(self) {
        self.shutdown.cancel();
        drop(self.sender);
        for task in self.tasks {
            if let Err(error) = task.await {
                tracing::error!(%error, "committer task failed");
            }
        }
    }
}

struct Committer {
    journal: Arc<dyn Journal>,
    ownership: Arc<Ownership>,
    changes: Arc<dyn ChangeSink>,
    stats: Arc<CommitStats>,
    batch_size_max: usize,
}

impl Committer {
    async fn run(
        self,
        receiver: Arc<Mutex<mpsc::Receiver<CommitRequest>>>,
        shutdown: CancellationToken,
    ) {
        let mut batch = Vec::with_capacity(self.batch_size_max);
        loop {
            let received = {
                let mut receiver = receiver.lock().await;
                tokio::select! {
                    biased;
                    received = receiver.recv_many(&mut batch, self.batch_size_max) => received,
                    () = shutdown.cancelled() => {
                        // Stop taking new writes but drain what is queued: each was accepted by
                        // an actor that is waiting for its answer.
                        receiver.close();
                        receiver.recv_many(&mut batch, self.batch_size_max).await
                    }
                }
            };
            if received == 0 {
                return;
            }
            self.commit(&mut batch).await;
        }
    }

    /// Commits one batch and answers every request in it.
    async fn commit(&self, requests: &mut Vec<CommitRequest>) {
        let mut fences: Vec<(PartitionId, Fence)> = Vec::new();
        let mut writes = Vec::with_capacity(requests.len());
        let mut waiting = Vec::with_capacity(requests.len());
        for request in requests.drain(..) {
            let partition = request.write.partition;
            match self.ownership.fence(partition) {
                Some(fence) => {
                    if let Err(at) = fences.binary_search_by_key(&partition, |&(p, _)| p) {
                        fences.insert(at, (partition, fence));
                    }
                    writes.push(request.write);
                    waiting.push(request.reply);
                }
                None => {
                    // Ownership moved on: no point asking the database.
                    self.stats.fenced.fetch_add(1, Ordering::Relaxed);
                    failure("fenced");
                    let _ = request.reply.send(Err(CommitFailure::Fenced(partition)));
                }
            }
        }
        if writes.is_empty() {
            return;
        }
        debug_assert!(distinct_seats(&writes), "one seat twice in a batch: its actor is not alone");

        let batch = CommitBatch { writes, fences, committed_at: stored_now() };
        self.stats.batches.fetch_add(1, Ordering::Relaxed);
        self.stats.batch_size_max.fetch_max(batch.writes.len() as u64, Ordering::Relaxed);
        metrics::histogram!("boxoffice_commit_batch_size").record(batch.writes.len() as f64);
        let started = std::time::Instant::now();
        let committed = self.journal.commit(&batch).await;
        metrics::histogram!("boxoffice_commit_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        match committed {
            Ok(outcomes) => {
                assert_eq!(outcomes.len(), batch.writes.len(), "one outcome per write");
                self.publish(&batch, &outcomes);
                for ((write, outcome), reply) in batch.writes.iter().zip(outcomes).zip(waiting) {
                    let answer = match outcome {
                        WriteOutcome::Committed { booking } => {
                            Ok(Committed { booking, at: batch.committed_at })
                        }
                        WriteOutcome::VersionMismatch => {
                            self.stats.version_mismatches.fetch_add(1, Ordering::Relaxed);
                            failure("version_mismatch");
                            Err(CommitFailure::VersionMismatch)
                        }
                        WriteOutcome::Fenced => {
                            self.stats.fenced.fetch_add(1, Ordering::Relaxed);
                            failure("fenced");
                            Err(CommitFailure::Fenced(write.partition))
                        }
                    };
                    // The actor may be gone (its client timed out); the write stands regardless.
                    let _ = reply.send(answer);
                }
            }
            Err(error) => {
                self.stats.journal_failures.fetch_add(1, Ordering::Relaxed);
                metrics::counter!("boxoffice_commit_failures_total", "reason" => "database")
                    .increment(waiting.len() as u64);
                tracing::warn!(%error, writes = batch.writes.len(), "commit failed");
                for reply in waiting {
                    let _ = reply.send(Err(CommitFailure::Unavailable(error.0.clone())));
                }
            }
        }
    }

    /// Hands the committed changes to the change sink before any winner is answered, so a client
    /// that got `201` and reads the seat map next sees its seat booked.
    fn publish(&self, batch: &CommitBatch, outcomes: &[WriteOutcome]) {
        let changes: Vec<SeatChanged> = batch
            .writes
            .iter()
            .zip(outcomes)
            .filter(|(_, outcome)| matches!(outcome, WriteOutcome::Committed { .. }))
            .map(|(write, _)| SeatChanged {
                event: write.event,
                seat: write.seat,
                status: write.status,
                version: write.version,
            })
            .collect();
        self.stats.writes_committed.fetch_add(changes.len() as u64, Ordering::Relaxed);
        if !changes.is_empty() {
            self.changes.publish(&changes);
        }
    }
}

/// Counts one write that did not commit.
fn failure(reason: &'static str) {
    metrics::counter!("boxoffice_commit_failures_total", "reason" => reason).increment(1);
}

fn distinct_seats(writes: &[SeatWrite]) -> bool {
    let mut seats: Vec<_> = writes.iter().map(|w| w.seat).collect();
    seats.sort_unstable();
    seats.windows(2).all(|pair| pair[0] != pair[1])
}
