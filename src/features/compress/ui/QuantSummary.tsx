import { describePipeline } from '../shared/pipeline';
import { QUICK_EVAL_COUNT } from '../../../platform/state/job';
import {
  selectEvaluation,
  selectQuantEvaluation,
  selectQuantEvaluationCurrent,
  selectReport,
  selectReportCurrent,
  selectSummary,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { formatBits, formatInt, formatPercent } from '../../../platform/shared/format';
import { useDim } from '../../../platform/ui/useDim';

/** The headline: accuracy and size of the compressed model next to the original's. */
export function QuantSummary() {
  const summary = useStore(selectSummary);
  const base = useStore(selectEvaluation);
  const quant = useStore(selectQuantEvaluation);
  const current = useStore(selectQuantEvaluationCurrent);
  const report = useStore(selectReport);
  const sizeCurrent = useStore(selectReportCurrent);
  const label = useStore((s) => describePipeline(s.config));
  const held = useStore((s) => s.heldForRest);
  const dim = useDim(current);
  const sizeDim = useDim(sizeCurrent);
  if (!summary) return null;
  const size = report?.size ?? null;
  const ratio = size && size.totalBits > 0 ? size.float32Bits / size.totalBits : null;
  const full = quant !== null && quant.count === summary.dataset.test.count;
  const delta = quant && base && base.count === quant.count ? quant.accuracy - base.accuracy : null;
  return (
    <section className="panel" aria-label="Compressed model">
      <div className="metrics">
        <div className="metric">
          <span className="metric-label">Accuracy, compressed</span>
          <span
            className={dim ? 'metric-value stale' : 'metric-value'}
            data-current={current}
            data-testid="quant-accuracy"
          >
            {quant ? formatPercent(quant.accuracy) : '…'}
          </span>
          <span className="metric-note" data-testid="quant-accuracy-note">
            {dim
              ? held
                ? 'measured once you pause (dimmed: the previous settings)'
                : 'updating… (dimmed: the previous settings)'
              : quant
                ? `${formatInt(quant.correct)} / ${formatInt(quant.count)} correct${full ? '' : ` · quick estimate on ${formatInt(QUICK_EVAL_COUNT)}, full test set running…`}`
                : 'evaluating…'}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">Change vs float32</span>
          <span
            className={`metric-value${delta !== null && delta < -0.005 ? ' bad' : ''}${dim ? ' stale' : ''}`}
            data-testid="quant-delta"
          >
            {delta === null
              ? '…'
              : `${delta >= 0 ? '+' : '−'}${(Math.abs(delta) * 100).toFixed(2)} pts`}
          </span>
          <span className="metric-note">float32: {base ? formatPercent(base.accuracy) : '…'}</span>
        </div>
        <div className="metric">
          <span className="metric-label">Size, compressed</span>
          <span
            className={sizeDim ? 'metric-value stale' : 'metric-value'}
            data-testid="quant-size"
          >
            {size ? formatBits(size.totalBits) : '…'}
          </span>
          <span className="metric-note">
            {size
              ? `${formatInt(size.totalBits)} bits · float32: ${formatBits(size.float32Bits)}`
              : ''}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">Compression</span>
          <span
            className={sizeDim ? 'metric-value stale' : 'metric-value'}
            data-testid="quant-ratio"
          >
            {ratio ? `${ratio.toFixed(1)}×` : '…'}
          </span>
          <span className="metric-note" data-testid="pipeline-label">
            {label}
          </span>
        </div>
      </div>
    </section>
  );
}
