// The map panel: event name, legend with live counts, and the map itself (or what it waits for).
// One element, so a screenshot of it shows the map together with its legend and counts.
import type { MouseEventHandler } from 'react';
import { formatCount } from '../lib/format';
import type { SeatStreamState } from '../stream/seatReducer';
import type { SeatMapLayout } from './layout';
import { Legend } from './Legend';
import { SeatMap } from './SeatMap';

interface Props {
  eventId: number;
  eventName: string | undefined;
  detailError: string | null;
  seatState: SeatStreamState;
  layout: SeatMapLayout;
  selectedSeatId: number | null;
  targetSeatId: number | null;
  pickMode: boolean;
  onSeatClick: MouseEventHandler<HTMLButtonElement>;
}

export function SeatMapPanel({
  eventId,
  eventName,
  detailError,
  seatState,
  layout,
  selectedSeatId,
  targetSeatId,
  pickMode,
  onSeatClick,
}: Props) {
  return (
    <section data-testid="seat-map-panel" className="flex min-w-0 flex-col gap-3" aria-label="Seat map">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold" data-testid="event-name">
          {eventName}
          {seatState.loaded && (
            <span className="ml-2 text-sm font-normal text-slate-500" data-testid="seat-total">
              {formatCount(seatState.seats.length)} seats
            </span>
          )}
        </h2>
        <Legend counts={seatState.counts} />
      </div>
      {detailError && <p className="text-sm text-rose-700">Event details: {detailError}</p>}
      {pickMode && (
        <p className="rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900">
          Click an available seat to make it the simulator's target.
        </p>
      )}
      {seatState.loaded ? (
        <SeatMap
          eventId={eventId}
          layout={layout}
          seats={seatState.seats}
          indexById={seatState.indexById}
          selectedSeatId={selectedSeatId}
          targetSeatId={targetSeatId}
          onSeatClick={onSeatClick}
        />
      ) : (
        <p data-testid="seatmap-loading" className="rounded-xl border border-slate-200 bg-white p-6 text-sm text-slate-500">
          Waiting for the seat stream…
        </p>
      )}
    </section>
  );
}
