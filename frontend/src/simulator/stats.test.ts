import { describe, expect, it } from 'vitest';
import { countOutcomes, histogram, percentile, summarizeLatency, summarizeRun, throughputPerSecond } from './stats';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('picks observed values', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile([3, 7, 8, 9, 12], 50)).toBe(8);
    expect(percentile([3, 7, 8, 9, 12], 99)).toBe(12);
    expect(percentile([42], 99)).toBe(42);
  });

  it('p99 of 500 samples is the 495th', () => {
    const values = Array.from({ length: 500 }, (_, i) => i * 2);
    expect(percentile(values, 99)).toBe(988);
    expect(percentile(values, 50)).toBe(498);
  });

  it('refuses no values and percentages outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('countOutcomes', () => {
  it('counts 201, 409, and groups everything else by status and code, keeping the first message', () => {
    const samples = [
      { status: 201, latencyMs: 1 },
      { status: 409, latencyMs: 1 },
      { status: 409, latencyMs: 1 },
      { status: 503, latencyMs: 1, code: 'OVERLOADED', detail: 'too many requests for this seat' },
      { status: 409, latencyMs: 1 },
      { status: 0, latencyMs: 1, detail: 'Failed to fetch' },
      { status: 422, latencyMs: 1, code: 'INVALID_REQUEST', detail: 'the REDIS strategy needs a Redis server' },
      { status: 503, latencyMs: 1, code: 'OVERLOADED', detail: 'a later message' },
      { status: 0, latencyMs: 1 },
      { status: 503, latencyMs: 1, code: 'UNAVAILABLE' },
    ];
    expect(countOutcomes(samples)).toEqual({
      total: 10,
      success: 1,
      conflicts: 3,
      otherErrors: [
        { status: 422, code: 'INVALID_REQUEST', count: 1, detail: 'the REDIS strategy needs a Redis server' },
        { status: 503, code: 'OVERLOADED', count: 2, detail: 'too many requests for this seat' },
        { status: 503, code: 'UNAVAILABLE', count: 1, detail: null },
        { status: 0, code: null, count: 2, detail: 'Failed to fetch' },
      ],
      otherTotal: 6,
    });
  });

  it('a REDIS run against a server without Redis: every request another error, with the reason', () => {
    const detail = 'the REDIS strategy needs a Redis server: start boxoffice with --redis-url';
    const samples = Array.from({ length: 500 }, () => ({ status: 422, latencyMs: 2, code: 'INVALID_REQUEST', detail }));
    expect(countOutcomes(samples)).toEqual({
      total: 500,
      success: 0,
      conflicts: 0,
      otherErrors: [{ status: 422, code: 'INVALID_REQUEST', count: 500, detail }],
      otherTotal: 500,
    });
  });

  it('counts nothing in an empty run', () => {
    expect(countOutcomes([])).toEqual({ total: 0, success: 0, conflicts: 0, otherErrors: [], otherTotal: 0 });
  });
});

describe('histogram', () => {
  it('splits min..max into equal buckets, the maximum in the last', () => {
    expect(histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([
      { from: 0, to: 2, count: 2 },
      { from: 2, to: 4, count: 2 },
      { from: 4, to: 6, count: 2 },
      { from: 6, to: 8, count: 2 },
      { from: 8, to: 10, count: 3 },
    ]);
  });

  it('keeps every value exactly once', () => {
    const values = Array.from({ length: 500 }, (_, i) => Math.sqrt(i) * 3.3);
    const buckets = histogram(values, 20);
    expect(buckets).toHaveLength(20);
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(500);
    expect(buckets[0]?.from).toBe(0);
    expect(buckets[19]?.to).toBe(Math.sqrt(499) * 3.3);
  });

  it('puts equal values in one bucket and returns none for no values', () => {
    expect(histogram([4, 4, 4], 10)).toEqual([{ from: 4, to: 4, count: 3 }]);
    expect(histogram([], 10)).toEqual([]);
  });
});

describe('run summary', () => {
  it('throughput is requests per second of wall time', () => {
    expect(throughputPerSecond(500, 250)).toBe(2000);
    expect(throughputPerSecond(10, 0)).toBe(0);
  });

  it('summarizes latency', () => {
    expect(summarizeLatency([5, 1, 3])).toEqual({ min: 1, p50: 3, p99: 5, max: 5, mean: 3 });
    expect(summarizeLatency([])).toBeNull();
  });

  it('summarizes a hot-seat run: one winner, 499 conflicts', () => {
    const samples = Array.from({ length: 500 }, (_, i) => ({ status: i === 17 ? 201 : 409, latencyMs: i + 1 }));
    const summary = summarizeRun(samples, 1000);
    expect(summary).toMatchObject({
      total: 500,
      success: 1,
      conflicts: 499,
      otherErrors: [],
      otherTotal: 0,
      durationMs: 1000,
      throughputPerSecond: 500,
      latency: { min: 1, p50: 250, p99: 495, max: 500, mean: 250.5 },
    });
    expect(summary.histogram).toHaveLength(20);
    expect(summary.histogram.map((bucket) => bucket.count)).toEqual([
      25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25,
    ]);
  });
});
