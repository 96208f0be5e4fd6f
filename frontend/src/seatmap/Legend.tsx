// Colour legend with the live counts, straight from the stream reducer.
import type { SeatStatus } from '../api/types';
import { formatCount } from '../lib/format';
import type { SeatCounts } from '../stream/seatReducer';
import { STATUS_SWATCH, STATUS_WORD } from './seatLook';

const ENTRIES: { status: SeatStatus; key: keyof SeatCounts }[] = [
  { status: 'AVAILABLE', key: 'available' },
  { status: 'BOOKED', key: 'booked' },
  { status: 'HELD', key: 'held' },
];

export function Legend({ counts }: { counts: SeatCounts }) {
  return (
    <ul className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm" aria-label="Seat counts">
      {ENTRIES.map(({ status, key }) => (
        <li key={status} className="flex items-center gap-1.5">
          <span className={`h-3.5 w-3.5 rounded-sm ${STATUS_SWATCH[status]}`} aria-hidden="true" />
          <span className="text-slate-600 capitalize">{STATUS_WORD[status]}</span>
          <span data-testid={`count-${key}`} className="font-semibold tabular-nums">
            {formatCount(counts[key])}
          </span>
        </li>
      ))}
    </ul>
  );
}
