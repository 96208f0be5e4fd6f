// The live seat map: a stage marker, then each section's rows. It scrolls sideways on narrow screens
// rather than shrinking seats below a tappable size.
import { useLayoutEffect, useRef, type MouseEventHandler } from 'react';
import type { Seat } from '../api/types';
import { formatCount } from '../lib/format';
import { sectionTitle, type SeatMapLayout } from './layout';
import { SeatRow } from './SeatRow';

interface Props {
  eventId: number;
  layout: SeatMapLayout;
  seats: readonly Seat[];
  selectedSeatId: number | null;
  targetSeatId: number | null;
  onSeatClick: MouseEventHandler<HTMLButtonElement>;
}

export function SeatMap({ eventId, layout, seats, selectedSeatId, targetSeatId, onSeatClick }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const centeredFor = useRef<number | null>(null);

  // A map wider than the screen opens scrolled to its middle, where the stage is, once per event:
  // a later snapshot (after a reconnect) must not yank the view away from where the person scrolled.
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (scroller === null || centeredFor.current === eventId || layout.renderedSeats === 0) return;
    centeredFor.current = eventId;
    scroller.scrollLeft = Math.max(0, (scroller.scrollWidth - scroller.clientWidth) / 2);
  }, [eventId, layout]);

  return (
    <div data-testid="seat-map" className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm">
      {layout.truncated && (
        <p data-testid="seatmap-truncated" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This event has {formatCount(layout.totalSeats)} seats; the map shows the first{' '}
          {formatCount(layout.renderedSeats)}. The counts cover every seat, and the simulator can target any seat by
          its label or id.
        </p>
      )}
      <div ref={scrollRef} className="overflow-x-auto pb-2" data-testid="seat-map-scroll">
        <div className="mx-auto flex w-max min-w-full flex-col items-center gap-6">
          <div
            data-testid="stage"
            className="w-full max-w-md rounded-b-[40%] bg-slate-800 py-1.5 text-center text-xs font-semibold tracking-[0.4em] text-slate-100"
          >
            STAGE
          </div>
          {layout.sections.map((section) => {
            const title = sectionTitle(section.name);
            return (
              <section key={section.name} className="flex flex-col items-center gap-1" aria-label={title}>
                <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h3>
                {section.rows.map((row) => (
                  <SeatRow
                    key={row.key}
                    row={row}
                    seats={seats}
                    sectionTitle={title}
                    selectedSeatId={selectedSeatId}
                    targetSeatId={targetSeatId}
                    onSeatClick={onSeatClick}
                  />
                ))}
              </section>
            );
          })}
        </div>
      </div>
    </div>
  );
}
