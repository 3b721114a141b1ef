import { memo, useDeferredValue, useMemo } from 'react';
import { planLayer } from '../../compress';
import {
  selectLayer,
  selectLayerErrors,
  selectReport,
  selectSummary,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { formatBits, formatInt, formatNumber } from '../../../platform/shared/format';

/** Per-layer precision (with overrides), quantization error and size. */
export function LayerQuantTable() {
  const summary = useStore(selectSummary);
  const selected = useStore(selectLayer);
  const weights = useStore((s) => s.config.weights);
  const overrides = useStore((s) => s.config.overrides);
  const seed = useStore((s) => s.config.seed);
  const pruned = useStore((s) => s.config.prune.method !== 'none');
  const huffman = useStore((s) => s.config.storage.huffman);
  const clusterK = useStore((s) =>
    s.config.weights.format === 'cluster' ? s.config.cluster.k : null,
  );
  const report = useDeferredValue(useStore(selectReport));
  const errors = useDeferredValue(useStore(selectLayerErrors));
  const setOverride = useStore((s) => s.setLayerOverride);
  const select = useStore((s) => s.selectLayer);
  // Labels only: sizes come from the worker's report, which also knows pruning and storage.
  const plans = useMemo(
    () => summary?.layers.map((l) => planLayer({ weights, overrides, seed }, l.info)) ?? [],
    [summary, weights, overrides, seed],
  );
  const sqnr = useMemo(
    () =>
      errors?.errors.map((e) => ({
        name: e.name,
        sqnr: Number.isFinite(e.sqnrDb) ? Number(e.sqnrDb.toFixed(2)) : 0,
      })) ?? [],
    [errors],
  );
  if (!summary) return null;
  return (
    <section className="panel" aria-label="Per-layer quantization">
      <h2>Per layer: precision, error, size</h2>
      <p className="muted small" data-testid="layer-quant-caption">
        Give any layer its own bit-width or keep it in float32 (mixed precision). SQNR =
        10·log10(Σw² / Σ(w − ŵ)²) between the trained weights w and the weights the model runs with
        ŵ: every extra bit buys about 6 dB.
        {pruned &&
          ' Pruning (Prune & cluster tab) is applied first: the pruned weights count as error in SQNR and MSE, and sizes store them sparsely.'}
        {huffman && ' Sizes are Huffman-coded (storage stage).'}
      </p>
      <div className="table-wrap">
        <table className="layer-table" data-testid="layer-quant-table">
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Precision</th>
              <th scope="col">Scheme</th>
              <th scope="col" className="num">
                SQNR
              </th>
              <th scope="col" className="num">
                MSE
              </th>
              <th scope="col" className="num">
                Levels
              </th>
              <th scope="col" className="num">
                Size
              </th>
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => {
              const e = errors?.errors.find((x) => x.name === p.name);
              const ov = overrides[p.name];
              return (
                <tr key={p.name} className={p.name === selected ? 'selected' : undefined}>
                  <th scope="row">
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={p.name === selected}
                      aria-label={`Show weights of layer ${p.name}`}
                      onClick={() => select(p.name)}
                    >
                      {p.name}
                    </button>
                  </th>
                  <td>
                    <select
                      aria-label={`Precision of layer ${p.name}`}
                      value={ov === undefined ? 'global' : String(ov)}
                      onChange={(ev) =>
                        setOverride(
                          p.name,
                          ev.target.value === 'global' ? null : Number(ev.target.value),
                        )
                      }
                    >
                      <option value="global">as global</option>
                      <option value="0">float32</option>
                      {[8, 7, 6, 5, 4, 3, 2, 1].map((b) => (
                        <option key={b} value={b}>
                          {b} bit{b > 1 ? 's' : ''}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {clusterK !== null && ov === undefined
                      ? `k-means, ${clusterK} shared values`
                      : p.label}
                  </td>
                  <td className="num">
                    {e ? (Number.isFinite(e.sqnrDb) ? `${e.sqnrDb.toFixed(1)} dB` : '∞') : '…'}
                  </td>
                  <td className="num">{e ? formatNumber(e.mse, 3) : '…'}</td>
                  <td className="num">
                    {e ? (e.levels === null ? '—' : formatInt(e.levels)) : '…'}
                  </td>
                  <td className="num">
                    {(() => {
                      const size = report?.size.layers.find((l) => l.name === p.name);
                      return size ? formatBits(size.total) : '…';
                    })()}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <SqnrChart data={sqnr} />
    </section>
  );
}

/** Memoized: the table above re-renders on every settings change, the chart only on new errors. */
const SqnrChart = memo(function SqnrChart({ data }: { data: { name: string; sqnr: number }[] }) {
  // Plain HTML bars: this chart changes at every step of a slider drag, and an SVG chart library
  // redraw there cost the main thread more than the whole rest of the update.
  const max = Math.max(1, ...data.map((d) => d.sqnr));
  return (
    <div
      className="hbars"
      data-testid="sqnr-chart"
      role="img"
      aria-label={`SQNR per layer: ${data.map((d) => `${d.name} ${d.sqnr.toFixed(1)} dB`).join(', ')}`}
    >
      {data.map((d) => (
        <div key={d.name} className="hbar-row">
          <span className="hbar-label">{d.name}</span>
          <span className="hbar-track">
            <span className="hbar" style={{ width: `${(Math.max(0, d.sqnr) / max) * 100}%` }} />
          </span>
          <span className="hbar-value">{d.sqnr.toFixed(1)} dB</span>
        </div>
      ))}
    </div>
  );
});
