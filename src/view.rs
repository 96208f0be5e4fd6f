//! The seat view: this node's in-memory read model of every event and seat. Seat maps, counts and
//! streams are served from here, never from an actor and never blocking on a commit. It is also
//! where a seat actor reads its starting state ([`SeatSource`]).
//!
//! It only moves forward: a change is applied only when its version is newer than the one held,
//! so late, repeated or reordered changes (local commits, other nodes, reconciliation) are
//! harmless. Each seat's status and version sit in one atomic word, so readers never lock.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use boxoffice_actors::journal::{SeatChanged, SeatSource};
use boxoffice_actors::{EventId, SeatId, SeatRecord, SeatState, SeatStatus};
use chrono::{DateTime, Utc};
use dashmap::DashMap;
use tokio::sync::broadcast;

use crate::layout::Section;
use crate::store::{EventRow, SeatRow};

/// One seat's fixed facts and its current state.
pub struct SeatCell {
    pub id: SeatId,
    /// Index into the event's sections.
    pub section: u16,
    pub row: u32,
    pub number: u32,
    pub label: Box<str>,
    /// `version << 2 | status code`.
    state: AtomicU64,
}

impl SeatCell {
    pub fn state(&self) -> SeatState {
        unpack(self.state.load(Ordering::Acquire))
    }
}

/// One event: its layout, its seats in layout order, live counts and a change channel.
pub struct EventView {
    pub id: EventId,
    pub name: String,
    pub sections: Vec<Section>,
    pub created_at: DateTime<Utc>,
    pub seats: Box<[SeatCell]>,
    booked: AtomicUsize,
    changes: broadcast::Sender<SeatChanged>,
}

impl EventView {
    pub fn seat_count(&self) -> usize {
        self.seats.len()
    }

    pub fn booked(&self) -> usize {
        self.booked.load(Ordering::Relaxed)
    }

    pub fn available(&self) -> usize {
        self.seat_count() - self.booked()
    }

    /// The section a seat belongs to.
    pub fn section_name(&self, cell: &SeatCell) -> &str {
        &self.sections[usize::from(cell.section)].name
    }

    /// Changes from now on. Subscribe before reading a snapshot, so nothing falls in between.
    pub fn subscribe(&self) -> broadcast::Receiver<SeatChanged> {
        self.changes.subscribe()
    }
}

/// Where a seat sits.
#[derive(Clone)]
struct SeatLocation {
    event: Arc<EventView>,
    index: u32,
}

impl SeatLocation {
    fn cell(&self) -> &SeatCell {
        &self.event.seats[self.index as usize]
    }
}

pub struct SeatView {
    events: RwLock<BTreeMap<EventId, Arc<EventView>>>,
    seats: DashMap<SeatId, SeatLocation>,
    /// Changes buffered per event for stream clients.
    stream_buffer: usize,
}

impl SeatView {
    /// An empty view whose events buffer `stream_buffer` changes for their stream clients.
    pub fn new(stream_buffer: usize) -> Self {
        assert!(stream_buffer > 0, "a change buffer holds at least one change");
        Self { events: RwLock::default(), seats: DashMap::new(), stream_buffer }
    }

    /// Adds an event with its seats in layout order. Adding an event twice keeps the first.
    pub fn add_event(&self, event: EventRow, seats: Vec<SeatRow>) -> Arc<EventView> {
        let mut events = self.events.write().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = events.get(&event.id) {
            return existing.clone();
        }
        let section_index =
            |name: &str| event.sections.iter().position(|s| s.name == name).unwrap_or(0) as u16;
        let booked = seats.iter().filter(|s| s.status.is_booked()).count();
        let cells: Box<[SeatCell]> = seats
            .into_iter()
            .map(|seat| SeatCell {
                id: seat.id,
                section: section_index(&seat.section),
                row: seat.row,
                number: seat.number,
                label: seat.label.into_boxed_str(),
                state: AtomicU64::new(pack(SeatState {
                    status: seat.status,
                    version: seat.version,
                })),
            })
            .collect();
        let view = Arc::new(EventView {
            id: event.id,
            name: event.name,
            sections: event.sections,
            created_at: event.created_at,
            seats: cells,
            booked: AtomicUsize::new(booked),
            changes: broadcast::channel(self.stream_buffer).0,
        });
        for (index, cell) in view.seats.iter().enumerate() {
            self.seats.insert(cell.id, SeatLocation { event: view.clone(), index: index as u32 });
        }
        events.insert(view.id, view.clone());
        view
    }

    /// Every event, oldest first.
    pub fn events(&self) -> Vec<Arc<EventView>> {
        self.events.read().unwrap_or_else(|e| e.into_inner()).values().cloned().collect()
    }

    pub fn event(&self, id: EventId) -> Option<Arc<EventView>> {
        self.events.read().unwrap_or_else(|e| e.into_inner()).get(&id).cloned()
    }

    /// The default event of the compatibility routes: the oldest one.
    pub fn default_event(&self) -> Option<Arc<EventView>> {
        self.events.read().unwrap_or_else(|e| e.into_inner()).values().next().cloned()
    }

    /// The event a seat belongs to, with the seat's index in it.
    pub fn locate(&self, seat: SeatId) -> Option<(Arc<EventView>, usize)> {
        self.seats.get(&seat).map(|loc| (loc.event.clone(), loc.index as usize))
    }

    /// Applies a committed change if it is newer than what is held, and tells the event's stream
    /// clients. Returns whether it was applied.
    pub fn apply(&self, change: &SeatChanged) -> bool {
        let Some(location) = self.seats.get(&change.seat).map(|l| l.clone()) else {
            return false;
        };
        let cell = location.cell();
        let next = pack(SeatState { status: change.status, version: change.version });
        let mut current = cell.state.load(Ordering::Acquire);
        loop {
            let held = unpack(current);
            if held.version >= change.version {
                return false;
            }
            match cell.state.compare_exchange(current, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    let event = &location.event;
                    match (held.status.is_booked(), change.status.is_booked()) {
                        (false, true) => event.booked.fetch_add(1, Ordering::Relaxed),
                        (true, false) => event.booked.fetch_sub(1, Ordering::Relaxed),
                        _ => 0,
                    };
                    // No stream client is listening: fine.
                    let _ = event.changes.send(*change);
                    return true;
                }
                Err(actual) => current = actual,
            }
        }
    }

    /// Applies stored rows (a reload after gaining a partition or a reconciliation).
    pub fn refresh(&self, rows: &[SeatRow]) -> usize {
        rows.iter()
            .filter(|row| {
                self.apply(&SeatChanged {
                    event: row.event,
                    seat: row.id,
                    status: row.status,
                    version: row.version,
                })
            })
            .count()
    }
}

impl SeatSource for SeatView {
    fn seat(&self, seat: SeatId) -> Option<SeatRecord> {
        let location = self.seats.get(&seat)?;
        Some(SeatRecord { seat, event: location.event.id, state: location.cell().state() })
    }
}

const STATUS_BITS: u32 = 2;

fn pack(state: SeatState) -> u64 {
    let code = match state.status {
        SeatStatus::Available => 0,
        SeatStatus::Booked => 1,
    };
    assert!(state.version < 1 << (64 - STATUS_BITS), "seat version overflow");
    state.version << STATUS_BITS | code
}

fn unpack(word: u64) -> SeatState {
    let status = match word & ((1 << STATUS_BITS) - 1) {
        0 => SeatStatus::Available,
        _ => SeatStatus::Booked,
    };
    SeatState { status, version: word >> STATUS_BITS }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event_with_seats(count: i64) -> (EventRow, Vec<SeatRow>) {
        let event = EventRow {
            id: EventId::new(1).unwrap(),
            name: "E".into(),
            sections: vec![Section { name: "S".into(), rows: 1, seats_per_row: count as u32 }],
            created_at: Utc::now(),
        };
        let seats = (1..=count)
            .map(|id| SeatRow {
                id: SeatId::new(id).unwrap(),
                event: event.id,
                position: id as u32 - 1,
                section: "S".into(),
                row: 1,
                number: id as u32,
                label: format!("A-{id}"),
                status: SeatStatus::Available,
                version: 0,
            })
            .collect();
        (event, seats)
    }

    fn booked(seat: i64, version: u64) -> SeatChanged {
        SeatChanged {
            event: EventId::new(1).unwrap(),
            seat: SeatId::new(seat).unwrap(),
            status: SeatStatus::Booked,
            version,
        }
    }

    #[test]
    fn newer_changes_apply_and_older_ones_are_ignored() {
        let view = SeatView::new(16);
        let (event, seats) = event_with_seats(3);
        let event = view.add_event(event, seats);
        let mut changes = event.subscribe();

        assert!(view.apply(&booked(2, 1)));
        assert!(!view.apply(&booked(2, 1)), "a repeated change is ignored");
        assert!(
            !view.apply(&SeatChanged { status: SeatStatus::Available, ..booked(2, 0) }),
            "an older change is ignored"
        );

        let record = view.seat(SeatId::new(2).unwrap()).unwrap();
        assert_eq!(record.state, SeatState { status: SeatStatus::Booked, version: 1 });
        assert_eq!((event.booked(), event.available()), (1, 2));
        assert_eq!(changes.try_recv().unwrap(), booked(2, 1));
        assert!(changes.try_recv().is_err(), "ignored changes are not streamed");
    }

    #[test]
    fn unknown_seats_are_neither_found_nor_applied() {
        let view = SeatView::new(16);
        let (event, seats) = event_with_seats(2);
        view.add_event(event, seats);
        assert!(view.seat(SeatId::new(9).unwrap()).is_none());
        assert!(!view.apply(&booked(9, 1)));
    }

    #[test]
    fn packing_keeps_status_and_version() {
        for state in [
            SeatState { status: SeatStatus::Available, version: 0 },
            SeatState { status: SeatStatus::Booked, version: 1 },
            SeatState { status: SeatStatus::Booked, version: (1 << 62) - 1 },
        ] {
            assert_eq!(unpack(pack(state)), state);
        }
    }
}
