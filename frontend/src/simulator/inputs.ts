// The simulator's form inputs, parsed: what a person typed as the target ("A-7", "a-7", "42",
// "#42") and the number of simulated users.
import type { Seat } from '../api/types';
import { USERS_MAX, USERS_MIN } from './runSimulation';

export type TargetResult = { ok: true; seat: Seat } | { ok: false; error: string };

export function resolveSeatTarget(input: string, seats: readonly Seat[]): TargetResult {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Pick a seat on the map or type its label or id.' };
  // A label match comes first: labels are what people read on the map.
  const label = text.toUpperCase();
  const byLabel = seats.find((seat) => seat.seatNumber.toUpperCase() === label);
  if (byLabel) return { ok: true, seat: byLabel };
  const idText = text.startsWith('#') ? text.slice(1) : text;
  if (/^\d+$/.test(idText)) {
    const id = Number(idText);
    const byId = seats.find((seat) => seat.seatId === id);
    if (byId) return { ok: true, seat: byId };
  }
  return { ok: false, error: `No seat "${text}" in this event.` };
}

/**
 * The text that names `seat` when it is picked on the map: its label, unless another section has a
 * seat with the same label, then its id (which is unique).
 */
export function targetTextFor(seat: Seat, seats: readonly Seat[]): string {
  const label = seat.seatNumber.toUpperCase();
  const clash = seats.some((other) => other.seatId !== seat.seatId && other.seatNumber.toUpperCase() === label);
  return clash ? `#${seat.seatId}` : seat.seatNumber;
}

export type UsersResult = { ok: true; users: number } | { ok: false; error: string };

export function parseUsers(text: string): UsersResult {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, error: `Enter a whole number from ${USERS_MIN} to ${USERS_MAX}.` };
  const users = Number(trimmed);
  if (users < USERS_MIN || users > USERS_MAX) {
    return { ok: false, error: `Enter a whole number from ${USERS_MIN} to ${USERS_MAX}.` };
  }
  return { ok: true, users };
}
