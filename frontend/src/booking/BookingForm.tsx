// The small form that books one seat for one person. It never paints the seat: the stream does,
// so the map shows only what the server committed.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { bookSeat } from '../api/client';
import type { Seat } from '../api/types';
import { loadUserId, saveUserId, validateUserId } from '../lib/userId';
import { STATUS_WORD } from '../seatmap/seatLook';
import { useToast } from '../toast/toastContext';
import { bookingMessage } from './bookingMessage';

interface Props {
  seat: Seat;
  sectionTitle: string;
  /** Called with the seat, so the page can put keyboard focus back on it. */
  onClose: (seatId: number) => void;
}

export function BookingForm({ seat, sectionTitle, onClose }: Props) {
  const [userId, setUserId] = useState(loadUserId);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const pushToast = useToast();
  const inputId = useId();
  const errorId = useId();
  const takenMeanwhile = seat.status !== 'AVAILABLE';

  useEffect(() => {
    inputRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose(seat.seatId);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose, seat.seatId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = validateUserId(userId);
    setError(problem);
    if (problem !== null) return;
    saveUserId(userId);
    setSubmitting(true);
    const result = await bookSeat({ seatId: seat.seatId, userId, strategy: 'ACTOR' });
    setSubmitting(false);
    const { kind, text, reason, retryable } = bookingMessage(seat.seatNumber, userId, result);
    pushToast({ kind, text, reason });
    // Busy or unreachable: the same request may work in a moment, so the form stays open for
    // another try. Booked or taken: there is nothing more to do here.
    if (!retryable) onClose(seat.seatId);
  };

  return (
    <div
      className="fixed inset-0 z-40 flex items-end justify-center bg-slate-900/40 p-3 sm:items-center"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose(seat.seatId);
      }}
    >
      <form
        data-testid="booking-form"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${inputId}-title`}
        onSubmit={(e) => void submit(e)}
        className="w-full max-w-sm rounded-xl bg-white p-4 shadow-xl"
        noValidate
      >
        <h2 id={`${inputId}-title`} className="text-lg font-semibold">
          Book seat <span data-testid="booking-seat-label">{seat.seatNumber}</span>
        </h2>
        <p className="mb-3 text-sm text-slate-500">
          {sectionTitle} · row {seat.row} · seat {seat.number}
        </p>
        <label htmlFor={inputId} className="mb-1 block text-sm font-medium text-slate-700">
          Your user id
        </label>
        <input
          id={inputId}
          ref={inputRef}
          data-testid="booking-user-id"
          value={userId}
          onChange={(e) => setUserId(e.target.value)}
          maxLength={64}
          autoComplete="username"
          spellCheck={false}
          placeholder="e.g. u-1"
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500"
        />
        {error && (
          <p id={errorId} data-testid="booking-error" className="mt-1 text-sm text-rose-700">
            {error}
          </p>
        )}
        {takenMeanwhile && (
          <p data-testid="booking-taken" className="mt-2 text-sm text-amber-800">
            This seat is now {STATUS_WORD[seat.status]}.
          </p>
        )}
        <div className="mt-4 flex justify-end gap-2">
          <button
            type="button"
            data-testid="booking-cancel"
            onClick={() => onClose(seat.seatId)}
            className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
          >
            Cancel
          </button>
          <button
            type="submit"
            data-testid="booking-submit"
            disabled={submitting || takenMeanwhile}
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 disabled:cursor-not-allowed disabled:opacity-50"
          >
            {submitting ? 'Booking…' : 'Book'}
          </button>
        </div>
      </form>
    </div>
  );
}
