// Loads the event list once (and again on demand, e.g. after an error).
import { useCallback, useEffect, useState } from 'react';
import { listEvents } from '../api/client';
import type { EventSummary } from '../api/types';

export type EventsState =
  | { status: 'loading' }
  | { status: 'ready'; events: EventSummary[] }
  | { status: 'error'; message: string };

export function useEvents(): [EventsState, () => void] {
  const [state, setState] = useState<EventsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    void listEvents().then((result) => {
      if (cancelled) return;
      if (result.kind === 'ok') setState({ status: 'ready', events: result.value });
      else if (result.kind === 'problem')
        setState({ status: 'error', message: result.problem.detail ?? result.problem.title ?? `HTTP ${result.status}` });
      else setState({ status: 'error', message: 'Could not reach the server.' });
    });
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return [state, reload];
}
