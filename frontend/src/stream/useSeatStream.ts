// Keeps one EventSource open on the selected event's seat stream and feeds the pure reducer.
// Reconnects are ours, not the browser's: on any error the source is closed and reopened after an
// exponential backoff, and the state is rebuilt from the snapshot that every new stream starts with.
import { useEffect, useReducer, useState } from 'react';
import { streamUrl } from '../api/client';
import type { SeatChange } from '../api/types';
import { backoffDelayMs } from './backoff';
import { parseSeatChange, parseSnapshot } from './messages';
import { initialSeatStreamState, seatStreamReducer, type SeatStreamState } from './seatReducer';

export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Wall-clock time of the next reconnect attempt while reconnecting. */
  retryAt: number | null;
}

/**
 * Seat changes are applied in small batches: during a flash sale hundreds can arrive per second and
 * re-rendering the map for each would starve the page. 50 ms keeps the map far inside the 1 s promise.
 */
const FLUSH_INTERVAL_MS = 50;

export function useSeatStream(eventId: number | null): {
  seatState: SeatStreamState;
  connection: ConnectionStatus;
} {
  const [seatState, dispatch] = useReducer(seatStreamReducer, eventId, initialSeatStreamState);
  const [connection, setConnection] = useState<ConnectionStatus>({ state: 'idle', retryAt: null });

  useEffect(() => {
    dispatch({ type: 'reset', eventId });
    if (eventId === null) {
      setConnection({ state: 'idle', retryAt: null });
      return;
    }

    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let pending: SeatChange[] = [];
    let attempt = 0;
    let disposed = false;

    const flush = () => {
      flushTimer = undefined;
      if (pending.length === 0) return;
      const changes = pending;
      pending = [];
      dispatch({ type: 'seat', changes });
    };

    const open = () => {
      if (disposed) return;
      setConnection({ state: attempt === 0 ? 'connecting' : 'reconnecting', retryAt: null });
      const current = new EventSource(streamUrl(eventId));
      source = current;

      current.addEventListener('snapshot', (event) => {
        const snapshot = parseSnapshot((event as MessageEvent<string>).data);
        if (snapshot === null) return;
        // Changes queued before a snapshot are already contained in it.
        pending = [];
        attempt = 0; // a snapshot is a working stream: the next failure starts the backoff afresh
        dispatch({ type: 'snapshot', snapshot });
        setConnection({ state: 'live', retryAt: null });
      });

      current.addEventListener('seat', (event) => {
        const change = parseSeatChange((event as MessageEvent<string>).data);
        if (change === null) return;
        pending.push(change);
        flushTimer ??= setTimeout(flush, FLUSH_INTERVAL_MS);
      });

      current.onerror = () => {
        if (disposed || source !== current) return;
        // Close so the browser does not retry on its own schedule; our backoff decides when.
        current.close();
        source = null;
        flush();
        const delay = backoffDelayMs(attempt);
        attempt += 1;
        setConnection({ state: 'reconnecting', retryAt: Date.now() + delay });
        retryTimer = setTimeout(open, delay);
      };
    };

    open();

    return () => {
      disposed = true;
      source?.close();
      clearTimeout(retryTimer);
      clearTimeout(flushTimer);
    };
  }, [eventId]);

  return { seatState, connection };
}
