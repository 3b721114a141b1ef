import { Fragment } from 'react';
import { selectEvaluation, selectSummary } from '../../../platform/state/selectors';
import { QUICK_EVAL_COUNT } from '../../../platform/state/job';
import { useStore } from '../../../platform/state/store';
import { formatBits, formatInt, formatPercent } from '../../../platform/shared/format';

export function ModelCard() {
  const summary = useStore(selectSummary);
  const evaluation = useStore(selectEvaluation);
  const evaluating = useStore((s) => s.busy.has('evaluation'));
  const loading = useStore((s) => s.busy.has('summary'));

  if (!summary) {
    return (
      <section className="panel model-card" aria-busy="true">
        <p className="muted">
          {loading
            ? 'Loading the model and its test set…'
            : 'The model could not be loaded (see the notice above).'}
        </p>
      </section>
    );
  }
  const full = evaluation !== null && evaluation.count === summary.dataset.test.count;
  const training = summary.meta.training;
  const epochs = typeof training.epochs === 'number' ? training.epochs : null;
  return (
    <section className="panel model-card" aria-label="Model summary">
      <h2>{summary.meta.name}</h2>
      <div className="metrics">
        <div className="metric">
          <span className="metric-label">
            {training.evaluation === 'fidelity'
              ? 'Top-1 agreement with itself (synthetic inputs)'
              : 'Test accuracy (measured here)'}
          </span>
          <span className="metric-value" data-testid="accuracy">
            {evaluation ? formatPercent(evaluation.accuracy) : '…'}
          </span>
          <span className="metric-note" data-testid="accuracy-note">
            {evaluation
              ? `${formatInt(evaluation.correct)} / ${formatInt(evaluation.count)} correct${full ? '' : ` · quick estimate on ${formatInt(QUICK_EVAL_COUNT)}, full test set running…`} · ${evaluation.remembered ? 'measured earlier this session' : `${formatInt(Math.round(evaluation.ms))} ms${evaluation.workers ? ` on ${evaluation.workers} workers` : ''}`}`
              : evaluating
                ? 'evaluating…'
                : training.evaluation === 'none'
                  ? 'not evaluated: uploaded weights only'
                  : 'evaluation failed'}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">Recorded at training</span>
          <span className="metric-value secondary" data-testid="recorded-accuracy">
            {Number.isFinite(summary.meta.testAccuracy)
              ? formatPercent(summary.meta.testAccuracy)
              : '—'}
          </span>
          <span className="metric-note">
            {Number.isFinite(summary.meta.testAccuracy)
              ? `on ${formatInt(summary.meta.testCount)} test images`
              : 'not in the uploaded files'}
            {epochs !== null ? ` · ${epochs} epochs` : ''}
          </span>
        </div>
        <div className="metric">
          <span className="metric-label">Parameters</span>
          <span className="metric-value" data-testid="params">
            {formatInt(summary.totalParams)}
          </span>
          <span className="metric-note">weights and biases</span>
        </div>
        <div className="metric">
          <span className="metric-label">Size as float32</span>
          <span className="metric-value" data-testid="size">
            {formatBits(summary.float32Bits)}
          </span>
          <span className="metric-note">
            {formatInt(summary.float32Bits)} bits = 32 per parameter
          </span>
        </div>
      </div>
      <details className="training" data-testid="training-recipe">
        <summary>How this model was trained</summary>
        <dl className="facts">
          {Object.entries(training)
            .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
            .map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k.replace(/([A-Z])/g, ' $1').toLowerCase()}</dt>
                <dd>{String(v)}</dd>
              </Fragment>
            ))}
          {summary.meta.preprocess && (
            <>
              <dt>input scaling</dt>
              <dd>{summary.meta.preprocess}</dd>
            </>
          )}
        </dl>
        <p className="muted small">
          Trained by <code>scripts/train-models.ts</code> (seeded, TensorFlow.js in Node); the
          recorded accuracy is the script&apos;s own measurement on the same test set, which the
          figure on the left re-measures here.
        </p>
      </details>
      <p className="muted small">
        Test set: {summary.dataset.name}, {formatInt(summary.dataset.test.count)} images.{' '}
        {summary.dataset.split}
      </p>
    </section>
  );
}
