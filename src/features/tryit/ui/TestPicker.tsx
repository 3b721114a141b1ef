import { useMemo, useState } from 'react';
import { formatInt } from '../../../platform/shared/format';
import { selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { compareModels, positionIn, stepThrough } from '../shared/compare';
import { clampTestIndex } from '../shared/source';
import {
  selectTestCount,
  selectTryitMode,
  selectTryitPrediction,
  selectTryitPredictions,
} from '../state/selectors';
import { PixelImage } from '../../../platform/ui/PixelImage';

/**
 * Picks a test image: previous/next, a number field, and a filter that steps only through the
 * images the compressed model gets wrong and the original gets right. On MNIST it is the
 * alternative to drawing that needs no drag (WCAG 2.5.7); on Fashion-MNIST the main input.
 */
export function TestPicker({ imageSize }: { imageSize: number }) {
  const count = useStore(selectTestCount);
  const testIndex = useStore((s) => s.tryit.testIndex);
  const mode = useStore(selectTryitMode);
  const only = useStore((s) => s.tryit.onlyCompressedWrong);
  const predictions = useStore(selectTryitPredictions);
  const prediction = useStore(selectTryitPrediction);
  const classes = useStore((s) => selectSummary(s)?.dataset.classes ?? null);
  const setTryit = useStore((s) => s.setTryit);
  const comparison = useMemo(
    () => (predictions ? compareModels(predictions) : null),
    [predictions],
  );
  if (count === null) return null;

  const index = clampTestIndex(testIndex, count);
  const go = (i: number) => setTryit({ mode: 'test', testIndex: clampTestIndex(i, count) });
  const list = only ? (comparison?.compressedOnly ?? null) : null;
  const prev = only ? (list ? stepThrough(list, index, -1) : null) : index > 0 ? index - 1 : null;
  const next = only
    ? list
      ? stepThrough(list, index, 1)
      : null
    : index < count - 1
      ? index + 1
      : null;
  const shown = prediction?.data.test ?? null;
  const image = mode === 'test' ? shown : null;
  const name = (k: number) => classes?.[k] ?? String(k);

  const toggle = (on: boolean) => {
    setTryit({ onlyCompressedWrong: on });
    // Land on a listed image: the first at or after the current one.
    if (on && comparison && positionIn(comparison.compressedOnly, index) < 0) {
      const first = stepThrough(comparison.compressedOnly, index - 1, 1);
      if (first !== null) go(first);
    }
  };

  const position = list ? positionIn(list, index) : -1;
  return (
    <div className="tryit-picker" data-testid="tryit-picker" data-index={index}>
      <div
        className={
          image && image.index !== index ? 'tryit-picker-image stale' : 'tryit-picker-image'
        }
        style={{ width: `max(${imageSize}px, 9.5rem)` }}
      >
        {image ? (
          <PixelImage
            pixels={image.pixels}
            shape={image.shape}
            size={imageSize}
            label={`Test image ${image.index}, label ${name(image.label)}`}
            testId="tryit-test-image"
          />
        ) : (
          <div className="tryit-placeholder" style={{ width: imageSize, height: imageSize }}>
            {mode === 'test' ? 'Loading…' : ''}
          </div>
        )}
        <p className="small" data-testid="tryit-test-label">
          {image ? (
            <>
              Test image {formatInt(image.index)}: label <b>{name(image.label)}</b>
            </>
          ) : mode === 'test' ? (
            `Test image ${formatInt(index)}`
          ) : (
            <span className="muted">Not in use: the predictions are of your drawing.</span>
          )}
        </p>
      </div>
      <div className="tryit-picker-controls">
        <IndexInput index={index} count={count} onChange={go} />
        <div className="tryit-buttons">
          <button type="button" onClick={() => prev !== null && go(prev)} disabled={prev === null}>
            Previous
          </button>
          <button type="button" onClick={() => next !== null && go(next)} disabled={next === null}>
            Next
          </button>
          {mode !== 'test' && (
            <button type="button" onClick={() => go(index)}>
              Use test image {formatInt(index)}
            </button>
          )}
        </div>
        <label className="field checkbox tryit-filter">
          <input
            type="checkbox"
            checked={only}
            onChange={(e) => toggle(e.target.checked)}
            data-testid="tryit-only-compressed"
          />
          <span>
            Step only through images misclassified only by the compressed model
            <br />
            <small className="muted" data-testid="tryit-only-count">
              {comparison
                ? `${formatInt(comparison.compressedOnly.length)} of ${formatInt(comparison.count)} test images: the original gets them right, the compressed model wrong.`
                : `Finding them: both models on all ${formatInt(count)} test images…`}
            </small>
          </span>
        </label>
        {only && list && (
          <p className="small" data-testid="tryit-only-position">
            {list.length === 0
              ? 'None: the compressed model gets right every image the original gets right.'
              : position >= 0
                ? `Image ${formatInt(position + 1)} of ${formatInt(list.length)} of these.`
                : `Test image ${formatInt(index)} is not one of them: Next goes to the next one.`}
          </p>
        )}
      </div>
    </div>
  );
}

/** A number field that takes what is typed once it is a test image, and reverts on blur. */
function IndexInput({
  index,
  count,
  onChange,
}: {
  index: number;
  count: number;
  onChange: (i: number) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <label className="field" style={{ margin: 0 }}>
      <span>Test image (0–{formatInt(count - 1)})</span>
      <input
        type="number"
        min={0}
        max={count - 1}
        step={1}
        value={draft ?? String(index)}
        data-testid="tryit-index"
        onChange={(e) => {
          setDraft(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isInteger(v) && v >= 0 && v < count) onChange(v);
        }}
        onBlur={() => setDraft(null)}
      />
    </label>
  );
}
