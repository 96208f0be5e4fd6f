//! Event layouts: sections of rows of seats, validated once, and the seats they produce in layout
//! order with their labels (`A-7`: row letter, seat number; or `Seat-12` for the legacy seed).

use boxoffice_actors::InvalidInput;
use serde::{Deserialize, Serialize};

use crate::limits::{
    EVENT_NAME_CHARS_MAX, ROWS_PER_SECTION_MAX, SEATS_PER_EVENT_MAX, SEATS_PER_ROW_MAX,
    SECTION_NAME_CHARS_MAX, SECTIONS_PER_EVENT_MAX,
};

/// One block of seats: `rows` rows of `seats_per_row` seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub name: String,
    pub rows: u32,
    pub seats_per_row: u32,
}

/// How seat labels are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// `A-7`: the row's letters, then the seat's number in the row.
    RowAndNumber,
    /// `Seat-12`: a running number over the event, as the systems boxoffice replaces named seats.
    Running,
}

/// A validated event to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub name: String,
    pub sections: Vec<Section>,
    pub labels: LabelStyle,
}

/// One seat of a new event, in layout order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSeat {
    /// 0-based position in layout order.
    pub position: u32,
    pub section: String,
    pub row: u32,
    pub number: u32,
    pub label: String,
}

impl NewEvent {
    /// Validates a name and `(section name, rows, seats per row)` triples.
    pub fn parse(name: &str, sections: Vec<(String, i64, i64)>) -> Result<Self, InvalidInput> {
        let name = name.trim();
        if name.is_empty() {
            return Err(InvalidInput("name must not be empty".into()));
        }
        if name.chars().count() > EVENT_NAME_CHARS_MAX {
            return Err(InvalidInput(format!(
                "name must be at most {EVENT_NAME_CHARS_MAX} characters"
            )));
        }
        if sections.is_empty() || sections.len() > SECTIONS_PER_EVENT_MAX {
            return Err(InvalidInput(format!(
                "an event needs 1 to {SECTIONS_PER_EVENT_MAX} sections, got {}",
                sections.len()
            )));
        }
        let mut parsed: Vec<Section> = Vec::with_capacity(sections.len());
        let mut total: u64 = 0;
        for (section_name, rows, seats_per_row) in sections {
            let section_name = section_name.trim().to_owned();
            if section_name.is_empty() || section_name.chars().count() > SECTION_NAME_CHARS_MAX {
                return Err(InvalidInput(format!(
                    "section names must be 1 to {SECTION_NAME_CHARS_MAX} characters"
                )));
            }
            if parsed.iter().any(|s| s.name == section_name) {
                return Err(InvalidInput(format!("section {section_name:?} appears twice")));
            }
            let rows = bounded("rows", rows, ROWS_PER_SECTION_MAX)?;
            let seats_per_row = bounded("seatsPerRow", seats_per_row, SEATS_PER_ROW_MAX)?;
            total += u64::from(rows) * u64::from(seats_per_row);
            parsed.push(Section { name: section_name, rows, seats_per_row });
        }
        if total > SEATS_PER_EVENT_MAX as u64 {
            return Err(InvalidInput(format!(
                "an event has at most {SEATS_PER_EVENT_MAX} seats, this layout has {total}"
            )));
        }
        Ok(Self { name: name.to_owned(), sections: parsed, labels: LabelStyle::RowAndNumber })
    }

    pub fn seat_count(&self) -> u32 {
        self.sections.iter().map(|s| s.rows * s.seats_per_row).sum()
    }

    /// The event's seats in layout order: section by section, row by row, seat by seat.
    pub fn seats(&self) -> Vec<NewSeat> {
        let mut seats = Vec::with_capacity(self.seat_count() as usize);
        for section in &self.sections {
            for row in 1..=section.rows {
                let letters = row_letters(row);
                for number in 1..=section.seats_per_row {
                    let position = seats.len() as u32;
                    let label = match self.labels {
                        LabelStyle::RowAndNumber => format!("{letters}-{number}"),
                        LabelStyle::Running => format!("Seat-{}", position + 1),
                    };
                    seats.push(NewSeat {
                        position,
                        section: section.name.clone(),
                        row,
                        number,
                        label,
                    });
                }
            }
        }
        seats
    }
}

fn bounded(field: &str, value: i64, max: u32) -> Result<u32, InvalidInput> {
    if (1..=i64::from(max)).contains(&value) {
        Ok(value as u32)
    } else {
        Err(InvalidInput(format!("{field} must be between 1 and {max}, got {value}")))
    }
}

/// Row letters as on a theatre ticket: 1 → `A`, 26 → `Z`, 27 → `AA`, 702 → `ZZ`.
pub fn row_letters(row: u32) -> String {
    assert!(row >= 1, "rows are numbered from 1");
    let mut letters = Vec::new();
    let mut n = row;
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// The demo event created on an empty database: 10 rows × 10 seats, ids 1 … 100 on a fresh one.
pub fn demo_event() -> NewEvent {
    NewEvent {
        name: "Demo Concert".into(),
        sections: vec![Section { name: "Stalls".into(), rows: 10, seats_per_row: 10 }],
        labels: LabelStyle::RowAndNumber,
    }
}

/// The event the legacy `POST /api/tickets/seed` creates: 100 seats `Seat-1` … `Seat-100`.
pub fn legacy_seed_event() -> NewEvent {
    NewEvent {
        name: "Default Event".into(),
        sections: vec![Section { name: "General".into(), rows: 10, seats_per_row: 10 }],
        labels: LabelStyle::Running,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_letters_run_like_spreadsheet_columns() {
        assert_eq!(row_letters(1), "A");
        assert_eq!(row_letters(26), "Z");
        assert_eq!(row_letters(27), "AA");
        assert_eq!(row_letters(52), "AZ");
        assert_eq!(row_letters(702), "ZZ");
    }

    #[test]
    fn seats_come_in_layout_order_with_labels() {
        let event =
            NewEvent::parse("Rock Night", vec![("Stalls".into(), 2, 3), ("Balcony".into(), 1, 2)])
                .unwrap();
        let seats = event.seats();
        assert_eq!(seats.len(), 8);
        assert_eq!(event.seat_count(), 8);
        let labels: Vec<_> = seats.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3", "A-1", "A-2"]);
        assert_eq!(seats[6].section, "Balcony");
        assert_eq!((seats[4].row, seats[4].number, seats[4].position), (2, 2, 4));
    }

    #[test]
    fn legacy_seed_labels_seats_by_running_number() {
        let seats = legacy_seed_event().seats();
        assert_eq!(seats.len(), 100);
        assert_eq!(seats[0].label, "Seat-1");
        assert_eq!(seats[99].label, "Seat-100");
    }

    #[test]
    fn bad_layouts_are_refused_with_a_reason() {
        let cases = [
            ("", vec![("S".into(), 1, 1)]),
            ("x", vec![]),
            ("x", vec![("S".into(), 0, 10)]),
            ("x", vec![("S".into(), 10, -1)]),
            ("x", vec![("S".into(), 703, 1)]),
            ("x", vec![("S".into(), 500, 500)]),
            ("x", vec![("S".into(), 1, 1), ("S".into(), 1, 1)]),
            ("x", vec![(" ".into(), 1, 1)]),
        ];
        for (name, sections) in cases {
            assert!(NewEvent::parse(name, sections.clone()).is_err(), "{name:?} {sections:?}");
        }
    }

    #[test]
    fn the_largest_allowed_event_is_accepted() {
        let event = NewEvent::parse("Stadium", vec![("Ring".into(), 200, 1_000)]).unwrap();
        assert_eq!(event.seat_count(), 200_000);
    }
}
