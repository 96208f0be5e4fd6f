import { describe, expect, it } from 'vitest';
import { makeSeats } from '../test/fixtures';
import { buildSeatMapLayout } from './layout';
import { buildSeatGrid, isNavigationKey, moveInGrid, tabStopIndex } from './navigation';

// Stalls: 2 rows of 4 (indices 0–3, 4–7); Balcony: 2 rows of 2 (8–9, 10–11).
const meta = [
  { name: 'Stalls', rows: 2, seatsPerRow: 4 },
  { name: 'Balcony', rows: 2, seatsPerRow: 2 },
];
const seats = makeSeats(meta);
const grid = buildSeatGrid(buildSeatMapLayout(seats, meta));
const move = (from: number, key: string, ctrlKey = false) => moveInGrid(grid, from, { key, ctrlKey });

describe('buildSeatGrid', () => {
  it('lists the drawn rows across sections and where each seat is', () => {
    expect(grid.rows).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
      [10, 11],
    ]);
    expect(grid.where.get(9)).toEqual([2, 1]);
  });
});

describe('moveInGrid', () => {
  it('moves left and right within a row and stops at its ends', () => {
    expect(move(5, 'ArrowRight')).toBe(6);
    expect(move(5, 'ArrowLeft')).toBe(4);
    expect(move(4, 'ArrowLeft')).toBeNull();
    expect(move(7, 'ArrowRight')).toBeNull();
  });

  it('moves up and down across sections, keeping the column or taking the last seat of a shorter row', () => {
    expect(move(1, 'ArrowDown')).toBe(5);
    expect(move(5, 'ArrowUp')).toBe(1);
    expect(move(6, 'ArrowDown')).toBe(9); // Stalls row B, 3rd seat → Balcony row A has 2 seats
    expect(move(8, 'ArrowUp')).toBe(4);
    expect(move(2, 'ArrowUp')).toBeNull();
    expect(move(11, 'ArrowDown')).toBeNull();
  });

  it('Home and End go to the row ends, with Ctrl to the map ends', () => {
    expect(move(6, 'Home')).toBe(4);
    expect(move(5, 'End')).toBe(7);
    expect(move(6, 'Home', true)).toBe(0);
    expect(move(6, 'End', true)).toBe(11);
    expect(moveInGrid(grid, 6, { key: 'End', metaKey: true })).toBe(11);
    expect(move(0, 'Home')).toBeNull();
  });

  it('ignores other keys and seats that are not drawn', () => {
    expect(move(5, 'Enter')).toBeNull();
    expect(move(5, 'a')).toBeNull();
    expect(move(99, 'ArrowRight')).toBeNull();
    expect(isNavigationKey('ArrowUp')).toBe(true);
    expect(isNavigationKey('Enter')).toBe(false);
    expect(isNavigationKey('Tab')).toBe(false);
  });
});

describe('tabStopIndex', () => {
  const available = (booked: number[]) => (index: number) => !booked.includes(index);

  it('is the first available seat in drawn order when nothing was focused', () => {
    expect(tabStopIndex(grid, available([]), undefined)).toBe(0);
    expect(tabStopIndex(grid, available([0, 1, 2]), undefined)).toBe(3);
  });

  it('stays on the last focused seat, even once it is booked', () => {
    expect(tabStopIndex(grid, available([6]), 6)).toBe(6);
  });

  it('falls back on the first seat when none is available, and on nothing for an empty map', () => {
    expect(tabStopIndex(grid, () => false, undefined)).toBe(0);
    expect(tabStopIndex(grid, () => false, 99)).toBe(0);
    expect(tabStopIndex(buildSeatGrid(buildSeatMapLayout([], [])), () => true, undefined)).toBeNull();
  });
});
