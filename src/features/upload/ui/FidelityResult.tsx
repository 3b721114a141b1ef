import { useStore } from '../../../platform/state/store';
import { quantEvaluationKey } from '../../../platform/state/keys';
import { formatInt, formatNumber, formatPercent } from '../../../platform/shared/format';
import { useUploads } from '../state/appUploads';

/**
 * An uploaded model measured by fidelity: how close the compressed model's outputs stay to the
 * original's, on the model's seeded synthetic inputs (top-1 agreement and KL divergence). Kept
 * beside the picker, so it stays in view in both labs.
 */
export function FidelityResult() {
  const config = useStore((s) => s.config);
  const fidelity = useStore((s) => s.fidelity);
  const busy = useStore((s) => s.busy.has('fidelity'));
  const info = useUploads((s) => s.models.find((m) => m.id === config.uploaded));
  if (!info || info.evaluation !== 'fidelity') return null;
  const inLab = config.view === 'quantize' || config.view === 'prune';
  const current = fidelity !== null && fidelity.key === `${quantEvaluationKey(config)}|fidelity`;
  const f = fidelity?.data;
  return (
    <section
      className="upload-fidelity"
      aria-label="Fidelity of the compressed model"
      data-testid="fidelity"
      data-current={String(current)}
    >
      <h3>Fidelity to the original</h3>
      {!inLab ? (
        <p className="muted">Measured for the compressed model in the Quantize and Prune labs.</p>
      ) : !f ? (
        <p className="muted">{busy ? 'Measuring…' : 'Not measured yet.'}</p>
      ) : (
        <div className={current ? '' : 'stale'}>
          <p>
            Top-1 agreement: <b data-testid="fidelity-agreement">{formatPercent(f.agreement)}</b> of{' '}
            {formatInt(f.count)} synthetic inputs
          </p>
          <p>
            KL(original ‖ compressed): <b data-testid="fidelity-kl">{formatNumber(f.kl, 4)}</b> nats
            mean, {formatNumber(f.maxKl, 4)} at most (outputs read as{' '}
            {f.outputs === 'logits' ? 'logits, softmaxed' : 'probabilities'})
          </p>
          {!current && <p className="muted">updating…</p>}
        </div>
      )}
    </section>
  );
}
