import { modelArch } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import { evaluateEach, evaluationOn } from '../../../platform/state/job';
import type { JobContext, JobList } from '../../../platform/state/job';
import {
  actInspectionKey,
  effectiveLayer,
  layerErrorsKey,
  sensitivityKey,
  sweepActs,
  sweepKey,
  sweepWithActs,
} from '../../../platform/state/keys';
import type { EvalRequest } from '../../../platform/worker/engine';

/** Bit-widths of the accuracy sweep. */
export const SWEEP_BITS = [8, 7, 6, 5, 4, 3, 2, 1] as const;
/** Bit-widths tried per layer by the sensitivity analysis. */
export const SENSITIVITY_BITS = [8, 4, 3, 2] as const;

/** The results of the quantization lab: per-layer errors, activation ranges, the bit-width sweep, per-layer sensitivity. The registry (platform/state/jobs.ts) orders all jobs. */
export function quantizeJobs(ctx: JobContext): JobList {
  const { client, stats, inQuantView, inQatView, layerOf, shown } = ctx;
  const jobs: JobList = [];
  const add = ctx.collect(jobs);

  add({
    name: 'layerErrors',
    lane: 'instant',
    key: (s) => (inQuantView(s) && shown(s, 'layers') ? layerErrorsKey(s.config) : null),
    run: async ({ config, emit }) =>
      emit(
        await stats.call((api) =>
          api.layerErrors(config.dataset, modelArch(config), compressSettings(config)),
        ),
      ),
  });

  add({
    name: 'actInspection',
    key: (s, summary) => {
      const layer = layerOf(s, summary);
      return layer === null || !inQuantView(s) || !shown(s, 'acts') || s.config.acts.bits === 0
        ? null
        : actInspectionKey(s.config, layer);
    },
    run: async ({ config, summary, emit }) => {
      const layer = effectiveLayer(config, summary)!;
      emit(
        await client.call((api) =>
          api.inspectActivations(
            config.dataset,
            modelArch(config),
            config.acts,
            layer,
            config.bins,
          ),
        ),
      );
    },
  });

  add({
    name: 'sweep',
    key: (s) => ((inQuantView(s) || inQatView(s)) && shown(s, 'sweep') ? sweepKey(s.config) : null),
    complete: (d) => d.done,
    run: async ({ config, summary, emit, stale }) => {
      const acts = sweepActs(config.acts);
      const withActs = sweepWithActs(config);
      // Point by point, widest first, weight-only then W+A, then the 16-bit references, so the
      // curve fills in as it goes (on two workers when the work is long: evaluateEach).
      type Item = { bits: number; acts: boolean } | { format: 'float16' | 'bfloat16' };
      const items: Item[] = [
        ...SWEEP_BITS.flatMap((bits) => [
          { bits, acts: false },
          ...(withActs ? [{ bits, acts: true }] : []),
        ]),
        { format: 'float16' },
        { format: 'bfloat16' },
      ];
      const weightOnly = new Map<number, number>();
      const weightAct = new Map<number, number>();
      // On a slow model every point is first estimated on the first test images (evaluateEach):
      // kept apart, so that `weightOnly` and `weightAct` always hold whole-test-set accuracies.
      const estimates = {
        weightOnly: new Map<number, number>(),
        weightAct: new Map<number, number>(),
      };
      let estimatedOn: number | undefined;
      const references: Partial<Record<'float16' | 'bfloat16', number>> = {};
      await evaluateEach(
        ctx,
        config,
        summary,
        'sweep',
        items,
        (item) => ({
          weights: {
            ...compressSettings(config),
            weights:
              'format' in item
                ? { ...config.weights, format: item.format }
                : { ...config.weights, format: 'int' as const, bits: item.bits },
            overrides: {},
          },
          acts: 'acts' in item && item.acts ? acts : null,
        }),
        (i, e, done) => {
          const item = items[i]!;
          const whole = summary === null || e.count >= summary.dataset.test.count;
          if (!whole) {
            // An estimate: the 16-bit references wait for their whole-test-set values.
            if ('format' in item) return;
            estimatedOn = e.count;
            estimates[item.acts ? 'weightAct' : 'weightOnly'].set(item.bits, e.accuracy);
          } else if ('format' in item) references[item.format] = e.accuracy;
          else (item.acts ? weightAct : weightOnly).set(item.bits, e.accuracy);
          const has = (b: number) =>
            [weightOnly, weightAct, estimates.weightOnly, estimates.weightAct].some((m) =>
              m.has(b),
            );
          emit({
            actBits: acts.bits,
            ...(estimatedOn === undefined ? {} : { estimatedOn }),
            points: SWEEP_BITS.filter(has).map((bits) => {
              const wo = weightOnly.get(bits) ?? null;
              const wa = weightAct.get(bits) ?? null;
              const woEstimate = wo === null ? estimates.weightOnly.get(bits) : undefined;
              const waEstimate = wa === null ? estimates.weightAct.get(bits) : undefined;
              return {
                bits,
                weightOnly: wo,
                weightAct: wa,
                ...(woEstimate === undefined ? {} : { weightOnlyEstimate: woEstimate }),
                ...(waEstimate === undefined ? {} : { weightActEstimate: waEstimate }),
              };
            }),
            references: { ...references },
            done,
          });
        },
        stale,
        true,
      );
    },
  });

  add({
    name: 'sensitivity',
    key: (s) => {
      if (!inQuantView(s) || !shown(s, 'sensitivity') || s.sensitivityRequest === '') return null;
      const k = sensitivityKey(s.config);
      return s.sensitivityRequest === k ? k : null;
    },
    complete: (d) => d.done,
    run: async ({ config, summary, emit, stale }) => {
      if (!summary) return;
      const names = summary.layers.map((l) => l.info.name);
      // This layer at `bits` (null: none), every other layer float32.
      const request = (layer: string | null, bits = 0): EvalRequest => ({
        weights: {
          ...compressSettings(config),
          weights: { ...config.weights, format: 'int' as const },
          overrides: Object.fromEntries(names.map((n) => [n, n === layer ? bits : 0])),
        },
        acts: null,
      });
      // The reference: every layer float32 on the same (possibly pruned) model, so that a drop is
      // the quantization's alone, not pruning's too.
      const reference = (await evaluationOn(config, request(null), 'sensitivity')(client)())
        .accuracy;
      if (stale()) return;
      // Layer by layer, each at every candidate bit-width alone (on two workers when the work is
      // long: evaluateEach).
      const items = names.flatMap((layer) => SENSITIVITY_BITS.map((bits) => ({ layer, bits })));
      const accuracy = new Map<string, Record<number, number>>();
      await evaluateEach(
        ctx,
        config,
        summary,
        'sensitivity',
        items,
        ({ layer, bits }) => request(layer, bits),
        (i, e, done) => {
          const { layer, bits } = items[i]!;
          accuracy.set(layer, { ...accuracy.get(layer), [bits]: e.accuracy });
          emit({
            candidates: [...SENSITIVITY_BITS],
            reference,
            rows: names
              .filter((n) => accuracy.has(n))
              .map((n) => ({ layer: n, accuracy: accuracy.get(n)! })),
            done,
          });
        },
        stale,
      );
    },
  });

  return jobs;
}
