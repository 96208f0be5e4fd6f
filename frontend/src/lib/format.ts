// Number formatting for the panels: fixed locale so screenshots and tests read the same everywhere.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return integer.format(value);
}

/** Milliseconds with one decimal below 10 ms, where the decimal still means something. */
export function formatMs(value: number): string {
  return `${value < 10 ? oneDecimal.format(value) : integer.format(value)} ms`;
}

export function formatRate(perSecond: number): string {
  return `${integer.format(perSecond)} req/s`;
}
