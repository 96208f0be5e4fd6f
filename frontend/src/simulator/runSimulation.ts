// Fires the simulator's bookings from the browser: one request per simulated user, each with its own
// user id, at most `concurrency` in flight so the page and the server see a bounded burst.
//
// Note: over HTTP/1.1 a browser opens only ~6 connections per origin, so beyond that requests wait
// in the browser's own queue; their latency includes that wait, as a real visitor's would.
import type { Strategy } from '../api/types';
import type { Sample } from './stats';

export const USERS_MIN = 1;
export const USERS_MAX = 5_000;
export const USERS_DEFAULT = 500;
export const IN_FLIGHT_MAX = 64;

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface SimulationOptions {
  seatId: number;
  users: number;
  strategy: Strategy;
  /** Makes this run's user ids distinct from earlier runs': `sim-<runId>-<i>`. */
  runId: string;
  concurrency?: number;
  fetchImpl?: FetchLike;
  now?: () => number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface SimulationResult {
  samples: Sample[];
  durationMs: number;
}

export function simulatedUserId(runId: string, index: number): string {
  return `sim-${runId}-${index}`;
}

/** A short id that fits the API's user-id alphabet and length with room for the index. */
export function newRunId(now: number = Date.now(), random: () => number = Math.random): string {
  return `${now.toString(36)}${Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0')}`;
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const {
    seatId,
    users,
    strategy,
    runId,
    concurrency = IN_FLIGHT_MAX,
    fetchImpl = (input, init) => fetch(input, init),
    now = () => performance.now(),
    onProgress,
    signal,
  } = options;
  const total = Math.max(0, Math.floor(users));
  const samples: Sample[] = new Array<Sample>(total);
  let next = 0;
  let done = 0;

  const bookOne = async (index: number): Promise<Sample> => {
    const started = now();
    try {
      const response = await fetchImpl('/api/v1/bookings', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
        body: JSON.stringify({ seatId, userId: simulatedUserId(runId, index), strategy }),
        ...(signal ? { signal } : {}),
      });
      // Read the body so the latency covers the whole answer and the connection is freed.
      await response.arrayBuffer();
      return { status: response.status, latencyMs: now() - started };
    } catch {
      return { status: 0, latencyMs: now() - started };
    }
  };

  const worker = async () => {
    while (next < total && !signal?.aborted) {
      const index = next;
      next += 1;
      samples[index] = await bookOne(index);
      done += 1;
      onProgress?.(done, total);
    }
  };

  const started = now();
  const workers = Math.max(1, Math.min(Math.floor(concurrency), total));
  await Promise.all(Array.from({ length: total === 0 ? 0 : workers }, worker));
  const durationMs = now() - started;
  // An aborted run reports only the requests it made.
  return { samples: samples.filter((sample) => sample !== undefined), durationMs };
}
