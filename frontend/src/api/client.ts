// Thin fetch wrappers for the API. Relative URLs: production serves the UI on the API's origin,
// development proxies them (vite.config.ts).
import type { Booking, EventDetail, EventSummary, Problem, Strategy } from './types';

/** The outcome of a request that can fail in an expected way; callers branch on `kind`. */
export type ApiResult<T> =
  | { kind: 'ok'; status: number; value: T }
  | { kind: 'problem'; status: number; problem: Problem; retryAfterSeconds?: number }
  | { kind: 'network'; message: string };

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable, so callers fall back to "in a moment".
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its weekday and month; bare numbers like "-1" are not dates.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Turns an error response into a problem. Bodies that are not problem+json (a proxy's HTML page,
 * a plain-text 413) still become a problem, so callers have a single error shape.
 */
export async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') {
      const body = parsed as Partial<Problem>;
      return { ...body, status: typeof body.status === 'number' ? body.status : response.status };
    }
  } catch {
    // Not JSON: fall through to a synthesized problem.
  }
  const detail = text.trim().slice(0, 200);
  return {
    status: response.status,
    title: response.statusText || `HTTP ${response.status}`,
    ...(detail ? { detail } : {}),
  };
}

async function request<T>(fetchImpl: FetchLike, url: string, init?: RequestInit): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    return { kind: 'network', message: error instanceof Error ? error.message : String(error) };
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    // 503 (and 429) come with Retry-After: the toast tells people how long to wait.
    const retryAfterSeconds = parseRetryAfter(response.headers.get('Retry-After'));
    return {
      kind: 'problem',
      status: response.status,
      problem,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
  try {
    return { kind: 'ok', status: response.status, value: (await response.json()) as T };
  } catch (error) {
    // A cut connection mid-body is a network failure, not a server answer.
    return { kind: 'network', message: error instanceof Error ? error.message : String(error) };
  }
}

const defaultFetch: FetchLike = (input, init) => fetch(input, init);

export function listEvents(fetchImpl: FetchLike = defaultFetch): Promise<ApiResult<EventSummary[]>> {
  return request(fetchImpl, '/api/v1/events', { headers: { Accept: 'application/json' } });
}

export function getEvent(eventId: number, fetchImpl: FetchLike = defaultFetch): Promise<ApiResult<EventDetail>> {
  return request(fetchImpl, `/api/v1/events/${eventId}`, { headers: { Accept: 'application/json' } });
}

export interface BookingRequest {
  seatId: number;
  userId: string;
  strategy: Strategy;
}

export function bookSeat(
  body: BookingRequest,
  fetchImpl: FetchLike = defaultFetch,
  signal?: AbortSignal,
): Promise<ApiResult<Booking>> {
  return request(fetchImpl, '/api/v1/bookings', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

export function streamUrl(eventId: number): string {
  return `/api/v1/events/${eventId}/stream`;
}
