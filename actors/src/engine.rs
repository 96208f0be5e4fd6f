//! The engine as one value: the directory of seat actors and the committers behind them, started
//! together and stopped in order (actors first, then the committers flush).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::actor::ActorContext;
use crate::committer::{CommitStats, CommitterConfig, Committers};
use crate::directory::{Directory, DirectoryLimits};
use crate::domain::{BookingId, EventId, PartitionId, SeatId, UserId};
use crate::error::EngineError;
use crate::journal::{ChangeSink, Journal, SeatSource};
use crate::limits;
use crate::ownership::Ownership;
use crate::seat::Command;

/// How an engine is sized. The defaults are the documented limits.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    pub committer: CommitterConfig,
    pub directory: DirectoryLimits,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            committer: CommitterConfig {
                committers: 2,
                batch_size_max: limits::COMMIT_BATCH_MAX,
                queue_max: limits::COMMIT_QUEUE_MAX,
            },
            directory: DirectoryLimits {
                seat_in_flight_max: limits::SEAT_IN_FLIGHT_MAX,
                actors_active_max: limits::ACTORS_ACTIVE_MAX,
                command_timeout: limits::COMMAND_TIMEOUT,
                actor_idle: limits::ACTOR_IDLE,
            },
        }
    }
}

/// What the engine needs from its host.
pub struct EnginePorts {
    pub journal: Arc<dyn Journal>,
    pub source: Arc<dyn SeatSource>,
    pub changes: Arc<dyn ChangeSink>,
    pub ownership: Arc<Ownership>,
}

/// A durable booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub booking: BookingId,
    pub seat: SeatId,
    pub event: EventId,
    pub user: UserId,
    pub version: u64,
    pub at: DateTime<Utc>,
}

pub struct Engine {
    directory: Directory,
    ownership: Arc<Ownership>,
    commit_stats: Arc<CommitStats>,
    committers: Mutex<Option<Committers>>,
    /// Ends the passivation loop at shutdown.
    passivation: CancellationToken,
}

impl Engine {
    /// Starts the committers and the passivation loop. Must run inside a tokio runtime.
    pub fn start(ports: EnginePorts, config: EngineConfig) -> Arc<Self> {
        let committers = Committers::start(
            config.committer,
            ports.journal.clone(),
            ports.ownership.clone(),
            ports.changes,
        );
        let context =
            Arc::new(ActorContext { journal: ports.journal, commits: committers.sender.clone() });
        let directory =
            Directory::new(context, ports.source, ports.ownership.clone(), config.directory);
        let engine = Arc::new(Engine {
            directory,
            ownership: ports.ownership,
            commit_stats: committers.stats.clone(),
            committers: Mutex::new(Some(committers)),
            passivation: CancellationToken::new(),
        });
        tokio::spawn(passivation_loop(
            Arc::downgrade(&engine),
            config.directory.actor_idle,
            engine.passivation.clone(),
        ));
        engine
    }

    /// Books `seat` for `user`: `Ok` only once the booking is durable.
    pub async fn book(&self, seat: SeatId, user: UserId) -> Result<Booked, EngineError> {
        let accepted = self.directory.execute(seat, Command::Book { user: user.clone() }).await?;
        let booking = accepted
            .booking
            .ok_or_else(|| EngineError::Unavailable("the journal returned no booking id".into()))?;
        Ok(Booked {
            booking,
            seat: accepted.seat,
            event: accepted.event,
            user,
            version: accepted.version,
            at: accepted.at,
        })
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    pub fn ownership(&self) -> &Arc<Ownership> {
        &self.ownership
    }

    pub fn commit_stats(&self) -> &CommitStats {
        &self.commit_stats
    }

    /// Stops actors of a partition this node no longer owns, without waiting for them.
    pub fn evict_partition(&self, partition: PartitionId) -> usize {
        self.directory.evict_partition(partition)
    }

    /// Hands a partition back cleanly: new commands are refused (`NotOwner`), the commands already
    /// admitted finish and commit, then the partition is no longer owned. Returns the number of
    /// actors stopped.
    pub async fn hand_back(&self, partition: PartitionId, wait: Duration) -> usize {
        self.ownership.drain(partition);
        let stopped = self.directory.drain_partition(partition, wait).await;
        self.ownership.revoke(partition);
        stopped
    }

    /// Ordered stop: no more passivation, every actor finishes what it took, the committers
    /// commit what is queued. Later commands are answered `Unavailable`.
    pub async fn shutdown(&self, wait: Duration) {
        self.passivation.cancel();
        self.directory.stop_all(wait).await;
        if let Some(committers) = self.committers.lock().await.take() {
            committers.flush_and_stop().await;
        }
    }
}

async fn passivation_loop(
    engine: std::sync::Weak<Engine>,
    idle: Duration,
    stop: CancellationToken,
) {
    let period = (idle / 2).max(Duration::from_millis(100));
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(period) => {}
        }
        let Some(engine) = engine.upgrade() else { return };
        let stopped = engine.directory.passivate_idle();
        if stopped > 0 {
            tracing::debug!(
                stopped,
                active = engine.directory.active(),
                "passivated idle seat actors"
            );
        }
    }
}
