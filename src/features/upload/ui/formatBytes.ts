/** Bytes as a file manager shows them (1 KB = 1,024 bytes, as the upload caps are set). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const [v, unit] = n < 1024 * 1024 ? [n / 1024, 'KB'] : [n / (1024 * 1024), 'MB'];
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
}
