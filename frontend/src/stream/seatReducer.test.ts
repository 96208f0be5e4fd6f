import { describe, expect, it } from 'vitest';
import type { SeatChange } from '../api/types';
import { seat } from '../test/fixtures';
import {
  countSeats,
  initialSeatStreamState,
  normalizeStatus,
  seatStreamReducer,
  type SeatStreamState,
} from './seatReducer';

function loaded(): SeatStreamState {
  return seatStreamReducer(initialSeatStreamState(7), {
    type: 'snapshot',
    snapshot: {
      eventId: 7,
      seats: [
        seat({ seatId: 1 }),
        seat({ seatId: 2, status: 'BOOKED', booked: true, version: 1 }),
        seat({ seatId: 3, status: 'HELD', version: 4 }),
        seat({ seatId: 4 }),
      ],
    },
  });
}

const change = (seatId: number, version: number, status: SeatChange['status'] = 'BOOKED'): SeatChange => ({
  seatId,
  status,
  booked: status === 'BOOKED',
  version,
});

describe('seatStreamReducer', () => {
  it('starts empty and not loaded', () => {
    const state = initialSeatStreamState(7);
    expect(state).toMatchObject({ eventId: 7, seats: [], loaded: false, counts: { available: 0, booked: 0, held: 0 } });
  });

  it('snapshot replaces every seat and counts them', () => {
    const state = loaded();
    expect(state.loaded).toBe(true);
    expect(state.seats.map((s) => s.seatId)).toEqual([1, 2, 3, 4]);
    expect(state.counts).toEqual({ available: 2, booked: 1, held: 1 });
    expect(state.indexById.get(3)).toBe(2);
    expect(state.snapshotSerial).toBe(1);
  });

  it('a later snapshot replaces the state wholesale, also dropping seats it no longer lists', () => {
    const after = seatStreamReducer(loaded(), {
      type: 'snapshot',
      snapshot: { eventId: 7, seats: [seat({ seatId: 9, status: 'BOOKED', booked: true, version: 1 })] },
    });
    expect(after.seats).toHaveLength(1);
    expect(after.seats[0]?.seatId).toBe(9);
    expect(after.indexById.has(1)).toBe(false);
    expect(after.counts).toEqual({ available: 0, booked: 1, held: 0 });
    expect(after.snapshotSerial).toBe(2);
  });

  it('a snapshot can roll a seat back to an older version (it is the truth after lag)', () => {
    const state = seatStreamReducer(loaded(), { type: 'seat', changes: [change(1, 5)] });
    const after = seatStreamReducer(state, {
      type: 'snapshot',
      snapshot: { eventId: 7, seats: [seat({ seatId: 1, version: 2 })] },
    });
    expect(after.seats[0]).toMatchObject({ seatId: 1, status: 'AVAILABLE', version: 2 });
  });

  it('ignores a snapshot of another event', () => {
    const state = loaded();
    const after = seatStreamReducer(state, { type: 'snapshot', snapshot: { eventId: 8, seats: [] } });
    expect(after).toBe(state);
  });

  it('applies a newer version and moves the counts', () => {
    const before = loaded();
    const after = seatStreamReducer(before, { type: 'seat', changes: [change(1, 1)] });
    expect(after.seats[0]).toMatchObject({ seatId: 1, status: 'BOOKED', booked: true, version: 1 });
    expect(after.counts).toEqual({ available: 1, booked: 2, held: 1 });
    // The previous state is untouched (the reducer is pure).
    expect(before.seats[0]).toMatchObject({ status: 'AVAILABLE', version: 0 });
    expect(before.counts).toEqual({ available: 2, booked: 1, held: 1 });
    // Only the changed seat is a new object, so memoized seat buttons skip the rest.
    expect(after.seats[1]).toBe(before.seats[1]);
  });

  it('ignores an older or equal version and returns the same state', () => {
    const before = loaded();
    expect(seatStreamReducer(before, { type: 'seat', changes: [change(2, 1, 'AVAILABLE')] })).toBe(before);
    expect(seatStreamReducer(before, { type: 'seat', changes: [change(3, 3, 'AVAILABLE')] })).toBe(before);
  });

  it('applies a batch in order, each change against the result of the previous one', () => {
    const after = seatStreamReducer(loaded(), {
      type: 'seat',
      changes: [change(3, 5, 'AVAILABLE'), change(3, 6, 'BOOKED'), change(3, 5, 'AVAILABLE'), change(4, 1)],
    });
    expect(after.seats[2]).toMatchObject({ status: 'BOOKED', version: 6 });
    expect(after.seats[3]).toMatchObject({ status: 'BOOKED', version: 1 });
    expect(after.counts).toEqual({ available: 1, booked: 3, held: 0 });
  });

  it('ignores changes to unknown seats and changes before any snapshot', () => {
    const before = loaded();
    expect(seatStreamReducer(before, { type: 'seat', changes: [change(99, 1)] })).toBe(before);
    const empty = initialSeatStreamState(7);
    expect(seatStreamReducer(empty, { type: 'seat', changes: [change(1, 1)] })).toBe(empty);
  });

  it('reset empties the state for another event', () => {
    const after = seatStreamReducer(loaded(), { type: 'reset', eventId: 8 });
    expect(after).toMatchObject({ eventId: 8, seats: [], loaded: false, counts: { available: 0, booked: 0, held: 0 } });
    expect(after.indexById.size).toBe(0);
    expect(after.snapshotSerial).toBe(2);
  });

  it('counts stay equal to a recount after many changes', () => {
    let state = loaded();
    state = seatStreamReducer(state, {
      type: 'seat',
      changes: [change(1, 1), change(2, 2, 'AVAILABLE'), change(3, 5, 'BOOKED'), change(4, 1, 'HELD')],
    });
    expect(state.counts).toEqual(countSeats(state.seats));
    expect(state.counts).toEqual({ available: 1, booked: 2, held: 1 });
  });
});

describe('normalizeStatus', () => {
  it('keeps known statuses and falls back on the booked flag for unknown ones', () => {
    expect(normalizeStatus('HELD', false)).toBe('HELD');
    expect(normalizeStatus('SOLD', true)).toBe('BOOKED');
    expect(normalizeStatus(undefined, false)).toBe('AVAILABLE');
  });
});
