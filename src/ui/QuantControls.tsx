import { OBSERVERS } from '../core/config';
import type { ActQuant, WeightQuant } from '../core/config';
import { useStore } from '../state/store';
import { BitsSlider } from './BitsSlider';

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

/** The offered values, plus the current one if a link set another. */
function withCurrent(values: readonly number[], current: number): number[] {
  return values.includes(current) ? [...values] : [...values, current].sort((x, y) => x - y);
}

function describeWeightBits(w: WeightQuant) {
  return (bits: number) => {
    if (bits === 1) return '1 bit · binary α·sign(w)';
    if (bits === 2 && w.ternary) return '2 bits · ternary {−α, 0, +α}';
    const levels = w.scheme === 'symmetric' ? 2 ** bits - 1 : 2 ** bits;
    return `${bits} bits · ${levels} levels`;
  };
}

export function QuantControls() {
  const w = useStore((s) => s.config.weights);
  const a = useStore((s) => s.config.acts);
  const setW = useStore((s) => s.setWeightQuant);
  const setA = useStore((s) => s.setActQuant);
  const isInt = w.format === 'int';
  return (
    <section className="panel controls" aria-label="Quantization settings">
      <h2>Weights</h2>
      <label className="field">
        <span>Weight format</span>
        <select
          value={w.format}
          onChange={(e) => setW({ format: e.target.value as WeightQuant['format'] })}
        >
          <option value="int">Integer (1–8 bits)</option>
          <option value="float16">float16 (IEEE half)</option>
          <option value="bfloat16">bfloat16 (brain float)</option>
          <option value="float32">float32 (no quantization)</option>
        </select>
      </label>
      <BitsSlider
        label="Weight bits"
        value={w.bits}
        min={1}
        max={8}
        disabled={!isInt}
        describe={describeWeightBits(w)}
        onChange={(bits) => setW({ bits })}
      />
      <fieldset className="field radio-row" disabled={!isInt || w.bits === 1}>
        <legend>Scheme</legend>
        <label title="Signed codes −(2^(b−1)−1)…2^(b−1)−1, zero-point 0: the grid is centred on 0 (torch qint8 weights).">
          <input
            type="radio"
            name="wscheme"
            checked={w.scheme === 'symmetric'}
            onChange={() => setW({ scheme: 'symmetric' })}
          />
          symmetric
        </label>
        <label title="Unsigned codes 0…2^b−1 with a zero-point: the grid covers [min, max] exactly (torch quint8).">
          <input
            type="radio"
            name="wscheme"
            checked={w.scheme === 'affine'}
            onChange={() => setW({ scheme: 'affine' })}
          />
          affine
        </label>
      </fieldset>
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
      <p className="muted small">
        Biases stay float32: they are few, and integer kernels add them at high precision.
      </p>

      <h2>Activations</h2>
      <label className="field">
        <span>Activation bits</span>
        <select value={a.bits} onChange={(e) => setA({ bits: Number(e.target.value) })}>
          <option value={0}>float32 (weights only)</option>
          {[8, 7, 6, 5, 4, 3, 2].map((b) => (
            <option key={b} value={b}>
              {b} bits
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field radio-row" disabled={a.bits === 0}>
        <legend>Activation scheme</legend>
        <label>
          <input
            type="radio"
            name="ascheme"
            checked={a.scheme === 'affine'}
            onChange={() => setA({ scheme: 'affine' })}
          />
          affine
        </label>
        <label>
          <input
            type="radio"
            name="ascheme"
            checked={a.scheme === 'symmetric'}
            onChange={() => setA({ scheme: 'symmetric' })}
          />
          symmetric
        </label>
      </fieldset>
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
    </section>
  );
}
