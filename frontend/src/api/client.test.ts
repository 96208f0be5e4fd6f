import { describe, expect, it } from 'vitest';
import { bookSeat, parseRetryAfter, readProblem } from './client';

describe('readProblem', () => {
  it('reads problem+json', async () => {
    const body = { type: 'about:blank', title: 'Conflict', status: 409, detail: 'taken', code: 'SEAT_OCCUPIED', instance: '/x' };
    const response = new Response(JSON.stringify(body), { status: 409, headers: { 'Content-Type': 'application/problem+json' } });
    expect(await readProblem(response)).toEqual(body);
  });

  it('turns a non-JSON error body into a problem', async () => {
    const response = new Response('payload too large', { status: 413, statusText: 'Payload Too Large' });
    expect(await readProblem(response)).toEqual({ status: 413, title: 'Payload Too Large', detail: 'payload too large' });
  });
});

describe('bookSeat', () => {
  it('posts the booking as JSON and returns the 201 body', async () => {
    let seen: RequestInit | undefined;
    const result = await bookSeat({ seatId: 7, userId: 'u-1', strategy: 'ACTOR' }, async (url, init) => {
      expect(url).toBe('/api/v1/bookings');
      seen = init;
      return new Response(JSON.stringify({ bookingId: 12 }), { status: 201 });
    });
    expect(seen?.method).toBe('POST');
    expect(JSON.parse(String(seen?.body))).toEqual({ seatId: 7, userId: 'u-1', strategy: 'ACTOR' });
    expect(result).toEqual({ kind: 'ok', status: 201, value: { bookingId: 12 } });
  });

  it('reports problems and network failures distinctly', async () => {
    const problem = await bookSeat({ seatId: 7, userId: 'u', strategy: 'ACTOR' }, async () =>
      new Response(JSON.stringify({ status: 409, code: 'SEAT_OCCUPIED' }), { status: 409 }),
    );
    expect(problem).toEqual({ kind: 'problem', status: 409, problem: { status: 409, code: 'SEAT_OCCUPIED' } });
    const network = await bookSeat({ seatId: 7, userId: 'u', strategy: 'ACTOR' }, async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(network).toEqual({ kind: 'network', message: 'Failed to fetch' });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('2')).toBe(2);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('Tue, 01 Jan 2030 12:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Tue, 01 Jan 2030 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});

describe('problem results carry Retry-After', () => {
  it('on a 503', async () => {
    const result = await bookSeat({ seatId: 7, userId: 'u', strategy: 'ACTOR' }, async () =>
      new Response(JSON.stringify({ status: 503, code: 'OVERLOADED' }), { status: 503, headers: { 'Retry-After': '3' } }),
    );
    expect(result).toEqual({ kind: 'problem', status: 503, problem: { status: 503, code: 'OVERLOADED' }, retryAfterSeconds: 3 });
  });
});
