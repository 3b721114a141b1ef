import { memo, useDeferredValue, useMemo } from 'react';
import { selectReport, selectReportCurrent } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { Fresh } from '../../../platform/ui/Fresh';
import { formatBits, formatInt } from '../../../platform/shared/format';

const PARTS = [
  { key: 'codes', label: 'weight codes', color: '#3b6fd8' },
  { key: 'indices', label: 'sparse indices', color: '#7c5cd6' },
  { key: 'codebook', label: 'codebooks', color: '#15aabf' },
  { key: 'scales', label: 'scales', color: '#f08c00' },
  { key: 'zeroPoints', label: 'zero-points', color: '#e8590c' },
  { key: 'bias', label: 'biases (float32)', color: '#2f9e6e' },
] as const;

const FORMAT_LABEL: Record<string, string> = {
  dense: 'dense',
  bitmask: 'bitmask',
  'csr-relative': 'relative index',
};

/** Honest size: every bit the compressed model needs, next to float32. */
export function SizeBreakdown() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const report = useDeferredValue(useStore(selectReport));
  const huffman = useDeferredValue(useStore((s) => s.config.storage.huffman));
  return <SizeBreakdownView report={report} huffman={huffman} />;
}

const SizeBreakdownView = memo(function SizeBreakdownView({
  report,
  huffman,
}: {
  report: ReturnType<typeof selectReport>;
  huffman: boolean;
}) {
  const chart = useMemo(() => {
    if (!report) return [];
    const kb = (bits: number) => bits / 8000;
    const p = report.size.parts;
    return [
      {
        name: 'float32',
        codes: kb(report.size.float32Bits),
        indices: 0,
        codebook: 0,
        scales: 0,
        zeroPoints: 0,
        bias: 0,
      },
      {
        name: 'compressed',
        codes: kb(p.codes),
        indices: kb(p.indices),
        codebook: kb(p.codebook),
        scales: kb(p.scales),
        zeroPoints: kb(p.zeroPoints),
        bias: kb(p.bias),
      },
    ];
  }, [report]);
  if (!report) {
    return (
      <section className="panel" aria-label="Model size">
        <h2>Size, bit by bit</h2>
        <p className="muted">Counting bits…</p>
      </section>
    );
  }
  const { size } = report;
  const ratio = size.totalBits > 0 ? size.float32Bits / size.totalBits : 1;
  return (
    <Fresh select={selectReportCurrent} className="panel" as="section" aria-label="Model size">
      <h2>Size, bit by bit</h2>
      <div className="stacked" data-testid="size-chart">
        {chart.map((row) => {
          const total = PARTS.reduce((acc, p) => acc + row[p.key], 0);
          const widest = Math.max(...chart.map((r) => PARTS.reduce((acc, p) => acc + r[p.key], 0)));
          return (
            <div key={row.name} className="stacked-row">
              <span className="hbar-label">{row.name}</span>
              <span className="stacked-track">
                {PARTS.map((p) =>
                  row[p.key] > 0 ? (
                    <span
                      key={p.key}
                      className="stacked-part"
                      title={`${p.label}: ${row[p.key].toFixed(2)} KB`}
                      style={{ width: `${(row[p.key] / widest) * 100}%`, background: p.color }}
                    />
                  ) : null,
                )}
              </span>
              <span className="hbar-value">{total.toFixed(1)} KB</span>
            </div>
          );
        })}
        <div className="legend">
          {PARTS.map((p) => (
            <span key={p.key}>
              <i style={{ background: p.color }} /> {p.label}
            </span>
          ))}
        </div>
      </div>
      <table className="size-table" data-testid="size-table">
        <tbody>
          {PARTS.map((p) => (
            <tr key={p.key}>
              <th scope="row">{p.label}</th>
              <td className="num">{formatInt(size.parts[p.key])} bits</td>
            </tr>
          ))}
          <tr className="total">
            <th scope="row">Total</th>
            <td className="num" data-testid="size-total">
              {formatInt(size.totalBits)} bits = {formatBits(size.totalBits)}
            </td>
          </tr>
          <tr>
            <th scope="row">float32 model</th>
            <td className="num">
              {formatBits(size.float32Bits)} →{' '}
              <strong data-testid="size-ratio">{ratio.toFixed(2)}×</strong> smaller
            </td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">
        Per layer:{' '}
        {size.layers
          .map(
            (l) =>
              `${l.name} ${Number.isInteger(l.codeBits) ? l.codeBits : l.codeBits.toFixed(1)}-bit codes, ${FORMAT_LABEL[l.format] ?? l.format}${l.indexBits ? ` (${l.indexBits}-bit)` : ''}`,
          )
          .join('; ')}
        . Codes bit-packed
        {huffman ? ', Huffman-coded from their real histogram' : ', no entropy coding'}; scales
        float32, zero-points int32. 1 KB = 1,000 bytes.
      </p>
    </Fresh>
  );
});
