import { useMemo } from 'react';
import './train.css';
import { useShallow } from 'zustand/react/shallow';
import { PipelineStrip } from '../../compress/ui';
import { selectSummary } from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { Shown } from '../../../platform/ui/Shown';
import { formatPercent } from '../../../platform/shared/format';
import { recipeFromConfig } from '../shared/fromConfig';
import type { Recipe } from '../shared/recipe';
import { remainingMs } from '../shared/progress';
import { describeRecipe, runModelName } from '../state/runName';
import { useRuns } from '../state/appRuns';
import type { Run } from '../state/runs';
import { PtqQatChart } from './PtqQatChart';
import { RunCurves } from './RunCurves';
import { SoftTargets } from './SoftTargets';
import { useCurrentRun } from './useCurrentRun';
import { TrainExplainer } from './TrainExplainer';

const STATUS_LABEL: Record<Run['status'], string> = {
  queued: 'queued',
  running: 'training…',
  done: 'done',
  stopped: 'stopped early (kept)',
  cancelled: 'cancelled (discarded)',
  failed: 'failed',
};

/** Fine-tuning: when the masks come (the run's name says only the final pruning). */
function scheduleNote(r: Recipe): string {
  if (r.kind !== 'finetune') return '';
  const s = r.schedule;
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  switch (s.kind) {
    case 'oneshot':
      return ' (pruned at once, then trained)';
    case 'constant':
      return ` (masks recomputed every ${s.frequency} steps)`;
    case 'polynomial':
      return ` (sparsity raised ${pct(s.initialSparsity)} → ${pct(s.finalSparsity ?? r.prune.sparsity)} by step ${s.endStep})`;
  }
}

function seconds(ms: number): string {
  return ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The Train tab: what a run will do, the run in progress with its curves, and every run so far. */
export function TrainView() {
  return (
    <>
      <Shown panel="pipeline">
        <PipelineStrip />
      </Shown>
      <RunPanel />
      <RunCurves />
      <TechniqueViews />
      <RunList />
      <Shown panel="explain">
        <TrainExplainer />
      </Shown>
    </>
  );
}

/** The views of the chosen technique: the teacher's soft targets, or PTQ against QAT. */
function TechniqueViews() {
  const technique = useStore((s) => s.config.train.technique);
  // An uploaded model: 'dataset' if it is shaped like the shipped ones, else 'fidelity' (no
  // teacher on the test images) or 'none' (weights only: nothing to sweep either).
  const evaluation = useStore((s) =>
    s.config.uploaded === null ? 'dataset' : selectSummary(s)?.meta.training.evaluation,
  );
  if (technique === 'kd') return evaluation === 'dataset' ? <SoftTargets /> : null;
  if (technique === 'qat' && evaluation !== 'none')
    return (
      <Shown panel="sweep">
        <PtqQatChart />
      </Shown>
    );
  return null;
}

function RunPanel() {
  const config = useStore((s) => s.config);
  const planned = useMemo(() => recipeFromConfig(config), [config]);
  const startRun = useRuns((s) => s.startRun);
  const stopRun = useRuns((s) => s.stopRun);
  const cancelRun = useRuns((s) => s.cancelRun);
  const run = useCurrentRun();
  const live = run !== null && (run.status === 'queued' || run.status === 'running');
  const last = run?.progress[run.progress.length - 1] ?? null;
  const left = last ? remainingMs(last) : null;
  const fraction = last && last.totalSteps > 0 ? last.step / last.totalSteps : 0;
  return (
    <section className="panel" aria-label="Training run" data-testid="run-panel">
      <h2>Train a model</h2>
      <p data-testid="planned-recipe">
        {planned.ok ? (
          <>
            Start runs: <b>{describeRecipe(planned.recipe)}</b>
            {scheduleNote(planned.recipe)} on the{' '}
            {config.dataset === 'mnist' ? 'MNIST' : 'Fashion-MNIST'} {config.arch.toUpperCase()},{' '}
            {planned.recipe.epochs} epoch
            {planned.recipe.epochs > 1 ? 's' : ''}, batch {planned.recipe.batchSize},{' '}
            {planned.recipe.optimizer === 'adam' ? 'Adam' : 'SGD'} at {planned.recipe.learningRate},
            seed {planned.recipe.seed}.
          </>
        ) : (
          <span className="run-problem">{planned.problem}</span>
        )}
      </p>
      <div className="run-actions">
        <button
          type="button"
          className="primary"
          disabled={!planned.ok || live}
          onClick={() => planned.ok && startRun(planned.recipe)}
        >
          Start
        </button>
        <button
          type="button"
          disabled={!live || run?.status !== 'running'}
          onClick={() => run && stopRun(run.id)}
          title="End at the next step and keep the model as it is"
        >
          Stop and keep
        </button>
        <button
          type="button"
          disabled={!live}
          onClick={() => run && void cancelRun(run.id)}
          title="End now and discard the model"
        >
          Cancel
        </button>
      </div>
      {run && (
        <div className="run-status" data-testid="run-status" data-status={run.status}>
          <div className="run-title">
            {run.name}: <b>{STATUS_LABEL[run.status]}</b>
            {run.error ? ` — ${run.error}` : ''}
          </div>
          <progress
            max={1}
            value={run.status === 'done' ? 1 : fraction}
            aria-label="Training progress"
            data-testid="run-progress"
          />
          <div className="muted small" data-testid="run-numbers">
            {last
              ? `step ${last.step} of ${last.totalSteps} · epoch ${last.epoch} · loss ${last.loss.toFixed(3)}` +
                (last.testAccuracy !== null ? ` · test ${formatPercent(last.testAccuracy)}` : '') +
                (last.sparsity !== null ? ` · sparsity ${formatPercent(last.sparsity)}` : '') +
                ` · ${seconds(last.elapsedMs)} elapsed` +
                (live && left !== null ? ` · about ${seconds(left)} left` : '')
              : live
                ? 'Loading the model and the training data…'
                : ''}
          </div>
        </div>
      )}
    </section>
  );
}

function RunList() {
  const runs = useRuns(useShallow((s) => s.order.map((id) => s.runs[id]!).filter(Boolean)));
  if (runs.length === 0) return null;
  return (
    <section className="panel" aria-label="Runs">
      <h2>Runs this visit</h2>
      <table className="layer-table" data-testid="run-list">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Before
            </th>
            <th scope="col" className="num">
              Test accuracy
            </th>
          </tr>
        </thead>
        <tbody>
          {[...runs].reverse().map((r) => (
            <tr key={r.id}>
              <th scope="row">
                {r.baselineOf !== null ? `${runModelName(r.recipe, r.number)} (baseline)` : r.name}
              </th>
              <td>{STATUS_LABEL[r.status]}</td>
              <td className="num">
                {r.progress[0]?.testAccuracy != null
                  ? formatPercent(r.progress[0].testAccuracy)
                  : '—'}
              </td>
              <td className="num">
                {r.testAccuracy !== null ? formatPercent(r.testAccuracy) : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        &quot;Before&quot; is the test accuracy at step 0: the one-shot pruned model, the
        post-training-quantized one, or the untrained student. Kept models are stored in this
        browser (IndexedDB), the newest 20.
      </p>
    </section>
  );
}
