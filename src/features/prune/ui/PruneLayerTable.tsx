import { SKIP_LAYER } from '../../../platform/shared/config';
import { selectLayer, selectReport, selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { formatBits, formatInt, formatPercent, formatShape } from '../../../platform/shared/format';

const CHOICES = [50, 70, 80, 90, 95, 98, 99];

/**
 * Per layer: its own sparsity (or none), what it achieved, its shape and stored size. "Kept" and
 * "Sparsity" count every weight that is really gone: after structured pruning with the biases
 * removed, a layer also loses the inputs from the units removed before it (fc2 at 50% of the MLP:
 * 150×50 = 7,500 of 30,000 kept, not 15,000), shown as "own units" + "cut inputs".
 */
export function PruneLayerTable() {
  const summary = useStore(selectSummary);
  const report = useStore(selectReport);
  const selected = useStore(selectLayer);
  const overrides = useStore((s) => s.config.prune.overrides);
  const method = useStore((s) => s.config.prune.method);
  const structuredBias = useStore((s) => s.config.prune.structuredBias);
  const setOverride = useStore((s) => s.setPruneOverride);
  const select = useStore((s) => s.selectLayer);
  if (!summary) return null;
  return (
    <section className="panel" aria-label="Per-layer pruning">
      <h2>Per layer: sparsity, shape, storage</h2>
      <p className="muted small">
        Leave a sensitive layer dense, or give it its own sparsity.{' '}
        {method === 'structured' && structuredBias === 'remove'
          ? 'Biases are never pruned, except those of removed units; a removed unit also removes the next layer’s weights that read it (counted as cut inputs).'
          : method === 'structured'
            ? 'Biases are kept, as torch does: a removed unit still outputs the constant ReLU(bias), so the next layer keeps its inputs.'
            : 'Biases are never pruned.'}
      </p>
      <div className="table-wrap">
        <table className="layer-table" data-testid="prune-layer-table">
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Pruning</th>
              <th
                scope="col"
                className="num"
                title="Weights that remain in the layer, of all it had"
              >
                Kept / weights
              </th>
              <th
                scope="col"
                className="num"
                title="Weights removed, of all: the layer's own, plus those that read a unit removed upstream"
              >
                Sparsity
              </th>
              <th scope="col">Shape</th>
              <th scope="col">Stored as</th>
              <th scope="col" className="num">
                Size
              </th>
            </tr>
          </thead>
          <tbody>
            {summary.layers.map((l) => {
              const name = l.info.name;
              const r = report?.layers.find((x) => x.name === name);
              const size = report?.size.layers.find((x) => x.name === name);
              const ov = overrides[name];
              const value =
                ov === undefined
                  ? 'global'
                  : ov === SKIP_LAYER
                    ? 'skip'
                    : String(Math.round(ov * 1000) / 10);
              return (
                <tr key={name} className={name === selected ? 'selected' : undefined}>
                  <th scope="row">
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={name === selected}
                      aria-label={`Show weights of layer ${name}`}
                      onClick={() => select(name)}
                    >
                      {name}
                    </button>
                  </th>
                  <td>
                    <select
                      aria-label={`Pruning of layer ${name}`}
                      value={value}
                      onChange={(e) =>
                        setOverride(
                          name,
                          e.target.value === 'global'
                            ? null
                            : e.target.value === 'skip'
                              ? SKIP_LAYER
                              : Number(e.target.value) / 100,
                        )
                      }
                    >
                      <option value="global">as global</option>
                      <option value="skip">keep dense</option>
                      {[
                        ...new Set([
                          ...CHOICES.map(String),
                          ...(value !== 'global' && value !== 'skip' ? [value] : []),
                        ]),
                      ].map((v) => (
                        <option key={v} value={v}>
                          {v}%
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="num">
                    {r ? `${formatInt(r.total - r.pruned)} / ${formatInt(r.total)}` : '…'}
                  </td>
                  <td className="num">
                    {r ? formatPercent(r.sparsity, 1) : '…'}
                    {r && r.inputPruned > 0 && (
                      <small className="muted" style={{ display: 'block' }}>
                        {r.ownPruned > 0 ? `own units ${formatInt(r.ownPruned)} + ` : ''}cut inputs{' '}
                        {formatInt(r.inputPruned)}
                      </small>
                    )}
                  </td>
                  <td>
                    {formatShape(l.info.kernelShape)}
                    {r?.effectiveShape &&
                    formatShape(r.effectiveShape) !== formatShape(l.info.kernelShape)
                      ? ` → ${formatShape(r.effectiveShape)}`
                      : ''}
                    {r && r.constantUnits > 0
                      ? ` + ${formatInt(r.constantUnits)} constant unit${r.constantUnits > 1 ? 's' : ''}`
                      : ''}
                  </td>
                  <td>
                    {size
                      ? `${Number.isInteger(size.codeBits) ? size.codeBits : size.codeBits.toFixed(1)}-bit, ${size.format === 'csr-relative' ? `rel. index ${size.indexBits} b` : size.format}`
                      : '…'}
                  </td>
                  <td className="num">{size ? formatBits(size.total) : '…'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
