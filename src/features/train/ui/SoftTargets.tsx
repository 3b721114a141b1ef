import { memo, useDeferredValue, useMemo, useState } from 'react';
import {
  selectKdImageIndex,
  selectMisclassified,
  selectSoftTargets,
  selectSoftTargetsCurrent,
  selectSummary,
  selectTestCount,
} from '../../../platform/state/selectors';
import type { State } from '../../../platform/state/store';
import { useStore } from '../../../platform/state/store';
import { PairedBar } from '../../../platform/ui/charts/PairedBar';
import { PixelImage } from '../../../platform/ui/PixelImage';
import { formatInt } from '../../../platform/shared/format';
import { useDim } from '../../../platform/ui/useDim';
import { argmax, formatProbability, softmaxT } from '../shared/softmax';

const T1_COLOR = '#8a94a8';
const T_COLOR = '#e8590c';
/** The image's side on screen, in CSS pixels (28 × 4: each pixel a 4 × 4 block). */
const IMAGE_PX = 112;

const selectTemperature = (s: State) => s.config.train.temperature;

/**
 * Distillation's "dark knowledge" (Hinton et al. 2015): for one test image, the teacher's softmax
 * at T = 1 beside its softmax at the distillation temperature, the soft targets the student
 * learns from. The worker sends the image and the teacher's logits; the two softmaxes of ten
 * logits are taken here, so the temperature slider redraws without a trip to the worker.
 */
export function SoftTargets() {
  const index = useStore(selectKdImageIndex);
  const count = useStore(selectTestCount);
  const targets = useDeferredValue(useStore(selectSoftTargets));
  const current = useStore(selectSoftTargetsCurrent);
  const temperature = useStore(selectTemperature);
  const classes = useStore((s) => selectSummary(s)?.dataset.classes ?? null);
  const teacher = useStore((s) => selectSummary(s)?.meta.name ?? null);
  const misclassified = useStore(selectMisclassified);
  const setTrain = useStore((s) => s.setTrain);
  const dim = useDim(current);
  if (index === null || count === null) return null;
  const go = (i: number) => setTrain({ kdImage: Math.max(0, Math.min(count - 1, i)) });
  const next = misclassified ? nextIn(misclassified.indices, index) : null;
  return (
    <section className="panel" aria-label="Soft targets of a test image">
      <h2>Dark knowledge: the teacher&apos;s soft targets</h2>
      <div
        className={dim ? 'kd-view stale' : 'kd-view'}
        data-testid="soft-targets"
        data-current={current}
        data-index={targets?.index ?? ''}
        data-temperature={temperature}
        style={{ display: 'flex', gap: '1.2rem', flexWrap: 'wrap', alignItems: 'flex-start' }}
      >
        <div style={{ display: 'flex', flexDirection: 'column', gap: '0.5rem', width: '13rem' }}>
          {targets ? (
            <PixelImage
              pixels={targets.pixels}
              shape={targets.shape}
              size={IMAGE_PX}
              label={`Test image ${targets.index}`}
              testId="kd-image"
            />
          ) : (
            <div style={{ width: IMAGE_PX, height: IMAGE_PX, background: '#f1f3f7' }} />
          )}
          <ImageIndexInput index={index} count={count} onChange={go} />
          <div className="run-actions" style={{ flexWrap: 'wrap', margin: 0, gap: '0.4rem' }}>
            <button type="button" onClick={() => go(index - 1)} disabled={index === 0}>
              Previous
            </button>
            <button type="button" onClick={() => go(index + 1)} disabled={index === count - 1}>
              Next
            </button>
            <button
              type="button"
              onClick={() => next !== null && go(next)}
              disabled={next === null}
              title="The next test image the teacher gets wrong"
            >
              Next misclassified
            </button>
          </div>
          <small className="muted" data-testid="misclassified-count">
            {misclassified
              ? `The teacher misclassifies ${formatInt(misclassified.indices.length)} of ${formatInt(misclassified.count)} test images.`
              : 'Finding the test images the teacher misclassifies…'}
          </small>
        </div>
        <div style={{ flex: '1 1 22rem', minWidth: 0 }}>
          {targets && classes ? (
            <ProbabilityBars
              logits={targets.logits}
              label={targets.label}
              index={targets.index}
              temperature={temperature}
              classes={classes}
            />
          ) : (
            <p className="muted">Computing the teacher&apos;s outputs…</p>
          )}
        </div>
      </div>
      <p className="muted small">
        The soft targets the student learns from: the softmax over the classes of the teacher
        {teacher ? ` (${teacher}, the model picked above)` : ''} for this test image, at T = 1
        (grey: its prediction) and at the distillation temperature T = {temperature} (orange:
        softmax(z / T) of its logits z, what the loss compares the student&apos;s softened output
        with). T flattens the softmax, so the small probabilities — which classes this image
        resembles — carry signal; at T = 1 they are mostly near zero. The student also learns from
        the label, with weight 1 − α.
      </p>
    </section>
  );
}

/** The first index in `sorted` after `current`, wrapping to the first; null when it is empty. */
function nextIn(sorted: Int32Array, current: number): number | null {
  for (const i of sorted) if (i > current) return i;
  return sorted.length > 0 ? sorted[0]! : null;
}

/** A number field that accepts what is typed once it is a test image, and reverts on blur. */
function ImageIndexInput({
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

/** Per class, two bars: the teacher's probability at T = 1 and at T, values printed. */
const ProbabilityBars = memo(function ProbabilityBars({
  logits,
  label,
  index,
  temperature,
  classes,
}: {
  logits: Float32Array;
  label: number;
  index: number;
  temperature: number;
  classes: readonly string[];
}) {
  const { p1, pT, top } = useMemo(() => {
    const p1 = softmaxT(logits, 1);
    return { p1, pT: softmaxT(logits, temperature), top: argmax(p1) };
  }, [logits, temperature]);
  const name = (k: number) => classes[k] ?? String(k);
  const rows = Array.from(p1, (p, k) => ({ k, p1: p, pT: pT[k]! }));
  return (
    <>
      <p style={{ margin: '0 0 0.3rem' }} data-testid="kd-verdict">
        Label <b>{name(label)}</b>; the teacher says <b>{name(top)}</b> (
        {formatProbability(p1[top]!)} at T = 1)
        {top === label ? '.' : <span className="run-problem"> — misclassified.</span>}
      </p>
      <div className="legend" aria-hidden="true">
        <span>
          <i style={{ background: T1_COLOR }} /> T = 1
        </span>
        <span>
          <i style={{ background: T_COLOR }} /> T = {temperature}
        </span>
      </div>
      <div
        className="hbars"
        role="img"
        aria-label={`Teacher's softmax for test image ${index} (label ${name(label)}), at T = 1 and T = ${temperature}: ${rows
          .map((r) => `${name(r.k)} ${formatProbability(r.p1)} and ${formatProbability(r.pT)}`)
          .join(', ')}`}
      >
        {rows.map((r) => (
          <div
            key={r.k}
            className="hbar-row"
            data-testid="soft-target-row"
            data-p1={r.p1}
            data-pt={r.pT}
            style={{ gridTemplateColumns: '6.5rem 1fr 4.5rem' }}
          >
            <span
              className="hbar-label"
              style={r.k === label ? { color: 'inherit', fontWeight: 700 } : undefined}
            >
              {name(r.k)}
              {r.k === label ? ' ✓' : ''}
            </span>
            <PairedBar
              top={{ fraction: r.p1, color: T1_COLOR }}
              bottom={{ fraction: r.pT, color: T_COLOR }}
            />
            <span className="hbar-value" style={{ lineHeight: 1.05, fontSize: '0.78rem' }}>
              <span style={{ display: 'block', color: '#5b6478' }}>{formatProbability(r.p1)}</span>
              <span style={{ display: 'block' }}>{formatProbability(r.pT)}</span>
            </span>
          </div>
        ))}
      </div>
    </>
  );
});
