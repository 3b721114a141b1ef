import { selectLayer, selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { formatInt, formatNumber, formatShape } from '../../../platform/shared/format';

export function LayerTable() {
  const summary = useStore(selectSummary);
  const selected = useStore(selectLayer);
  const selectLayerAction = useStore((s) => s.selectLayer);
  if (!summary) return null;
  return (
    <section className="panel" aria-label="Layers">
      <h2>Layers</h2>
      <p className="muted small">
        Weight statistics of each layer's kernel (biases are counted in the parameters). Click a row
        to see its weights.
      </p>
      <div className="table-wrap">
        <table className="layer-table">
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Type</th>
              <th scope="col">Kernel shape</th>
              <th scope="col" className="num">
                Parameters
              </th>
              <th scope="col" className="num">
                Min
              </th>
              <th scope="col" className="num">
                Max
              </th>
              <th scope="col" className="num">
                Mean
              </th>
              <th scope="col" className="num">
                Std
              </th>
            </tr>
          </thead>
          <tbody>
            {summary.layers.map((l) => {
              const isSelected = l.info.name === selected;
              return (
                <tr
                  key={l.info.name}
                  className={isSelected ? 'selected' : undefined}
                  aria-selected={isSelected}
                  onClick={() => selectLayerAction(l.info.name)}
                >
                  <th scope="row">
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={isSelected}
                      aria-label={`Show weights of layer ${l.info.name}`}
                      onClick={() => selectLayerAction(l.info.name)}
                    >
                      {l.info.name}
                    </button>
                  </th>
                  <td>{l.info.className}</td>
                  <td>{formatShape(l.info.kernelShape)}</td>
                  <td className="num">{formatInt(l.info.params)}</td>
                  <td className="num">{formatNumber(l.kernel.min)}</td>
                  <td className="num">{formatNumber(l.kernel.max)}</td>
                  <td className="num">{formatNumber(l.kernel.mean, 4)}</td>
                  <td className="num">{formatNumber(l.kernel.std, 4)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td />
              <td />
              <td className="num">{formatInt(summary.totalParams)}</td>
              <td colSpan={4} />
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
