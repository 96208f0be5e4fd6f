import { describe, expect, it } from 'vitest';
import { chooseEvent, formatEventHash, parseEventHash } from './eventHash';

describe('event hash', () => {
  it('round-trips the event id', () => {
    expect(formatEventHash(3)).toBe('#event=3');
    expect(parseEventHash('#event=3')).toBe(3);
    expect(parseEventHash('event=12&x=1')).toBe(12);
  });

  it('ignores anything that is not a positive id', () => {
    for (const hash of ['', '#', '#event=', '#event=0', '#event=-1', '#event=abc', '#event=1.5', '#other=3']) {
      expect(parseEventHash(hash)).toBeNull();
    }
  });

  it('keeps the URL event when it exists, else picks the first', () => {
    expect(chooseEvent(2, [1, 2, 3])).toBe(2);
    expect(chooseEvent(9, [1, 2, 3])).toBe(1);
    expect(chooseEvent(null, [4])).toBe(4);
    expect(chooseEvent(2, [])).toBeNull();
  });
});
