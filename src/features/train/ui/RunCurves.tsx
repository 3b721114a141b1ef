import { memo, useMemo } from 'react';
import { LineChart } from '../../../platform/ui/charts/LineChart';
import type { LineSeries } from '../../../platform/ui/charts/LineChart';
import { formatPercent } from '../../../platform/shared/format';
import { niceTicks } from '../../../platform/ui/charts/ticks';
import type { TrainProgress } from '../shared/progress';
import { useRuns } from '../state/appRuns';
import type { Run } from '../state/runs';
import { useCurrentRun } from './useCurrentRun';
import { selectOneShot } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';

/** Points of one measure over the steps, in percent; steps where it was not measured are left out. */
function curve(
  progress: readonly TrainProgress[],
  pick: (p: TrainProgress) => number | null,
): LineSeries['points'] {
  const out: { x: number; y: number }[] = [];
  for (const p of progress) {
    const v = pick(p);
    if (v !== null) out.push({ x: p.step, y: v * 100 });
  }
  return out;
}

/** The running run's curves (and, for distillation, its from-scratch baseline's). */
export function RunCurves() {
  const run = useCurrentRun();
  const baseline = useRuns((s) =>
    run ? (Object.values(s.runs).find((r) => r.baselineOf === run.id) ?? null) : null,
  );
  // Fine-tuning: the same pruning one-shot, without retraining (when the run prunes as the
  // pipeline does now).
  const oneShot = useStore(selectOneShot);
  const prune = useStore((s) => s.config.prune);
  const reference =
    run?.recipe.kind === 'finetune' &&
    oneShot !== null &&
    JSON.stringify(run.recipe.prune) === JSON.stringify(prune)
      ? { accuracy: oneShot.accuracy, sparsity: prune.sparsity, method: prune.method }
      : null;
  return <RunCurvesView run={run} baseline={baseline} reference={reference} />;
}

const RunCurvesView = memo(function RunCurvesView({
  run,
  baseline,
  reference,
}: {
  run: Run | null;
  baseline: Run | null;
  reference: { accuracy: number; sparsity: number; method: string } | null;
}) {
  const hLines = useMemo(
    () =>
      reference
        ? [
            {
              y: reference.accuracy * 100,
              color: '#c92a2a',
              label: `one-shot ${reference.method === 'nm' ? '' : `${Math.round(reference.sparsity * 1000) / 10}% `}pruned, no retraining: ${formatPercent(reference.accuracy)}`,
            },
          ]
        : undefined,
    [reference],
  );
  const series = useMemo((): LineSeries[] => {
    if (!run) return [];
    const kd = run.recipe.kind === 'kd';
    const s: LineSeries[] = [
      {
        key: 'test',
        name: kd ? 'distilled student: test accuracy' : 'test accuracy',
        color: '#2f63c9',
        points: curve(run.progress, (p) => p.testAccuracy),
      },
      {
        key: 'train',
        name: 'training batches (running, this epoch)',
        color: '#8a94a8',
        dash: '4 3',
        marker: 'none',
        points: curve(run.progress, (p) => p.trainAccuracy),
      },
    ];
    if (run.recipe.kind === 'finetune')
      s.push({
        key: 'sparsity',
        name: 'sparsity in force',
        color: '#7048e8',
        marker: 'none',
        points: curve(run.progress, (p) => p.sparsity),
      });
    if (baseline)
      s.push({
        key: 'scratch',
        name: 'same student from scratch: test accuracy',
        color: '#e8590c',
        dash: '6 3',
        marker: 'square',
        points: curve(baseline.progress, (p) => p.testAccuracy),
      });
    return s;
  }, [run, baseline]);
  const ariaLabel = useMemo(() => {
    const parts = series
      .filter((c) => c.key !== 'train')
      .map((c) => {
        const first = c.points[0];
        const last = c.points[c.points.length - 1];
        if (!first || !last || first.y === null || last.y === null)
          return `${c.name}: not measured yet`;
        return `${c.name}: ${first.y.toFixed(1)}% at step ${first.x}, ${last.y.toFixed(1)}% at step ${last.x}`;
      });
    if (hLines) parts.push(hLines[0]!.label);
    return `Accuracy over the optimizer steps of the run. ${parts.join('; ')}`;
  }, [series, hLines]);
  if (!run) return null;
  const total = run.progress[0]?.totalSteps ?? 1;
  const xTicks = niceTicks(0, total, 6);
  const last = run.progress[run.progress.length - 1];
  return (
    <section className="panel" aria-label="Training curves">
      <h2>Accuracy over training steps</h2>
      <div className="chart" data-testid="run-curves" data-points={run.progress.length}>
        <LineChart
          title="Accuracy over the optimizer steps of the run"
          ariaLabel={ariaLabel}
          xDomain={[0, Math.max(1, total)]}
          xTicks={xTicks}
          xLabel="optimizer steps"
          formatX={(v) => String(Math.round(v))}
          describeX={(v) => `step ${Math.round(v)}`}
          yDomain={[0, 100]}
          formatY={(v) => `${Math.round(v)}%`}
          describeY={(v) => formatPercent(v / 100)}
          series={series}
          {...(hLines ? { hLines } : {})}
        />
      </div>
      <p className="muted small">
        Test accuracy on the whole test set at the measured steps (step 0 is the model before
        training)
        {run.recipe.kind === 'finetune' ? '; sparsity is the fraction of weights held at 0' : ''}
        {hLines ? '; the red line is the same pruning applied at once, without retraining' : ''}
        {baseline
          ? '; the dashed orange curve is the same student trained on the labels alone, same seed and budget'
          : ''}
        .{last ? ` Last loss ${last.loss.toFixed(3)}.` : ''}
      </p>
    </section>
  );
});
