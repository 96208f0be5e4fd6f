// The live seat map: a stage marker, then each section's rows. It scrolls sideways on narrow screens
// rather than shrinking seats below a tappable size. The whole map is one Tab stop; arrow keys move
// between seats (navigation.ts), Enter or Space books the focused one.
import {
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEventHandler,
} from 'react';
import type { Seat } from '../api/types';
import { formatCount } from '../lib/format';
import { sectionTitle, type SeatMapLayout } from './layout';
import { buildSeatGrid, isNavigationKey, moveInGrid, tabStopIndex } from './navigation';
import { SeatRow } from './SeatRow';

interface Props {
  eventId: number;
  layout: SeatMapLayout;
  seats: readonly Seat[];
  indexById: ReadonlyMap<number, number>;
  selectedSeatId: number | null;
  targetSeatId: number | null;
  onSeatClick: MouseEventHandler<HTMLButtonElement>;
}

function seatIdOf(target: EventTarget): number | null {
  const button = target instanceof Element ? target.closest<HTMLElement>('[data-seat-id]') : null;
  return button ? Number(button.dataset.seatId) : null;
}

export function SeatMap({ eventId, layout, seats, indexById, selectedSeatId, targetSeatId, onSeatClick }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const centeredFor = useRef<number | null>(null);
  const hintId = useId();
  const [focusedSeatId, setFocusedSeatId] = useState<number | null>(null);
  const grid = useMemo(() => buildSeatGrid(layout), [layout]);

  const tabIndex = tabStopIndex(
    grid,
    (index) => seats[index]?.status === 'AVAILABLE',
    focusedSeatId === null ? undefined : indexById.get(focusedSeatId),
  );
  const tabSeatId = tabIndex === null ? null : (seats[tabIndex]?.seatId ?? null);

  // A map wider than the screen opens scrolled to its middle, where the stage is, once per event:
  // a later snapshot (after a reconnect) must not yank the view away from where the person scrolled.
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (scroller === null || centeredFor.current === eventId || layout.renderedSeats === 0) return;
    centeredFor.current = eventId;
    scroller.scrollLeft = Math.max(0, (scroller.scrollWidth - scroller.clientWidth) / 2);
  }, [eventId, layout]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!isNavigationKey(event.key)) return;
    const fromId = seatIdOf(event.target);
    const from = fromId === null ? undefined : indexById.get(fromId);
    if (from === undefined) return;
    event.preventDefault(); // arrows move between seats, never scroll the page
    const to = moveInGrid(grid, from, event);
    const toId = to === null ? undefined : seats[to]?.seatId;
    if (toId === undefined) return;
    setFocusedSeatId(toId);
    scrollRef.current?.querySelector<HTMLButtonElement>(`[data-seat-id="${toId}"]`)?.focus();
  };

  // Clicks and Tab land on seats too: the Tab stop follows whichever seat had focus last.
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const seatId = seatIdOf(event.target);
    if (seatId !== null) setFocusedSeatId(seatId);
  };

  return (
    <div data-testid="seat-map" className="rounded-xl border border-slate-200 bg-white p-2 shadow-sm sm:p-3">
      {layout.truncated && (
        <p data-testid="seatmap-truncated" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This event has {formatCount(layout.totalSeats)} seats; the map shows the first{' '}
          {formatCount(layout.renderedSeats)}. The counts cover every seat, and the simulator can target any seat by
          its label or id.
        </p>
      )}
      <div
        ref={scrollRef}
        className="overflow-x-auto pb-2"
        data-testid="seat-map-scroll"
        role="group"
        aria-label="Seats"
        aria-describedby={hintId}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
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
              <section
                key={section.name}
                className="flex flex-col items-center gap-1"
                aria-label={title}
                data-testid="seat-section"
                data-section={section.name}
              >
                <h3 data-testid="section-title" className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  {title}
                </h3>
                {section.rows.map((row) => (
                  <SeatRow
                    key={row.key}
                    row={row}
                    seats={seats}
                    sectionTitle={title}
                    selectedSeatId={selectedSeatId}
                    targetSeatId={targetSeatId}
                    tabSeatId={tabSeatId}
                    onSeatClick={onSeatClick}
                  />
                ))}
              </section>
            );
          })}
        </div>
      </div>
      {/* Hidden on phones, where nobody tabs; still the map's accessible description everywhere. */}
      <p id={hintId} className="mt-1 hidden text-xs text-slate-500 sm:block">
        Keyboard: Tab to the map, arrow keys to move between seats, Enter to book.
      </p>
    </div>
  );
}
