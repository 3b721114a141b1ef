/** Formatting helpers for the UI: one place so that every number reads the same way. */

export function formatPercent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

// One formatter for the app: toLocaleString builds a new one on every call.
const INT = new Intl.NumberFormat('en-US');

export function formatInt(n: number): string {
  return INT.format(n);
}

/** Bits as a human size: 1 KB = 1000 bytes (as in the Deep Compression paper's tables). */
export function formatBits(bits: number): string {
  const bytes = bits / 8;
  if (bytes < 1000) return `${bytes.toFixed(0)} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}

export function formatNumber(x: number, digits = 3): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  return x.toFixed(digits);
}

export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}
