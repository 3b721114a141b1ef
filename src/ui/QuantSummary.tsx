import { useMemo } from 'react';
import { modelSize, planLayer } from '../core/plan/quantPlan';
import { QUICK_EVAL_COUNT } from '../state/controller';
import { selectEvaluation, selectQuantEvaluation, selectSummary } from '../state/selectors';
import { useStore } from '../state/store';
import { formatBits, formatInt, formatPercent } from './format';

/** The headline: accuracy and size of the compressed model next to the original's. */
export function QuantSummary() {
  const summary = useStore(selectSummary);
  const base = useStore(selectEvaluation);
  const quant = useStore(selectQuantEvaluation);
  const weights = useStore((s) => s.config.weights);
  const overrides = useStore((s) => s.config.overrides);
  const seed = useStore((s) => s.config.seed);
  const actBits = useStore((s) => s.config.acts.bits);
  const size = useMemo(
    () => (summary ? modelSize(summary.layers.map((l) => planLayer({ weights, overrides, seed }, l.info))) : null),
    [summary, weights, overrides, seed],
  );
  if (!summary || !size) return null;
  const full = quant !== null && quant.count === summary.dataset.test.count;
  const delta = quant && base && base.count === quant.count ? quant.accuracy - base.accuracy : null;
  return (
    <section className="panel" aria-label="Compressed model">
      <div className="metrics">
        <div className="metric">
          <span className="metric-label">Accuracy, compressed</span>
          <span className="metric-value" data-testid="quant-accuracy">
            {quant ? formatPercent(quant.accuracy) : '…'}
          </span>
          <span className="metric-note" data-testid="quant-accuracy-note">
            {quant
              ? `${formatInt(quant.correct)} / ${formatInt(quant.count)} correct${full ? '' : ` · quick estimate on ${formatInt(QUICK_EVAL_COUNT)}, full test set running…`}`
              : 'evaluating…'}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">Change vs float32</span>
          <span className={`metric-value ${delta !== null && delta < -0.005 ? 'bad' : ''}`} data-testid="quant-delta">
            {delta === null ? '…' : `${delta >= 0 ? '+' : '−'}${(Math.abs(delta) * 100).toFixed(2)} pts`}
          </span>
          <span className="metric-note">float32: {base ? formatPercent(base.accuracy) : '…'}</span>
        </div>
        <div className="metric">
          <span className="metric-label">Size, compressed</span>
          <span className="metric-value" data-testid="quant-size">
            {formatBits(size.totalBits)}
          </span>
          <span className="metric-note">
            {formatInt(size.totalBits)} bits · float32: {formatBits(size.float32Bits)}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">Compression</span>
          <span className="metric-value" data-testid="quant-ratio">
            {size.ratio.toFixed(1)}×
          </span>
          <span className="metric-note">
            {actBits > 0 ? `activations at ${actBits} bits` : 'activations float32'}
          </span>
        </div>
      </div>
    </section>
  );
}
