import { describe, expect, it } from 'vitest';
import { parseSeatChange, parseSnapshot } from './messages';

describe('parseSnapshot', () => {
  it('reads the server snapshot', () => {
    const data = JSON.stringify({
      eventId: 1,
      seats: [
        { seatId: 1, seatNumber: 'A-1', section: 'Main', row: 1, number: 1, status: 'AVAILABLE', booked: false, version: 0 },
        { seatId: 2, seatNumber: 'A-2', section: 'Main', row: 1, number: 2, status: 'BOOKED', booked: true, version: 1 },
      ],
    });
    expect(parseSnapshot(data)).toEqual({
      eventId: 1,
      seats: [
        { seatId: 1, seatNumber: 'A-1', section: 'Main', row: 1, number: 1, status: 'AVAILABLE', booked: false, version: 0 },
        { seatId: 2, seatNumber: 'A-2', section: 'Main', row: 1, number: 2, status: 'BOOKED', booked: true, version: 1 },
      ],
    });
  });

  it('rejects malformed snapshots whole', () => {
    expect(parseSnapshot('not json')).toBeNull();
    expect(parseSnapshot('{"eventId":1}')).toBeNull();
    expect(parseSnapshot('{"eventId":1,"seats":[{"seatId":0,"version":0}]}')).toBeNull();
    expect(parseSnapshot('{"eventId":1,"seats":[{"seatId":1}]}')).toBeNull();
  });
});

describe('parseSeatChange', () => {
  it('reads a change', () => {
    expect(parseSeatChange('{"seatId":5,"status":"BOOKED","booked":true,"version":3}')).toEqual({
      seatId: 5,
      status: 'BOOKED',
      booked: true,
      version: 3,
    });
  });

  it('rejects a change without a seat or version', () => {
    expect(parseSeatChange('{"status":"BOOKED","booked":true,"version":3}')).toBeNull();
    expect(parseSeatChange('{"seatId":5,"status":"BOOKED","booked":true}')).toBeNull();
    expect(parseSeatChange('')).toBeNull();
  });
});
