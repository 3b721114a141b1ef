import { useMemo } from 'react';
import type { View } from '../../../platform/shared/config';
import { pipelineStages } from '../shared/stages';
import type { Stage, StageId } from '../shared/stages';
import type { Technique } from '../../train';
import { useStore } from '../../../platform/state/store';

const TAB_NAME: Record<View, string> = {
  model: 'Model',
  quantize: 'Quantize',
  prune: 'Prune & cluster',
  train: 'Train',
  tryit: 'Try it',
  history: 'History',
};

const SHORT_TAB: Record<View, string> = {
  model: 'Model',
  quantize: 'Quantize',
  prune: 'Prune',
  train: 'Train',
  tryit: 'Try it',
  history: 'History',
};

/**
 * The text of a stage's Edit button and its accessible name, which starts with that text (WCAG
 * 2.5.3, label in name: a speech user says what they see).
 */
function editButton(stage: Stage, view: View): { text: string; name: string } {
  if (stage.controlsView === view) return { text: 'Edit', name: `Edit: ${stage.title} controls` };
  const text = `Edit on ${SHORT_TAB[stage.controlsView]}`;
  return {
    text,
    name: `${text}: ${stage.title} controls, on the ${TAB_NAME[stage.controlsView]} tab`,
  };
}

/**
 * The stages a training run takes from the pipeline: fine-tuning keeps the pruning's masks, QAT
 * trains through the weight and activation quantizers; distillation trains a fresh student.
 */
const USED_BY: Record<Technique, readonly StageId[]> = {
  finetune: ['prune'],
  qat: ['weights', 'acts'],
  kd: [],
};

/**
 * Focuses a sidebar control once it is rendered (after a tab switch, on a later frame), and again
 * within `frames` frames if the focus was lost meanwhile (the control rendered anew, or hidden for
 * a moment while the new view loads: e2e/pipeline.spec.ts saw it present but unfocused in 1 of 8
 * runs with a single try). Focus the user has moved to another element stays where it is.
 */
function focusControl(id: string, frames = 120): void {
  let once = false;
  const step = (left: number) => {
    const el = document.getElementById(id);
    const active = document.activeElement;
    if (el && (!once || active === null || active === document.body)) {
      el.focus();
      el.scrollIntoView({ block: 'nearest' });
      once = true;
    }
    if (left > 0) requestAnimationFrame(() => step(left - 1));
  };
  step(frames);
}

/**
 * The whole compression pipeline that produces the numbers of the lab on screen, on every lab:
 * one shared config, so a setting made on one tab is named here on the other. Each stage shows
 * what it does now, jumps to its controls, and turns off on its own; "Reset all" returns to the
 * trained model.
 */
export function PipelineStrip() {
  const config = useStore((s) => s.config);
  const setView = useStore((s) => s.setView);
  const reset = useStore((s) => s.resetStage);
  const resetAll = useStore((s) => s.resetPipeline);
  const view = config.view;
  const stages = useMemo(() => pipelineStages(config, view), [config, view]);
  const anyActive = stages.some((s) => s.active);

  const jump = (stage: Stage) => {
    if (stage.controlsView !== view) setView(stage.controlsView);
    focusControl(stage.controlId);
  };

  return (
    <section className="panel pipeline" aria-label="Pipeline" data-testid="pipeline">
      <div className="pipeline-head">
        <h2>
          {view === 'train'
            ? 'Pipeline: the stages a run trains with'
            : 'Pipeline behind every number on this tab'}
        </h2>
        <button
          type="button"
          className="link-button"
          disabled={!anyActive}
          onClick={resetAll}
          title="Turn every stage off: the trained float32 model"
        >
          Reset all
        </button>
      </div>
      <ol className="pipeline-stages">
        {stages.map((s, i) => (
          <li
            key={s.id}
            className={s.active ? 'stage active' : 'stage'}
            data-testid={`stage-${s.id}`}
            data-active={s.active}
          >
            <span className="stage-title">
              {i + 1}. {s.title}
            </span>
            <span className="stage-state">{s.state}</span>
            {view === 'train' && (
              <span className="stage-use" data-testid={`stage-use-${s.id}`}>
                {USED_BY[config.train.technique].includes(s.id)
                  ? 'trained by the next run'
                  : 'not used by the next run'}
              </span>
            )}
            <span className="stage-actions">
              <button
                type="button"
                className="link-button"
                aria-label={editButton(s, view).name}
                onClick={() => jump(s)}
              >
                {editButton(s, view).text}
              </button>
              <button
                type="button"
                className="link-button"
                aria-label={`Reset ${s.title.toLowerCase()}`}
                disabled={!s.active}
                onClick={() => reset(s.id)}
              >
                Reset
              </button>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
