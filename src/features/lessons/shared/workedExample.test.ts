import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binarize,
  computeQParams,
  quantizeUniform,
  type QScheme,
  type RoundingMode,
  type SymRange,
} from '../../quantize';
import {
  WORKED_WEIGHTS,
  formatWorked,
  workedExample,
  type WorkedExample,
  type WorkedExampleOptions,
} from './workedExample';

const SCHEMES: readonly QScheme[] = ['affine', 'symmetric'];
const RANGES: readonly SymRange[] = ['restricted', 'full'];
const ROUNDINGS: readonly { rounding: RoundingMode; seed?: number }[] = [
  { rounding: 'nearest' },
  { rounding: 'stochastic', seed: 0 },
  { rounding: 'stochastic', seed: 7 },
  { rounding: 'stochastic', seed: 20261123 },
];

/** The float32 bit patterns, so that −0 ≠ +0 and every ulp counts. */
const bitsOf = (v: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(v).buffer));
const dequantized = (w: WorkedExample) => w.rows.map((r) => r.dequantized);

/** What the Quantize lab computes for one per-tensor layer holding `values`. */
function lab(values: readonly number[], o: WorkedExampleOptions) {
  const x = Float32Array.from(values);
  return o.bits === 1
    ? binarize(x, [x.length], { perChannel: false })
    : quantizeUniform(x, [x.length], {
        bits: o.bits,
        scheme: o.scheme,
        symRange: o.symRange,
        perChannel: false,
        rounding: o.rounding,
        seed: o.seed,
      });
}

function expectSameAsLab(values: readonly number[], o: WorkedExampleOptions): void {
  const w = workedExample({ ...o, values });
  const q = lab(values, o);
  expect(bitsOf(dequantized(w))).toEqual(bitsOf(q.values));
  expect(w.rows.map((r) => r.code)).toEqual(Array.from(q.codes));
  expect(w.scale).toBe(q.scale[0]);
  expect(w.zeroPoint).toBe(q.zeroPoint[0]);
  expect([w.qmin, w.qmax]).toEqual([q.qmin, q.qmax]);
}

describe('the worked example agrees with the lab bit for bit', () => {
  it('the lesson’s weights, bits 2..8 × schemes × symmetric ranges × roundings', () => {
    for (let bits = 2; bits <= 8; bits++) {
      for (const scheme of SCHEMES) {
        for (const symRange of RANGES) {
          for (const r of ROUNDINGS) {
            expectSameAsLab(WORKED_WEIGHTS, { bits, scheme, symRange, ...r });
          }
        }
      }
    }
  });

  it('at 1 bit equals binarize, whatever the other settings', () => {
    for (const scheme of SCHEMES) {
      for (const r of ROUNDINGS) {
        const w = workedExample({ bits: 1, scheme, symRange: 'full', ...r });
        expect(w.method).toBe('binary');
        expectSameAsLab(WORKED_WEIGHTS, { bits: 1, scheme, ...r });
      }
    }
  });

  it('any vector, including one-signed, constant and zero ones (property)', () => {
    const f32 = fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(f32, { minLength: 1, maxLength: 16 }),
          fc.array(fc.constantFrom(0, 0.5, 1.5, -2.5, 3), { minLength: 1, maxLength: 6 }),
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(...SCHEMES),
        fc.constantFrom(...RANGES),
        fc.constantFrom(...ROUNDINGS),
        (values, bits, scheme, symRange, r) =>
          expectSameAsLab(values, { bits, scheme, symRange, ...r }),
      ),
      { numRuns: 500 },
    );
  });

  it('uses the observer’s qparams (computeQParams on the min and max)', () => {
    for (const scheme of SCHEMES) {
      for (const symRange of RANGES) {
        const w = workedExample({ bits: 5, scheme, symRange });
        const qp = computeQParams(-2.611, 2.043, 5, scheme, symRange);
        expect([w.scale, w.zeroPoint, w.qmin, w.qmax]).toEqual([
          qp.scale,
          qp.zeroPoint,
          qp.qmin,
          qp.qmax,
        ]);
      }
    }
  });
});

describe('the steps and their numbers (4-bit, the lesson’s weights)', () => {
  it('keeps the weights the lesson’s prose quotes first', () => {
    expect(WORKED_WEIGHTS.slice(0, 3)).toEqual([0.823, -1.275, 2.043]);
    expect(WORKED_WEIGHTS).toHaveLength(8);
    expect(workedExample({ bits: 4, scheme: 'affine' }).rows.map((r) => r.x)).toEqual(
      WORKED_WEIGHTS.map(Math.fround),
    );
  });

  it('affine: range, codes, scale = 4.654 / 15, zero-point 8', () => {
    const w = workedExample({ bits: 4, scheme: 'affine' });
    expect(w.method).toBe('uniform');
    expect(w.observed).toEqual({ min: Math.fround(-2.611), max: Math.fround(2.043) });
    expect(w.range).toEqual(w.observed); // already contains 0
    expect([w.qmin, w.qmax]).toEqual([0, 15]);
    expect(w.scale).toBeCloseTo(4.654 / 15, 6);
    expect(w.zeroPoint).toBe(8); // −round(−2.611 / 0.31027) = −round(−8.415)
    expect(w.steps.map((s) => s.formula)).toEqual([
      'min = min(−2.611, 0) = −2.611;  max = max(2.043, 0) = 2.043',
      'qmin = 0, qmax = 2⁴ − 1 = 15',
      'scale = (max − min) / (qmax − qmin) = (2.043 − (−2.611)) / 15 = 0.3103',
      'zeroPoint = qmin − round(min / scale) = 0 − round(−2.611 / 0.3103) = 0 − round(−8.415) = 0 − (−8) = 8',
    ]);
    expect(w.notes).toEqual([]);
  });

  it('affine rows: x / scale + zp, the code, x̂ = (q − zp) · scale and the error', () => {
    const w = workedExample({ bits: 4, scheme: 'affine' });
    const s = 4.654 / 15;
    // By hand: 0.823 / 0.31027 = 2.653 → 3 → 11; −1.275 → −4.109 → −4 → 4; 2.043 → 6.585 →
    // 7 → 15; −2.611 → −8.415 → −8 → 0.
    expect(w.rows.map((r) => r.code)).toEqual([11, 4, 15, 7, 8, 0, 13, 5]);
    const [a, b, c] = w.rows;
    expect(a!.real).toBeCloseTo(0.823 / s + 8, 4);
    expect(a!.dequantized).toBeCloseTo(3 * s, 6);
    expect(a!.error).toBeCloseTo(3 * s - 0.823, 6);
    expect(b!.dequantized).toBeCloseTo(-4 * s, 6);
    expect(c!.dequantized).toBeCloseTo(7 * s, 6);
    expect(a!.formula).toBe(
      'q = round(0.823 / 0.3103) + 8 = round(2.653) + 8 = 3 + 8 = 11;  x̂ = (11 − 8) · 0.3103 = 0.9308;  error = +0.1078',
    );
    expect(w.rows[4]!.formula).toBe(
      'q = round(0.054 / 0.3103) + 8 = round(0.174) + 8 = 0 + 8 = 8;  x̂ = (8 − 8) · 0.3103 = 0;  error = −0.054',
    );
    for (const r of w.rows) {
      expect(r.error).toBe(r.dequantized - r.x);
      expect(r.rounded).toBe(Math.round(r.real!) + 0); // no exact .5 ties here
      expect(r.clipped).toBe(false);
    }
    // The largest error is the top code's: 7 · s − 2.043 (the zero-point's rounding moved the
    // grid), tied with the bottom one's: −2.611 − (−8 · s).
    expect(w.totals.maxAbsError).toBeCloseTo(7 * s - 2.043, 5);
    const sq = w.rows.reduce((t, r) => t + (r.dequantized - r.x) ** 2, 0) / 8;
    expect(w.totals.mse).toBeCloseTo(sq, 12);
    expect(w.totals.clipped).toBe(0);
  });

  it('symmetric restricted: scale = 2.611 / 7, −2.611 exactly the code −7', () => {
    const w = workedExample({ bits: 4, scheme: 'symmetric' });
    expect([w.qmin, w.qmax, w.zeroPoint]).toEqual([-7, 7, 0]);
    expect(w.scale).toBeCloseTo(2.611 / 7, 7);
    expect(w.steps.map((s) => s.formula).slice(1)).toEqual([
      'qmin = −(2³ − 1) = −7, qmax = 2³ − 1 = 7',
      'scale = max(|min|, max) / ((qmax − qmin) / 2) = 2.611 / 7 = 0.373',
      'zeroPoint = 0 (symmetric: the grid is centred on 0)',
    ]);
    expect(w.rows.map((r) => r.code)).toEqual([2, -3, 5, -1, 0, -7, 4, -3]);
    expect(w.rows[0]!.formula).toBe(
      'q = round(0.823 / 0.373) = round(2.206) = 2;  x̂ = 2 · 0.373 = 0.746;  error = −0.077',
    );
    expect(w.rows[5]!.dequantized).toBe(Math.fround(-2.611));
  });

  it('symmetric full: scale = 2.611 / 7.5, codes −8..7, −2.611 at −7.5 rounds to −8', () => {
    const w = workedExample({ bits: 4, scheme: 'symmetric', symRange: 'full' });
    expect([w.qmin, w.qmax]).toEqual([-8, 7]);
    expect(w.scale).toBeCloseTo(2.611 / 7.5, 7);
    expect(w.steps[1]!.formula).toBe('qmin = −2³ = −8, qmax = 2³ − 1 = 7');
    expect(w.steps[2]!.formula).toBe(
      'scale = max(|min|, max) / ((qmax − qmin) / 2) = 2.611 / 7.5 = 0.3481',
    );
    expect(w.rows[5]!.real).toBeCloseTo(-7.5, 5);
    expect(w.rows[5]!.code).toBe(-8);
    expect(w.notes.join(' ')).toMatch(/one more negative code \(−8\)/);
  });

  it('8-bit affine: scale = 4.654 / 255, zero-point 143', () => {
    const w = workedExample({ bits: 8, scheme: 'affine' });
    expect(w.scale).toBeCloseTo(4.654 / 255, 8);
    expect(w.zeroPoint).toBe(143);
    expect(w.steps[2]!.formula).toMatch(/\/ 255 = 0\.01825$/);
    expect(w.totals.maxAbsError).toBeLessThanOrEqual(w.scale / 2 + 1e-7);
  });

  it('1 bit: α = mean |w| = 9.593 / 8, codes the signs, and says why', () => {
    const w = workedExample({ bits: 1, scheme: 'affine' });
    expect(w.method).toBe('binary');
    expect(w.range).toBeNull();
    expect(w.scale).toBe(Math.fround(9.593 / 8));
    expect([w.qmin, w.qmax, w.zeroPoint]).toEqual([-1, 1, 0]);
    expect(w.rows.map((r) => r.code)).toEqual([1, -1, 1, -1, 1, -1, 1, -1]);
    expect(w.rows.every((r) => r.real === null)).toBe(true);
    expect(w.steps.find((s) => s.id === 'alpha')!.formula).toBe(
      'α = mean |x| = (0.823 + 1.275 + 2.043 + 0.317 + 0.054 + 2.611 + 1.502 + 0.968) / 8 = 1.199',
    );
    expect(w.rows[0]!.formula).toBe(
      'q = sign(0.823) = +1;  x̂ = 1 · 1.199 = 1.199;  error = +0.3761',
    );
    expect(w.notes[0]).toMatch(/binariz/);
  });

  it('1 bit on a long vector elides the middle of the mean', () => {
    const values = Array.from({ length: 20 }, (_, i) => i - 10);
    const f = workedExample({ bits: 1, scheme: 'affine', values }).steps[1]!.formula;
    expect(f).toBe('α = mean |x| = (10 + 9 + 8 + … + 9) / 20 = 5');
  });
});

describe('what the settings change', () => {
  it('widens a one-signed range to include 0, and says so', () => {
    const w = workedExample({ bits: 2, scheme: 'affine', values: [0.5, 1.25, 3] });
    expect(w.observed).toEqual({ min: 0.5, max: 3 });
    expect(w.range).toEqual({ min: 0, max: 3 });
    expect(w.steps[0]!.formula).toBe('min = min(0.5, 0) = 0;  max = max(3, 0) = 3');
    expect(w.scale).toBe(1);
    expect(w.rows.map((r) => r.code)).toEqual([0, 1, 3]); // 0.5 is a tie: half to even → 0
    expect(w.notes.join(' ')).toMatch(/include 0/);
  });

  it('counts and shows clipping: full range, +max|w| half a step above the top code', () => {
    // 2-bit full: codes −2..1, scale = 1 / 1.5; 1 / scale = 1.5 → round half to even → 2 → 1.
    const w = workedExample({ bits: 2, scheme: 'symmetric', symRange: 'full', values: [1, -0.5] });
    expect(w.rows[0]!.rounded).toBe(2);
    expect(w.rows[0]!.code).toBe(1);
    expect(w.rows[0]!.clipped).toBe(true);
    expect(w.rows[0]!.formula).toContain('clamped to [−2, 1]: 1');
    expect(w.totals.clipped).toBe(1);
    expectSameAsLab([1, -0.5], { bits: 2, scheme: 'symmetric', symRange: 'full' });
  });

  it('puts the zero-point at the top code when no weight is positive', () => {
    const values = [-1, 0];
    const w = workedExample({ bits: 2, scheme: 'affine', values });
    expect(w.zeroPoint).toBe(3);
    expect(w.steps[3]!.formula).toBe(
      'zeroPoint = qmin − round(min / scale) = 0 − round(−1 / 0.3333) = 0 − round(−3) = 0 − (−3) = 3',
    );
  });

  it('floors a zero scale at ε and says so', () => {
    const w = workedExample({ bits: 4, scheme: 'symmetric', values: [0, 0] });
    expect(w.steps[2]!.formula).toBe(
      'scale = max(|min|, max) / ((qmax − qmin) / 2) = max(0 / 7, ε) = 1.192e−7',
    );
    expect(w.rows.map((r) => r.dequantized)).toEqual([0, 0]);
  });

  it('stochastic rounding: floor or ceiling of x / scale, depending on the seed', () => {
    const codes = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const w = workedExample({ bits: 3, scheme: 'symmetric', rounding: 'stochastic', seed });
      for (const r of w.rows) {
        expect([Math.floor(r.real!), Math.ceil(r.real!)]).toContain(r.rounded);
        expect(r.formula).toMatch(/^q = stochastic round\(/);
      }
      expect(w.notes.join(' ')).toContain(`seed ${seed}`);
      codes.add(w.rows.map((r) => r.code).join());
    }
    expect(codes.size).toBeGreaterThan(1);
    // The same seed, the same codes.
    const a = workedExample({ bits: 3, scheme: 'affine', rounding: 'stochastic', seed: 5 });
    const b = workedExample({ bits: 3, scheme: 'affine', rounding: 'stochastic', seed: 5 });
    expect(a.rows).toEqual(b.rows);
  });

  it('rejects bad bit widths and bad values', () => {
    for (const bits of [0, 17, 2.5, NaN]) {
      expect(() => workedExample({ bits, scheme: 'affine' })).toThrow(RangeError);
    }
    expect(() => workedExample({ bits: 4, scheme: 'affine', values: [] })).toThrow(RangeError);
    expect(() => workedExample({ bits: 4, scheme: 'affine', values: [1, NaN] })).toThrow(
      RangeError,
    );
    expect(() => workedExample({ bits: 4, scheme: 'affine', values: [Infinity] })).toThrow(
      RangeError,
    );
  });
});

describe('formatWorked', () => {
  it('prints 4 significant digits with a real minus sign', () => {
    expect(formatWorked(0)).toBe('0');
    expect(formatWorked(Math.fround(2.043))).toBe('2.043');
    expect(formatWorked(Math.fround(-2.611))).toBe('−2.611');
    expect(formatWorked(4.654 / 15)).toBe('0.3103');
    expect(formatWorked(7.5)).toBe('7.5');
    expect(formatWorked(143)).toBe('143');
    expect(formatWorked(12345)).toBe('1.235e4');
    expect(formatWorked(0.00012346)).toBe('0.0001235');
    expect(formatWorked(-1.1920928955078125e-7)).toBe('−1.192e−7');
  });
});
