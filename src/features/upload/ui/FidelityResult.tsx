import { useId, useState } from 'react';
import type { DragEvent } from 'react';
import { useStore } from '../../../platform/state/store';
import { selectSummary } from '../../../platform/state/selectors';
import { formatInt, formatNumber, formatPercent } from '../../../platform/shared/format';
import { useUploads } from '../state/appUploads';
import { fidelityKey, ownInputs } from '../state/jobs';
import { describeConversion, imageFormOf } from '../shared/userInputs';
import type { FidelityInputs, InputProblem } from '../shared/userInputs';
import { readInputs } from './readInputs';

/**
 * An uploaded model measured by fidelity: how close the compressed model's outputs stay to the
 * original's (top-1 agreement and KL divergence), on the model's seeded synthetic inputs or on
 * images (or a .npy array) the user drops in. Kept beside the picker, so it stays in view in
 * both labs.
 */
export function FidelityResult() {
  const config = useStore((s) => s.config);
  const fidelity = useStore((s) => s.fidelity);
  const busy = useStore((s) => s.busy.has('fidelity'));
  const key = useStore(fidelityKey);
  const own = useStore(ownInputs);
  const info = useUploads((s) => s.models.find((m) => m.id === config.uploaded));
  if (!info || info.evaluation !== 'fidelity') return null;
  const inLab = config.view === 'quantize' || config.view === 'prune';
  const current = fidelity !== null && fidelity.key === key;
  const f = fidelity?.data;
  const on = (x: { count: number; source: 'synthetic' | 'yours' }, images: boolean) =>
    x.source === 'yours'
      ? `on ${formatInt(x.count)} of your ${images ? 'images' : 'inputs'}`
      : `on ${formatInt(x.count)} seeded synthetic inputs`;
  const mineAreImages = own !== null && own.arrays === 0;
  return (
    <section
      className="upload-fidelity"
      aria-label="Fidelity of the compressed model"
      data-testid="fidelity"
      data-current={String(current)}
      data-source={f?.source ?? ''}
    >
      <h3>Fidelity to the original</h3>
      {!inLab ? (
        <p className="muted">Measured for the compressed model in the Quantize and Prune labs.</p>
      ) : !f ? (
        <p className="muted">{busy ? 'Measuring…' : 'Not measured yet.'}</p>
      ) : (
        <div className={current ? '' : 'stale'}>
          <p data-testid="fidelity-on">
            Top-1 agreement: <b data-testid="fidelity-agreement">{formatPercent(f.agreement)}</b>{' '}
            {on(f, f.source === 'yours' && mineAreImages)}
          </p>
          <p>
            KL(original ‖ compressed): <b data-testid="fidelity-kl">{formatNumber(f.kl, 4)}</b> nats
            mean, {formatNumber(f.maxKl, 4)} at most (outputs read as{' '}
            {f.outputs === 'logits' ? 'logits, softmaxed' : 'probabilities'})
          </p>
          {!current && <p className="muted">updating…</p>}
          {f.source === 'yours' && (
            <p className="muted small">The lab&apos;s accuracy stays on the synthetic inputs.</p>
          )}
        </div>
      )}
      <OwnInputs modelId={info.id} inputShape={info.inputShape} own={own} />
    </section>
  );
}

let nextSetId = 1;

/** The user's own inputs: a file picker and a drop zone, what they became, and their problems. */
function OwnInputs({
  modelId,
  inputShape,
  own,
}: {
  modelId: FidelityInputs['modelId'];
  /** The model's declared input shape (images are read in it when it is one). */
  inputShape: readonly number[] | null;
  own: FidelityInputs | null;
}) {
  const shape = useStore((s) => selectSummary(s)?.dataset.imageShape ?? null);
  const setInputs = useStore((s) => s.setFidelityInputs);
  const [reading, setReading] = useState<readonly string[] | null>(null);
  const [problems, setProblems] = useState<readonly InputProblem[]>([]);
  const [over, setOver] = useState(false);
  const hint = useId();
  if (!shape) return null;
  const [h, w, c] = shape;
  const image = imageFormOf(inputShape);
  const declared = inputShape ? inputShape.join('×') : `${h}×${w}×${c}`;
  const take = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const files = Array.from(list);
    setReading(files.map((f) => f.name));
    setProblems([]);
    try {
      const r = await readInputs(files, [h, w, c], image);
      setProblems(r.problems);
      if (r.count > 0)
        setInputs({
          modelId,
          id: nextSetId++,
          values: r.values,
          count: r.count,
          shape: [h, w, c],
          images: r.images,
          arrays: r.arrays,
        });
    } finally {
      setReading(null);
    }
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    void take(e.dataTransfer.files);
  };
  return (
    <div
      className={`upload-drop upload-own${over ? ' over' : ''}`}
      data-testid="fidelity-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label className="field">
        <span>Measure on your own inputs</span>
        <input
          type="file"
          multiple
          accept={image ? 'image/png,image/jpeg,.npy' : '.npy'}
          aria-describedby={hint}
          data-testid="fidelity-input"
          onChange={(e) => {
            void take(e.target.files);
            e.target.value = '';
          }}
        />
      </label>
      <small id={hint}>
        Choose or drop {image ? 'PNG or JPEG images, or ' : ''}a .npy array of N×{declared} (float32
        in 0–1, or uint8). {describeConversion(image, inputShape)} Kept in memory only: not in the
        link, gone after a reload.
      </small>
      <div aria-live="polite" data-testid="fidelity-inputs">
        {reading ? (
          <p className="muted">Reading {formatInt(reading.length)} files…</p>
        ) : own ? (
          <p>
            Using {formatInt(own.count)} of your {own.arrays === 0 ? 'images' : 'inputs'} (
            {declared}).{' '}
            <button type="button" onClick={() => setInputs(null)}>
              Use synthetic inputs
            </button>
          </p>
        ) : null}
      </div>
      {problems.length > 0 && (
        <div className="upload-problems" role="alert" data-testid="fidelity-problems">
          <p>
            <b>Not used:</b>
          </p>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                {p.file} {p.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setProblems([])}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
