import { OBSERVERS } from '../../../platform/shared/config';
import type { ActQuant, WeightQuant } from '../../../platform/shared/config';
import { Shown } from '../../../platform/ui/Shown';
import { levelCount, quantRange } from '../shared/qparams';
import { CONTROL_IDS } from '../../compress';
import { useStore } from '../../../platform/state/store';
import { BitsSlider } from '../../../platform/ui/BitsSlider';
import { withCurrent } from '../../../platform/ui/options';

const OBSERVER_LABELS: Record<ActQuant['observer'], string> = {
  minmax: 'MinMax',
  movingAverageMinMax: 'Moving-average MinMax',
  percentile: 'Percentile',
  mse: 'MSE-optimal clipping',
};

const OBSERVER_HELP: Record<ActQuant['observer'], string> = {
  minmax: 'Range = smallest and largest value seen. One outlier stretches the grid for everyone.',
  movingAverageMinMax:
    'Like MinMax, but each batch moves the range only 1% of the way (torch default): outlier batches matter less.',
  percentile:
    'Clip the rare extreme values: the range covers the given percentile of what was seen.',
  mse: 'Try many clip ranges, keep the one with the smallest quantization error (clipping error + rounding error).',
};

function describeWeightBits(w: WeightQuant) {
  return (bits: number) => {
    if (bits === 1) return '1 bit · binary α·sign(w)';
    if (bits === 2 && w.ternary) return '2 bits · ternary {−α, 0, +α}';
    return `${bits} bits · ${levelCount(bits, w.scheme, w.symRange)} levels`;
  };
}

type Scheme = Pick<WeightQuant, 'scheme' | 'symRange'>;
type SchemeChoice = 'restricted' | 'full' | 'affine';

const SCHEME_CHOICES: readonly {
  choice: SchemeChoice;
  label: string;
  title: string;
  patch: Partial<Scheme>;
}[] = [
  {
    choice: 'restricted',
    label: 'symmetric, restricted',
    title:
      'Signed codes −(2^(b−1)−1)…2^(b−1)−1, zero-point 0, scale max|x|/(2^(b−1)−1): the grid is symmetric about 0 and one code is never used (TFLite int8 weights: −127…127). At 2 bits: {−1, 0, 1}·max|x|.',
    patch: { scheme: 'symmetric', symRange: 'restricted' },
  },
  {
    choice: 'full',
    label: 'symmetric, full range',
    title:
      "Signed codes −2^(b−1)…2^(b−1)−1, zero-point 0, scale max|x|/((qmax−qmin)/2) = max|x|/(2^(b−1)−½): every code used, the positive end half a step short (torch's default qint8 observer: −128…127, scale max|x|/127.5). At 2 bits: {−2, −1, 0, 1}·max|x|/1.5.",
    patch: { scheme: 'symmetric', symRange: 'full' },
  },
  {
    choice: 'affine',
    label: 'affine',
    title:
      'Unsigned codes 0…2^b−1 with a zero-point: the grid covers [min, max] exactly (torch quint8: 0…255).',
    patch: { scheme: 'affine' },
  },
];

function schemeChoice(s: Scheme): SchemeChoice {
  return s.scheme === 'affine' ? 'affine' : s.symRange;
}

/** The grid at `bits` bits in one line: its codes and how the scale follows from the range. */
function gridNote(bits: number, s: Scheme, x: string): string {
  const { qmin, qmax } = quantRange(bits, s.scheme, s.symRange);
  const codes = `${bits} bits: codes ${qmin < 0 ? '−' : ''}${Math.abs(qmin)}…${qmax}`;
  if (s.scheme === 'affine') return `${codes}, s = (max − min)/${qmax}, z = −round(min/s)`;
  return `${codes}, s = max|${x}|/${(qmax - qmin) / 2}, z = 0`;
}

/**
 * The scheme as three choices: the two signed conventions of symmetric quantization and affine.
 * `bits` = null: the scheme does not apply (binary, ternary, float): no grid line.
 */
function SchemeRadios(props: {
  name: string;
  legend: string;
  value: Scheme;
  bits: number | null;
  x: string;
  disabled: boolean;
  onChange: (patch: Partial<Scheme>) => void;
}) {
  const current = schemeChoice(props.value);
  return (
    <fieldset className="field radio-row" disabled={props.disabled}>
      <legend>{props.legend}</legend>
      {SCHEME_CHOICES.map((c) => (
        <label key={c.choice} title={c.title}>
          <input
            type="radio"
            name={props.name}
            checked={current === c.choice}
            onChange={() => props.onChange(c.patch)}
          />
          {c.label}
        </label>
      ))}
      {props.bits !== null && <small>{gridNote(props.bits, props.value, props.x)}</small>}
    </fieldset>
  );
}

const FLOAT_NOTE: Partial<Record<WeightQuant['format'], string>> = {
  float32: 'The trained weights as they are: 32 bits each, no grid.',
  float16: 'IEEE half precision: 16 bits (5 exponent, 10 mantissa), no integer grid, no scale.',
  bfloat16:
    'Brain float: 16 bits (8 exponent, 7 mantissa), float32’s range with less precision; no grid.',
};

export function QuantControls() {
  const w = useStore((s) => s.config.weights);
  const a = useStore((s) => s.config.acts);
  const c = useStore((s) => s.config.cluster);
  const setW = useStore((s) => s.setWeightQuant);
  const setA = useStore((s) => s.setActQuant);
  const isInt = w.format === 'int';
  // Binary (1 bit) and ternary (2 bits + TWN) have no scheme: their grid is ±α (and 0).
  const uniform = isInt && w.bits > 1 && !(w.bits === 2 && w.ternary);
  return (
    <section className="panel controls" aria-label="Quantization settings">
      <h2>Weights</h2>
      <label className="field">
        <span>Weight format</span>
        <select
          id={CONTROL_IDS.weights}
          value={w.format}
          onChange={(e) => setW({ format: e.target.value as WeightQuant['format'] })}
        >
          <option value="int">Integer (1–8 bits)</option>
          <option value="cluster">Shared values (k-means)</option>
          <option value="float16">float16 (IEEE half)</option>
          <option value="bfloat16">bfloat16 (brain float)</option>
          <option value="float32">float32 (no quantization)</option>
        </select>
      </label>
      {w.format === 'cluster' && (
        <p className="muted small" data-testid="cluster-note">
          Each layer&apos;s weights share {c.k} values found by k-means; set k and the
          initialization on Prune &amp; cluster.
        </p>
      )}
      {isInt ? (
        <>
          <BitsSlider
            label="Weight bits"
            value={w.bits}
            min={1}
            max={8}
            disabled={!isInt}
            describe={describeWeightBits(w)}
            onChange={(bits) => setW({ bits })}
          />
          <Shown panel="advanced">
            <SchemeRadios
              name="wscheme"
              legend="Scheme"
              value={w}
              bits={uniform ? w.bits : null}
              x="w"
              disabled={!uniform}
              onChange={setW}
            />
            <fieldset className="field radio-row" disabled={!isInt}>
              <legend>Granularity</legend>
              <label title="One scale for the whole layer.">
                <input
                  type="radio"
                  name="wgran"
                  checked={w.granularity === 'tensor'}
                  onChange={() => setW({ granularity: 'tensor' })}
                />
                per-tensor
              </label>
              <label title="One scale per output channel (Dense unit, Conv2D filter).">
                <input
                  type="radio"
                  name="wgran"
                  checked={w.granularity === 'channel'}
                  onChange={() => setW({ granularity: 'channel' })}
                />
                per-channel
              </label>
            </fieldset>
            <label className="field">
              <span>Rounding</span>
              <select
                value={w.rounding}
                disabled={!isInt || w.bits === 1 || (w.bits === 2 && w.ternary)}
                onChange={(e) => setW({ rounding: e.target.value as WeightQuant['rounding'] })}
              >
                <option value="nearest">nearest (half to even)</option>
                <option value="stochastic">stochastic (seeded)</option>
              </select>
            </label>
            <label className="field checkbox">
              <input
                type="checkbox"
                checked={w.ternary}
                disabled={!isInt}
                onChange={(e) => setW({ ternary: e.target.checked })}
              />
              <span>At 2 bits, use ternary weights (TWN: threshold 0.7·mean|w|)</span>
            </label>
          </Shown>
        </>
      ) : (
        FLOAT_NOTE[w.format] && (
          <p className="muted small" data-testid="float-note">
            {FLOAT_NOTE[w.format]}
          </p>
        )
      )}
      <p className="muted small">
        Biases stay float32: they are few, and integer kernels add them at high precision.
      </p>

      <Shown panel="acts">
        <h2>Activations</h2>
        <label className="field">
          <span>Activation bits</span>
          <select
            id={CONTROL_IDS.acts}
            value={a.bits}
            onChange={(e) => setA({ bits: Number(e.target.value) })}
          >
            <option value={0}>float32 (weights only)</option>
            {[8, 7, 6, 5, 4, 3, 2].map((b) => (
              <option key={b} value={b}>
                {b} bits · {levelCount(b, a.scheme, a.symRange)} levels
              </option>
            ))}
          </select>
        </label>
        <SchemeRadios
          name="ascheme"
          legend="Activation scheme"
          value={a}
          bits={a.bits > 0 ? a.bits : null}
          x="x"
          disabled={a.bits === 0}
          onChange={setA}
        />
        <label className="field">
          <span>Calibration</span>
          <select
            value={a.observer}
            disabled={a.bits === 0}
            onChange={(e) => setA({ observer: e.target.value as ActQuant['observer'] })}
          >
            {OBSERVERS.map((o) => (
              <option key={o} value={o}>
                {OBSERVER_LABELS[o]}
              </option>
            ))}
          </select>
          <small>{OBSERVER_HELP[a.observer]}</small>
        </label>
        {a.observer === 'percentile' && (
          <label className="field">
            <span>Percentile</span>
            <select
              value={a.percentile}
              disabled={a.bits === 0}
              onChange={(e) => setA({ percentile: Number(e.target.value) })}
            >
              {withCurrent([99, 99.9, 99.99, 99.999], a.percentile).map((p) => (
                <option key={p} value={p}>
                  {p}%
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>Calibration images</span>
          <select
            value={a.calibration}
            disabled={a.bits === 0}
            onChange={(e) => setA({ calibration: Number(e.target.value) })}
          >
            {withCurrent([64, 128, 256, 512, 1024, 2048], a.calibration).map((n) => (
              <option key={n} value={n}>
                {n} training images
              </option>
            ))}
          </select>
        </label>
      </Shown>
    </section>
  );
}
