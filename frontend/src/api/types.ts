// Shapes of the boxoffice HTTP API (see shared/API.md). Only what the UI reads is typed here.

/** A seat's status on the wire. `HELD` arrives with a later server issue; unknown values are normalized. */
export type SeatStatus = 'AVAILABLE' | 'BOOKED' | 'HELD';

export type Strategy = 'ACTOR' | 'DATABASE' | 'REDIS';
export const STRATEGIES: readonly Strategy[] = ['ACTOR', 'DATABASE', 'REDIS'];

/** One row of `GET /api/v1/events`. */
export interface EventSummary {
  id: number;
  name: string;
  seatCount: number;
  available: number;
  booked: number;
}

export interface SectionLayout {
  name: string;
  rows: number;
  seatsPerRow: number;
}

/** `GET /api/v1/events/{id}`. */
export interface EventDetail extends EventSummary {
  sections: SectionLayout[];
  createdAt: string;
}

/** A seat as in the stream snapshot and `GET .../seats`, in layout order. */
export interface Seat {
  seatId: number;
  seatNumber: string;
  section: string;
  row: number;
  number: number;
  status: SeatStatus;
  booked: boolean;
  version: number;
}

/** `event: snapshot` data. */
export interface SnapshotMessage {
  eventId: number;
  seats: Seat[];
}

/** `event: seat` data: one committed change. */
export interface SeatChange {
  seatId: number;
  status: SeatStatus;
  booked: boolean;
  version: number;
}

/** `201` body of `POST /api/v1/bookings`. */
export interface Booking {
  bookingId: number;
  eventId: number;
  seatId: number;
  seatNumber: string;
  bookedBy: string;
  bookedAt: string;
  booked: true;
  version: number;
  strategy: Strategy;
}

/** RFC 9457 problem details, as every non-compatibility error is answered. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  instance?: string;
}
