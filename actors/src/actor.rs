//! The seat actor: one ractor actor per seat, which handles that seat's commands one at a time.
//!
//! It decides each command against the state it holds. A refused command is answered at once; an
//! accepted one is sent to the committer and the actor waits for the commit before it takes the
//! next command, so commands for one seat never overlap. It never answers success before the
//! transition is durable, and it never holds a state it has not seen committed.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::sync::{mpsc, oneshot};

use crate::committer::{CommitFailure, CommitRequest};
use crate::domain::{BookingId, EventId, PartitionId, SeatId, UserId};
use crate::error::EngineError;
use crate::journal::{Journal, SeatWrite};
use crate::limits::VERSION_RETRIES_MAX;
use crate::seat::{Command, Rejection, SeatRecord};

/// What every seat actor of a node shares.
pub(crate) struct ActorContext {
    pub journal: Arc<dyn Journal>,
    pub commits: mpsc::Sender<CommitRequest>,
}

/// A command that changed a seat, now durable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub seat: SeatId,
    pub event: EventId,
    pub version: u64,
    pub booking: Option<BookingId>,
    pub user: Option<UserId>,
    pub at: DateTime<Utc>,
}

pub enum SeatMsg {
    Execute { command: Command, reply: RpcReplyPort<Result<Accepted, EngineError>> },
}

pub(crate) struct SeatActor {
    pub context: Arc<ActorContext>,
}

pub(crate) struct SeatActorArgs {
    pub record: SeatRecord,
    pub partition: PartitionId,
}

pub(crate) struct SeatActorState {
    record: SeatRecord,
    partition: PartitionId,
    /// A commit of unknown fate happened: re-read the seat before deciding anything.
    uncertain: bool,
}

impl Actor for SeatActor {
    type Msg = SeatMsg;
    type State = SeatActorState;
    type Arguments = SeatActorArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<SeatMsg>,
        args: SeatActorArgs,
    ) -> Result<SeatActorState, ActorProcessingErr> {
        Ok(SeatActorState { record: args.record, partition: args.partition, uncertain: false })
    }

    async fn handle(
        &self,
        myself: ActorRef<SeatMsg>,
        message: SeatMsg,
        state: &mut SeatActorState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            SeatMsg::Execute { command, reply } => {
                let result = self.execute(&command, state).await;
                if matches!(result, Err(EngineError::Fenced(_))) {
                    // This node lost the partition: whatever it holds may be stale by now.
                    myself.stop(Some("fenced".into()));
                }
                // The client may have given up waiting; the outcome stands regardless.
                let _ = reply.send(result);
            }
        }
        // Errors are answers to the client, never a reason to crash the actor.
        Ok(())
    }
}

impl SeatActor {
    async fn execute(
        &self,
        command: &Command,
        state: &mut SeatActorState,
    ) -> Result<Accepted, EngineError> {
        if state.uncertain {
            self.reload(state).await?;
        }
        for _ in 0..=VERSION_RETRIES_MAX {
            let transition = match state.record.state.decide(command) {
                Ok(transition) => transition,
                Err(Rejection::Occupied { version }) => {
                    return Err(EngineError::SeatOccupied { seat: state.record.seat, version });
                }
            };
            let write = SeatWrite {
                seat: state.record.seat,
                event: state.record.event,
                partition: state.partition,
                expected_version: transition.expected_version,
                status: transition.next.status,
                version: transition.next.version,
                booking_for: transition.booking_for.clone(),
            };
            match self.commit(write).await {
                Ok(committed) => {
                    assert!(transition.next.version > state.record.state.version);
                    state.record.state = transition.next;
                    return Ok(Accepted {
                        seat: state.record.seat,
                        event: state.record.event,
                        version: transition.next.version,
                        booking: committed.booking,
                        user: transition.booking_for,
                        at: committed.at,
                    });
                }
                Err(CommitFailure::VersionMismatch) => {
                    // A writer outside this actor changed the seat: decide again on fresh state.
                    self.reload(state).await?;
                }
                Err(CommitFailure::Fenced(partition)) => {
                    return Err(EngineError::Fenced(partition));
                }
                Err(CommitFailure::Unavailable(reason)) => {
                    state.uncertain = true;
                    return Err(EngineError::Unavailable(reason));
                }
            }
        }
        Err(EngineError::Unavailable(format!(
            "seat {} kept changing under concurrent writers",
            state.record.seat
        )))
    }

    async fn commit(&self, write: SeatWrite) -> Result<crate::committer::Committed, CommitFailure> {
        let (reply, answer) = oneshot::channel();
        if self.context.commits.send(CommitRequest { write, reply }).await.is_err() {
            return Err(CommitFailure::Unavailable("the committer is shutting down".into()));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(CommitFailure::Unavailable("the committer stopped".into())))
    }

    /// Replaces the held state with the journal's. Versions never go backwards.
    async fn reload(&self, state: &mut SeatActorState) -> Result<(), EngineError> {
        let seat = state.record.seat;
        let fresh = self
            .context
            .journal
            .load_seat(seat)
            .await
            .map_err(|error| EngineError::Unavailable(error.0))?
            .ok_or(EngineError::SeatNotFound(seat))?;
        assert!(
            fresh.state.version >= state.record.state.version,
            "seat {seat} went back from version {} to {}",
            state.record.state.version,
            fresh.state.version
        );
        state.record = fresh;
        state.uncertain = false;
        Ok(())
    }
}
