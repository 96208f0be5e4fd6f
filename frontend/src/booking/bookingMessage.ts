// What a person is told after trying to book. Pure, so every branch is unit-tested. Each outcome
// says what happened in its own words: "someone else has the seat" (nothing to retry), "the server is
// busy" (retry later), "the server was not reached" (check the connection) are different stories.
import type { ApiResult } from '../api/client';
import type { Booking } from '../api/types';

export type ToastKind = 'success' | 'error';

/** Why a booking ended as it did; the toast carries it as `data-reason` for tests and styling. */
export type BookingOutcome = 'booked' | 'taken' | 'busy' | 'unreachable' | 'rejected';

export interface ToastMessage {
  kind: ToastKind;
  text: string;
  reason?: BookingOutcome;
}

export interface BookingToast extends ToastMessage {
  reason: BookingOutcome;
  /** Whether the same request may succeed if sent again; the booking form stays open for it. */
  retryable: boolean;
}

export function bookingMessage(seatLabel: string, userId: string, result: ApiResult<Booking>): BookingToast {
  switch (result.kind) {
    case 'ok':
      return {
        kind: 'success',
        reason: 'booked',
        retryable: false,
        text: `Seat ${result.value.seatNumber || seatLabel} booked for ${result.value.bookedBy || userId} (booking #${result.value.bookingId})`,
      };
    case 'problem': {
      if (result.status === 409 && result.problem.code === 'SEAT_OCCUPIED') {
        return {
          kind: 'error',
          reason: 'taken',
          retryable: false,
          text: `Seat ${seatLabel} is already taken. Please pick another seat.`,
        };
      }
      if (result.status === 503 || result.status === 429) {
        const wait =
          result.retryAfterSeconds === undefined || result.retryAfterSeconds <= 0
            ? 'in a moment'
            : `in ${result.retryAfterSeconds} s`;
        return {
          kind: 'error',
          reason: 'busy',
          retryable: true,
          text: `The server is busy, so seat ${seatLabel} was not booked. Please try again ${wait}.`,
        };
      }
      const reason = result.problem.detail || result.problem.title || `HTTP ${result.status}`;
      return {
        kind: 'error',
        reason: 'rejected',
        retryable: result.status >= 500,
        text: `Seat ${seatLabel} could not be booked: ${reason}`,
      };
    }
    case 'network':
      return {
        kind: 'error',
        reason: 'unreachable',
        retryable: true,
        // Not "was not booked": the connection may have dropped after the server committed. The map
        // shows the truth once the stream is back.
        text: `Could not reach the server: the booking of seat ${seatLabel} is not confirmed. Check your connection and try again.`,
      };
  }
}
