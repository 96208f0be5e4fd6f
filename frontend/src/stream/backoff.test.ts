import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff';

const noJitter = () => 0.5; // 0.8 + 0.4 * 0.5 = 1.0

describe('backoffDelayMs', () => {
  it('starts at 0.5 s and doubles up to 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((attempt) => backoffDelayMs(attempt, noJitter))).toEqual([
      500, 1000, 2000, 4000, 8000, 10000, 10000, 10000,
    ]);
  });

  it('spreads by ±20 % and never exceeds 10 s', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(400);
    expect(backoffDelayMs(0, () => 1)).toBe(600);
    expect(backoffDelayMs(10, () => 1)).toBe(10000);
    expect(backoffDelayMs(10, () => 0)).toBe(8000);
  });
});
