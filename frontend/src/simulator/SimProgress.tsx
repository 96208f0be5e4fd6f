// The run's progress bar.
export function SimProgress({ done, total }: { done: number; total: number }) {
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  return (
    <div className="mt-3">
      <div
        data-testid="sim-progress"
        role="progressbar"
        aria-label="Simulated bookings sent"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-indigo-600 transition-[width] duration-100" style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-500 tabular-nums" data-testid="sim-progress-text">
        {done} / {total} requests
      </p>
    </div>
  );
}
