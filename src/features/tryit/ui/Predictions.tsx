import { memo, useMemo } from 'react';
import { describePipeline } from '../../compress';
import { formatProbability } from '../../train';
import { formatInt, formatPercent } from '../../../platform/shared/format';
import { selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { useDim } from '../../../platform/ui/useDim';
import { compareModels } from '../shared/compare';
import { classProbabilities, topPredictions } from '../shared/topk';
import {
  selectTryitPrediction,
  selectTryitMode,
  selectTryitPredictionCurrent,
  selectTryitPredictions,
  selectTryitWantedKey,
} from '../state/selectors';

const FLOAT_COLOR = '#8a94a8';
const COMPRESSED_COLOR = '#3b6fd8';

/**
 * The two models side by side on the current input: the original (float32) and the compressed
 * one (the pipeline of the other tabs), each with its top class and the softmax probability of
 * every class. While a new input or setting is computed the previous prediction stays, dimmed
 * and marked data-current="false"; an empty or faint drawing shows no prediction at all.
 */
export function Predictions() {
  const summary = useStore(selectSummary);
  const wanted = useStore(selectTryitWantedKey);
  const prediction = useStore(selectTryitPrediction);
  const current = useStore(selectTryitPredictionCurrent);
  const mode = useStore(selectTryitMode);
  const ink = useStore((s) => s.tryit.drawing.ink);
  const config = useStore((s) => s.config);
  const pipeline = useMemo(() => describePipeline(config), [config]);
  const predictions = useStore(selectTryitPredictions);
  const comparison = useMemo(
    () => (predictions ? compareModels(predictions) : null),
    [predictions],
  );
  const dim = useDim(current);
  if (!summary) return null;
  const classes = summary.dataset.classes;
  const name = (k: number) => classes[k] ?? String(k);

  let body;
  if (wanted === null && mode === 'drawing') {
    body = (
      <p className="tryit-message" data-testid="tryit-message">
        {ink === 'faint'
          ? 'Too little ink to read: draw the digit larger, with longer strokes.'
          : 'Draw a digit on the pad, or pick a test image.'}
      </p>
    );
  } else if (!prediction) {
    body = <p className="muted">Running both models…</p>;
  } else {
    const d = prediction.data;
    const label = d.test?.label ?? null;
    const fTop = topPredictions(d.float, 1)[0]!.index;
    const cTop = topPredictions(d.compressed, 1)[0]!.index;
    body = (
      <div
        className={dim ? 'tryit-result stale' : 'tryit-result'}
        data-testid="tryit-result"
        data-current={current}
        data-source={d.test ? `test-${d.test.index}` : 'drawing'}
      >
        <p className="tryit-verdict" data-testid="tryit-verdict">
          {d.test ? (
            <>
              Test image {formatInt(d.test.index)}, label <b>{name(d.test.label)}</b>.{' '}
            </>
          ) : (
            <>Your drawing. </>
          )}
          {fTop === cTop ? (
            <>
              Both models say <b>{name(fTop)}</b>
              {label === null ? '.' : label === fTop ? ': right.' : ': both wrong.'}
            </>
          ) : (
            <>
              The models disagree: original <b>{name(fTop)}</b>, compressed <b>{name(cTop)}</b>
              {label !== null && label === fTop && label !== cTop
                ? ': misclassified only by the compressed model.'
                : label !== null && label === cTop
                  ? ': misclassified only by the original.'
                  : '.'}
            </>
          )}
          {!current && <span className="muted"> (updating…)</span>}
        </p>
        <div className="tryit-columns">
          <Column
            title="Original (float32)"
            outputs={d.outputs}
            logits={d.float}
            classes={classes}
            label={label}
            color={FLOAT_COLOR}
            testId="tryit-float"
          />
          <Column
            title={`Compressed (${pipeline})`}
            outputs={d.outputs}
            logits={d.compressed}
            classes={classes}
            label={label}
            color={COMPRESSED_COLOR}
            testId="tryit-compressed"
          />
        </div>
      </div>
    );
  }

  return (
    <section className="panel tryit-predictions" aria-label="Predictions">
      <h2>Predictions</h2>
      {body}
      <p className="muted small" data-testid="tryit-accuracy">
        {comparison
          ? `On all ${formatInt(comparison.count)} test images: original ${formatPercent(comparison.floatCorrect / comparison.count, 1)} right, compressed ${formatPercent(comparison.compressedCorrect / comparison.count, 1)} right; ${formatInt(comparison.compressedOnly.length)} misclassified only by the compressed model, ${formatInt(comparison.floatOnly.length)} only by the original.`
          : 'Both models on the whole test set: computing…'}{' '}
        {prediction?.data.outputs === 'probabilities'
          ? 'Probabilities are each model’s 10 outputs for this one input (the model ends in a softmax).'
          : 'Probabilities are the softmax of each model’s 10 outputs for this one input.'}{' '}
        The compressed model is the pipeline above (edit it on the Quantize and Prune tabs).
      </p>
    </section>
  );
}

/** One model's prediction: the top class large, then every class's probability. */
const Column = memo(function Column({
  title,
  outputs,
  logits,
  classes,
  label,
  color,
  testId,
}: {
  title: string;
  /** Whether `logits` are logits (softmaxed here) or already probabilities. */
  outputs: 'logits' | 'probabilities';
  logits: Float32Array;
  classes: readonly string[];
  /** The true class of a test image; null for a drawing. */
  label: number | null;
  color: string;
  testId: string;
}) {
  const { p, top } = useMemo(() => {
    const p = classProbabilities(logits, outputs);
    // Softmax keeps the order: the top class is the same either way; its probability is p's.
    const t = topPredictions(logits, 1, [...classes])[0]!;
    return { p, top: { ...t, probability: p[t.index]! } };
  }, [logits, outputs, classes]);
  const name = (k: number) => classes[k] ?? String(k);
  return (
    <div className="tryit-column" data-testid={testId} data-top={top.index}>
      <h3>{title}</h3>
      <p className="tryit-top">
        <span className="tryit-top-class">{top.label}</span>
        <span className="tryit-top-p">
          {formatProbability(top.probability)} probability
          {label !== null && (top.index === label ? ' · right' : ' · wrong')}
        </span>
      </p>
      <div className="hbars tryit-bars">
        {Array.from(p, (prob, k) => (
          <div
            key={k}
            className="hbar-row tryit-bar-row"
            data-testid={`${testId}-row`}
            data-p={prob}
          >
            <span className={k === top.index ? 'hbar-label tryit-bar-top' : 'hbar-label'}>
              {name(k)}
              {k === label ? ' (label)' : ''}
            </span>
            <span className="hbar-track" aria-hidden="true">
              <span
                className="hbar"
                style={{ width: `${Math.max(0, Math.min(1, prob)) * 100}%`, background: color }}
              />
            </span>
            <span className="hbar-value">{formatProbability(prob)}</span>
          </div>
        ))}
      </div>
    </div>
  );
});
