// Composes the page: event picker and connection state on top, the live map, the simulator beside
// it (below it on a phone), the booking form when a seat is clicked.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { BookingForm } from './booking/BookingForm';
import { EventPicker } from './events/EventPicker';
import { useEventDetail } from './events/useEventDetail';
import { useEvents } from './events/useEvents';
import { chooseEvent } from './lib/eventHash';
import { useHashEvent } from './lib/useHashEvent';
import { buildSeatMapLayout, sectionTitle } from './seatmap/layout';
import { SeatMapPanel } from './seatmap/SeatMapPanel';
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
      // Booked and held seats stay focusable (aria-disabled) but do nothing when pressed.
      if (seat === undefined || seat.status !== 'AVAILABLE') return;
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
  // Closing the form puts keyboard focus back on its seat (once the page behind is no longer
  // inert), so a keyboard user continues from where they were instead of from the top.
  const returnFocusTo = useRef<number | null>(null);
  const closeBooking = useCallback((seatId: number) => {
    returnFocusTo.current = seatId;
    setSelectedSeatId(null);
  }, []);
  useEffect(() => {
    const seatId = returnFocusTo.current;
    if (selectedSeatId !== null || seatId === null) return;
    returnFocusTo.current = null;
    document.querySelector<HTMLElement>(`[data-seat-id="${seatId}"]`)?.focus();
  }, [selectedSeatId]);

  const selectedSeat = selectedSeatId === null ? undefined : seats[indexById.get(selectedSeatId) ?? -1];
  const targetSeatId = target.ok ? target.seat.seatId : null;

  return (
    <>
      {/* While the booking dialog is open everything behind it is inert: Tab stays in the dialog
          and screen readers do not wander onto the map. */}
      <div className="mx-auto flex min-h-screen max-w-7xl flex-col gap-4 p-3 sm:p-5" inert={selectedSeat !== undefined}>
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
            <SeatMapPanel
              eventId={eventId}
              eventName={detail?.name ?? events.find((event) => event.id === eventId)?.name}
              detailError={detailError}
              seatState={seatState}
              layout={layout}
              selectedSeatId={selectedSeatId}
              targetSeatId={targetSeatId}
              pickMode={pickMode}
              onSeatClick={onSeatClick}
            />
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
      </div>

      {selectedSeat && (
        <BookingForm
          key={selectedSeat.seatId}
          seat={selectedSeat}
          sectionTitle={sectionTitle(selectedSeat.section)}
          onClose={closeBooking}
        />
      )}
    </>
  );
}
