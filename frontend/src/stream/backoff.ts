// Reconnect delays for the seat stream. The hook owns its backoff (it closes a failed EventSource
// instead of letting the browser retry at its own fixed pace), so thousands of open maps do not
// hammer a restarting server in lockstep.

export const BACKOFF_INITIAL_MS = 500;
export const BACKOFF_MAX_MS = 10_000;

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry): 0.5 s doubling up to 10 s, then
 * spread by ±20 % jitter (still capped) so clients that lost the same server do not return together.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 16);
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** exponent);
  const jitter = 0.8 + 0.4 * random();
  return Math.round(Math.min(BACKOFF_MAX_MS, base * jitter));
}
