import { modelArch } from '../../../platform/shared/config';
import { compressSettings } from '../../compress';
import type { Config } from '../../../platform/shared/config';
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
import type { SensitivityRow, SweepPoint } from '../../../platform/state/store';

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
    run: async ({ config, emit, stale }) => {
      const acts = sweepActs(config.acts);
      const points: SweepPoint[] = [];
      const references: Partial<Record<'float16' | 'bfloat16', number>> = {};
      const evalWeights = (weights: Config['weights'], a: Config['acts'] | null) =>
        client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            { weights: { ...compressSettings(config), weights, overrides: {} }, acts: a },
            undefined,
            'sweep',
          ),
        );
      // Point by point, widest first, weight-only then W+A, so the curve fills in as it goes.
      for (const bits of SWEEP_BITS) {
        const weights = { ...config.weights, format: 'int' as const, bits };
        const wOnly = await evalWeights(weights, null);
        if (stale()) return;
        points.push({ bits, weightOnly: wOnly.accuracy, weightAct: null });
        emit({
          actBits: acts.bits,
          points: [...points],
          references: { ...references },
          done: false,
        });
        if (!sweepWithActs(config)) continue;
        const wa = await evalWeights(weights, acts);
        if (stale()) return;
        points[points.length - 1] = { bits, weightOnly: wOnly.accuracy, weightAct: wa.accuracy };
        emit({
          actBits: acts.bits,
          points: [...points],
          references: { ...references },
          done: false,
        });
      }
      for (const format of ['float16', 'bfloat16'] as const) {
        const e = await evalWeights({ ...config.weights, format }, null);
        if (stale()) return;
        references[format] = e.accuracy;
        emit({
          actBits: acts.bits,
          points: [...points],
          references: { ...references },
          done: format === 'bfloat16',
        });
      }
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
      const rows: SensitivityRow[] = [];
      const evalWith = (overrides: Config['overrides']) =>
        client.call((api) =>
          api.evaluate(
            config.dataset,
            modelArch(config),
            {
              weights: {
                ...compressSettings(config),
                weights: { ...config.weights, format: 'int' as const },
                overrides,
              },
              acts: null,
            },
            undefined,
            'sensitivity',
          ),
        );
      // The reference: every layer float32 on the same (possibly pruned) model, so that a drop is
      // the quantization's alone, not pruning's too.
      const reference = (await evalWith(Object.fromEntries(names.map((n) => [n, 0])))).accuracy;
      if (stale()) return;
      for (const layer of names) {
        const accuracy: Record<number, number> = {};
        for (const bits of SENSITIVITY_BITS) {
          // This layer at `bits`, every other layer float32.
          const e = await evalWith(
            Object.fromEntries(names.map((n) => [n, n === layer ? bits : 0])),
          );
          if (stale()) return;
          accuracy[bits] = e.accuracy;
          emit({
            candidates: [...SENSITIVITY_BITS],
            reference,
            rows: [...rows, { layer, accuracy: { ...accuracy } }],
            done: false,
          });
        }
        rows.push({ layer, accuracy });
      }
      emit({ candidates: [...SENSITIVITY_BITS], reference, rows, done: true });
    },
  });

  return jobs;
}
