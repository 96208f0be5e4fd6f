// Fires the simulator's bookings from the browser: one request per simulated user, each with its own
// user id, at most `concurrency` in flight so the page and the server see a bounded burst.
import { readProblem } from '../api/client';
import type { Strategy } from '../api/types';
import type { Sample } from './stats';

export const USERS_MIN = 1;
export const USERS_MAX = 5_000;
export const USERS_DEFAULT = 500;

/**
 * Over HTTP/1.1 a browser opens at most 6 connections per origin (Chromium, Firefox and Safari
 * alike) and queues every further request inside itself; this page's seat stream holds one of
 * them for good. Sending more than the remaining 5 at once adds no load on the server, only time
 * in the browser's hidden queue, which would then be reported as latency (measured on Chromium:
 * 64 in flight gave the same throughput as 5, with a p50 ten times higher). So on HTTP/1.1 the
 * simulator keeps 5 in flight and its latencies are request round trips. HTTP/2 and HTTP/3
 * multiplex one connection, so there a larger burst reaches the server.
 */
export const IN_FLIGHT_HTTP1 = 5;
export const IN_FLIGHT_MULTIPLEXED = 64;

/** `protocol` is the ALPN id from Resource Timing's `nextHopProtocol` ('http/1.1', 'h2', 'h3'). */
export function inFlightLimit(protocol: string | undefined): number {
  return protocol !== undefined && /^h[23]/.test(protocol) ? IN_FLIGHT_MULTIPLEXED : IN_FLIGHT_HTTP1;
}

/** The protocol this page was loaded over; the API shares its origin, so its connections too. */
export function pageProtocol(): string | undefined {
  if (typeof performance === 'undefined') return undefined;
  const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
  return navigation?.nextHopProtocol || undefined;
}

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
    concurrency = IN_FLIGHT_HTTP1,
    fetchImpl = (input, init) => fetch(input, init),
    now = () => performance.now(),
    onProgress,
    signal,
  } = options;
  const total = Math.max(0, Math.floor(users));
  const samples: Sample[] = new Array<Sample>(total);
  let next = 0;
  let done = 0;

  /** One simulated user's booking; null when the run was stopped while it was in flight. */
  const bookOne = async (index: number): Promise<Sample | null> => {
    const started = now();
    try {
      const response = await fetchImpl('/api/v1/bookings', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
        body: JSON.stringify({ seatId, userId: simulatedUserId(runId, index), strategy }),
        ...(signal ? { signal } : {}),
      });
      // Read the body so the latency covers the whole answer and the connection is freed. Wins
      // and conflicts are counted by status alone; anything else keeps the server's words.
      if (response.status === 201 || response.status === 409) {
        await response.arrayBuffer();
        return { status: response.status, latencyMs: now() - started };
      }
      const problem = await readProblem(response);
      const latencyMs = now() - started;
      const detail = problem.detail || problem.title;
      return {
        status: response.status,
        latencyMs,
        ...(problem.code ? { code: problem.code } : {}),
        ...(detail ? { detail } : {}),
      };
    } catch (error) {
      // Stopping the run aborts the requests in flight: those are not the server's failures.
      if (signal?.aborted) return null;
      const detail = error instanceof Error ? error.message : String(error);
      return { status: 0, latencyMs: now() - started, detail };
    }
  };

  const worker = async () => {
    while (next < total && !signal?.aborted) {
      const index = next;
      next += 1;
      const sample = await bookOne(index);
      if (sample === null) return;
      samples[index] = sample;
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
