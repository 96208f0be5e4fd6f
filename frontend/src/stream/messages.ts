// Parses the stream's `data:` payloads. A malformed message is dropped (null), never half-applied:
// the next snapshot repairs whatever it would have said.
import type { Seat, SeatChange, SnapshotMessage } from '../api/types';
import { normalizeStatus } from './seatReducer';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function toSeat(value: unknown): Seat | null {
  if (!isRecord(value) || !isId(value.seatId) || !isVersion(value.version)) return null;
  const booked = value.booked === true;
  return {
    seatId: value.seatId,
    seatNumber: typeof value.seatNumber === 'string' ? value.seatNumber : String(value.seatId),
    section: typeof value.section === 'string' ? value.section : '',
    row: typeof value.row === 'number' ? value.row : 0,
    number: typeof value.number === 'number' ? value.number : 0,
    status: normalizeStatus(value.status, booked),
    booked,
    version: value.version,
  };
}

export function parseSnapshot(data: string): SnapshotMessage | null {
  const value = parseJson(data);
  if (!isRecord(value) || !isId(value.eventId) || !Array.isArray(value.seats)) return null;
  const seats: Seat[] = [];
  for (const raw of value.seats) {
    const seat = toSeat(raw);
    if (seat === null) return null;
    seats.push(seat);
  }
  return { eventId: value.eventId, seats };
}

export function parseSeatChange(data: string): SeatChange | null {
  const value = parseJson(data);
  if (!isRecord(value) || !isId(value.seatId) || !isVersion(value.version)) return null;
  const booked = value.booked === true;
  return { seatId: value.seatId, status: normalizeStatus(value.status, booked), booked, version: value.version };
}
