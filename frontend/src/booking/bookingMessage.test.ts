import { describe, expect, it } from 'vitest';
import type { Booking } from '../api/types';
import { bookingMessage } from './bookingMessage';

const booking: Booking = {
  bookingId: 12,
  eventId: 1,
  seatId: 7,
  seatNumber: 'A-7',
  bookedBy: 'u-1',
  bookedAt: '2030-01-01T00:00:00Z',
  booked: true,
  version: 1,
  strategy: 'ACTOR',
};

describe('bookingMessage', () => {
  it('announces a booking with its number', () => {
    expect(bookingMessage('A-7', 'u-1', { kind: 'ok', status: 201, value: booking })).toEqual({
      kind: 'success',
      reason: 'booked',
      retryable: false,
      text: 'Seat A-7 booked for u-1 (booking #12)',
    });
  });

  it('says the seat is already taken on 409 SEAT_OCCUPIED, and not to retry', () => {
    const problem = { status: 409, code: 'SEAT_OCCUPIED', detail: 'seat 7 is already booked' };
    expect(bookingMessage('A-7', 'u-1', { kind: 'problem', status: 409, problem })).toEqual({
      kind: 'error',
      reason: 'taken',
      retryable: false,
      text: 'Seat A-7 is already taken. Please pick another seat.',
    });
  });

  it('says the server is busy on 503, with the Retry-After wait when there is one', () => {
    const problem = { status: 503, code: 'OVERLOADED', title: 'Overloaded', detail: 'Too many requests for this seat' };
    expect(bookingMessage('A-7', 'u', { kind: 'problem', status: 503, problem, retryAfterSeconds: 2 })).toEqual({
      kind: 'error',
      reason: 'busy',
      retryable: true,
      text: 'The server is busy, so seat A-7 was not booked. Please try again in 2 s.',
    });
    expect(
      bookingMessage('A-7', 'u', { kind: 'problem', status: 503, problem: { status: 503, code: 'UNAVAILABLE' } }).text,
    ).toBe('The server is busy, so seat A-7 was not booked. Please try again in a moment.');
    expect(bookingMessage('A-7', 'u', { kind: 'problem', status: 429, problem: { status: 429 } }).reason).toBe('busy');
  });

  it('shows the detail of any other problem, else its title, else the status', () => {
    const notFound = bookingMessage('A-7', 'u', {
      kind: 'problem',
      status: 404,
      problem: { status: 404, code: 'SEAT_NOT_FOUND', title: 'Not Found', detail: 'no seat 7' },
    });
    expect(notFound).toEqual({ kind: 'error', reason: 'rejected', retryable: false, text: 'Seat A-7 could not be booked: no seat 7' });
    expect(bookingMessage('A-7', 'u', { kind: 'problem', status: 404, problem: { status: 404, title: 'Not Found' } }).text).toBe(
      'Seat A-7 could not be booked: Not Found',
    );
    const internal = bookingMessage('A-7', 'u', { kind: 'problem', status: 500, problem: { status: 500 } });
    expect(internal.text).toBe('Seat A-7 could not be booked: HTTP 500');
    expect(internal.retryable).toBe(true);
    // A 409 with another code is not "taken": show what the server said.
    expect(
      bookingMessage('A-7', 'u', { kind: 'problem', status: 409, problem: { status: 409, code: 'OTHER', detail: 'x' } }).reason,
    ).toBe('rejected');
  });

  it('says the server could not be reached on a network failure, differently from a conflict', () => {
    const message = bookingMessage('A-7', 'u-1', { kind: 'network', message: 'Failed to fetch' });
    expect(message).toEqual({
      kind: 'error',
      reason: 'unreachable',
      retryable: true,
      text: 'Could not reach the server: the booking of seat A-7 is not confirmed. Check your connection and try again.',
    });
    expect(message.text).not.toMatch(/taken/);
  });
});
