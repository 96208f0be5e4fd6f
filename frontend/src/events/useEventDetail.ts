// The selected event's metadata: its name and section layout (the seats come from the stream).
import { useEffect, useState } from 'react';
import { getEvent } from '../api/client';
import type { EventDetail } from '../api/types';

export function useEventDetail(eventId: number | null): { detail: EventDetail | null; error: string | null } {
  const [state, setState] = useState<{ id: number | null; detail: EventDetail | null; error: string | null }>({
    id: null,
    detail: null,
    error: null,
  });

  useEffect(() => {
    if (eventId === null) return;
    let cancelled = false;
    void getEvent(eventId).then((result) => {
      if (cancelled) return;
      if (result.kind === 'ok') setState({ id: eventId, detail: result.value, error: null });
      else if (result.kind === 'problem')
        setState({ id: eventId, detail: null, error: result.problem.detail ?? `HTTP ${result.status}` });
      else setState({ id: eventId, detail: null, error: 'Could not reach the server.' });
    });
    return () => {
      cancelled = true;
    };
  }, [eventId]);

  // Never show the previous event's metadata while the next one loads.
  return state.id === eventId ? { detail: state.detail, error: state.error } : { detail: null, error: null };
}
