import { memo, useDeferredValue, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Config } from '../../../platform/shared/config';
import { specLabel, weightSpec } from '../../compress';
import { OBSERVER_LABEL } from '../../compress';
import { actKey } from '../../../platform/state/keys';
import {
  selectEvaluation,
  selectTestCount,
  selectSweep,
  selectSweepCurrent,
} from '../../../platform/state/selectors';
import type { State } from '../../../platform/state/store';
import { useStore } from '../../../platform/state/store';
import { LineChart, XMarker, useBaseline } from '../../../platform/ui/charts/LineChart';
import type { LineSeries, PlotGeometry } from '../../../platform/ui/charts/LineChart';
import { formatInt, formatPercent } from '../../../platform/shared/format';
import { prunedModel } from '../../compress/ui';
import { useDim } from '../../../platform/ui/useDim';
import type { QatRecipe } from '../shared/recipe';
import { useRuns } from '../state/appRuns';
import type { Run } from '../state/runs';

const X_DOMAIN = [1, 8] as const;
const X_TICKS = [1, 2, 3, 4, 5, 6, 7, 8];
const MARKED_BITS = [2, 4, 8];
const Y_DOMAIN = [0, 100] as const;
const describeBits = (b: number) => `${b} bit${b === 1 ? ' (binary)' : 's'}`;
const formatAxisPercent = (v: number) => `${Math.round(v)}%`;
const describePercent = (v: number) => formatPercent(v / 100);
const PTQ_COLOR = '#3b6fd8';
const QAT_COLOR = '#e8590c';

/** A finished QAT run drawn on the chart. */
export interface QatPoint {
  readonly bits: number;
  readonly accuracy: number;
  readonly run: Run & { readonly recipe: QatRecipe };
}

type QatRun = Run & { readonly recipe: QatRecipe };

const isFinishedQat = (r: Run): r is QatRun =>
  r.recipe.kind === 'qat' &&
  (r.status === 'done' || r.status === 'stopped') &&
  r.testAccuracy !== null &&
  r.recipe.weights.format === 'int';

/** The quantizer at `bits`, as a label: equal labels are the same quantizer (seed aside). */
const quantizerAt = (w: Config['weights'], bits: number) => specLabel(weightSpec(w, bits, 0));

/**
 * The QAT runs comparable with the PTQ curve of `c`: the same base model (a shipped one: runs
 * train from it), the same weight quantizer at their width (scheme, symmetric range, granularity,
 * rounding, ternary at 2 bits; 1 bit is binary in every scheme) and the same activations. Where
 * several share a width, the latest finished one.
 */
export function qatPoints(runs: readonly Run[], c: Config): QatPoint[] {
  if (c.trained !== null || c.uploaded !== null) return [];
  const byBits = new Map<number, QatPoint>();
  for (const r of runs) {
    if (!isFinishedQat(r)) continue;
    const { dataset, arch, weights, acts } = r.recipe;
    if (dataset !== c.dataset || arch !== c.arch) continue;
    if (quantizerAt(weights, weights.bits) !== quantizerAt(c.weights, weights.bits)) continue;
    if (actKey(acts) !== actKey(c.acts)) continue;
    const had = byBits.get(weights.bits);
    if (!had || (r.endedAt ?? 0) >= (had.run.endedAt ?? 0))
      byBits.set(weights.bits, { bits: weights.bits, accuracy: r.testAccuracy!, run: r });
  }
  return [...byBits.values()].sort((a, b) => a.bits - b.bits);
}

/** "run 3: 1 epoch", or "run 3: stopped at step 120 of 375". */
function describeRun(p: QatPoint): string {
  const last = p.run.progress[p.run.progress.length - 1];
  const epochs = `${p.run.recipe.epochs} epoch${p.run.recipe.epochs === 1 ? '' : 's'}`;
  const budget =
    p.run.status === 'stopped' && last
      ? `stopped at step ${last.step} of ${last.totalSteps} (${epochs} planned)`
      : epochs;
  return `${p.bits} bit${p.bits === 1 ? '' : 's'}: run ${p.run.number}, ${budget}, ${formatPercent(p.accuracy)}`;
}

const selectFinishedQat = (s: ReturnType<typeof useRuns.getState>) =>
  s.order.map((id) => s.runs[id]!).filter((r) => r !== undefined && isFinishedQat(r));

const selectConfig = (s: State) => s.config;

/**
 * Accuracy against weight bits for the model in the picker: post-training quantization (the
 * quantize lab's sweep, no training) and quantization-aware training (the finished QAT runs), on
 * the same axes, so what training buys at each width is measured, not claimed.
 */
export function PtqQatChart() {
  const config = useStore(selectConfig);
  const sweep = useDeferredValue(useStore(selectSweep));
  const current = useDeferredValue(useStore(selectSweepCurrent));
  const base = useDeferredValue(useStore(selectEvaluation));
  const testCount = useStore(selectTestCount);
  // Finished runs no longer change: a run in progress does not redraw this chart.
  const runs = useRuns(useShallow(selectFinishedQat));
  const qat = useMemo(() => qatPoints(runs, config), [runs, config]);
  const otherRuns = runs.length - qat.length;
  return (
    <PtqQatChartView
      config={config}
      sweep={sweep}
      current={current}
      baseAccuracy={base?.accuracy ?? null}
      testCount={testCount}
      qat={qat}
      otherRuns={otherRuns}
    />
  );
}

const PtqQatChartView = memo(function PtqQatChartView({
  config,
  sweep,
  current,
  baseAccuracy,
  testCount,
  qat,
  otherRuns,
}: {
  config: Config;
  sweep: ReturnType<typeof selectSweep>;
  current: boolean;
  baseAccuracy: number | null;
  testCount: number | null;
  qat: readonly QatPoint[];
  otherRuns: number;
}) {
  const withActs = config.acts.bits > 0;
  const series = useMemo((): LineSeries[] => {
    const ptq = [...(sweep?.points ?? [])]
      .sort((a, b) => a.bits - b.bits)
      .map((p) => {
        const v = withActs ? p.weightAct : p.weightOnly;
        return { x: p.bits, y: v === null ? null : v * 100 };
      });
    return [
      { key: 'ptq', name: 'PTQ: quantized after training', color: PTQ_COLOR, points: ptq },
      {
        key: 'qat',
        name: 'QAT: trained with the quantizer',
        color: QAT_COLOR,
        marker: 'square',
        points: qat.map((p) => ({ x: p.bits, y: p.accuracy * 100 })),
      },
    ];
  }, [sweep, qat, withActs]);
  const pruned = config.prune.method !== 'none';
  const hLines = useBaseline(baseAccuracy, pruned ? 'float32 unpruned' : 'float32');
  const dim = useDim(current);
  const ptqCount = series[0]!.points.filter((p) => p.y !== null).length;
  const ternary = config.weights.ternary ? ', 2 bits = ternary (TWN)' : '';
  const scheme = quantizerAt(config.weights, 4).replace(/^int4 /, '');
  const images =
    testCount === null ? 'the full test set' : `all ${formatInt(testCount)} test images`;
  const acts = withActs
    ? `activations at ${config.acts.bits} bits (${config.acts.scheme}, ${OBSERVER_LABEL[config.acts.observer]} calibration)`
    : 'activations float32';
  return (
    <section className="panel" aria-label="PTQ versus QAT accuracy by bit-width">
      <h2>Accuracy vs bit-width: post-training quantization vs QAT</h2>
      <div
        className={dim ? 'chart stale' : 'chart'}
        data-current={current}
        data-testid="ptq-qat-chart"
        data-ptq-points={ptqCount}
        data-qat-points={qat.length}
      >
        <LineChart
          title="Test accuracy vs weight bits, PTQ and QAT"
          xDomain={X_DOMAIN}
          xTicks={X_TICKS}
          xMarked={MARKED_BITS}
          xLabel="weight bits (1 = binary)"
          formatX={String}
          describeX={describeBits}
          yDomain={Y_DOMAIN}
          formatY={formatAxisPercent}
          describeY={describePercent}
          series={series}
          hLines={hLines}
          Overlay={NextRunMarker}
        />
      </div>
      <p className="muted small" data-testid="ptq-qat-caption">
        <b>PTQ</b> (blue): every layer&apos;s weights quantized to that width after training (
        {scheme}; 1 bit = binary α·sign(w){ternary}), {acts}, on {prunedModel(config)}; no training;
        measured on {images}. <b>QAT</b> (orange): at each width, the latest finished QAT run of
        this model with the same quantizer and activations, trained for its epochs from the float
        model with the quantizer in every forward pass (straight-through gradients), its test
        accuracy measured on {images} at the end of the run
        {qat.length > 0 ? `: ${qat.map(describeRun).join('; ')}.` : '. None yet: start one above.'}
        {withActs || pruned
          ? ''
          : ' A QAT run’s step-0 accuracy (“Before” in the run list) is the PTQ point at its width.'}
        {pruned
          ? ' The PTQ curve includes pipeline stage 1’s pruning; QAT runs start from the unpruned float model.'
          : ''}
        {config.trained !== null || config.uploaded !== null
          ? ` QAT runs train from the shipped models${config.uploaded !== null ? ', not an uploaded one' : ''}: pick one in the model picker to compare its runs.`
          : ''}
        {otherRuns > 0
          ? ` ${otherRuns} other finished QAT run${otherRuns === 1 ? '' : 's'} (another model, quantizer or activations, or an older run at the same width) not drawn.`
          : ''}
      </p>
    </section>
  );
});

/** The width the next QAT run will use (the configured integer bits). */
const selectIntBits = (s: State) =>
  s.config.weights.format === 'int' ? s.config.weights.bits : null;

function NextRunMarker({ g }: { g: PlotGeometry }) {
  const bits = useStore(selectIntBits);
  if (bits === null) return null;
  return <XMarker g={g} x={bits} label={`next run: ${bits} bit${bits === 1 ? '' : 's'}`} />;
}
