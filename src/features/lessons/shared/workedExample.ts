/**
 * The quantization lesson's worked example: eight weights quantized step by step, each step
 * with its formula and the numbers put in, so that a reader can redo the arithmetic by hand.
 *
 * It is not a re-implementation for show: every number comes from the project's own maths
 * (computeQParams for the range, scale and zero-point, the same float32 reciprocal, rounding and
 * clamping as fakeQuantize, the same seeded stream for stochastic rounding, binarize's rule at
 * 1 bit), and the tests hold the dequantized values bit for bit equal to what the Quantize lab
 * computes for the same settings on the same vector. What the lesson shows is what the lab does.
 */

import { mulberry32, type Random } from '../../../platform/shared/random';
import {
  FLOAT32_EPS,
  MAX_UNIFORM_BITS,
  computeQParams,
  maxAbsError,
  minMaxPerChannel,
  mse,
  roundHalfEven,
  roundStochastic,
  type QScheme,
  type RoundingMode,
  type SymRange,
} from '../../quantize';

/**
 * The lesson's weights: a spread of signs and magnitudes like a small layer's, with an
 * asymmetric range (−2.611 … 2.043) so that affine and symmetric quantization differ visibly.
 * The lesson's prose refers to the first three (0.823, −1.275, 2.043).
 */
export const WORKED_WEIGHTS: readonly number[] = [
  0.823, -1.275, 2.043, -0.317, 0.054, -2.611, 1.502, -0.968,
];

export interface WorkedExampleOptions {
  /** 1..16; 1 is binary (binarize's rule), 2..16 uniform integer quantization. */
  readonly bits: number;
  readonly scheme: QScheme;
  /** Signed range of symmetric quantization (ignored by affine); default `'restricted'`. */
  readonly symRange?: SymRange;
  /** Default `'nearest'` (half to even). */
  readonly rounding?: RoundingMode;
  /** Seed of stochastic rounding (one draw per value, in order, as the lab); default 0. */
  readonly seed?: number;
  /** The weights to quantize; default {@link WORKED_WEIGHTS}. Finite, at least one. */
  readonly values?: readonly number[];
}

/** One step of the derivation, e.g. the scale, with its formula and numbers. */
export interface WorkedStep {
  readonly id: 'range' | 'codes' | 'scale' | 'zeroPoint' | 'alpha';
  readonly title: string;
  /** e.g. 'scale = (max − min) / (qmax − qmin) = (2.043 − (−2.611)) / 15 = 0.3103'. */
  readonly formula: string;
}

/** One weight through the quantizer. */
export interface WorkedRow {
  /** The weight, as the float32 the network stores. */
  readonly x: number;
  /**
   * Its position on the code axis before rounding, x / scale + zeroPoint; null at 1 bit. x /
   * scale is computed as the lab (and torch) does: x times the float32 reciprocal of the scale,
   * rounded to float32, which can differ from a true division in the last place.
   */
  readonly real: number | null;
  /**
   * round(x / scale) + zeroPoint before clamping (torch's order: rounding then the integer
   * zero-point, which equals round(real) but at an exact .5 tie with an odd zero-point); at
   * 1 bit the sign.
   */
  readonly rounded: number;
  /** The code stored: `rounded` clamped to [qmin, qmax]. */
  readonly code: number;
  /** Whether clamping changed the code (the weight lies beyond the representable range). */
  readonly clipped: boolean;
  /** x̂ = (code − zeroPoint) · scale (at 1 bit: code · α), as float32. */
  readonly dequantized: number;
  /** x̂ − x. */
  readonly error: number;
  /** The row's arithmetic, e.g. '0.823 / 0.3103 + 8 = 10.65 → 11; x̂ = (11 − 8) · 0.3103 = …'. */
  readonly formula: string;
}

export interface WorkedExample {
  /** `'binary'` at 1 bit (scheme, symRange and rounding do not apply), else `'uniform'`. */
  readonly method: 'uniform' | 'binary';
  readonly bits: number;
  readonly scheme: QScheme;
  readonly symRange: SymRange;
  readonly rounding: RoundingMode;
  readonly seed: number;
  /** Smallest and largest weight. */
  readonly observed: { readonly min: number; readonly max: number };
  /**
   * The range the observer quantizes for: the observed one widened to include 0 (min(min, 0),
   * max(max, 0), so that 0 is exactly representable), as float32. Null at 1 bit.
   */
  readonly range: { readonly min: number; readonly max: number } | null;
  readonly qmin: number;
  readonly qmax: number;
  /** The step between levels (at 1 bit: α = mean |x|). */
  readonly scale: number;
  /** 0 for symmetric and binary. */
  readonly zeroPoint: number;
  readonly steps: readonly WorkedStep[];
  readonly rows: readonly WorkedRow[];
  readonly totals: {
    readonly maxAbsError: number;
    readonly mse: number;
    /** Rows whose code was clamped. */
    readonly clipped: number;
  };
  /** Remarks the settings call for (1 bit, a widened range, the full range, stochastic). */
  readonly notes: readonly string[];
}

/**
 * Quantizes `values` (default {@link WORKED_WEIGHTS}) per tensor with a MinMax observer, as the
 * Quantize lab does for a layer, and returns every intermediate number with its formula.
 *
 * @throws RangeError for a bit width outside 1..16, or no or non-finite values.
 */
export function workedExample(options: WorkedExampleOptions): WorkedExample {
  const { bits, scheme } = options;
  const symRange = options.symRange ?? 'restricted';
  const rounding = options.rounding ?? 'nearest';
  const seed = options.seed ?? 0;
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_UNIFORM_BITS) {
    throw new RangeError(`the worked example needs bits in 1..${MAX_UNIFORM_BITS}, got ${bits}`);
  }
  const source = options.values ?? WORKED_WEIGHTS;
  if (source.length === 0 || !source.every(Number.isFinite)) {
    throw new RangeError('the worked example needs at least one value, all finite');
  }
  const x = Float32Array.from(source);
  const mm = minMaxPerChannel(x, 1);
  const observed = { min: mm.min[0]!, max: mm.max[0]! };
  const base = { bits, scheme, symRange, rounding, seed, observed };
  return bits === 1 ? binaryExample(x, base) : uniformExample(x, base);
}

type Base = Pick<WorkedExample, 'bits' | 'scheme' | 'symRange' | 'rounding' | 'seed' | 'observed'>;

function uniformExample(x: Float32Array, base: Base): WorkedExample {
  const { bits, scheme, symRange, rounding, seed, observed } = base;
  const qp = computeQParams(observed.min, observed.max, bits, scheme, symRange);
  const { scale, zeroPoint, qmin, qmax } = qp;
  const lo = Math.fround(Math.min(observed.min, 0));
  const hi = Math.fround(Math.max(observed.max, 0));
  const notes: string[] = [];

  const steps: WorkedStep[] = [
    {
      id: 'range',
      title: 'Range (widened to include 0)',
      formula:
        `min = min(${fmt(observed.min)}, 0) = ${fmt(lo)};  ` +
        `max = max(${fmt(observed.max)}, 0) = ${fmt(hi)}`,
    },
    { id: 'codes', title: 'Integer codes', formula: codesFormula(bits, scheme, symRange) },
  ];
  if (lo !== observed.min || hi !== observed.max) {
    notes.push(
      'All weights have the same sign, so the range is widened to include 0: 0 stays exactly ' +
        'representable (zero padding, ReLU zeros), as in torch’s observers.',
    );
  }

  // The observers floor the scale at ε (a zero-width range): show it when it bites.
  const scaled = (expr: string, raw: number) =>
    raw < FLOAT32_EPS ? `max(${expr}, ε) = ${fmt(scale)}` : `${expr} = ${fmt(scale)}`;
  if (scheme === 'affine') {
    const expr = `(${fmt(hi)} − ${paren(lo)}) / ${qmax - qmin}`;
    steps.push({
      id: 'scale',
      title: 'Scale (the step between levels)',
      formula: `scale = (max − min) / (qmax − qmin) = ${scaled(expr, (hi - lo) / (qmax - qmin))}`,
    });
    const ratio = Math.fround(lo / scale);
    const r = roundHalfEven(ratio);
    const unclamped = qmin - r;
    steps.push({
      id: 'zeroPoint',
      title: 'Zero-point (the code of 0)',
      formula:
        `zeroPoint = qmin − round(min / scale) = ${int(qmin)} − round(${fmt(lo)} / ` +
        `${fmt(scale)}) = ${int(qmin)} − round(${fmt(ratio)}) = ${int(qmin)} − ${paren(r)} = ` +
        `${int(unclamped)}` +
        (unclamped !== zeroPoint
          ? `, clamped to [${int(qmin)}, ${int(qmax)}]: ${int(zeroPoint)}`
          : ''),
    });
  } else {
    const absMax = Math.max(-lo, hi);
    const half = (qmax - qmin) / 2;
    steps.push({
      id: 'scale',
      title: 'Scale (the step between levels)',
      formula:
        `scale = max(|min|, max) / ((qmax − qmin) / 2) = ` +
        scaled(`${fmt(absMax)} / ${fmt(half)}`, absMax / half),
    });
    steps.push({
      id: 'zeroPoint',
      title: 'Zero-point (the code of 0)',
      formula: 'zeroPoint = 0 (symmetric: the grid is centred on 0)',
    });
    if (symRange === 'full') {
      notes.push(
        `The full range has one more negative code (${int(qmin)}) than positive ones, and the ` +
          `scale divides by ${fmt(half)}: a weight of +max|w| lies half a step above the top ` +
          'code and clips, one of −max|w| is exactly the bottom code.',
      );
    }
  }

  // As fakeQuantize: multiply by the float32 reciprocal, round, add the zero-point, clamp.
  const inv = Math.fround(1 / scale);
  const random: Random | null = rounding === 'stochastic' ? mulberry32(seed) : null;
  const roundName = random ? 'stochastic round' : 'round';
  const rows: WorkedRow[] = [];
  const xHat = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const v = Math.fround(xi * inv);
    const r = random ? roundStochastic(v, random) : roundHalfEven(v);
    const rounded = r + zeroPoint; // + zeroPoint also turns a −0 from rounding into 0
    const code = Math.min(Math.max(rounded, qmin), qmax);
    xHat[i] = (code - zeroPoint) * scale;
    const dequantized = xHat[i]!;
    const clipped = code !== rounded;
    const zp = zeroPoint === 0 ? '' : ` + ${int(zeroPoint)}`;
    const back = zeroPoint === 0 ? int(code) : `(${int(code)} − ${int(zeroPoint)})`;
    rows.push({
      x: xi,
      real: v + zeroPoint,
      rounded,
      code,
      clipped,
      dequantized,
      error: dequantized - xi,
      formula:
        `q = ${roundName}(${fmt(xi)} / ${fmt(scale)})${zp} = ` +
        `${roundName}(${fmt(v)})${zp} = ${int(r + 0)}` +
        (zeroPoint === 0 ? '' : `${zp} = ${int(rounded)}`) +
        (clipped ? `, clamped to [${int(qmin)}, ${int(qmax)}]: ${int(code)}` : '') +
        `;  x̂ = ${back} · ${fmt(scale)} = ${fmt(dequantized)};  ` +
        `error = ${signed(dequantized - xi)}`,
    });
  }
  if (random) {
    notes.push(
      `Stochastic rounding (seed ${seed}): each value rounds up with probability equal to its ` +
        'fractional part, so the codes are unbiased on average but change with the seed.',
    );
  }
  return {
    ...base,
    method: 'uniform',
    range: { min: lo, max: hi },
    qmin,
    qmax,
    scale,
    zeroPoint,
    steps,
    rows,
    totals: totals(x, xHat, rows),
    notes,
  };
}

/** binarize's rule: x̂ = α · sign(x), α = mean |x| rounded to float32, sign(0) = +1. */
function binaryExample(x: Float32Array, base: Base): WorkedExample {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]!);
  const alpha = Math.fround(sum / x.length);
  const terms = Array.from(x, (v) => fmt(Math.abs(v)));
  const shown = terms.length <= 8 ? terms : [...terms.slice(0, 3), '…', terms[terms.length - 1]!];
  const steps: WorkedStep[] = [
    {
      id: 'codes',
      title: 'Codes: the sign',
      formula: 'q = sign(x) ∈ {−1, +1} (sign(0) = +1)',
    },
    {
      id: 'alpha',
      title: 'Scale α: the mean magnitude',
      formula: `α = mean |x| = (${shown.join(' + ')}) / ${x.length} = ${fmt(alpha)}`,
    },
  ];
  const rows: WorkedRow[] = [];
  const xHat = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const q = xi < 0 ? -1 : 1;
    xHat[i] = q * alpha;
    const dequantized = xHat[i]!;
    rows.push({
      x: xi,
      real: null,
      rounded: q,
      code: q,
      clipped: false,
      dequantized,
      error: dequantized - xi,
      formula:
        `q = sign(${fmt(xi)}) = ${q > 0 ? '+1' : '−1'};  ` +
        `x̂ = ${int(q)} · ${fmt(alpha)} = ${fmt(dequantized)};  ` +
        `error = ${signed(dequantized - xi)}`,
    });
  }
  return {
    ...base,
    method: 'binary',
    range: null,
    qmin: -1,
    qmax: 1,
    scale: alpha,
    zeroPoint: 0,
    steps,
    rows,
    totals: totals(x, xHat, rows),
    notes: [
      'At 1 bit the uniform grid would have a single level (codes −(2⁰ − 1)…2⁰ − 1 = {0}), so ' +
        'the project binarizes instead, as BinaryConnect and XNOR-Net: x̂ = sign(x) · mean |x|, ' +
        'the mean magnitude being the scale that minimizes the squared error for fixed signs. ' +
        'The scheme, the symmetric range and the rounding do not apply.',
    ],
  };
}

function totals(x: Float32Array, xHat: Float32Array, rows: readonly WorkedRow[]) {
  return {
    maxAbsError: maxAbsError(x, xHat),
    mse: mse(x, xHat),
    clipped: rows.filter((r) => r.clipped).length,
  };
}

/** The code range with its formula, e.g. 'qmin = −(2³ − 1) = −7, qmax = 2³ − 1 = 7'. */
function codesFormula(bits: number, scheme: QScheme, symRange: SymRange): string {
  if (scheme === 'affine') return `qmin = 0, qmax = 2${sup(bits)} − 1 = ${2 ** bits - 1}`;
  const p = `2${sup(bits - 1)}`;
  const qmax = 2 ** (bits - 1) - 1;
  const qmin = symRange === 'full' ? `−${p} = ${int(-qmax - 1)}` : `−(${p} − 1) = ${int(-qmax)}`;
  return `qmin = ${qmin}, qmax = ${p} − 1 = ${qmax}`;
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function sup(n: number): string {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]!);
}

/**
 * A number as the lesson prints it: 4 significant digits, trailing zeros dropped, a real minus
 * sign (−), exponent form below 1e−4 (e.g. ε = 1.192e−7) and from 1e4 (1.235e4), where four
 * digits cannot hold the integer part.
 */
export function formatWorked(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a < 1e-4 ? a.toExponential(3) : a.toPrecision(4);
  const [mantissa, exponent] = s.split('e');
  const trimmed = mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa!;
  const body =
    exponent === undefined ? trimmed : `${trimmed}e${exponent.replace('-', '−').replace('+', '')}`;
  return v < 0 ? `−${body}` : body;
}

const fmt = formatWorked;

/** A negative number in parentheses, for a subtrahend or factor: (−2.611). */
function paren(v: number): string {
  return v < 0 ? `(${fmt(v)})` : fmt(v);
}

/** An integer with a real minus sign. */
function int(n: number): string {
  return n < 0 ? `−${-n}` : String(n);
}

/** An error with its sign: +0.1079, −0.03. */
function signed(v: number): string {
  return v > 0 ? `+${fmt(v)}` : fmt(v);
}
