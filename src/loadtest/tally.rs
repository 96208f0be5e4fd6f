//! What one worker saw: answers by status and problem code, unanswered requests by kind, the
//! latency of each answered exchange (microseconds, in an HDR histogram) and, for the booking
//! scenarios, the answers of each seat asked for. Each worker fills its own tally without locks;
//! the run merges them at the end. Every collection is bounded: statuses and kinds by their
//! nature, codes by [`CODES_MAX`], seats by the seats of the plan.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use hdrhistogram::Histogram;

use super::client::{Answer, ExchangeError};

/// Latencies above this (longer than any request timeout) are recorded as this.
pub const LATENCY_US_MAX: u64 = 120_000_000;
/// Distinct problem codes counted one by one; any further code counts as [`OTHER_CODE`].
pub const CODES_MAX: usize = 32;
pub const OTHER_CODE: &str = "OTHER";
pub const SEAT_OCCUPIED: &str = "SEAT_OCCUPIED";

/// The answers of one seat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeatTally {
    /// `201`: this request booked the seat.
    pub won: u64,
    /// `409 SEAT_OCCUPIED`: someone else had it.
    pub occupied: u64,
}

#[derive(Debug, Clone)]
pub struct Tally {
    /// Requests issued (retries of a request not counted again).
    pub sent: u64,
    /// Final answers by HTTP status.
    pub by_status: BTreeMap<u16, u64>,
    /// Final error answers by problem `code`.
    pub by_code: BTreeMap<String, u64>,
    /// Requests that got no HTTP answer, by kind (`connect`, `timeout`, `body`, `other`).
    pub unanswered: BTreeMap<&'static str, u64>,
    pub first_unanswered: Option<String>,
    /// `503` answers retried (`--retry-503`).
    pub retries: u64,
    /// Every answered exchange, retried ones included.
    pub latency: Histogram<u64>,
    /// Booking scenarios: the seat asked for → its answers.
    pub seats: HashMap<u64, SeatTally>,
    /// `201` answers that named another seat than the one asked for.
    pub wrong_seat: u64,
    /// `409` answers with another code than `SEAT_OCCUPIED`.
    pub other_conflicts: u64,
    /// The event of a `201` (for `--seat` without `--event`).
    pub event_of_win: Option<u64>,
}

impl Tally {
    pub fn new() -> Self {
        let latency = Histogram::new_with_bounds(1, LATENCY_US_MAX, 3)
            .expect("1 µs to 120 s at 3 significant figures is a valid histogram");
        Self {
            sent: 0,
            by_status: BTreeMap::new(),
            by_code: BTreeMap::new(),
            unanswered: BTreeMap::new(),
            first_unanswered: None,
            retries: 0,
            latency,
            seats: HashMap::new(),
            wrong_seat: 0,
            other_conflicts: 0,
            event_of_win: None,
        }
    }

    pub fn record_latency(&mut self, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latency.saturating_record(us.clamp(1, LATENCY_US_MAX));
    }

    /// The final answer of a request; `seat` is the seat it asked for, if it booked.
    pub fn record_answer(&mut self, seat: Option<u64>, answer: &Answer) {
        *self.by_status.entry(answer.status).or_insert(0) += 1;
        if let Some(code) = &answer.code {
            let key = if self.by_code.contains_key(code) || self.by_code.len() < CODES_MAX {
                code.as_str()
            } else {
                OTHER_CODE
            };
            *self.by_code.entry(key.to_owned()).or_insert(0) += 1;
        }
        let Some(seat) = seat else { return };
        let entry = self.seats.entry(seat).or_default();
        match answer.status {
            201 => {
                entry.won += 1;
                if answer.seat != Some(seat) {
                    self.wrong_seat += 1;
                }
                self.event_of_win = self.event_of_win.or(answer.event);
            }
            409 if answer.code.as_deref() == Some(SEAT_OCCUPIED) => entry.occupied += 1,
            409 => self.other_conflicts += 1,
            _ => {}
        }
    }

    pub fn record_unanswered(&mut self, error: &ExchangeError) {
        *self.unanswered.entry(error.kind()).or_insert(0) += 1;
        if self.first_unanswered.is_none() {
            self.first_unanswered = Some(error.describe());
        }
    }

    /// Requests that got an HTTP answer.
    pub fn answered(&self) -> u64 {
        self.by_status.values().sum()
    }

    pub fn unanswered_total(&self) -> u64 {
        self.unanswered.values().sum()
    }

    pub fn count(&self, status: u16) -> u64 {
        self.by_status.get(&status).copied().unwrap_or(0)
    }

    /// Adds another worker's tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.sent += other.sent;
        for (status, n) in other.by_status {
            *self.by_status.entry(status).or_insert(0) += n;
        }
        for (code, n) in other.by_code {
            let key = if self.by_code.contains_key(&code) || self.by_code.len() < CODES_MAX {
                code
            } else {
                OTHER_CODE.to_owned()
            };
            *self.by_code.entry(key).or_insert(0) += n;
        }
        for (kind, n) in other.unanswered {
            *self.unanswered.entry(kind).or_insert(0) += n;
        }
        self.first_unanswered = self.first_unanswered.take().or(other.first_unanswered);
        self.retries += other.retries;
        self.latency.add(&other.latency).expect("tallies share the histogram's bounds");
        for (seat, tally) in other.seats {
            let entry = self.seats.entry(seat).or_default();
            entry.won += tally.won;
            entry.occupied += tally.occupied;
        }
        self.wrong_seat += other.wrong_seat;
        self.other_conflicts += other.other_conflicts;
        self.event_of_win = self.event_of_win.or(other.event_of_win);
    }
}

impl Default for Tally {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, code: Option<&str>, seat: Option<u64>) -> Answer {
        Answer {
            status,
            code: code.map(str::to_owned),
            seat,
            event: seat.map(|_| 1),
            retry_after: None,
        }
    }

    #[test]
    fn merged_tallies_add_up() {
        let mut a = Tally::new();
        a.record_answer(Some(7), &answer(201, None, Some(7)));
        a.record_latency(Duration::from_millis(2));
        let mut b = Tally::new();
        b.record_answer(Some(7), &answer(409, Some(SEAT_OCCUPIED), None));
        b.record_answer(Some(8), &answer(201, None, Some(9)));
        b.record_latency(Duration::from_millis(4));
        a.merge(b);
        assert_eq!(a.by_status, BTreeMap::from([(201, 2), (409, 1)]));
        assert_eq!(a.by_code, BTreeMap::from([(SEAT_OCCUPIED.to_owned(), 1)]));
        assert_eq!(a.seats[&7], SeatTally { won: 1, occupied: 1 });
        assert_eq!((a.wrong_seat, a.answered(), a.latency.len()), (1, 3, 2));
        assert_eq!(a.event_of_win, Some(1));
    }

    #[test]
    fn codes_beyond_the_bound_count_as_other() {
        let mut tally = Tally::new();
        for i in 0..CODES_MAX + 5 {
            tally.record_answer(None, &answer(400, Some(&format!("CODE_{i}")), None));
        }
        assert_eq!(tally.by_code.len(), CODES_MAX + 1);
        assert_eq!(tally.by_code[OTHER_CODE], 5);
    }
}
