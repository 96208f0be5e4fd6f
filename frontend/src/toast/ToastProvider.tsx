// Holds the visible toasts and drops each one after a few seconds, so outcomes never pile up.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ToastMessage } from '../booking/bookingMessage';
import { ToastContext } from './toastContext';

export const TOAST_LIFETIME_MS = 5_000;
/** Older toasts give way: a burst of outcomes should not cover the map. */
const TOASTS_VISIBLE_MAX = 4;

interface Toast extends ToastMessage {
  id: number;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const push = useCallback(
    (message: ToastMessage) => {
      const id = nextId.current++;
      setToasts((current) => [...current, { ...message, id }].slice(-TOASTS_VISIBLE_MAX));
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), TOAST_LIFETIME_MS),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  return (
    <ToastContext.Provider value={push}>
      {children}
      <div
        className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-3 sm:items-end"
        aria-live="polite"
        role="status"
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            data-testid="toast"
            data-kind={toast.kind}
            data-reason={toast.reason}
            className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-lg px-4 py-3 text-sm text-white shadow-lg ${
              toast.kind === 'success' ? 'bg-emerald-700' : 'bg-rose-700'
            }`}
          >
            <span className="flex-1" data-testid="toast-text">
              {toast.text}
            </span>
            <button
              type="button"
              className="rounded px-1 text-white/80 hover:text-white focus:outline-2 focus:outline-white"
              aria-label="Dismiss"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
