import { describe, expect, it } from 'vitest';
import type { Seat } from '../api/types';
import { makeSeats, seat } from '../test/fixtures';
import { buildSeatMapLayout, rowLabel, sectionTitle } from './layout';

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
