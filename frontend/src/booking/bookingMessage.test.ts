import { describe, expect, it } from 'vitest';
import { bookingMessage, UNREACHABLE_TEXT } from './bookingMessage';

describe('bookingMessage', () => {
  it('announces a booking with its number', () => {
    const result = {
      kind: 'ok' as const,
      status: 201,
      value: {
        bookingId: 12,
        eventId: 1,
        seatId: 7,
        seatNumber: 'A-7',
        bookedBy: 'u-1',
        bookedAt: '2030-01-01T00:00:00Z',
        booked: true as const,
        version: 1,
        strategy: 'ACTOR' as const,
      },
    };
    expect(bookingMessage('A-7', 'u-1', result)).toEqual({
      kind: 'success',
      text: 'Seat A-7 booked for u-1 (booking #12)',
    });
  });

  it('says the seat was just taken on 409 SEAT_OCCUPIED', () => {
    const problem = { status: 409, code: 'SEAT_OCCUPIED', detail: 'seat 7 is booked' };
    expect(bookingMessage('A-7', 'u-1', { kind: 'problem', status: 409, problem })).toEqual({
      kind: 'error',
      text: 'Seat A-7 was just taken by someone else.',
    });
  });

  it('shows the detail of any other problem, else its title, else the status', () => {
    expect(
      bookingMessage('A-7', 'u-1', {
        kind: 'problem',
        status: 503,
        problem: { status: 503, code: 'OVERLOADED', title: 'Overloaded', detail: 'Too many requests for this seat' },
      }).text,
    ).toBe('Seat A-7 could not be booked: Too many requests for this seat');
    expect(bookingMessage('A-7', 'u', { kind: 'problem', status: 404, problem: { status: 404, title: 'Not Found' } }).text).toBe(
      'Seat A-7 could not be booked: Not Found',
    );
    expect(bookingMessage('A-7', 'u', { kind: 'problem', status: 500, problem: { status: 500 } }).text).toBe(
      'Seat A-7 could not be booked: HTTP 500',
    );
  });

  it('says the server could not be reached on a network failure', () => {
    expect(bookingMessage('A-7', 'u-1', { kind: 'network', message: 'Failed to fetch' })).toEqual({
      kind: 'error',
      text: UNREACHABLE_TEXT,
    });
  });
});
