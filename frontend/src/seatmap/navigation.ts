// Arrow-key movement between seats. The map is a single Tab stop (a "roving tabindex"): on an arena
// of thousands of seats, one Tab stop per seat would make everything after the map unreachable by
// keyboard. Pure, over the drawn layout, so the rules are unit-tested.
import type { SeatMapLayout } from './layout';

export interface SeatGrid {
  /** Every drawn row, sections one after another, as seat indices in layout order. */
  rows: readonly (readonly number[])[];
  /** seat index → [row, column] in `rows`. */
  where: ReadonlyMap<number, readonly [number, number]>;
}

export function buildSeatGrid(layout: SeatMapLayout): SeatGrid {
  const rows = layout.sections.flatMap((section) => section.rows.map((row) => row.seatIndices));
  const where = new Map<number, readonly [number, number]>();
  rows.forEach((row, r) => row.forEach((seatIndex, c) => where.set(seatIndex, [r, c])));
  return { rows, where };
}

export interface NavigationKey {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

/**
 * The seat index that `key` moves to from `from`, or null when the key does not move (not a
 * navigation key, or already at the edge). Left/Right stay in the row; Up/Down go to the row
 * above/below, across section boundaries, keeping the column when the row is long enough and
 * else taking its last seat; Home/End go to the row's ends, with Ctrl (or ⌘) to the map's.
 */
export function moveInGrid(grid: SeatGrid, from: number, { key, ctrlKey = false, metaKey = false }: NavigationKey): number | null {
  const position = grid.where.get(from);
  if (position === undefined) return null;
  const [r, c] = position;
  const row = grid.rows[r] ?? [];
  let target: number | undefined;
  switch (key) {
    case 'ArrowLeft':
      target = row[c - 1];
      break;
    case 'ArrowRight':
      target = row[c + 1];
      break;
    case 'ArrowUp':
    case 'ArrowDown': {
      const next = grid.rows[key === 'ArrowUp' ? r - 1 : r + 1];
      if (next !== undefined && next.length > 0) target = next[Math.min(c, next.length - 1)];
      break;
    }
    case 'Home':
      target = ctrlKey || metaKey ? grid.rows[0]?.[0] : row[0];
      break;
    case 'End': {
      const last = grid.rows[grid.rows.length - 1];
      target = ctrlKey || metaKey ? last?.[last.length - 1] : row[row.length - 1];
      break;
    }
    default:
      return null;
  }
  return target === undefined || target === from ? null : target;
}

const NAVIGATION_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']);

/** Keys the map handles itself; the page must not scroll on them even at an edge. */
export function isNavigationKey(key: string): boolean {
  return NAVIGATION_KEYS.has(key);
}

/**
 * The seat index that holds the map's Tab stop: the seat the person last focused while it is still
 * drawn, else the first available seat (so Tab then Enter starts a booking), else the first seat.
 */
export function tabStopIndex(
  grid: SeatGrid,
  isAvailable: (seatIndex: number) => boolean,
  lastFocused: number | undefined,
): number | null {
  if (lastFocused !== undefined && grid.where.has(lastFocused)) return lastFocused;
  let first: number | null = null;
  for (const row of grid.rows) {
    for (const seatIndex of row) {
      if (isAvailable(seatIndex)) return seatIndex;
      first ??= seatIndex;
    }
  }
  return first;
}
