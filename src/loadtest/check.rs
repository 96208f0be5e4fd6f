//! The correctness check at the end of a run: what each scenario's answers must add up to, and
//! whether the seats won are BOOKED in the server's seat map. A `503` is load shed, not a wrong
//! answer: it is counted and shown, and it fails no check; any request without an HTTP answer
//! does, because nobody knows what it did.

use std::collections::HashMap;

use serde::Serialize;

use super::LoadtestError;
use super::args::Scenario;
use super::client::{MapSeat, Setup};
use super::plan::Plan;
use super::tally::Tally;

/// Failure lines kept in a check; each already counts all of its kind.
const FAILURES_MAX: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub passed: bool,
    /// What the scenario's answers must add up to.
    pub rule: &'static str,
    /// Why it failed, one line per kind of failure.
    pub failures: Vec<String>,
    /// Booking scenarios: `201` answers.
    pub won: u64,
    /// Seats with a `201`.
    pub seats_won: u64,
    /// Seats with a `201` or a `409 SEAT_OCCUPIED`.
    pub seats_hit: u64,
    /// Seats of the plan that the seat map shows BOOKED after the run (when it was read).
    pub seats_booked_in_map: Option<u64>,
}

/// Judges a finished run, reading the seat map of its event when there is one.
pub async fn verify(setup: &Setup, plan: &Plan, tally: &Tally) -> Result<Check, LoadtestError> {
    let event = plan.event.or(tally.event_of_win);
    let map = match event {
        Some(event) if plan.scenario.books() => Some(setup.seat_map(event).await?),
        _ => None,
    };
    if plan.taken {
        return Ok(judge_taken(tally, plan.seats.first().copied(), map.as_deref()));
    }
    Ok(judge(plan.scenario, plan.event_created, tally, map.as_deref()))
}

/// The rule of `hot-seat --taken`.
pub const RULE_TAKEN: &str = "every answer 409 SEAT_OCCUPIED (the seat was booked before the run), the seat BOOKED in the seat map";

pub fn rule(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::HotSeat => {
            "exactly one 201, every other answer 409 SEAT_OCCUPIED, the seat BOOKED in the seat map"
        }
        Scenario::Distinct => {
            "every answer 201, each on a different seat, each seat BOOKED in the seat map"
        }
        Scenario::Flash => {
            "no seat won twice, every 409 on a seat won in this run, every won seat BOOKED in the seat map"
        }
        Scenario::Ceiling => "every answer 200",
    }
}

/// The check itself, on what the run saw and the seat map read afterwards (`None`: not read).
/// `fresh`: the run created the event, so no other client booked in it.
pub fn judge(scenario: Scenario, fresh: bool, tally: &Tally, map: Option<&[MapSeat]>) -> Check {
    let mut failures = Vec::new();
    let expected: &[u16] = match scenario {
        Scenario::HotSeat | Scenario::Flash => &[201, 409, 503],
        Scenario::Distinct => &[201, 503],
        Scenario::Ceiling => &[200],
    };
    answers_as_expected(tally, expected, &mut failures);

    let won = tally.count(201);
    let seats_won = tally.seats.values().filter(|seat| seat.won > 0).count() as u64;
    let seats_hit =
        tally.seats.values().filter(|seat| seat.won > 0 || seat.occupied > 0).count() as u64;
    let mut seats_booked_in_map = None;
    if scenario.books() {
        seats_twice(tally, &mut failures);
        occupied_without_winner(tally, &mut failures);
        if scenario == Scenario::HotSeat && won != 1 {
            failures.push(match won {
                0 => "no request won the seat".to_owned(),
                n => format!("{n} requests won the seat: it was sold more than once"),
            });
        }
        if let Some(map) = map {
            seats_booked_in_map = Some(compare_with_map(tally, fresh, map, &mut failures));
        }
    }
    failures.truncate(FAILURES_MAX);
    Check {
        passed: failures.is_empty(),
        rule: rule(scenario),
        failures,
        won,
        seats_won,
        seats_hit,
        seats_booked_in_map,
    }
}

/// `hot-seat --taken`: the seat was booked before the run, so nobody may win it and every answer
/// is `409 SEAT_OCCUPIED` (or load shed); afterwards the map still shows it BOOKED.
pub fn judge_taken(tally: &Tally, seat: Option<u64>, map: Option<&[MapSeat]>) -> Check {
    let mut failures = Vec::new();
    answers_as_expected(tally, &[409, 503], &mut failures);
    let won = tally.count(201);
    if won > 0 {
        failures.push(format!("{won} requests won a seat that was already booked: sold twice"));
    }
    let seats_hit = tally.seats.values().filter(|seat| seat.occupied > 0).count() as u64;
    let seats_booked_in_map = match (map, seat) {
        (Some(map), Some(seat)) => {
            let booked = map.iter().any(|s| s.seat_id == seat && s.booked);
            if !booked {
                failures.push(format!("seat {seat} is not BOOKED in the seat map"));
            }
            Some(u64::from(booked))
        }
        _ => None,
    };
    failures.truncate(FAILURES_MAX);
    Check {
        passed: failures.is_empty(),
        rule: RULE_TAKEN,
        failures,
        won,
        seats_won: 0,
        seats_hit,
        seats_booked_in_map,
    }
}

/// Something was sent, everything was answered, and only with the `expected` statuses (and
/// `409` only with `SEAT_OCCUPIED`, `201` only for the seat asked for).
fn answers_as_expected(tally: &Tally, expected: &[u16], failures: &mut Vec<String>) {
    if tally.sent == 0 {
        failures.push("no request was sent".to_owned());
    }
    let unanswered = tally.unanswered_total();
    if unanswered > 0 {
        let kinds: Vec<String> = tally.unanswered.iter().map(|(k, n)| format!("{n} {k}")).collect();
        failures.push(format!(
            "requests without an HTTP answer: {unanswered} ({}); the first: {}",
            kinds.join(", "),
            tally.first_unanswered.as_deref().unwrap_or("?")
        ));
    }
    for (status, n) in &tally.by_status {
        if !expected.contains(status) {
            failures.push(format!("answers {status}: {n} (by code: {:?})", tally.by_code));
        }
    }
    if tally.other_conflicts > 0 {
        failures
            .push(format!("answers 409 without the code SEAT_OCCUPIED: {}", tally.other_conflicts));
    }
    if tally.wrong_seat > 0 {
        failures.push(format!("answers 201 naming another seat than asked: {}", tally.wrong_seat));
    }
}

/// No seat may have two winners.
fn seats_twice(tally: &Tally, failures: &mut Vec<String>) {
    let twice: Vec<(u64, u64)> =
        tally.seats.iter().filter(|(_, s)| s.won > 1).map(|(&id, s)| (id, s.won)).collect();
    if let Some(&(seat, times)) = twice.iter().min() {
        failures.push(format!(
            "seats won more than once: {} (seat {seat}: {times} times)",
            twice.len()
        ));
    }
}

/// The plan's seats were available when the run began: a `409` means one of its own requests
/// won the seat first.
fn occupied_without_winner(tally: &Tally, failures: &mut Vec<String>) {
    let orphans: Vec<u64> = tally
        .seats
        .iter()
        .filter(|(_, s)| s.occupied > 0 && s.won == 0)
        .map(|(&id, _)| id)
        .collect();
    if let Some(seat) = orphans.iter().min() {
        failures.push(format!(
            "seats answered 409 SEAT_OCCUPIED that no request of this run won: {} (seat {seat})",
            orphans.len()
        ));
    }
}

/// Every seat won is BOOKED in the map; in a fresh event, no other seat is. Returns the seats of
/// the plan that the map shows BOOKED.
fn compare_with_map(
    tally: &Tally,
    fresh: bool,
    map: &[MapSeat],
    failures: &mut Vec<String>,
) -> u64 {
    let booked: HashMap<u64, bool> = map.iter().map(|seat| (seat.seat_id, seat.booked)).collect();
    let won = tally.seats.iter().filter(|(_, s)| s.won > 0).map(|(&id, _)| id);
    let (mut missing, mut available) = (Vec::new(), Vec::new());
    for seat in won {
        match booked.get(&seat) {
            None => missing.push(seat),
            Some(false) => available.push(seat),
            Some(true) => {}
        }
    }
    if let Some(seat) = missing.iter().min() {
        failures.push(format!(
            "won seats missing from the event's seat map: {} (seat {seat})",
            missing.len()
        ));
    }
    if let Some(seat) = available.iter().min() {
        failures.push(format!(
            "won seats not BOOKED in the seat map: {} (seat {seat})",
            available.len()
        ));
    }
    if fresh {
        let strays: Vec<u64> = map
            .iter()
            .filter(|seat| seat.booked && tally.seats.get(&seat.seat_id).is_none_or(|s| s.won == 0))
            .map(|seat| seat.seat_id)
            .collect();
        if let Some(seat) = strays.iter().min() {
            failures.push(format!(
                "seats BOOKED in the seat map that no request of this run won: {} (seat {seat})",
                strays.len()
            ));
        }
    }
    tally.seats.keys().filter(|seat| booked.get(seat) == Some(&true)).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loadtest::client::Answer;
    use crate::loadtest::tally::SEAT_OCCUPIED;

    fn tally(answers: &[(u64, u16)]) -> Tally {
        let mut tally = Tally::new();
        for &(seat, status) in answers {
            tally.sent += 1;
            let answer = Answer {
                status,
                code: (status == 409).then(|| SEAT_OCCUPIED.to_owned()),
                seat: (status == 201).then_some(seat),
                event: Some(1),
                retry_after: None,
            };
            tally.record_answer(Some(seat), &answer);
        }
        tally
    }

    fn map(booked: &[u64], available: &[u64]) -> Vec<MapSeat> {
        let seat = |&seat_id: &u64, booked| MapSeat { seat_id, booked };
        booked
            .iter()
            .map(|s| seat(s, true))
            .chain(available.iter().map(|s| seat(s, false)))
            .collect()
    }

    #[test]
    fn a_hot_seat_with_one_winner_passes() {
        let run = tally(&[(7, 201), (7, 409), (7, 409), (7, 503)]);
        let check = judge(Scenario::HotSeat, true, &run, Some(&map(&[7], &[])));
        assert!(check.passed, "{:?}", check.failures);
        assert_eq!((check.won, check.seats_won, check.seats_booked_in_map), (1, 1, Some(1)));
    }

    #[test]
    fn a_hot_seat_sold_before_the_run_fails() {
        let run = tally(&[(7, 409), (7, 409)]);
        let check = judge(Scenario::HotSeat, false, &run, Some(&map(&[7], &[])));
        assert!(!check.passed);
        assert!(check.failures.iter().any(|f| f.contains("no request won the seat")));
        assert!(check.failures.iter().any(|f| f.contains("that no request of this run won")));
    }

    #[test]
    fn a_taken_seat_passes_only_when_nobody_wins_it() {
        let run = tally(&[(7, 409), (7, 409), (7, 503)]);
        let check = judge_taken(&run, Some(7), Some(&map(&[7], &[])));
        assert!(check.passed, "{:?}", check.failures);
        assert_eq!((check.won, check.seats_hit, check.seats_booked_in_map), (0, 1, Some(1)));
        let sold_again = tally(&[(7, 409), (7, 201)]);
        let check = judge_taken(&sold_again, Some(7), Some(&map(&[7], &[])));
        assert!(check.failures.iter().any(|f| f.contains("sold twice")), "{:?}", check.failures);
        assert!(!judge_taken(&run, Some(7), Some(&map(&[], &[7]))).passed);
    }

    #[test]
    fn a_seat_won_twice_or_missing_from_the_map_fails() {
        let run = tally(&[(1, 201), (1, 201), (2, 201)]);
        let check = judge(Scenario::Flash, true, &run, Some(&map(&[1], &[2, 3])));
        assert!(
            check.failures.iter().any(|f| f.contains("won more than once: 1 (seat 1: 2 times)"))
        );
        assert!(
            check.failures.iter().any(|f| f.contains("not BOOKED in the seat map: 1 (seat 2)"))
        );
    }

    #[test]
    fn a_stray_booking_in_a_fresh_event_fails() {
        let run = tally(&[(1, 201)]);
        assert!(judge(Scenario::Distinct, false, &run, Some(&map(&[1, 2], &[]))).passed);
        let check = judge(Scenario::Distinct, true, &run, Some(&map(&[1, 2], &[])));
        assert!(check.failures.iter().any(|f| f.contains("that no request of this run won")));
    }

    #[test]
    fn unexpected_statuses_and_unanswered_requests_fail() {
        let run = tally(&[(1, 201), (2, 409)]);
        assert!(!judge(Scenario::Distinct, true, &run, None).passed);
        let mut ceiling = Tally::new();
        ceiling.sent = 2;
        ceiling.record_answer(None, &Answer { status: 200, ..Answer::default() });
        assert!(judge(Scenario::Ceiling, false, &ceiling, None).passed);
        ceiling.unanswered.insert("connect", 1);
        assert!(!judge(Scenario::Ceiling, false, &ceiling, None).passed);
    }
}
