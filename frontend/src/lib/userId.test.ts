import { describe, expect, it } from 'vitest';
import { loadUserId, saveUserId, validateUserId } from './userId';

describe('validateUserId (as the API validates)', () => {
  it('accepts 1 to 64 characters of [A-Za-z0-9._:@-]', () => {
    for (const id of ['u', 'u-1', 'alice@example.com', 'a.b_c:d-e', 'x'.repeat(64)]) {
      expect(validateUserId(id)).toBeNull();
    }
  });

  it('rejects empty, too long and other characters', () => {
    expect(validateUserId('')).toBe('Enter a user id.');
    expect(validateUserId('x'.repeat(65))).toBe('A user id has at most 64 characters.');
    for (const id of ['a b', 'ü', 'a/b', 'a+b', ' u']) {
      expect(validateUserId(id)).toBe('Use only letters, digits and . _ : @ -');
    }
  });
});

describe('remembered user id', () => {
  it('round-trips through storage and survives a broken one', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(loadUserId(storage)).toBe('');
    saveUserId('u-1', storage);
    expect(loadUserId(storage)).toBe('u-1');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(loadUserId(broken)).toBe('');
    expect(() => saveUserId('u-1', broken)).not.toThrow();
  });
});
