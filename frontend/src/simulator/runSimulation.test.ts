import { describe, expect, it } from 'vitest';
import {
  IN_FLIGHT_HTTP1,
  IN_FLIGHT_MULTIPLEXED,
  inFlightLimit,
  newRunId,
  runSimulation,
  simulatedUserId,
} from './runSimulation';

/** A fake server: the first booking wins, the rest conflict; each answer takes a few ticks. */
function fakeServer({ ignoreAbort = true } = {}) {
  let inFlight = 0;
  let maxInFlight = 0;
  let winner: string | null = null;
  const bodies: { seatId: number; userId: string; strategy: string }[] = [];
  const fetchImpl = async (url: string, init?: RequestInit): Promise<Response> => {
    expect(url).toBe('/api/v1/bookings');
    expect(init?.method).toBe('POST');
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    if (!ignoreAbort && init?.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    const body = JSON.parse(String(init?.body)) as { seatId: number; userId: string; strategy: string };
    bodies.push(body);
    if (body.userId.endsWith('-13')) throw new TypeError('Failed to fetch');
    winner ??= body.userId;
    return new Response('{}', { status: winner === body.userId ? 201 : 409 });
  };
  return { fetchImpl, bodies, maxInFlight: () => maxInFlight };
}

describe('runSimulation', () => {
  it('sends one booking per user with distinct ids and at most `concurrency` in flight', async () => {
    const server = fakeServer();
    const progress: number[] = [];
    let clock = 0;
    const result = await runSimulation({
      seatId: 7,
      users: 200,
      strategy: 'REDIS',
      runId: 'r1',
      concurrency: 16,
      fetchImpl: server.fetchImpl,
      now: () => (clock += 1),
      onProgress: (done) => progress.push(done),
    });
    expect(result.samples).toHaveLength(200);
    expect(server.bodies).toHaveLength(200);
    expect(new Set(server.bodies.map((body) => body.userId)).size).toBe(200);
    expect(server.bodies.every((body) => body.seatId === 7 && body.strategy === 'REDIS')).toBe(true);
    expect(server.bodies.map((body) => body.userId)).toContain('sim-r1-0');
    expect(server.bodies.map((body) => body.userId)).toContain('sim-r1-199');
    expect(server.maxInFlight()).toBe(16);
    expect(progress).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const statuses = result.samples.map((sample) => sample.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(198);
    // User 13 could not reach the server; the browser's reason is kept.
    expect(result.samples.filter((s) => s.status === 0)).toEqual([{ status: 0, latencyMs: expect.any(Number), detail: 'Failed to fetch' }]);
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('by default keeps as many in flight as a browser has HTTP/1.1 connections', async () => {
    const server = fakeServer();
    await runSimulation({ seatId: 1, users: 50, strategy: 'ACTOR', runId: 'r', fetchImpl: server.fetchImpl });
    expect(server.maxInFlight()).toBe(IN_FLIGHT_HTTP1);
  });

  it('measures each request from sending to the end of its body', async () => {
    let clock = 0;
    const fetchImpl = async () => {
      clock += 10; // the round trip
      return new Response(
        new ReadableStream({
          pull(controller) {
            clock += 5; // the body arriving
            controller.enqueue(new TextEncoder().encode('{}'));
            controller.close();
          },
        }),
        { status: 409 },
      );
    };
    const result = await runSimulation({ seatId: 1, users: 3, strategy: 'ACTOR', runId: 'r', concurrency: 1, fetchImpl, now: () => clock });
    expect(result.samples.map((sample) => sample.latencyMs)).toEqual([15, 15, 15]);
  });

  it("keeps the server's code and message for answers other than 201 and 409", async () => {
    const detail = 'the REDIS strategy needs a Redis server: start boxoffice with --redis-url';
    const fetchImpl = async () =>
      new Response(JSON.stringify({ title: 'Invalid request', status: 422, detail, code: 'INVALID_REQUEST' }), {
        status: 422,
        headers: { 'Content-Type': 'application/problem+json' },
      });
    const result = await runSimulation({ seatId: 1, users: 4, strategy: 'REDIS', runId: 'r', fetchImpl, now: () => 0 });
    expect(result.samples).toEqual(Array.from({ length: 4 }, () => ({ status: 422, latencyMs: 0, code: 'INVALID_REQUEST', detail })));
  });

  it('falls back on the title, and on nothing, for bodies without a detail', async () => {
    const answers = [
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      new Response(JSON.stringify({ status: 503, title: 'Service Unavailable', code: 'OVERLOADED' }), { status: 503 }),
    ];
    const result = await runSimulation({
      seatId: 1,
      users: 2,
      strategy: 'ACTOR',
      runId: 'r',
      concurrency: 1,
      fetchImpl: async () => answers.shift() as Response,
      now: () => 0,
    });
    expect(result.samples).toEqual([
      { status: 502, latencyMs: 0, detail: '<html>bad gateway</html>' },
      { status: 503, latencyMs: 0, code: 'OVERLOADED', detail: 'Service Unavailable' },
    ]);
  });

  it('stops sending when aborted', async () => {
    const server = fakeServer();
    const controller = new AbortController();
    const result = await runSimulation({
      seatId: 1,
      users: 100,
      strategy: 'ACTOR',
      runId: 'r2',
      concurrency: 4,
      fetchImpl: server.fetchImpl,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 10) controller.abort();
      },
    });
    expect(result.samples.length).toBeGreaterThanOrEqual(10);
    expect(result.samples.length).toBeLessThanOrEqual(13);
  });

  it('does not count the requests a stop cut short as errors', async () => {
    const server = fakeServer({ ignoreAbort: false });
    const controller = new AbortController();
    const result = await runSimulation({
      seatId: 1,
      users: 100,
      strategy: 'ACTOR',
      runId: 'r3',
      concurrency: 4,
      fetchImpl: server.fetchImpl,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 10) controller.abort();
      },
    });
    expect(result.samples.length).toBe(10);
    expect(result.samples.every((sample) => sample.status === 201 || sample.status === 409)).toBe(true);
  });
});

describe('inFlightLimit', () => {
  it('matches the connections a browser has free: 5 over HTTP/1.1 (or unknown), more when multiplexed', () => {
    expect(inFlightLimit('http/1.1')).toBe(IN_FLIGHT_HTTP1);
    expect(inFlightLimit(undefined)).toBe(IN_FLIGHT_HTTP1);
    expect(inFlightLimit('')).toBe(IN_FLIGHT_HTTP1);
    expect(inFlightLimit('h2')).toBe(IN_FLIGHT_MULTIPLEXED);
    expect(inFlightLimit('h3')).toBe(IN_FLIGHT_MULTIPLEXED);
    expect(IN_FLIGHT_HTTP1).toBe(5); // 6 connections per origin, one held by the seat stream
  });
});

describe('simulated user ids', () => {
  it('fit the API alphabet and length', () => {
    const id = simulatedUserId(newRunId(Date.UTC(2030, 0, 1), () => 0.999999), 4999);
    expect(id).toMatch(/^[A-Za-z0-9._:@-]{1,64}$/);
    expect(simulatedUserId('abc', 3)).toBe('sim-abc-3');
  });
});
