// Groups the stream's flat seat list into the shape the map draws: sections, then rows, each with a
// label. The shape comes from the event's own layout and seats, never from a fixed grid.
import type { Seat, SectionLayout } from '../api/types';

/** Above this many seats the map draws only the first ones; 200,000 buttons would freeze a phone. */
export const SEAT_RENDER_LIMIT = 5_000;

export interface RowLayout {
  /** Stable React key: section and row number. */
  key: string;
  row: number;
  /** What the row is called on the tickets: `A` for `A-7`, else the row number. */
  label: string;
  /** Indices into the seat array, in layout order. Indices stay valid until the next snapshot. */
  seatIndices: number[];
}

export interface SectionBlock {
  name: string;
  /** From the event metadata when the section is listed there, else the longest row seen. */
  seatsPerRow: number;
  rows: RowLayout[];
}

export interface SeatMapLayout {
  sections: SectionBlock[];
  totalSeats: number;
  renderedSeats: number;
  truncated: boolean;
}

const ROW_PREFIX = /^([A-Z]{1,3})-\d+$/;

/** `A-7` → `A`; legacy labels such as `Seat-12` carry no row letter, so the row number is used. */
export function rowLabel(seat: Pick<Seat, 'seatNumber' | 'row'>): string {
  const match = ROW_PREFIX.exec(seat.seatNumber);
  if (match?.[1]) return match[1];
  return seat.row > 0 ? String(seat.row) : '';
}

/** The section name shown to people; legacy seeded seats may have none. */
export function sectionTitle(name: string): string {
  return name.trim() === '' ? 'General admission' : name;
}

export function buildSeatMapLayout(
  seats: readonly Seat[],
  sectionMeta: readonly SectionLayout[] = [],
  limit: number = SEAT_RENDER_LIMIT,
): SeatMapLayout {
  const renderedSeats = Math.min(seats.length, Math.max(0, limit));
  const bySection = new Map<string, Map<number, RowLayout>>();

  for (let index = 0; index < renderedSeats; index += 1) {
    const seat = seats[index];
    if (seat === undefined) continue;
    let rows = bySection.get(seat.section);
    if (rows === undefined) {
      rows = new Map();
      bySection.set(seat.section, rows);
    }
    let row = rows.get(seat.row);
    if (row === undefined) {
      row = { key: `${seat.section}\u0000${seat.row}`, row: seat.row, label: rowLabel(seat), seatIndices: [] };
      rows.set(seat.row, row);
    }
    row.seatIndices.push(index);
  }

  // The event metadata decides the order of sections; sections only the seats know come after,
  // in the order the seats list them.
  const metaByName = new Map(sectionMeta.map((meta) => [meta.name, meta]));
  const ordered = [
    ...sectionMeta.map((meta) => meta.name).filter((name) => bySection.has(name)),
    ...[...bySection.keys()].filter((name) => !metaByName.has(name)),
  ];

  const sections = ordered.map((name): SectionBlock => {
    const rows = [...(bySection.get(name)?.values() ?? [])];
    const longest = rows.reduce((max, row) => Math.max(max, row.seatIndices.length), 0);
    return { name, seatsPerRow: metaByName.get(name)?.seatsPerRow ?? longest, rows };
  });

  return { sections, totalSeats: seats.length, renderedSeats, truncated: renderedSeats < seats.length };
}
