// What a person is told after trying to book. Pure, so every branch is unit-tested.
import type { ApiResult } from '../api/client';
import type { Booking } from '../api/types';

export type ToastKind = 'success' | 'error';

export interface ToastMessage {
  kind: ToastKind;
  text: string;
}

export const UNREACHABLE_TEXT = 'Could not reach the server. Check your connection and try again.';

export function bookingMessage(seatLabel: string, userId: string, result: ApiResult<Booking>): ToastMessage {
  switch (result.kind) {
    case 'ok':
      return {
        kind: 'success',
        text: `Seat ${result.value.seatNumber || seatLabel} booked for ${result.value.bookedBy || userId} (booking #${result.value.bookingId})`,
      };
    case 'problem': {
      if (result.status === 409 && result.problem.code === 'SEAT_OCCUPIED') {
        return { kind: 'error', text: `Seat ${seatLabel} was just taken by someone else.` };
      }
      const reason = result.problem.detail || result.problem.title || `HTTP ${result.status}`;
      return { kind: 'error', text: `Seat ${seatLabel} could not be booked: ${reason}` };
    }
    case 'network':
      return { kind: 'error', text: UNREACHABLE_TEXT };
  }
}
