// The event id in the URL hash as React state; the back button and hand-edited URLs are followed.
import { useCallback, useEffect, useState } from 'react';
import { formatEventHash, parseEventHash } from './eventHash';

export function useHashEvent(): [number | null, (eventId: number) => void] {
  const [fromHash, setFromHash] = useState(() => parseEventHash(window.location.hash));

  useEffect(() => {
    const onHashChange = () => setFromHash(parseEventHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const select = useCallback((eventId: number) => {
    const hash = formatEventHash(eventId);
    if (window.location.hash !== hash) {
      // replaceState: picking events should not fill the history with entries.
      window.history.replaceState(null, '', hash);
    }
    setFromHash(eventId);
  }, []);

  return [fromHash, select];
}
