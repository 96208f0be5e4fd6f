//! A seat's state and its transitions, as pure functions: no I/O, no clocks, no actors. The seat
//! actor asks [`SeatState::decide`] what a command would do and commits the answer.

use std::fmt;

use crate::domain::{EventId, InvalidInput, SeatId, UserId};

/// What a seat map shows. Stored in the database as the upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeatStatus {
    Available,
    Booked,
}

impl SeatStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SeatStatus::Available => "AVAILABLE",
            SeatStatus::Booked => "BOOKED",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        match text {
            "AVAILABLE" => Ok(SeatStatus::Available),
            "BOOKED" => Ok(SeatStatus::Booked),
            other => Err(InvalidInput(format!("unknown seat status {other:?}"))),
        }
    }

    pub fn is_booked(self) -> bool {
        self == SeatStatus::Booked
    }
}

impl fmt::Display for SeatStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A seat's status and version. Every accepted transition adds one to the version; a seat starts
/// at version 0, so its first booking makes it 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatState {
    pub status: SeatStatus,
    pub version: u64,
}

impl SeatState {
    pub const NEW: SeatState = SeatState { status: SeatStatus::Available, version: 0 };

    /// What `command` does to this state: a transition to commit, or the reason it is refused.
    pub fn decide(&self, command: &Command) -> Result<Transition, Rejection> {
        match command {
            Command::Book { user } => match self.status {
                SeatStatus::Available => Ok(Transition {
                    expected_version: self.version,
                    next: SeatState { status: SeatStatus::Booked, version: self.version + 1 },
                    booking_for: Some(user.clone()),
                }),
                SeatStatus::Booked => Err(Rejection::Occupied { version: self.version }),
            },
        }
    }
}

/// What a client asks a seat to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Book { user: UserId },
}

/// An accepted command: the state it moves the seat to, valid only if the stored version is still
/// `expected_version` when it commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub expected_version: u64,
    pub next: SeatState,
    /// The user a booking row is written for, if the transition creates one.
    pub booking_for: Option<UserId>,
}

/// A command the state refuses. An expected outcome, answered at once from memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Occupied { version: u64 },
}

/// A seat as the stores and the seat view know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatRecord {
    pub seat: SeatId,
    pub event: EventId,
    pub state: SeatState,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(user: &str) -> Command {
        Command::Book { user: UserId::parse(user).unwrap() }
    }

    #[test]
    fn booking_an_available_seat_books_it_and_bumps_the_version() {
        let transition = SeatState::NEW.decide(&book("u-1")).unwrap();
        assert_eq!(transition.expected_version, 0);
        assert_eq!(transition.next, SeatState { status: SeatStatus::Booked, version: 1 });
        assert_eq!(transition.booking_for.unwrap().as_str(), "u-1");
    }

    #[test]
    fn booking_a_booked_seat_is_refused_with_its_version() {
        let booked = SeatState { status: SeatStatus::Booked, version: 7 };
        assert_eq!(booked.decide(&book("u-2")), Err(Rejection::Occupied { version: 7 }));
    }

    #[test]
    fn deciding_does_not_change_the_state() {
        let state = SeatState { status: SeatStatus::Available, version: 3 };
        let _ = state.decide(&book("u-1"));
        assert_eq!(state, SeatState { status: SeatStatus::Available, version: 3 });
    }

    #[test]
    fn status_round_trips_through_its_stored_name() {
        for status in [SeatStatus::Available, SeatStatus::Booked] {
            assert_eq!(SeatStatus::parse(status.as_str()).unwrap(), status);
        }
        assert!(SeatStatus::parse("SOLD").is_err());
    }
}
