import { describe, expect, it } from 'vitest';
import { newRunId, runSimulation, simulatedUserId } from './runSimulation';

/** A fake server: the first booking wins, the rest conflict; each answer takes a few ticks. */
function fakeServer() {
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
    expect(statuses.filter((s) => s === 0)).toHaveLength(1); // user 13 could not reach the server
    expect(statuses.filter((s) => s === 409)).toHaveLength(198);
    expect(result.durationMs).toBeGreaterThan(0);
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
});

describe('simulated user ids', () => {
  it('fit the API alphabet and length', () => {
    const id = simulatedUserId(newRunId(Date.UTC(2030, 0, 1), () => 0.999999), 4999);
    expect(id).toMatch(/^[A-Za-z0-9._:@-]{1,64}$/);
    expect(simulatedUserId('abc', 3)).toBe('sim-abc-3');
  });
});
