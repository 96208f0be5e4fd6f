import { describe, expect, it } from 'vitest';
import type { Seat } from '../api/types';
import { makeSeats, seat } from '../test/fixtures';
import { buildSeatMapLayout, rowLabel, sectionTitle } from './layout';
import { seatAriaLabel } from './seatLook';

const shape = (layout: ReturnType<typeof buildSeatMapLayout>) =>
  layout.sections.map((section) => ({
    name: section.name,
    seatsPerRow: section.seatsPerRow,
    rows: section.rows.map((row) => `${row.label}:${row.seatIndices.join(',')}`),
  }));

describe('buildSeatMapLayout', () => {
  it('draws the demo event as one section of 10 rows A–J with 10 seats each', () => {
    const sections = [{ name: 'Main', rows: 10, seatsPerRow: 10 }];
    const layout = buildSeatMapLayout(makeSeats(sections), sections);
    expect(layout.sections).toHaveLength(1);
    expect(layout.sections[0]?.rows.map((row) => row.label)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']);
    expect(layout.sections[0]?.rows.every((row) => row.seatIndices.length === 10)).toBe(true);
    expect(layout.sections[0]?.rows[9]?.seatIndices).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(layout).toMatchObject({ totalSeats: 100, renderedSeats: 100, truncated: false });
  });

  it('groups by section, then row, in the order of the event metadata', () => {
    const meta = [
      { name: 'Stalls', rows: 2, seatsPerRow: 3 },
      { name: 'Balcony', rows: 1, seatsPerRow: 2 },
    ];
    const layout = buildSeatMapLayout(makeSeats(meta), meta);
    expect(shape(layout)).toEqual([
      { name: 'Stalls', seatsPerRow: 3, rows: ['A:0,1,2', 'B:3,4,5'] },
      { name: 'Balcony', seatsPerRow: 2, rows: ['A:6,7'] },
    ]);
    // Row keys stay unique across sections that reuse row letters.
    const keys = layout.sections.flatMap((section) => section.rows.map((row) => row.key));
    expect(new Set(keys).size).toBe(3);
  });

  it('draws sections of different shapes as the metadata says: 3 rows of 8, then 2 rows of 5', () => {
    // As the server answers for a second event: ids continue after the demo's 100 seats, and
    // both sections number their rows from A, so labels repeat across sections.
    const meta = [
      { name: 'Stalls', rows: 3, seatsPerRow: 8 },
      { name: 'Balcony', rows: 2, seatsPerRow: 5 },
    ];
    const seats = makeSeats(meta).map((s) => ({ ...s, seatId: s.seatId + 100 }));
    const layout = buildSeatMapLayout(seats, meta);
    const drawn = layout.sections.map((section) => ({
      name: section.name,
      seatsPerRow: section.seatsPerRow,
      rows: section.rows.map((row) => [row.label, row.seatIndices.map((i) => seats[i]?.seatNumber).join(' ')]),
    }));
    expect(drawn).toEqual([
      {
        name: 'Stalls',
        seatsPerRow: 8,
        rows: [
          ['A', 'A-1 A-2 A-3 A-4 A-5 A-6 A-7 A-8'],
          ['B', 'B-1 B-2 B-3 B-4 B-5 B-6 B-7 B-8'],
          ['C', 'C-1 C-2 C-3 C-4 C-5 C-6 C-7 C-8'],
        ],
      },
      {
        name: 'Balcony',
        seatsPerRow: 5,
        rows: [
          ['A', 'A-1 A-2 A-3 A-4 A-5'],
          ['B', 'B-1 B-2 B-3 B-4 B-5'],
        ],
      },
    ]);
    expect(layout).toMatchObject({ totalSeats: 34, renderedSeats: 34, truncated: false });
    expect(seats[layout.sections[1]?.rows[0]?.seatIndices[0] ?? -1]?.seatId).toBe(125);
  });

  it('takes the section order from the metadata even when the seats list another first', () => {
    const meta = [
      { name: 'Stalls', rows: 1, seatsPerRow: 1 },
      { name: 'Balcony', rows: 1, seatsPerRow: 1 },
    ];
    const seats: Seat[] = [seat({ seatId: 1, section: 'Balcony' }), seat({ seatId: 2, section: 'Stalls' })];
    expect(buildSeatMapLayout(seats, meta).sections.map((section) => section.name)).toEqual(['Stalls', 'Balcony']);
  });

  it('keeps sections the metadata does not know, after the known ones, sized by their longest row', () => {
    const seats: Seat[] = [
      seat({ seatId: 1, section: 'Box', row: 1, seatNumber: 'A-1' }),
      seat({ seatId: 2, section: 'Stalls', row: 1, seatNumber: 'A-1' }),
      seat({ seatId: 3, section: 'Box', row: 1, seatNumber: 'A-2' }),
    ];
    expect(shape(buildSeatMapLayout(seats, [{ name: 'Stalls', rows: 1, seatsPerRow: 4 }]))).toEqual([
      { name: 'Stalls', seatsPerRow: 4, rows: ['A:1'] },
      { name: 'Box', seatsPerRow: 2, rows: ['A:0,2'] },
    ]);
  });

  it('draws legacy seeded seats (Seat-N) from their rows, labelled by row number', () => {
    const seats: Seat[] = Array.from({ length: 12 }, (_, i) =>
      seat({ seatId: i + 1, seatNumber: `Seat-${i + 1}`, section: '', row: Math.floor(i / 10) + 1, number: (i % 10) + 1 }),
    );
    const layout = buildSeatMapLayout(seats, []);
    expect(shape(layout)).toEqual([{ name: '', seatsPerRow: 10, rows: ['1:0,1,2,3,4,5,6,7,8,9', '2:10,11'] }]);
    expect(sectionTitle(layout.sections[0]?.name ?? 'x')).toBe('General admission');
  });

  it('renders only the first seats of a huge event and says so', () => {
    const meta = [{ name: 'Arena', rows: 100, seatsPerRow: 100 }];
    const layout = buildSeatMapLayout(makeSeats(meta), meta, 250);
    expect(layout).toMatchObject({ totalSeats: 10_000, renderedSeats: 250, truncated: true });
    expect(layout.sections[0]?.rows.map((row) => row.seatIndices.length)).toEqual([100, 100, 50]);
  });

  it('handles no seats', () => {
    expect(buildSeatMapLayout([], [{ name: 'Main', rows: 1, seatsPerRow: 1 }])).toEqual({
      sections: [],
      totalSeats: 0,
      renderedSeats: 0,
      truncated: false,
    });
  });
});

describe('rowLabel', () => {
  it('takes the row letters from the seat label, else the row number', () => {
    expect(rowLabel({ seatNumber: 'A-7', row: 1 })).toBe('A');
    expect(rowLabel({ seatNumber: 'AB-12', row: 28 })).toBe('AB');
    expect(rowLabel({ seatNumber: 'Seat-12', row: 2 })).toBe('2');
    expect(rowLabel({ seatNumber: 'VIP', row: 0 })).toBe('');
  });
});

describe('seatAriaLabel', () => {
  it('names the seat, its section and its status, as a screen reader reads it', () => {
    expect(seatAriaLabel('A-7', 'Stalls', 'AVAILABLE')).toBe('Seat A-7, Stalls, available');
    expect(seatAriaLabel('B-2', 'Balcony', 'BOOKED')).toBe('Seat B-2, Balcony, booked');
    expect(seatAriaLabel('C-1', 'General admission', 'HELD')).toBe('Seat C-1, General admission, held');
  });
});
