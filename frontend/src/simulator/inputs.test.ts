import { describe, expect, it } from 'vitest';
import { makeSeats } from '../test/fixtures';
import { parseUsers, resolveSeatTarget, targetTextFor } from './inputs';

const demo = makeSeats([{ name: 'Main', rows: 10, seatsPerRow: 10 }]);
const twoSections = makeSeats([
  { name: 'Stalls', rows: 1, seatsPerRow: 2 },
  { name: 'Balcony', rows: 1, seatsPerRow: 2 },
]);

describe('resolveSeatTarget', () => {
  it('finds a seat by label, in any case', () => {
    expect(resolveSeatTarget('C-7', demo)).toMatchObject({ ok: true, seat: { seatId: 27 } });
    expect(resolveSeatTarget(' j-10 ', demo)).toMatchObject({ ok: true, seat: { seatId: 100 } });
  });

  it('finds a seat by id, with or without #', () => {
    expect(resolveSeatTarget('42', demo)).toMatchObject({ ok: true, seat: { seatNumber: 'E-2' } });
    expect(resolveSeatTarget('#42', demo)).toMatchObject({ ok: true, seat: { seatNumber: 'E-2' } });
  });

  it('explains what is wrong', () => {
    expect(resolveSeatTarget('', demo)).toEqual({ ok: false, error: 'Pick a seat on the map or type its label or id.' });
    expect(resolveSeatTarget('K-1', demo)).toEqual({ ok: false, error: 'No seat "K-1" in this event.' });
    expect(resolveSeatTarget('101', demo)).toEqual({ ok: false, error: 'No seat "101" in this event.' });
  });
});

describe('targetTextFor', () => {
  it('uses the label when it is unique, else the id', () => {
    expect(targetTextFor(demo[26]!, demo)).toBe('C-7');
    expect(targetTextFor(twoSections[3]!, twoSections)).toBe('#4');
  });
});

describe('parseUsers', () => {
  it('accepts whole numbers from 1 to 5000', () => {
    expect(parseUsers('500')).toEqual({ ok: true, users: 500 });
    expect(parseUsers(' 1 ')).toEqual({ ok: true, users: 1 });
    expect(parseUsers('5000')).toEqual({ ok: true, users: 5000 });
  });

  it('rejects anything else', () => {
    for (const text of ['0', '5001', '', '2.5', '-3', 'ten']) {
      expect(parseUsers(text)).toEqual({ ok: false, error: 'Enter a whole number from 1 to 5000.' });
    }
  });
});
