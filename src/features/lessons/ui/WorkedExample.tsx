import { useMemo } from 'react';
import { useStore } from '../../../platform/state/store';
import { formatWorked, workedExample } from '../shared/workedExample';
import { WORKED_WEIGHTS } from '../shared/workedExample';

/**
 * Eight weights quantized by hand with the lab's own maths (bit-identical to what it does to a
 * layer, per tensor): range, scale, zero-point, integer codes, the values read back, the error.
 * It follows the weight settings of the sidebar — bit-width, scheme, range, rounding — and shows
 * them at 8 bits when the lab is not set to integers.
 */
export function WorkedExample() {
  const w = useStore((s) => s.config.weights);
  const seed = useStore((s) => s.config.seed);
  const lesson = useStore((s) => s.config.lesson);
  const integer = w.format === 'int';
  const bits = integer ? w.bits : 8;
  const ex = useMemo(
    () =>
      workedExample({
        bits,
        scheme: w.scheme,
        symRange: w.symRange,
        rounding: w.rounding,
        seed,
        values: WORKED_WEIGHTS,
      }),
    [bits, w.scheme, w.symRange, w.rounding, seed],
  );
  const setting =
    ex.method === 'binary'
      ? '1 bit: sign × mean |w|'
      : `${bits}-bit ${w.scheme}${w.scheme === 'symmetric' ? ` (${w.symRange} range)` : ''}, ${w.rounding} rounding, per tensor`;
  return (
    <section className="panel worked" aria-labelledby="worked-title">
      <details open={lesson === 'scale' || undefined}>
        <summary>
          <h2 id="worked-title">Worked example: eight weights by hand</h2>
          <span className="muted small"> {setting}</span>
        </summary>
        {!integer && (
          <p className="muted small">
            The lab stores weights as {w.format}; the example shows 8-bit integers.
          </p>
        )}
        <ol className="worked-steps">
          {ex.steps.map((s) => (
            <li key={s.id}>
              <strong>{s.title}: </strong>
              <code>{s.formula}</code>
            </li>
          ))}
        </ol>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Worked example table">
          <table className="worked-table">
            <thead>
              <tr>
                <th scope="col">weight x</th>
                {ex.method === 'uniform' && <th scope="col">x / scale + zp</th>}
                <th scope="col">code q</th>
                <th scope="col">read back x̂</th>
                <th scope="col">error x̂ − x</th>
              </tr>
            </thead>
            <tbody>
              {ex.rows.map((r, i) => (
                <tr key={i}>
                  <td>{formatWorked(r.x)}</td>
                  {ex.method === 'uniform' && (
                    <td>{r.real === null ? '' : formatWorked(r.real)}</td>
                  )}
                  <td>
                    {r.code}
                    {r.clipped && <span className="muted"> (clipped)</span>}
                  </td>
                  <td>{formatWorked(r.dequantized)}</td>
                  <td>{formatWorked(r.error)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="small">
          Largest error {formatWorked(ex.totals.maxAbsError)}
          {ex.method === 'uniform' && ` (half a step is ${formatWorked(ex.scale / 2)})`}; mean
          squared error {formatWorked(ex.totals.mse)}
          {ex.totals.clipped > 0 ? `; ${ex.totals.clipped} clipped` : ''}.
        </p>
        {ex.notes.map((n) => (
          <p key={n} className="muted small">
            {n}
          </p>
        ))}
      </details>
    </section>
  );
}
