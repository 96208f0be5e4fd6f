// The seat map's state as the stream tells it. Pure: the stream hook feeds it messages, the tests
// feed it literals. The map never changes a seat on its own guess; only these actions do.
import type { Seat, SeatChange, SeatStatus, SnapshotMessage } from '../api/types';

export interface SeatCounts {
  available: number;
  booked: number;
  held: number;
}

export interface SeatStreamState {
  /** The event whose stream this state belongs to; messages of another event are ignored. */
  eventId: number | null;
  /** Every seat, in layout order. Replaced wholesale by a snapshot. */
  seats: readonly Seat[];
  /** seatId → index in `seats`, so one change costs O(1) to find. */
  indexById: ReadonlyMap<number, number>;
  counts: SeatCounts;
  /** Bumped by every snapshot: the map rebuilds its row grouping only when this changes. */
  snapshotSerial: number;
  /** False until the first snapshot of the current event. */
  loaded: boolean;
}

export type SeatStreamAction =
  | { type: 'reset'; eventId: number | null }
  | { type: 'snapshot'; snapshot: SnapshotMessage }
  | { type: 'seat'; changes: readonly SeatChange[] };

export const EMPTY_COUNTS: SeatCounts = { available: 0, booked: 0, held: 0 };

export function initialSeatStreamState(eventId: number | null = null): SeatStreamState {
  return {
    eventId,
    seats: [],
    indexById: new Map(),
    counts: EMPTY_COUNTS,
    snapshotSerial: 0,
    loaded: false,
  };
}

/**
 * Maps whatever the server sent to a known status. A status this UI does not know yet falls back on
 * the `booked` flag, so a newer server cannot make a booked seat look available.
 */
export function normalizeStatus(status: unknown, booked: boolean): SeatStatus {
  if (status === 'AVAILABLE' || status === 'BOOKED' || status === 'HELD') return status;
  return booked ? 'BOOKED' : 'AVAILABLE';
}

function countKey(status: SeatStatus): keyof SeatCounts {
  switch (status) {
    case 'AVAILABLE':
      return 'available';
    case 'BOOKED':
      return 'booked';
    case 'HELD':
      return 'held';
  }
}

export function countSeats(seats: readonly Seat[]): SeatCounts {
  const counts = { available: 0, booked: 0, held: 0 };
  for (const seat of seats) counts[countKey(seat.status)] += 1;
  return counts;
}

function applySnapshot(state: SeatStreamState, snapshot: SnapshotMessage): SeatStreamState {
  if (state.eventId !== null && snapshot.eventId !== state.eventId) return state;
  const seats = snapshot.seats.map((seat) => ({ ...seat, status: normalizeStatus(seat.status, seat.booked) }));
  const indexById = new Map<number, number>();
  seats.forEach((seat, index) => indexById.set(seat.seatId, index));
  return {
    eventId: snapshot.eventId,
    seats,
    indexById,
    counts: countSeats(seats),
    snapshotSerial: state.snapshotSerial + 1,
    loaded: true,
  };
}

function applyChanges(state: SeatStreamState, changes: readonly SeatChange[]): SeatStreamState {
  if (!state.loaded) return state; // a change before any snapshot has nothing to apply to
  let seats: Seat[] | null = null; // copied on the first change that applies, once per batch
  let counts: SeatCounts | null = null;
  for (const change of changes) {
    const index = state.indexById.get(change.seatId);
    if (index === undefined) continue; // unknown seat: the next snapshot will carry it
    const current = (seats ?? state.seats)[index];
    // Changes can arrive late or twice (reconnects, cross-node feeds): only a newer version wins.
    if (current === undefined || change.version <= current.version) continue;
    const status = normalizeStatus(change.status, change.booked);
    seats ??= state.seats.slice();
    counts ??= { ...state.counts };
    counts[countKey(current.status)] -= 1;
    counts[countKey(status)] += 1;
    seats[index] = { ...current, status, booked: change.booked, version: change.version };
  }
  if (seats === null || counts === null) return state;
  return { ...state, seats, counts };
}

export function seatStreamReducer(state: SeatStreamState, action: SeatStreamAction): SeatStreamState {
  switch (action.type) {
    case 'reset':
      return { ...initialSeatStreamState(action.eventId), snapshotSerial: state.snapshotSerial + 1 };
    case 'snapshot':
      return applySnapshot(state, action.snapshot);
    case 'seat':
      return applyChanges(state, action.changes);
  }
}
