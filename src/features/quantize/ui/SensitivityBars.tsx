import { memo, useMemo } from 'react';
import type { SensitivityRow } from '../../../platform/state/store';
import { labelledTicks, symlogScale } from '../../../platform/ui/charts/symlog';
import '../../../platform/ui/charts/charts.css';

const BAR_COLORS: Record<number, string> = {
  8: '#2f9e6e',
  4: '#3b6fd8',
  3: '#f08c00',
  2: '#c92a2a',
};

/**
 * Below this drop (in points) the bar scale is linear, above it logarithmic: about two images of
 * a 2,000-image test set. A one-image drop stays visible next to an 80-point collapse.
 */
const LINEAR_BELOW = 0.1;

function formatDrop(v: number): string {
  const s = Math.abs(v).toFixed(2);
  return v < 0 ? `−${s}` : s;
}

function formatTick(v: number): string {
  return v < 0 ? `−${-v}` : String(v);
}

/**
 * The accuracy lost when one layer alone is quantized, per layer and bit-width: a bar list with
 * every value printed. The bars are on a symmetric-log scale: drops span from a few hundredths of
 * a point (8 bits) to tens of points (2 bits), and a layer may even gain (a bar left of 0).
 */
export const SensitivityBars = memo(function SensitivityBars({
  rows,
  bits,
  baseline,
  done,
}: {
  rows: readonly SensitivityRow[];
  bits: readonly number[];
  /** The float32 model's accuracy (fraction) the drops are measured from. */
  baseline: number;
  done: boolean;
}) {
  const table = useMemo(() => {
    const drops = rows.map((r) => ({
      layer: r.layer,
      drops: bits.map((b) => {
        const acc = r.accuracy[b];
        return { bits: b, drop: acc === undefined ? null : (baseline - acc) * 100 };
      }),
    }));
    const values = drops.flatMap((r) => r.drops.flatMap((d) => (d.drop === null ? [] : [d.drop])));
    return { drops, scale: symlogScale(values, LINEAR_BELOW), gains: values.some((v) => v < 0) };
  }, [rows, bits, baseline]);
  const { drops, scale } = table;
  const pct = (v: number) => `${(scale.at(v) * 100).toFixed(2)}%`;
  // Sized for the narrowest track the panel gets (half of a 1280 px page): wider, a few labels
  // are left out that would have fitted.
  const labelled = labelledTicks(scale, formatTick, 220);
  const label = `Accuracy drop in points when only one layer is quantized${table.gains ? ' (negative: the layer gained)' : ''}: ${drops
    .map(
      (r) =>
        `${r.layer}: ${r.drops.map((d) => `${d.bits} bits ${d.drop === null ? 'pending' : formatDrop(d.drop)}`).join(', ')}`,
    )
    .join('; ')}`;
  return (
    <div className="sens" data-testid="sensitivity-chart" data-done={done ? 'true' : 'false'}>
      <div className="sens-grid" role="img" aria-label={label}>
        <div className="sens-row sens-header">
          <span>layer</span>
          <span />
          <span className="sens-axis">
            {labelled.map((t) => (
              <span key={t} className="sens-tick" style={{ left: pct(t) }}>
                {formatTick(t)}
              </span>
            ))}
          </span>
          <span className="sens-value">drop</span>
        </div>
        {drops.map((r) =>
          r.drops.map((d, i) => (
            <div key={`${r.layer}-${d.bits}`} className={i === 0 ? 'sens-row first' : 'sens-row'}>
              <span className="sens-layer">{i === 0 ? r.layer : ''}</span>
              <span className="sens-bits">{d.bits} b</span>
              <span className="sens-track">
                {scale.ticks.map((t) => (
                  <span
                    key={t}
                    className={t === 0 ? 'sens-grid-line zero' : 'sens-grid-line'}
                    style={{ left: pct(t) }}
                  />
                ))}
                {d.drop !== null && d.drop !== 0 && (
                  <span
                    className="sens-bar"
                    style={{
                      left: pct(Math.min(0, d.drop)),
                      width: `${(Math.abs(scale.at(d.drop) - scale.zero) * 100).toFixed(2)}%`,
                      background: BAR_COLORS[d.bits] ?? '#5c6577',
                    }}
                  />
                )}
              </span>
              <span className={d.drop !== null && d.drop < 0 ? 'sens-value gain' : 'sens-value'}>
                {d.drop === null ? '…' : formatDrop(d.drop)}
              </span>
            </div>
          )),
        )}
      </div>
      <p className="muted small">
        Drop: accuracy points lost. Bars on a log scale (linear below {LINEAR_BELOW} point), so that
        the small drops stay visible beside a collapse; every value is printed.
        {table.gains ? ' A negative drop (green, left of 0) means the layer gained accuracy.' : ''}
      </p>
    </div>
  );
});
