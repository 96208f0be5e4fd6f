// One row of seats with its label on both ends (the left one stays visible while scrolling).
import { memo, type MouseEventHandler } from 'react';
import type { Seat } from '../api/types';
import type { RowLayout } from './layout';
import { SeatButton } from './SeatButton';

interface Props {
  row: RowLayout;
  seats: readonly Seat[];
  sectionTitle: string;
  selectedSeatId: number | null;
  targetSeatId: number | null;
  tabSeatId: number | null;
  onSeatClick: MouseEventHandler<HTMLButtonElement>;
}

export const SeatRow = memo(function SeatRow({
  row,
  seats,
  sectionTitle,
  selectedSeatId,
  targetSeatId,
  tabSeatId,
  onSeatClick,
}: Props) {
  return (
    <div
      className="flex items-center gap-1"
      role="group"
      aria-label={`${sectionTitle}, row ${row.label}`}
      data-testid="seat-row"
      data-row-label={row.label}
    >
      <span
        data-testid="row-label"
        className="sticky left-0 z-10 flex w-6 shrink-0 items-center justify-end self-stretch bg-white pr-1.5 text-xs sm:w-8 font-semibold text-slate-500"
        aria-hidden="true"
      >
        {row.label}
      </span>
      {row.seatIndices.map((index) => {
        const seat = seats[index];
        if (seat === undefined) return null;
        return (
          <SeatButton
            key={seat.seatId}
            seat={seat}
            sectionTitle={sectionTitle}
            selected={seat.seatId === selectedSeatId}
            targeted={seat.seatId === targetSeatId}
            tabbable={seat.seatId === tabSeatId}
            onClick={onSeatClick}
          />
        );
      })}
      {/* The right-hand label is a desktop nicety; on a phone its width would push the tenth seat
          of the demo's rows off the screen. */}
      <span className="hidden w-8 shrink-0 pl-1 text-xs font-semibold text-slate-400 sm:block" aria-hidden="true">
        {row.label}
      </span>
    </div>
  );
});
