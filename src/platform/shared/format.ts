/** Formatting helpers for the UI: one place so that every number reads the same way. */

export function formatPercent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

// For what is not a safe integer: toLocaleString builds a new formatter on every call. Made on
// first use: the first Intl object of a page can load the ICU data (measured up to 128 ms on the
// main thread of a cold visit), which the first screen's integers do not need.
let intl: Intl.NumberFormat | null = null;

/** An integer with thousands separators, as `Intl.NumberFormat('en-US')` writes it ("12,345"). */
export function formatInt(n: number): string {
  if (!Number.isSafeInteger(n)) return (intl ??= new Intl.NumberFormat('en-US')).format(n);
  const digits = String(Math.abs(n));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
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
