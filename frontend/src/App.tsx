// Composes the page: event picker and connection state on top, the live map, the simulator beside
// it (below it on a phone), the booking form when a seat is clicked.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { BookingForm } from './booking/BookingForm';
import { EventPicker } from './events/EventPicker';
import { useEventDetail } from './events/useEventDetail';
import { useEvents } from './events/useEvents';
import { chooseEvent } from './lib/eventHash';
import { formatCount } from './lib/format';
import { useHashEvent } from './lib/useHashEvent';
import { buildSeatMapLayout, sectionTitle } from './seatmap/layout';
import { Legend } from './seatmap/Legend';
import { SeatMap } from './seatmap/SeatMap';
import { resolveSeatTarget, targetTextFor } from './simulator/inputs';
import { SimulatorPanel } from './simulator/SimulatorPanel';
import { ConnectionIndicator } from './stream/ConnectionIndicator';
import { useSeatStream } from './stream/useSeatStream';

export function App() {
  const [eventsState, reloadEvents] = useEvents();
  const [hashEventId, selectEvent] = useHashEvent();
  const events = eventsState.status === 'ready' ? eventsState.events : [];
  const eventId = chooseEvent(
    hashEventId,
    events.map((event) => event.id),
  );

  // Write the default choice into the URL so a reload keeps showing the same event.
  useEffect(() => {
    if (eventId !== null && eventId !== hashEventId) selectEvent(eventId);
  }, [eventId, hashEventId, selectEvent]);

  const { detail, error: detailError } = useEventDetail(eventId);
  const { seatState, connection } = useSeatStream(eventId);
  const { seats, indexById } = seatState;

  // The grouping depends only on which seats exist, which only a snapshot changes; rebuilding it on
  // every seat change would cost O(seats) per change during a flash sale.
  const layout = useMemo(
    () => buildSeatMapLayout(seatState.seats, detail?.sections),
    [seatState.snapshotSerial, detail],
  );

  const [selectedSeatId, setSelectedSeatId] = useState<number | null>(null);
  const [targetText, setTargetText] = useState('');
  const [pickMode, setPickMode] = useState(false);
  const target = useMemo(() => resolveSeatTarget(targetText, seats), [targetText, seats]);

  useEffect(() => setSelectedSeatId(null), [eventId]);

  // One stable click handler for every seat button (so memoized seats stay memoized); what a click
  // means depends on the current mode, read through a ref.
  const clickSeat = useRef<(seatId: number) => void>(() => {});
  useLayoutEffect(() => {
    clickSeat.current = (seatId) => {
      const seat = seats[indexById.get(seatId) ?? -1];
      if (seat === undefined) return;
      if (pickMode) {
        setTargetText(targetTextFor(seat, seats));
        setPickMode(false);
      } else {
        setSelectedSeatId(seatId);
      }
    };
  });
  const onSeatClick = useCallback((event: MouseEvent<HTMLButtonElement>) => {
    clickSeat.current(Number(event.currentTarget.dataset.seatId));
  }, []);
  const closeBooking = useCallback(() => setSelectedSeatId(null), []);

  const selectedSeat = selectedSeatId === null ? undefined : seats[indexById.get(selectedSeatId) ?? -1];
  const targetSeatId = target.ok ? target.seat.seatId : null;

  return (
    <div className="mx-auto flex min-h-screen max-w-7xl flex-col gap-4 p-3 sm:p-5">
      <header className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-xl font-bold tracking-tight">
          box<span className="text-indigo-600">office</span>
        </h1>
        <div className="flex min-w-0 flex-1 items-center gap-3">
          {eventsState.status === 'ready' && events.length > 0 && (
            <EventPicker events={events} selectedId={eventId} onSelect={selectEvent} />
          )}
        </div>
        <ConnectionIndicator status={connection} />
      </header>

      {eventsState.status === 'loading' && <p className="text-sm text-slate-500">Loading events…</p>}
      {eventsState.status === 'error' && (
        <div data-testid="events-error" className="rounded-md bg-rose-50 p-3 text-sm text-rose-800">
          Could not load events: {eventsState.message}{' '}
          <button type="button" className="font-semibold underline" onClick={reloadEvents}>
            Retry
          </button>
        </div>
      )}
      {eventsState.status === 'ready' && events.length === 0 && (
        <p data-testid="no-events" className="text-sm text-slate-600">
          No events yet. An admin creates one with <code>POST /api/v1/events</code>.
        </p>
      )}

      {eventId !== null && (
        <main className="grid items-start gap-4 lg:grid-cols-[minmax(0,1fr)_24rem]">
          <section className="flex min-w-0 flex-col gap-3" aria-label="Seat map">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="text-lg font-semibold" data-testid="event-name">
                {detail?.name ?? events.find((event) => event.id === eventId)?.name}
                {seatState.loaded && (
                  <span className="ml-2 text-sm font-normal text-slate-500">{formatCount(seats.length)} seats</span>
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
                seats={seats}
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
          <aside className="min-w-0">
            <SimulatorPanel
              targetText={targetText}
              onTargetTextChange={setTargetText}
              target={target}
              pickMode={pickMode}
              onPickModeChange={setPickMode}
            />
          </aside>
        </main>
      )}

      {selectedSeat && (
        <BookingForm
          key={selectedSeat.seatId}
          seat={selectedSeat}
          sectionTitle={sectionTitle(selectedSeat.section)}
          onClose={closeBooking}
        />
      )}
    </div>
  );
}
