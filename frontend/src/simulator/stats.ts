// Statistics of a simulator run. Pure functions over the samples, so the numbers on screen are the
// numbers the tests check.

/** One request's outcome: its HTTP status (0 when the server could not be reached) and latency. */
export interface Sample {
  status: number;
  latencyMs: number;
  /** The problem's `code`, for answers other than 201 and 409. */
  code?: string;
  /** What went wrong in words: the problem's detail (or title), or the browser's network error. */
  detail?: string;
}

/** Requests that failed the same way: same status and problem code. */
export interface ErrorGroup {
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  code: string | null;
  count: number;
  /** The first message seen for this group, so the panel can say what the server said. */
  detail: string | null;
}

export interface OutcomeCounts {
  total: number;
  /** 201: the booking was made. */
  success: number;
  /** 409: someone else had the seat. Expected for every user but one. */
  conflicts: number;
  /** Everything else, by status then code, ascending; "no answer" (status 0) last. */
  otherErrors: ErrorGroup[];
  /** Sum of `otherErrors`' counts. */
  otherTotal: number;
}

export interface LatencySummary {
  min: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface HistogramBucket {
  /** Inclusive lower bound, ms. */
  from: number;
  /** Upper bound, ms; inclusive only for the last bucket. */
  to: number;
  count: number;
}

export interface RunSummary extends OutcomeCounts {
  durationMs: number;
  throughputPerSecond: number;
  latency: LatencySummary | null;
  histogram: HistogramBucket[];
}

export function countOutcomes(samples: readonly Sample[]): OutcomeCounts {
  let success = 0;
  let conflicts = 0;
  const groups = new Map<string, ErrorGroup>();
  for (const { status, code, detail } of samples) {
    if (status === 201) success += 1;
    else if (status === 409) conflicts += 1;
    else {
      const key = `${status} ${code ?? ''}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { status, code: code ?? null, count: 1, detail: detail ?? null });
      else {
        group.count += 1;
        group.detail ??= detail ?? null;
      }
    }
  }
  const rank = (status: number) => (status === 0 ? Number.MAX_SAFE_INTEGER : status);
  const otherErrors = [...groups.values()].sort(
    (a, b) => rank(a.status) - rank(b.status) || (a.code ?? '').localeCompare(b.code ?? ''),
  );
  const otherTotal = otherErrors.reduce((sum, group) => sum + group.count, 0);
  return { total: samples.length, success, conflicts, otherErrors, otherTotal };
}

/**
 * Nearest-rank percentile of ascending values: the smallest value with at least p % of the values at
 * or below it. Always an observed latency, never an interpolation.
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  const n = sortedAscending.length;
  if (n === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} outside 0..100`);
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sortedAscending[Math.min(n, rank) - 1] as number;
}

export function summarizeLatency(latencies: readonly number[]): LatencySummary | null {
  if (latencies.length === 0) return null;
  const sorted = [...latencies].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    min: sorted[0] as number,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
  };
}

/** Equal-width buckets from the smallest to the largest value; the largest lands in the last one. */
export function histogram(values: readonly number[], bucketCount: number): HistogramBucket[] {
  if (values.length === 0 || bucketCount < 1) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === max) return [{ from: min, to: max, count: values.length }];
  const count = Math.floor(bucketCount);
  const width = (max - min) / count;
  const buckets = Array.from({ length: count }, (_, i) => ({
    from: min + i * width,
    to: i === count - 1 ? max : min + (i + 1) * width,
    count: 0,
  }));
  for (const value of values) {
    const index = Math.min(count - 1, Math.floor((value - min) / width));
    (buckets[index] as HistogramBucket).count += 1;
  }
  return buckets;
}

export function throughputPerSecond(requests: number, durationMs: number): number {
  return durationMs > 0 ? (requests * 1000) / durationMs : 0;
}

export const HISTOGRAM_BUCKETS = 20;

export function summarizeRun(samples: readonly Sample[], durationMs: number): RunSummary {
  const latencies = samples.map((sample) => sample.latencyMs);
  return {
    ...countOutcomes(samples),
    durationMs,
    throughputPerSecond: throughputPerSecond(samples.length, durationMs),
    latency: summarizeLatency(latencies),
    histogram: histogram(latencies, HISTOGRAM_BUCKETS),
  };
}
