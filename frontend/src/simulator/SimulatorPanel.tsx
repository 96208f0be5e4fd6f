// The load-test simulator: many simulated users race for one seat from this browser. The target
// turns red on the map by itself, through the stream, like on every other open map.
import { useEffect, useId, useRef, useState } from 'react';
import { STRATEGIES, type Strategy } from '../api/types';
import { parseUsers, type TargetResult } from './inputs';
import {
  IN_FLIGHT_HTTP1,
  USERS_DEFAULT,
  USERS_MAX,
  USERS_MIN,
  inFlightLimit,
  newRunId,
  pageProtocol,
  runSimulation,
} from './runSimulation';
import { SimProgress } from './SimProgress';
import { SimResults } from './SimResults';
import { summarizeRun, type RunSummary } from './stats';

type RunState =
  | { status: 'idle' }
  | { status: 'running'; done: number; total: number; seatLabel: string }
  | { status: 'done'; summary: RunSummary; seatLabel: string };

interface Props {
  targetText: string;
  onTargetTextChange: (text: string) => void;
  target: TargetResult;
  pickMode: boolean;
  onPickModeChange: (on: boolean) => void;
}

const inputClass =
  'w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500';

export function SimulatorPanel({ targetText, onTargetTextChange, target, pickMode, onPickModeChange }: Props) {
  const [usersText, setUsersText] = useState(String(USERS_DEFAULT));
  const [strategy, setStrategy] = useState<Strategy>('ACTOR');
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  // Read once: the page's protocol does not change while it is open.
  const [inFlight] = useState(() => inFlightLimit(pageProtocol()));
  const abortRef = useRef<AbortController | null>(null);
  const id = useId();
  const users = parseUsers(usersText);
  const running = run.status === 'running';

  // Leaving the page mid-run stops sending.
  useEffect(() => () => abortRef.current?.abort(), []);

  const start = async () => {
    if (!target.ok || !users.ok || running) return;
    const seat = target.seat;
    const controller = new AbortController();
    abortRef.current = controller;
    setRun({ status: 'running', done: 0, total: users.users, seatLabel: seat.seatNumber });
    const result = await runSimulation({
      seatId: seat.seatId,
      users: users.users,
      strategy,
      runId: newRunId(),
      concurrency: inFlight,
      signal: controller.signal,
      onProgress: (done, total) => setRun({ status: 'running', done, total, seatLabel: seat.seatNumber }),
    });
    abortRef.current = null;
    setRun({ status: 'done', summary: summarizeRun(result.samples, result.durationMs), seatLabel: seat.seatNumber });
  };

  return (
    <section
      data-testid="simulator"
      data-state={run.status}
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`} className="text-base font-semibold">
        Flash-sale simulator
      </h2>
      <p className="mb-3 text-sm text-slate-500">Many users race for one seat; exactly one should win.</p>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
        noValidate
      >
        <div>
          <label htmlFor={`${id}-target`} className="mb-1 block text-sm font-medium text-slate-700">
            Target seat
          </label>
          <div className="flex gap-2">
            <input
              id={`${id}-target`}
              data-testid="sim-target"
              value={targetText}
              onChange={(e) => onTargetTextChange(e.target.value)}
              placeholder="A-7 or seat id"
              spellCheck={false}
              className={`${inputClass} font-mono`}
              aria-describedby={`${id}-target-help`}
            />
            <button
              type="button"
              data-testid="sim-pick"
              aria-pressed={pickMode}
              onClick={() => onPickModeChange(!pickMode)}
              className={`shrink-0 rounded-md border px-3 text-sm font-medium ${
                pickMode ? 'border-indigo-600 bg-indigo-600 text-white' : 'border-slate-300 text-slate-700 hover:bg-slate-50'
              }`}
            >
              {pickMode ? 'Click a seat…' : 'Pick on map'}
            </button>
          </div>
          <p id={`${id}-target-help`} className="mt-1 text-xs" aria-live="polite">
            {targetText.trim() === '' ? (
              <span className="text-slate-500">Pick a seat on the map or type its label or id.</span>
            ) : target.ok ? (
              <span data-testid="sim-target-resolved" className="text-slate-600">
                Seat {target.seat.seatNumber} (id {target.seat.seatId}), {target.seat.status.toLowerCase()}
              </span>
            ) : (
              <span data-testid="sim-target-error" className="text-rose-700">
                {target.error}
              </span>
            )}
          </p>
        </div>
        <div className="grid grid-cols-2 gap-3">
          <div>
            <label htmlFor={`${id}-users`} className="mb-1 block text-sm font-medium text-slate-700">
              Users
            </label>
            <input
              id={`${id}-users`}
              data-testid="sim-users"
              type="number"
              inputMode="numeric"
              min={USERS_MIN}
              max={USERS_MAX}
              step={1}
              value={usersText}
              onChange={(e) => setUsersText(e.target.value)}
              aria-invalid={!users.ok}
              className={`${inputClass} tabular-nums`}
            />
          </div>
          <div>
            <label htmlFor={`${id}-strategy`} className="mb-1 block text-sm font-medium text-slate-700">
              Strategy
            </label>
            <select
              id={`${id}-strategy`}
              data-testid="sim-strategy"
              value={strategy}
              onChange={(e) => setStrategy(e.target.value as Strategy)}
              className={inputClass}
            >
              {STRATEGIES.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        </div>
        {!users.ok && (
          <p data-testid="sim-users-error" className="text-xs text-rose-700">
            {users.error}
          </p>
        )}
        <div className="flex gap-2">
          <button
            type="submit"
            data-testid="sim-start"
            disabled={running || !target.ok || !users.ok}
            className="flex-1 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 disabled:cursor-not-allowed disabled:opacity-50"
          >
            {running ? 'Running…' : `Start ${users.ok ? users.users : ''} bookings`}
          </button>
          {running && (
            <button
              type="button"
              data-testid="sim-stop"
              onClick={() => abortRef.current?.abort()}
              className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              Stop
            </button>
          )}
        </div>
        <p className="text-xs text-slate-500">
          Sends from this browser, <span data-testid="sim-in-flight">{inFlight}</span> requests in flight at a time
          {inFlight === IN_FLIGHT_HTTP1 ? ' (a browser’s 6 connections to an HTTP/1.1 server, less the live map’s)' : ''}.
        </p>
      </form>
      {run.status === 'running' && <SimProgress done={run.done} total={run.total} />}
      {run.status === 'done' && <SimResults summary={run.summary} seatLabel={run.seatLabel} />}
    </section>
  );
}
