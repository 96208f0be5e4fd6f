// A small SVG bar chart of the latency distribution; drawn by hand, one rect per bucket.
import type { HistogramBucket } from './stats';
import { formatMs } from '../lib/format';

const WIDTH = 300;
const HEIGHT = 110;
const AXIS = 18; // room under the bars for the min/max labels

export function LatencyHistogram({ buckets }: { buckets: HistogramBucket[] }) {
  if (buckets.length === 0) return null;
  const peak = Math.max(...buckets.map((bucket) => bucket.count));
  const barWidth = WIDTH / buckets.length;
  const plotHeight = HEIGHT - AXIS;
  const first = buckets[0] as HistogramBucket;
  const last = buckets[buckets.length - 1] as HistogramBucket;
  return (
    <figure className="mt-3">
      <svg
        data-testid="sim-histogram"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-label={`Latency histogram from ${formatMs(first.from)} to ${formatMs(last.to)}, ${buckets.length} buckets, tallest ${peak} requests`}
      >
        <line x1={0} y1={plotHeight} x2={WIDTH} y2={plotHeight} className="stroke-slate-300" strokeWidth={1} />
        {buckets.map((bucket, i) => {
          const height = peak === 0 ? 0 : Math.max(bucket.count > 0 ? 1 : 0, (bucket.count / peak) * (plotHeight - 4));
          return (
            <rect
              key={i}
              data-testid="sim-histogram-bar"
              data-count={bucket.count}
              x={i * barWidth + 1}
              y={plotHeight - height}
              width={Math.max(1, barWidth - 2)}
              height={height}
              rx={1}
              className="fill-indigo-500"
            >
              <title>
                {formatMs(bucket.from)}–{formatMs(bucket.to)}: {bucket.count}
              </title>
            </rect>
          );
        })}
        <text x={0} y={HEIGHT - 4} className="fill-slate-500 text-[10px]">
          {formatMs(first.from)}
        </text>
        <text x={WIDTH} y={HEIGHT - 4} textAnchor="end" className="fill-slate-500 text-[10px]">
          {formatMs(last.to)}
        </text>
        <text x={WIDTH} y={10} textAnchor="end" className="fill-slate-500 text-[10px]">
          max {peak}
        </text>
      </svg>
      <figcaption className="sr-only">Number of requests per latency range</figcaption>
    </figure>
  );
}
