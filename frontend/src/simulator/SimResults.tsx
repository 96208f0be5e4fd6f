// The numbers of a finished run. Each value sits in its own element with a test id, bare, so the
// end-to-end test can compare exact counts.
import { formatCount, formatMs, formatRate } from '../lib/format';
import { LatencyHistogram } from './LatencyHistogram';
import type { RunSummary } from './stats';

function Stat({ label, testId, value, tone }: { label: string; testId: string; value: string; tone?: string }) {
  return (
    <div className="rounded-lg bg-slate-50 px-3 py-2">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd data-testid={testId} className={`text-lg font-semibold tabular-nums ${tone ?? ''}`}>
        {value}
      </dd>
    </div>
  );
}

export function SimResults({ summary, seatLabel }: { summary: RunSummary; seatLabel: string }) {
  const otherTotal = summary.otherByStatus.reduce((sum, entry) => sum + entry.count, 0) + summary.networkErrors;
  return (
    <div data-testid="sim-results" className="mt-4">
      <h3 className="mb-2 text-sm font-semibold text-slate-700">
        Seat {seatLabel}: {formatCount(summary.total)} requests
      </h3>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3">
        <Stat label="Booked (201)" testId="sim-result-success" value={String(summary.success)} tone="text-emerald-700" />
        <Stat label="Conflicts (409)" testId="sim-result-conflicts" value={String(summary.conflicts)} tone="text-amber-700" />
        <Stat label="Other errors" testId="sim-result-errors" value={String(otherTotal)} tone={otherTotal ? 'text-rose-700' : ''} />
        <Stat label="Duration" testId="sim-result-duration" value={formatMs(summary.durationMs)} />
        <Stat label="Throughput" testId="sim-result-throughput" value={formatRate(summary.throughputPerSecond)} />
        <Stat label="Latency p50" testId="sim-result-p50" value={summary.latency ? formatMs(summary.latency.p50) : '–'} />
        <Stat label="Latency p99" testId="sim-result-p99" value={summary.latency ? formatMs(summary.latency.p99) : '–'} />
      </dl>
      {otherTotal > 0 && (
        <ul className="mt-2 space-y-0.5 text-sm text-rose-800" data-testid="sim-result-other">
          {summary.otherByStatus.map(({ status, count }) => (
            <li key={status} data-testid={`sim-result-status-${status}`}>
              HTTP {status}: {count}
            </li>
          ))}
          {summary.networkErrors > 0 && (
            <li data-testid="sim-result-network">Server not reached: {summary.networkErrors}</li>
          )}
        </ul>
      )}
      <LatencyHistogram buckets={summary.histogram} />
      <p className="mt-1 text-xs text-slate-500">
        Latency as the browser saw it, including its own connection queue.
      </p>
    </div>
  );
}
