// Tells whether the map is live. A stale map must never look live: anything but a received
// snapshot on an open stream shows as connecting or reconnecting.
import { useEffect, useState } from 'react';
import type { ConnectionStatus } from './useSeatStream';

const LOOK = {
  idle: { dot: 'bg-slate-400', text: 'No event' },
  connecting: { dot: 'bg-amber-400 animate-pulse', text: 'Connecting…' },
  live: { dot: 'bg-emerald-500', text: 'Live' },
  reconnecting: { dot: 'bg-rose-500 animate-pulse', text: 'Reconnecting' },
} as const;

export function ConnectionIndicator({ status }: { status: ConnectionStatus }) {
  const seconds = useCountdown(status.retryAt);
  const look = LOOK[status.state];
  return (
    <span
      data-testid="connection-status"
      data-state={status.state}
      className="inline-flex shrink-0 items-center gap-2 rounded-full border border-slate-200 bg-white px-3 py-1 text-xs font-medium text-slate-700"
      title="Seat stream connection"
    >
      <span className={`h-2.5 w-2.5 rounded-full ${look.dot}`} aria-hidden="true" />
      {look.text}
      {status.state === 'reconnecting' && seconds !== null && seconds > 0 ? ` in ${seconds} s` : ''}
    </span>
  );
}

function useCountdown(deadline: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [deadline]);
  return deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
}
