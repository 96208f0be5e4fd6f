// Seat lists shaped like the server's, for unit tests: ids 1.. in layout order, labels `A-1`…
import type { Seat, SectionLayout } from '../api/types';

export function rowLetter(row: number): string {
  let label = '';
  for (let n = row; n > 0; n = Math.floor((n - 1) / 26)) label = String.fromCharCode(65 + ((n - 1) % 26)) + label;
  return label;
}

export function makeSeats(sections: readonly SectionLayout[]): Seat[] {
  const seats: Seat[] = [];
  for (const section of sections) {
    for (let row = 1; row <= section.rows; row += 1) {
      for (let number = 1; number <= section.seatsPerRow; number += 1) {
        seats.push({
          seatId: seats.length + 1,
          seatNumber: `${rowLetter(row)}-${number}`,
          section: section.name,
          row,
          number,
          status: 'AVAILABLE',
          booked: false,
          version: 0,
        });
      }
    }
  }
  return seats;
}

export function seat(overrides: Partial<Seat> & Pick<Seat, 'seatId'>): Seat {
  return {
    seatNumber: `A-${overrides.seatId}`,
    section: 'Stalls',
    row: 1,
    number: overrides.seatId,
    status: 'AVAILABLE',
    booked: false,
    version: 0,
    ...overrides,
  };
}
