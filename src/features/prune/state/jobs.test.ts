import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, NM_PATTERNS, modelKey } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { jobContext, QUICK_EVAL_COUNT } from '../../../platform/state/job';
import type { Job } from '../../../platform/state/job';
import { pruneSweepKey } from '../../../platform/state/keys';
import { createAppStore } from '../../../platform/state/store';
import type { PruneSweep, State } from '../../../platform/state/store';
import type { ModelSummary } from '../../../platform/worker/engine';
import { PRUNE_SWEEP_SPARSITIES, SWEEP_METHODS, pruneJobs } from './jobs';
import { accuracyOf, recordingEngine } from '../../../testing/recordingEngine';
import type { EvalCall } from '../../../testing/recordingEngine';

/**
 * The accuracy-vs-sparsity sweep, run against a fake compute worker that records every
 * evaluation and answers each with an accuracy of its own (the call's number).
 */

function fakeEngine(onCall: (n: number) => void = () => undefined) {
  const { client, stats, calls } = recordingEngine(onCall);
  const job = pruneJobs(jobContext(client, stats)).find((j) => j.name === 'pruneSweep');
  if (!job) throw new Error('no pruneSweep job');
  return { job: job as unknown as Job<'pruneSweep'>, calls };
}

const stateOf = (c: Config): State => ({ ...createAppStore().getState(), config: c });

async function runSweep(job: Job<'pruneSweep'>, c: Config, stale: () => boolean = () => false) {
  const emits: PruneSweep[] = [];
  await job.run({ config: c, state: stateOf(c), summary: null, emit: (d) => emits.push(d), stale });
  return emits;
}

const PRUNE: Config = {
  ...DEFAULT_CONFIG,
  view: 'prune',
  seed: 3,
  weights: { ...DEFAULT_CONFIG.weights, format: 'int', bits: 4 },
  overrides: { fc1: 2 },
  prune: {
    ...DEFAULT_CONFIG.prune,
    method: 'structured',
    sparsity: 0.8,
    norm: 'l1',
    structuredBias: 'keep',
    overrides: { fc1: -1 },
  },
};

const describeCall = (c: EvalCall) => {
  const p = c.request.weights!.prune;
  return p.method === 'nm' ? `nm ${p.pattern}` : `${p.method} ${p.sparsity}`;
};

/** The sweep's points for PRUNE, in order: every method's curve starts at the unpruned model. */
const METHODS = ['structured', 'magnitude', 'global', 'random'];
const POINTS = [
  ...METHODS.flatMap((m) => PRUNE_SWEEP_SPARSITIES.map((s) => (s === 0 ? `none 0` : `${m} ${s}`))),
  ...NM_PATTERNS.map((p) => `nm ${p}`),
];
/** The passes: each point once (the unpruned model's, measured for the first curve, answers the others). */
const PASSES = POINTS.filter((p, i) => POINTS.indexOf(p) === i);

describe('accuracy-vs-sparsity sweep', () => {
  it('evaluates each method over the sparsities, the chosen method first, then each N:M pattern', async () => {
    const { job, calls } = fakeEngine();
    await runSweep(job, PRUNE);
    expect([...SWEEP_METHODS].sort()).toEqual([...METHODS].sort());
    expect(PRUNE_SWEEP_SPARSITIES[0]).toBe(0);
    expect(PASSES.length).toBe(POINTS.length - (METHODS.length - 1));
    expect(calls.map(describeCall)).toEqual(PASSES);
  });

  it('starts with magnitude when the pipeline prunes by N:M or not at all', async () => {
    for (const method of ['none', 'nm'] as const) {
      const { job, calls } = fakeEngine();
      const emits = await runSweep(job, { ...PRUNE, prune: { ...PRUNE.prune, method } });
      expect(emits[0]!.methods).toEqual(['magnitude', 'global', 'structured', 'random']);
      expect(calls[1]!.request.weights!.prune.method).toBe('magnitude');
    }
  });

  it('evaluates float32 weights, no overrides, the pipeline’s norm and bias rule, on its own channel', async () => {
    const { job, calls } = fakeEngine();
    await runSweep(job, PRUNE);
    for (const c of calls) {
      expect(c.channel).toBe('pruneSweep');
      expect(c.limit).toBeUndefined();
      expect(c.request.acts).toBeNull();
      const w = c.request.weights!;
      expect(w.weights.format).toBe('float32');
      expect(w.overrides).toEqual({});
      expect(w.prune.overrides).toEqual({});
      expect(w.prune.norm).toBe('l1');
      expect(w.prune.structuredBias).toBe('keep');
      expect(w.seed).toBe(3);
    }
  });

  it('emits after every evaluation, filling point by point; only the last is done', async () => {
    const { job, calls } = fakeEngine();
    const emits = await runSweep(job, PRUNE);
    expect(emits).toHaveLength(POINTS.length);
    expect(calls).toHaveLength(PASSES.length);
    emits.forEach((e, i) => expect(e.done).toBe(i === emits.length - 1));
    const S = PRUNE_SWEEP_SPARSITIES.length;
    const methods = emits[0]!.methods;
    // Each point's accuracy is its pass's (the fake answers each call with its own number).
    const accuracyAt = (n: number) => accuracyOf(PASSES.indexOf(POINTS[n]!));
    methods.forEach((m, mi) =>
      PRUNE_SWEEP_SPARSITIES.forEach((s, si) => {
        const n = mi * S + si;
        const e = emits[n]!;
        expect(e.points).toHaveLength(S);
        expect(e.points[si]!.sparsity).toBe(s);
        expect(e.points[si]!.accuracy[m]).toBe(accuracyAt(n));
        // Points not reached yet have no value for this method.
        for (const later of e.points.slice(si + 1)) expect(later.accuracy[m]).toBeUndefined();
        expect(e.nm).toEqual([]);
      }),
    );
    const afterMethods = emits[methods.length * S - 1]!;
    for (const p of afterMethods.points)
      expect(Object.keys(p.accuracy).sort()).toEqual([...methods].sort());
    NM_PATTERNS.forEach((pattern, pi) => {
      const e = emits[methods.length * S + pi]!;
      expect(e.nm).toHaveLength(pi + 1);
      const [n, m] = pattern.split(':').map(Number) as [number, number];
      expect(e.nm[pi]).toEqual({
        pattern,
        sparsity: 1 - n / m,
        accuracy: accuracyAt(methods.length * S + pi),
      });
      expect(e.points).toEqual(afterMethods.points);
    });
    // Emits are copies: the first one still holds a single value.
    expect(emits[0]!.points.filter((p) => Object.keys(p.accuracy).length > 0)).toHaveLength(1);
  });

  it('on a slow model estimates every curve’s points first, then replaces each with its whole-test-set accuracy', async () => {
    const TEST = 10_000;
    const { client, stats, calls } = recordingEngine(undefined, TEST);
    const ctx = jobContext(client, stats);
    ctx.fullEvalMs.set(modelKey(PRUNE), 1_000); // slow: estimates first
    const job = pruneJobs(ctx).find((j) => j.name === 'pruneSweep') as unknown as Job<'pruneSweep'>;
    const summary = { dataset: { test: { count: TEST } } } as unknown as ModelSummary;
    const emits: PruneSweep[] = [];
    await job.run({
      config: PRUNE,
      state: stateOf(PRUNE),
      summary,
      emit: (d) => emits.push(d),
      stale: () => false,
    });
    // One estimate per distinct pass (the unpruned model's is shared by the four curves), then
    // one rest per distinct pass.
    expect(calls.map((c) => [describeCall(c), c.limit, c.offset])).toEqual([
      ...PASSES.map((p) => [p, QUICK_EVAL_COUNT, undefined]),
      ...PASSES.map((p) => [p, undefined, QUICK_EVAL_COUNT]),
    ]);
    const S = PRUNE_SWEEP_SPARSITIES.length;
    const methods = emits[0]!.methods;
    // Every curve's points as estimates (the N:M points wait for their whole values).
    const estimated = emits[methods.length * S - 1]!;
    expect(estimated.estimatedOn).toBe(QUICK_EVAL_COUNT);
    expect(estimated.nm).toEqual([]);
    for (const p of estimated.points) {
      expect(p.accuracy).toEqual({});
      expect(Object.keys(p.estimate ?? {}).sort()).toEqual([...methods].sort());
    }
    const estimateOf = (m: string, si: number) =>
      accuracyOf(PASSES.indexOf(POINTS[methods.indexOf(m) * S + si]!));
    expect(estimated.points[3]!.estimate![methods[1]!]).toBe(estimateOf(methods[1]!, 3));
    const last = emits.at(-1)!;
    expect(last.done).toBe(true);
    for (const [si, p] of last.points.entries()) {
      expect(p.estimate).toBeUndefined();
      for (const m of methods) {
        const k = PASSES.indexOf(POINTS[methods.indexOf(m) * S + si]!);
        expect(p.accuracy[m]).toBeCloseTo(
          (accuracyOf(k) * QUICK_EVAL_COUNT +
            accuracyOf(PASSES.length + k) * (TEST - QUICK_EVAL_COUNT)) /
            TEST,
          12,
        );
      }
    }
    expect(last.nm.map((p) => p.pattern)).toEqual([...NM_PATTERNS]);
  });

  it('stops once the config has moved on: no further evaluation, nothing more emitted', async () => {
    const total = PASSES.length;
    for (const stopAfter of [1, 12, 13, total - 1, total]) {
      let stale = false;
      const { job, calls } = fakeEngine((n) => {
        if (n === stopAfter) stale = true;
      });
      const emits = await runSweep(job, PRUNE, () => stale);
      expect(calls).toHaveLength(stopAfter);
      // Every point before the one whose pass went stale, the repeated unpruned ones included.
      expect(emits).toHaveLength(POINTS.indexOf(PASSES[stopAfter - 1]!));
      expect(emits.some((e) => e.done)).toBe(false);
    }
  });

  it('is wanted in the Prune view with its panel shown', () => {
    const { job } = fakeEngine();
    expect(job.key(stateOf(PRUNE), null)).toBe(pruneSweepKey(PRUNE));
    expect(job.key(stateOf({ ...PRUNE, view: 'quantize' }), null)).toBeNull();
    expect(job.key(stateOf({ ...PRUNE, hide: ['prunesweep'] }), null)).toBeNull();
  });
});

describe('prune sweep key: which changes restart the sweep', () => {
  const k = pruneSweepKey(PRUNE);
  const withPrune = (p: Partial<Config['prune']>) =>
    pruneSweepKey({ ...PRUNE, prune: { ...PRUNE.prune, ...p } });

  it('does not restart for what the sweep varies or ignores', () => {
    expect(withPrune({ sparsity: 0.3 })).toBe(k);
    expect(withPrune({ overrides: {} })).toBe(k);
    // Every N:M pattern is evaluated whatever the configured one is.
    for (const pattern of NM_PATTERNS) expect(withPrune({ pattern })).toBe(k);
    // The sweep evaluates float32 weights: the quantizer and its overrides do not matter.
    expect(pruneSweepKey({ ...PRUNE, weights: { ...PRUNE.weights, bits: 2 } })).toBe(k);
    expect(pruneSweepKey({ ...PRUNE, weights: { ...PRUNE.weights, format: 'cluster' } })).toBe(k);
    expect(pruneSweepKey({ ...PRUNE, overrides: {} })).toBe(k);
    expect(pruneSweepKey({ ...PRUNE, acts: { ...PRUNE.acts, bits: 4 } })).toBe(k);
  });

  it('restarts for what changes its points or their order', () => {
    const changed = [
      withPrune({ norm: 'l2' }), // structured pruning ranks by it
      withPrune({ structuredBias: 'remove' }),
      withPrune({ method: 'magnitude' }), // the chosen method goes first
      pruneSweepKey({ ...PRUNE, seed: 4 }), // random pruning
      pruneSweepKey({ ...PRUNE, arch: 'cnn' }),
      pruneSweepKey({ ...PRUNE, dataset: 'fashion' }),
    ];
    for (const c of changed) expect(c).not.toBe(k);
  });
});
