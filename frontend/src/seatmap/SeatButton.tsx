// One seat. Memoized and given only primitives and a stable handler, so a change to one seat
// re-renders one button even on maps of thousands.
import { memo, type MouseEventHandler } from 'react';
import type { Seat } from '../api/types';
import { STATUS_SEAT, seatAriaLabel } from './seatLook';

interface Props {
  seat: Seat;
  sectionTitle: string;
  selected: boolean;
  targeted: boolean;
  /** The map's single Tab stop (roving tabindex); every other seat is reached with the arrow keys. */
  tabbable: boolean;
  /** Reads the seat id from `data-seat-id`, so one function serves every seat. */
  onClick: MouseEventHandler<HTMLButtonElement>;
}

export const SeatButton = memo(function SeatButton({ seat, sectionTitle, selected, targeted, tabbable, onClick }: Props) {
  const ring = selected
    ? 'ring-2 ring-offset-1 ring-sky-500'
    : targeted
      ? 'ring-2 ring-offset-1 ring-indigo-700'
      : '';
  const unavailable = seat.status !== 'AVAILABLE';
  return (
    <button
      type="button"
      data-testid={`seat-${seat.seatId}`}
      data-seat-id={seat.seatId}
      data-status={seat.status}
      data-selected={selected || undefined}
      data-target={targeted || undefined}
      aria-label={seatAriaLabel(seat.seatNumber, sectionTitle, seat.status)}
      // aria-disabled, not disabled: a booked seat stays focusable, so arrow keys can pass over it,
      // a screen reader can read it, and the Tab stop never vanishes when its seat sells. The page
      // ignores clicks on seats that are not available.
      aria-disabled={unavailable || undefined}
      tabIndex={tabbable ? 0 : -1}
      title={seat.seatNumber}
      onClick={onClick}
      className={`h-7 w-7 shrink-0 rounded-t-md rounded-b-sm text-[10px] leading-none font-semibold tabular-nums transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${STATUS_SEAT[seat.status]} ${ring}`}
    >
      {seat.number > 0 ? seat.number : ''}
    </button>
  );
});
