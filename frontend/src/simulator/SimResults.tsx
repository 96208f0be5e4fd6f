// The numbers of a finished run. Each value sits in its own element with a test id, bare, so the
// end-to-end test can compare exact counts.
import { formatCount, formatMs, formatRate } from '../lib/format';
import { LatencyHistogram } from './LatencyHistogram';
import type { ErrorGroup, RunSummary } from './stats';

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

function errorLabel({ status, code }: ErrorGroup): string {
  if (status === 0) return 'No answer';
  return code ? `HTTP ${status} ${code}` : `HTTP ${status}`;
}

export function SimResults({ summary, seatLabel }: { summary: RunSummary; seatLabel: string }) {
  const { otherTotal } = summary;
  return (
    <div data-testid="sim-results" className="mt-4">
      <h3 className="mb-2 text-sm font-semibold text-slate-700">
        Seat {seatLabel}: {formatCount(summary.total)} requests
      </h3>
      {/* Outcomes are short counts, three abreast; timings are wider ("3,275 ms"), two abreast, so
          nothing wraps in the narrow side column or on a phone. */}
      <dl className="grid grid-cols-3 gap-2">
        <Stat label="Booked (201)" testId="sim-result-success" value={String(summary.success)} tone="text-emerald-700" />
        <Stat label="Conflicts (409)" testId="sim-result-conflicts" value={String(summary.conflicts)} tone="text-amber-700" />
        <Stat label="Other errors" testId="sim-result-errors" value={String(otherTotal)} tone={otherTotal ? 'text-rose-700' : ''} />
      </dl>
      <dl className="mt-2 grid grid-cols-2 gap-2">
        <Stat label="Duration" testId="sim-result-duration" value={formatMs(summary.durationMs)} />
        <Stat label="Throughput" testId="sim-result-throughput" value={formatRate(summary.throughputPerSecond)} />
        <Stat label="Latency p50" testId="sim-result-p50" value={summary.latency ? formatMs(summary.latency.p50) : '–'} />
        <Stat label="Latency p99" testId="sim-result-p99" value={summary.latency ? formatMs(summary.latency.p99) : '–'} />
      </dl>
      {otherTotal > 0 && (
        // What the server said, per kind of failure: "HTTP 422 INVALID_REQUEST × 500: the REDIS
        // strategy needs a Redis server…" tells the person what to change.
        <ul className="mt-2 space-y-1 text-sm text-rose-800" data-testid="sim-result-other">
          {summary.otherErrors.map((group) => (
            <li
              key={`${group.status} ${group.code ?? ''}`}
              data-testid="sim-result-error-group"
              data-status={group.status}
              data-code={group.code ?? undefined}
              className="break-words"
            >
              <span className="font-semibold">
                {errorLabel(group)} × {formatCount(group.count)}
              </span>
              {group.detail && <span data-testid="sim-result-error-detail">: {group.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      <LatencyHistogram buckets={summary.histogram} />
      <p className="mt-1 text-xs text-slate-500">Latency of each request, from sending it to its last byte.</p>
    </div>
  );
}
