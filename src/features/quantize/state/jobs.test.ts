import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, modelKey } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { jobContext, QUICK_EVAL_COUNT, SHARE_WORK_MS } from '../../../platform/state/job';
import type { Job } from '../../../platform/state/job';
import { sensitivityKey, sweepKey } from '../../../platform/state/keys';
import { createAppStore } from '../../../platform/state/store';
import type { Results, Sensitivity, State } from '../../../platform/state/store';
import type { EngineClient, StatsClient } from '../../../platform/worker/workers';
import type { ModelSummary } from '../../../platform/worker/engine';
import { SENSITIVITY_BITS, SWEEP_BITS, quantizeJobs } from './jobs';
import { accuracyOf, recordingEngine } from '../../../testing/recordingEngine';
import type { EvalCall } from '../../../testing/recordingEngine';

/**
 * The bit-width sweep and the sensitivity analysis, run against a fake compute worker
 * (testing/recordingEngine) that records every evaluation and answers each with an accuracy of
 * its own, so the tests can tell which evaluation each emitted value came from.
 */
function jobNamed<K extends keyof Results>(name: K, client: EngineClient, stats: StatsClient) {
  const job = quantizeJobs(jobContext(client, stats)).find((j) => j.name === name);
  if (!job) throw new Error(`no job ${name}`);
  return job as unknown as Job<K>;
}

const config = (patch: Partial<Config>): Config => ({ ...DEFAULT_CONFIG, ...patch });
const stateOf = (c: Config, patch: Partial<State> = {}): State => ({
  ...createAppStore().getState(),
  config: c,
  ...patch,
});

const summary = (names: string[]) =>
  ({
    id: 'mnist-mlp',
    meta: { id: 'mnist-mlp' },
    dataset: { test: { count: 100 }, classes: [] },
    layers: names.map((name) => ({ info: { name } })),
    totalParams: 1,
    float32Bits: 32,
  }) as unknown as ModelSummary;

/** Runs a job to its end (or its first stale check that holds) and returns what it emitted. */
async function runJob<K extends keyof Results>(
  job: Job<K>,
  c: Config,
  opts: { summary?: ModelSummary | null; stale?: () => boolean } = {},
) {
  const emits: NonNullable<Results[K]>['data'][] = [];
  await job.run({
    config: c,
    state: stateOf(c),
    summary: opts.summary ?? null,
    emit: (d) => emits.push(d),
    stale: opts.stale ?? (() => false),
  });
  return emits;
}

/** A compact description of a sweep call: "int8", "int8+A8", "float16". */
const describeCall = (c: EvalCall) => {
  const w = c.request.weights!.weights;
  const name = w.format === 'int' ? `int${w.bits}` : w.format;
  return c.request.acts ? `${name}+A${c.request.acts.bits}` : name;
};

const QUANT = config({
  view: 'quantize',
  arch: 'cnn',
  seed: 7,
  weights: {
    ...DEFAULT_CONFIG.weights,
    bits: 3,
    scheme: 'affine',
    granularity: 'channel',
    rounding: 'stochastic',
  },
  overrides: { conv1: 2 },
  prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.7 },
});

describe('bit-width sweep', () => {
  it('evaluates 8…1 bits, each weight-only then with activations, then float16 and bfloat16', async () => {
    const { client, stats, calls } = recordingEngine();
    await runJob(jobNamed('sweep', client, stats), QUANT);
    const expected = [
      ...SWEEP_BITS.flatMap((b) => [`int${b}`, `int${b}+A8`]),
      'float16',
      'bfloat16',
    ];
    expect(SWEEP_BITS).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(calls.map(describeCall)).toEqual(expected);
  });

  it('keeps the pipeline’s other settings, drops the per-layer overrides, on its own channel', async () => {
    const { client, stats, calls } = recordingEngine();
    await runJob(jobNamed('sweep', client, stats), QUANT);
    for (const c of calls) {
      expect(c.dataset).toBe('mnist');
      expect(c.arch).toBe('cnn');
      expect(c.limit).toBeUndefined(); // the full test set
      expect(c.channel).toBe('sweep');
      const w = c.request.weights!;
      expect(w.overrides).toEqual({});
      expect(w.prune).toEqual(QUANT.prune);
      expect(w.seed).toBe(7);
      expect(w.weights).toMatchObject({
        scheme: 'affine',
        granularity: 'channel',
        rounding: 'stochastic',
      });
    }
  });

  it('uses the configured activations for the W+A curve, or 8-bit ones when they are off', async () => {
    const acts = { ...DEFAULT_CONFIG.acts, bits: 4, observer: 'percentile' as const };
    const on = recordingEngine();
    await runJob(jobNamed('sweep', on.client, on.stats), { ...QUANT, acts });
    const wa = on.calls.filter((c) => c.request.acts);
    expect(wa).toHaveLength(SWEEP_BITS.length);
    for (const c of wa) expect(c.request.acts).toEqual(acts);

    const off = recordingEngine();
    await runJob(jobNamed('sweep', off.client, off.stats), QUANT); // acts.bits = 0
    for (const c of off.calls.filter((x) => x.request.acts))
      expect(c.request.acts).toEqual({ ...QUANT.acts, bits: 8 });
  });

  it('in the Train view without quantized activations it measures weight-only points alone', async () => {
    const train = { ...QUANT, view: 'train' as const };
    const { client, stats, calls } = recordingEngine();
    const emits = await runJob(jobNamed('sweep', client, stats), train);
    expect(calls.map(describeCall)).toEqual([
      ...SWEEP_BITS.map((b) => `int${b}`),
      'float16',
      'bfloat16',
    ]);
    const last = emits[emits.length - 1]!;
    expect(last.points.every((p) => p.weightAct === null)).toBe(true);

    // With activations quantized, the Train view's chart draws the W+A curve too.
    const withActs = recordingEngine();
    await runJob(jobNamed('sweep', withActs.client, withActs.stats), {
      ...train,
      acts: { ...QUANT.acts, bits: 6 },
    });
    expect(withActs.calls.map(describeCall)).toEqual([
      ...SWEEP_BITS.flatMap((b) => [`int${b}`, `int${b}+A6`]),
      'float16',
      'bfloat16',
    ]);
  });

  it('emits after every evaluation, growing point by point; only the last is done', async () => {
    const { client, stats, calls } = recordingEngine();
    const emits = await runJob(jobNamed('sweep', client, stats), QUANT);
    expect(emits).toHaveLength(calls.length);
    emits.forEach((e, i) => {
      expect(e.done).toBe(i === emits.length - 1);
      expect(e.actBits).toBe(8);
    });
    // After call 2k (weight-only at SWEEP_BITS[k]) there are k+1 points, the last without W+A;
    // after call 2k+1 its W+A value is in.
    SWEEP_BITS.forEach((bits, k) => {
      const wOnly = emits[2 * k]!;
      const wa = emits[2 * k + 1]!;
      expect(wOnly.points).toHaveLength(k + 1);
      expect(wOnly.points[k]).toEqual({ bits, weightOnly: accuracyOf(2 * k), weightAct: null });
      expect(wa.points).toHaveLength(k + 1);
      expect(wa.points[k]).toEqual({
        bits,
        weightOnly: accuracyOf(2 * k),
        weightAct: accuracyOf(2 * k + 1),
      });
      // Earlier points are carried along unchanged.
      expect(wa.points.slice(0, k)).toEqual(emits[2 * k - 1]?.points ?? []);
      expect(wa.references).toEqual({});
    });
    const n = 2 * SWEEP_BITS.length;
    expect(emits[n]!.references).toEqual({ float16: accuracyOf(n) });
    expect(emits[n + 1]!.references).toEqual({
      float16: accuracyOf(n),
      bfloat16: accuracyOf(n + 1),
    });
    expect(emits[n + 1]!.points).toEqual(emits[n - 1]!.points);
    // Each emit is its own copy: later emits do not rewrite an earlier one.
    expect(emits[0]!.points).toHaveLength(1);
  });

  it('stops once the config has moved on: no further evaluation, nothing more emitted', async () => {
    for (const stopAfter of [1, 2, 5, 16, 17]) {
      let stale = false;
      const { client, stats, calls } = recordingEngine((n) => {
        if (n === stopAfter) stale = true; // the config changes while this evaluation runs
      });
      const emits = await runJob(jobNamed('sweep', client, stats), QUANT, { stale: () => stale });
      expect(calls).toHaveLength(stopAfter);
      // The evaluation that was running when the config changed is not emitted either.
      expect(emits).toHaveLength(stopAfter - 1);
      expect(emits.some((e) => e.done)).toBe(false);
    }
  });

  it('on a slow model shares its points between two compute workers, each point measured once', async () => {
    const first = recordingEngine();
    const second = recordingEngine();
    const ctx = jobContext(first.client, first.stats, {
      available: () => true,
      client: () => second.client,
      cancel: () => undefined,
      quiet: () => Promise.resolve(),
    });
    ctx.fullEvalMs.set(modelKey(QUANT), SHARE_WORK_MS); // a second a pass: 18 s of work
    const job = quantizeJobs(ctx).find((j) => j.name === 'sweep') as unknown as Job<'sweep'>;
    const emits = await runJob(job, QUANT);
    expect(first.calls.length).toBeGreaterThan(0);
    expect(second.calls.length).toBeGreaterThan(0);
    expect([...first.calls, ...second.calls].map(describeCall).sort()).toEqual(
      [...SWEEP_BITS.flatMap((b) => [`int${b}`, `int${b}+A8`]), 'float16', 'bfloat16'].sort(),
    );
    expect(emits).toHaveLength(first.calls.length + second.calls.length);
    expect(emits.map((e) => e.done)).toEqual(emits.map((_, i) => i === emits.length - 1));
    const last = emits[emits.length - 1]!;
    expect(last.points.map((p) => p.bits)).toEqual([...SWEEP_BITS]);
    for (const p of last.points) {
      expect(p.weightOnly).not.toBeNull();
      expect(p.weightAct).not.toBeNull();
    }
    expect(Object.keys(last.references).sort()).toEqual(['bfloat16', 'float16']);
  });

  it('on a slow model estimates every point first, then replaces each estimate with the whole test set’s accuracy', async () => {
    const TEST = 10_000;
    const { client, stats, calls } = recordingEngine(undefined, TEST);
    const ctx = jobContext(client, stats);
    ctx.fullEvalMs.set(modelKey(QUANT), 1_000); // slow: its accuracy comes as an estimate first
    const job = quantizeJobs(ctx).find((j) => j.name === 'sweep') as unknown as Job<'sweep'>;
    const withTest = { ...summary(['conv1']), dataset: { test: { count: TEST }, classes: [] } };
    const emits = await runJob(job, QUANT, { summary: withTest as unknown as ModelSummary });
    const n = 2 * SWEEP_BITS.length + 2; // 18 passes: every estimate, then every rest
    expect(calls.map((c) => [c.limit, c.offset])).toEqual([
      ...Array.from({ length: n }, () => [QUICK_EVAL_COUNT, undefined]),
      ...Array.from({ length: n }, () => [undefined, QUICK_EVAL_COUNT]),
    ]);
    expect(calls.slice(n).map(describeCall)).toEqual(calls.slice(0, n).map(describeCall));
    // The 16 integer points' estimates (the references wait for their whole values), then 18 more.
    expect(emits).toHaveLength(2 * SWEEP_BITS.length + n);
    const estimated = emits[2 * SWEEP_BITS.length - 1]!;
    expect(estimated.estimatedOn).toBe(QUICK_EVAL_COUNT);
    expect(estimated.references).toEqual({});
    SWEEP_BITS.forEach((bits, k) =>
      expect(estimated.points[k]).toEqual({
        bits,
        weightOnly: null,
        weightAct: null,
        weightOnlyEstimate: accuracyOf(2 * k),
        weightActEstimate: accuracyOf(2 * k + 1),
      }),
    );
    // The first rest: 8-bit weight-only is whole (its estimate and rest joined), the rest still
    // estimates.
    const joined = (k: number) =>
      (accuracyOf(k) * QUICK_EVAL_COUNT + accuracyOf(n + k) * (TEST - QUICK_EVAL_COUNT)) / TEST;
    const first = emits[2 * SWEEP_BITS.length]!;
    expect(first.points[0]).toEqual({
      bits: SWEEP_BITS[0],
      weightOnly: joined(0),
      weightAct: null,
      weightActEstimate: accuracyOf(1),
    });
    expect(first.points.slice(1)).toEqual(estimated.points.slice(1));
    expect(emits.map((e) => e.done)).toEqual(emits.map((_, i) => i === emits.length - 1));
    const last = emits.at(-1)!;
    SWEEP_BITS.forEach((bits, k) =>
      expect(last.points[k]).toEqual({
        bits,
        weightOnly: joined(2 * k),
        weightAct: joined(2 * k + 1),
      }),
    );
    expect(last.references).toEqual({
      float16: joined(n - 2),
      bfloat16: joined(n - 1),
    });
  });

  it('is wanted in the Quantize view and in the Train view with QAT, and only there', () => {
    const { client, stats } = recordingEngine();
    const job = jobNamed('sweep', client, stats);
    const key = (c: Config) => job.key(stateOf(c), null);
    expect(key(QUANT)).toBe(sweepKey(QUANT));
    const qat = { ...QUANT, view: 'train' as const };
    qat.train = { ...qat.train, technique: 'qat' };
    expect(key(qat)).toBe(sweepKey(qat));
    expect(key({ ...QUANT, view: 'prune' })).toBeNull();
    expect(key({ ...QUANT, view: 'model' })).toBeNull();
    expect(key({ ...qat, train: { ...qat.train, technique: 'kd' } })).toBeNull();
    expect(key({ ...QUANT, hide: ['sweep'] })).toBeNull();
    expect(job.complete!({ actBits: 8, points: [], references: {}, done: false }, null)).toBe(
      false,
    );
    expect(job.complete!({ actBits: 8, points: [], references: {}, done: true }, null)).toBe(true);
  });
});

describe('sweep key: which changes restart the sweep', () => {
  const k = sweepKey(QUANT);
  const withWeights = (w: Partial<Config['weights']>) =>
    sweepKey({ ...QUANT, weights: { ...QUANT.weights, ...w } });
  const withActs = (a: Partial<Config['acts']>) =>
    sweepKey({ ...QUANT, acts: { ...QUANT.acts, ...a } });

  it('does not restart for what the sweep varies or ignores', () => {
    expect(withWeights({ bits: 8 })).toBe(k);
    expect(withWeights({ bits: 1 })).toBe(k);
    expect(withWeights({ format: 'float16' })).toBe(k);
    expect(withWeights({ format: 'cluster' })).toBe(k);
    expect(sweepKey({ ...QUANT, overrides: {} })).toBe(k);
    expect(sweepKey({ ...QUANT, overrides: { fc1: 0, conv1: 8 } })).toBe(k);
    expect(sweepKey({ ...QUANT, layer: 'fc2' })).toBe(k);
    expect(sweepKey({ ...QUANT, bins: 128 })).toBe(k);
    expect(sweepKey({ ...QUANT, storage: { ...QUANT.storage, huffman: true } })).toBe(k);
    expect(sweepKey({ ...QUANT, cluster: { ...QUANT.cluster, k: 4 } })).toBe(k);
    // Activations off are swept at 8 bits: turning on 8-bit activations changes nothing.
    expect(withActs({ bits: 8 })).toBe(k);
  });

  it('restarts for what changes every point', () => {
    const changed = [
      withWeights({ scheme: 'symmetric' }),
      withWeights({ granularity: 'tensor' }),
      withWeights({ rounding: 'nearest' }),
      withWeights({ ternary: true }),
      sweepKey({ ...QUANT, seed: 8 }),
      sweepKey({ ...QUANT, arch: 'mlp' }),
      sweepKey({ ...QUANT, dataset: 'fashion' }),
      sweepKey({ ...QUANT, prune: { ...QUANT.prune, sparsity: 0.5 } }),
      sweepKey({ ...QUANT, prune: { ...QUANT.prune, method: 'none' } }),
      withActs({ bits: 4 }),
      withActs({ observer: 'mse' }),
      withActs({ calibration: 64 }),
      withActs({ scheme: 'symmetric' }),
    ];
    for (const c of changed) expect(c).not.toBe(k);
    const sym = { ...QUANT, weights: { ...QUANT.weights, scheme: 'symmetric' as const } };
    expect(sweepKey({ ...sym, weights: { ...sym.weights, symRange: 'full' } })).not.toBe(
      sweepKey(sym),
    );
  });

  it('tells the Train view’s weight-only sweep from the Quantize view’s W+A one', () => {
    const train = { ...QUANT, view: 'train' as const };
    expect(sweepKey(train)).not.toBe(k);
    // With activations quantized both views measure the same curves: one key.
    const a6 = { ...QUANT.acts, bits: 6 };
    expect(sweepKey({ ...train, acts: a6 })).toBe(sweepKey({ ...QUANT, acts: a6 }));
    // Without, the Train view's key ignores the (unused) activation settings.
    expect(sweepKey({ ...train, acts: { ...QUANT.acts, observer: 'mse' } })).toBe(sweepKey(train));
  });
});

describe('sensitivity analysis', () => {
  const NAMES = ['conv1', 'conv2', 'fc1'];

  it('evaluates the all-float32 reference first, then each layer at each bit-width alone', async () => {
    const { client, stats, calls } = recordingEngine();
    await runJob(jobNamed('sensitivity', client, stats), QUANT, { summary: summary(NAMES) });
    expect(calls).toHaveLength(1 + NAMES.length * SENSITIVITY_BITS.length);
    expect(calls[0]!.request.weights!.overrides).toEqual({ conv1: 0, conv2: 0, fc1: 0 });
    const rest = calls.slice(1).map((c) => c.request.weights!.overrides);
    const expected = NAMES.flatMap((layer) =>
      SENSITIVITY_BITS.map((bits) =>
        Object.fromEntries(NAMES.map((n) => [n, n === layer ? bits : 0])),
      ),
    );
    expect(rest).toEqual(expected);
    for (const c of calls) {
      expect(c.channel).toBe('sensitivity');
      expect(c.limit).toBeUndefined();
      expect(c.request.acts).toBeNull();
      expect(c.request.weights!.weights.format).toBe('int');
      expect(c.request.weights!.weights.scheme).toBe('affine');
      // The same (pruned) model throughout, so a drop is quantization's alone.
      expect(c.request.weights!.prune).toEqual(QUANT.prune);
    }
  });

  it('emits after every layer × bit-width; rows fill in; only the last is done', async () => {
    const { client, stats } = recordingEngine();
    const emits: Sensitivity[] = await runJob(jobNamed('sensitivity', client, stats), QUANT, {
      summary: summary(NAMES),
    });
    const per = SENSITIVITY_BITS.length;
    expect(emits).toHaveLength(NAMES.length * per);
    emits.forEach((e, i) => {
      expect(e.done).toBe(i === emits.length - 1);
      expect(e.reference).toBe(accuracyOf(0));
      expect(e.candidates).toEqual([...SENSITIVITY_BITS]);
    });
    NAMES.forEach((layer, li) =>
      SENSITIVITY_BITS.forEach((bits, bi) => {
        const e = emits[li * per + bi]!;
        expect(e.rows.map((r) => r.layer)).toEqual(NAMES.slice(0, li + 1));
        const row = e.rows[li]!;
        expect(Object.keys(row.accuracy).map(Number).sort()).toEqual(
          SENSITIVITY_BITS.slice(0, bi + 1)
            .map(Number)
            .sort(),
        );
        expect(row.accuracy[bits]).toBe(accuracyOf(1 + li * per + bi));
      }),
    );
    const final = emits[emits.length - 1]!;
    expect(final.rows).toEqual(
      NAMES.map((layer, li) => ({
        layer,
        accuracy: Object.fromEntries(
          SENSITIVITY_BITS.map((b, bi) => [b, accuracyOf(1 + li * per + bi)]),
        ),
      })),
    );
  });

  it('stops once the config has moved on, after the reference or mid-layer', async () => {
    for (const stopAfter of [1, 2, 6, 13]) {
      let stale = false;
      const { client, stats, calls } = recordingEngine((n) => {
        if (n === stopAfter) stale = true;
      });
      const emits = await runJob(jobNamed('sensitivity', client, stats), QUANT, {
        summary: summary(NAMES),
        stale: () => stale,
      });
      expect(calls).toHaveLength(stopAfter);
      // The reference emits nothing by itself; each later evaluation emits once.
      expect(emits).toHaveLength(Math.max(0, stopAfter - 2));
      expect(emits.some((e) => e.done)).toBe(false);
    }
  });

  it('does nothing without a model summary', async () => {
    const { client, stats, calls } = recordingEngine();
    const emits = await runJob(jobNamed('sensitivity', client, stats), QUANT);
    expect(calls).toHaveLength(0);
    expect(emits).toHaveLength(0);
  });

  it('runs only when asked for the current settings, in the Quantize view', () => {
    const { client, stats } = recordingEngine();
    const job = jobNamed('sensitivity', client, stats);
    const k = sensitivityKey(QUANT);
    expect(job.key(stateOf(QUANT), null)).toBeNull(); // not requested
    expect(job.key(stateOf(QUANT, { sensitivityRequest: k }), null)).toBe(k);
    // Asked for other settings: not rerun by itself.
    const other = { ...QUANT, seed: 99 };
    expect(job.key(stateOf(other, { sensitivityRequest: k }), null)).toBeNull();
    expect(job.key(stateOf({ ...QUANT, view: 'prune' }, { sensitivityRequest: k }), null)).toBe(
      null,
    );
    // Bits and overrides are what it varies: a request stays current across them.
    const bits = { ...QUANT, weights: { ...QUANT.weights, bits: 8 }, overrides: {} };
    expect(sensitivityKey(bits)).toBe(k);
    expect(
      sensitivityKey({ ...QUANT, weights: { ...QUANT.weights, granularity: 'tensor' } }),
    ).not.toBe(k);
  });
});
