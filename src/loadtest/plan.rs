//! What a run sends: the seats a scenario books (in a fresh event sized for it, unless `--event`
//! names one, whose available seats are used), the user of each request, and for `flash` the
//! seeded Zipf draw of each request's seat. Request `i` always maps to the same seat and user,
//! whichever worker sends it.

use crate::booking::Strategy;
use crate::limits::SEATS_PER_ROW_MAX;

use super::LoadtestError;
use super::args::{LoadtestArgs, Scenario};
use super::client::Setup;
use super::zipf::Zipf;

#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: Scenario,
    pub strategy: Strategy,
    pub requests: u64,
    /// `hot-seat --taken`: the seat was booked before the run.
    pub taken: bool,
    /// The event booked in (`None`: `ceiling`, or `--seat` without `--event`).
    pub event: Option<u64>,
    /// Whether this run created the event, so that nobody else booked in it.
    pub event_created: bool,
    /// The seats booked, in the order the scenario uses them: `hot-seat` one, `distinct` one
    /// per request, `flash` the seats of the draw, most wanted first.
    pub seats: Vec<u64>,
    /// `flash`: the seed and exponent of the draw, and its distribution over `seats`.
    pub seed: Option<u64>,
    pub zipf_exponent: Option<f64>,
    zipf: Option<Zipf>,
    /// Distinguishes this run's users from every other run's.
    run_tag: u32,
}

impl Plan {
    /// Sets up the run on the server: creates or reads the event and picks its seats.
    pub async fn prepare(setup: &Setup, args: &LoadtestArgs) -> Result<Self, LoadtestError> {
        let requests = args.requests();
        let run_tag = rand::random::<u32>();
        let needed = match args.scenario {
            Scenario::HotSeat if args.seat.is_some() => 0,
            Scenario::HotSeat => 1,
            // At most 200,000 (validated), so the cast cannot truncate.
            Scenario::Distinct => requests as usize,
            Scenario::Flash => args.flash_seats(),
            Scenario::Ceiling => 0,
        };
        let (event, event_created, mut seats) = match (args.event, needed) {
            (event, 0) => (event, false, Vec::new()),
            (Some(event), needed) => {
                (Some(event), false, available_seats(setup, event, needed).await?)
            }
            (None, needed) => {
                let (rows, seats_per_row) = layout(needed);
                let name = format!("loadtest {} {run_tag:08x}", args.scenario.as_str());
                let event = setup.create_event(&name, rows, seats_per_row).await?;
                (Some(event), true, available_seats(setup, event, needed).await?)
            }
        };
        if let Some(seat) = args.seat {
            seats = vec![seat];
        }
        let (seed, zipf_exponent, zipf) = match args.scenario {
            Scenario::Flash => (
                Some(args.seed.unwrap_or_else(rand::random)),
                Some(args.zipf_exponent()),
                Some(Zipf::new(seats.len(), args.zipf_exponent())),
            ),
            _ => (None, None, None),
        };
        Ok(Self {
            scenario: args.scenario,
            strategy: args.strategy,
            requests,
            taken: args.taken,
            event,
            event_created,
            seats,
            seed,
            zipf_exponent,
            zipf,
            run_tag,
        })
    }

    /// The seat request `i` books (`None` for `ceiling`).
    pub fn seat_of(&self, i: u64) -> Option<u64> {
        match self.scenario {
            Scenario::HotSeat => self.seats.first().copied(),
            // `i` is below `requests`, which is the number of seats.
            Scenario::Distinct => self.seats.get(i as usize).copied(),
            Scenario::Flash => {
                let zipf = self.zipf.as_ref()?;
                self.seats.get(zipf.draw(self.seed.unwrap_or(0), i)).copied()
            }
            Scenario::Ceiling => None,
        }
    }

    /// The user of request `i`: a different one for every request of every run.
    pub fn user_of(&self, i: u64) -> String {
        format!("lt-{:08x}-{i}", self.run_tag)
    }
}

/// Rows and seats per row of an event with at least `seats` seats (at most 200,000).
fn layout(seats: usize) -> (usize, usize) {
    let per_row = seats.clamp(1, SEATS_PER_ROW_MAX as usize);
    (seats.div_ceil(per_row), per_row)
}

/// The first `needed` available seats of `event`, in layout order.
async fn available_seats(
    setup: &Setup,
    event: u64,
    needed: usize,
) -> Result<Vec<u64>, LoadtestError> {
    let seats: Vec<u64> = setup
        .seat_map(event)
        .await?
        .into_iter()
        .filter(|seat| !seat.booked)
        .map(|seat| seat.seat_id)
        .take(needed)
        .collect();
    if seats.len() < needed {
        return Err(LoadtestError::Setup(format!(
            "event {event} has {} available seats; the run needs {needed} (fewer --requests or \
             --seats, or no --event for a fresh event)",
            seats.len()
        )));
    }
    Ok(seats)
}

#[cfg(test)]
mod tests {
    use super::layout;

    #[test]
    fn layouts_hold_the_seats_needed_within_the_row_bounds() {
        assert_eq!(layout(1), (1, 1));
        assert_eq!(layout(1_000), (1, 1_000));
        assert_eq!(layout(1_500), (2, 1_000));
        assert_eq!(layout(200_000), (200, 1_000));
    }
}
