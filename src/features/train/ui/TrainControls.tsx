import { actsState, pruneState, weightsState } from '../../compress';
import { useStore } from '../../../platform/state/store';
import { OPTIMIZERS } from '../shared/hyper';
import type { PruneSchedule } from '../shared/hyper';
import { TECHNIQUES } from '../shared/settings';
import type { Technique, TrainSettings } from '../shared/settings';
import { withCurrent } from '../../../platform/ui/options';

export const TRAIN_CONTROL_ID = 'control-train-technique';

const TECHNIQUE_LABEL: Record<Technique, string> = {
  finetune: 'Fine-tune after pruning',
  qat: 'Quantization-aware training',
  kd: 'Knowledge distillation',
};

const STUDENTS: readonly (readonly number[])[] = [
  [8],
  [16],
  [32],
  [64],
  [128],
  [64, 32],
  [300, 100],
];
const LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1];

function defaultSchedule(kind: PruneSchedule['kind']): PruneSchedule {
  switch (kind) {
    case 'oneshot':
      return { kind };
    case 'constant':
      return { kind, beginStep: 0, endStep: -1, frequency: 100 };
    case 'polynomial':
      return { kind, initialSparsity: 0, beginStep: 0, endStep: 250, frequency: 25, power: 3 };
  }
}

/** The Train tab's sidebar: which technique, on which stage of the pipeline, how long. */
export function TrainControls() {
  const t = useStore((s) => s.config.train);
  const setTrain = useStore((s) => s.setTrain);
  const prune = useStore((s) => pruneState(s.config));
  const weights = useStore((s) => weightsState(s.config));
  const acts = useStore((s) => actsState(s.config));
  const set = (patch: Partial<TrainSettings>) => setTrain(patch);
  return (
    <section className="panel controls" aria-label="Training settings">
      <h2>Train</h2>
      <label className="field">
        <span>Technique</span>
        <select
          id={TRAIN_CONTROL_ID}
          value={t.technique}
          onChange={(e) => set({ technique: e.target.value as Technique })}
        >
          {TECHNIQUES.map((k) => (
            <option key={k} value={k}>
              {TECHNIQUE_LABEL[k]}
            </option>
          ))}
        </select>
        <small data-testid="train-target">
          {t.technique === 'finetune' &&
            `Retrains the pruned model of pipeline stage 1 (${prune}); pruned weights stay exactly 0.`}
          {t.technique === 'qat' &&
            `Trains with stage 2's quantizer in the forward pass (${weights}); activations: ${acts}.`}
          {t.technique === 'kd' &&
            'The model picked above is the teacher; a small MLP student learns from its softened outputs, and the same student is trained from scratch for comparison.'}
        </small>
      </label>

      {t.technique === 'finetune' && (
        <>
          <label className="field">
            <span>Pruning schedule</span>
            <select
              value={t.schedule.kind}
              onChange={(e) =>
                set({ schedule: defaultSchedule(e.target.value as PruneSchedule['kind']) })
              }
            >
              <option value="oneshot">one-shot, then fine-tune</option>
              <option value="constant">ConstantSparsity (TFMOT)</option>
              <option value="polynomial">PolynomialDecay (TFMOT)</option>
            </select>
          </label>
          {t.schedule.kind === 'polynomial' && (
            <PolynomialFields schedule={t.schedule} onChange={(schedule) => set({ schedule })} />
          )}
          {t.schedule.kind === 'constant' && (
            <small className="muted">
              Masks recomputed at the pruning stage&apos;s sparsity every {t.schedule.frequency}{' '}
              steps from step {t.schedule.beginStep}
              {t.schedule.endStep === -1 ? ' to the end' : ` to step ${t.schedule.endStep}`}.
            </small>
          )}
        </>
      )}

      {t.technique === 'kd' && (
        <>
          <label className="field">
            <span>Student (hidden units)</span>
            <select
              value={t.hidden.join('-')}
              onChange={(e) => set({ hidden: e.target.value.split('-').map(Number) })}
            >
              {[
                ...STUDENTS,
                ...(STUDENTS.some((s) => s.join('-') === t.hidden.join('-')) ? [] : [t.hidden]),
              ].map((h) => (
                <option key={h.join('-')} value={h.join('-')}>
                  784-{h.join('-')}-10
                </option>
              ))}
            </select>
          </label>
          <div className="field">
            <label htmlFor="kd-temperature" className="slider-label">
              <span>Temperature T</span>
              <output htmlFor="kd-temperature">{t.temperature}</output>
            </label>
            <input
              id="kd-temperature"
              type="range"
              min={1}
              max={20}
              step={1}
              value={t.temperature}
              onChange={(e) => set({ temperature: Number(e.target.value) })}
            />
          </div>
          <div className="field">
            <label htmlFor="kd-alpha" className="slider-label">
              <span>α (weight of the teacher)</span>
              <output htmlFor="kd-alpha">{t.alpha.toFixed(2)}</output>
            </label>
            <input
              id="kd-alpha"
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={t.alpha}
              onChange={(e) => set({ alpha: Number(e.target.value) })}
            />
          </div>
        </>
      )}

      <h2>Budget</h2>
      <label className="field">
        <span>Epochs (passes over the training split)</span>
        <select value={t.epochs} onChange={(e) => set({ epochs: Number(e.target.value) })}>
          {withCurrent([1, 2, 3, 5, 10, 20], t.epochs).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Batch size</span>
        <select value={t.batchSize} onChange={(e) => set({ batchSize: Number(e.target.value) })}>
          {withCurrent([32, 64, 128, 256], t.batchSize).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Optimizer</span>
        <select
          value={t.optimizer}
          onChange={(e) => set({ optimizer: e.target.value as TrainSettings['optimizer'] })}
        >
          {OPTIMIZERS.map((o) => (
            <option key={o} value={o}>
              {o === 'adam' ? 'Adam' : 'SGD'}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Learning rate</span>
        <select
          value={t.learningRate}
          onChange={(e) => set({ learningRate: Number(e.target.value) })}
        >
          {withCurrent(LEARNING_RATES, t.learningRate).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}

type Polynomial = Extract<PruneSchedule, { kind: 'polynomial' }>;

/** TFMOT's PolynomialDecay: where the sparsity starts and the step it reaches the target. */
function PolynomialFields({
  schedule,
  onChange,
}: {
  schedule: Polynomial;
  onChange: (s: Polynomial) => void;
}) {
  return (
    <>
      <label className="field">
        <span>Initial sparsity</span>
        <select
          value={schedule.initialSparsity}
          onChange={(e) => onChange({ ...schedule, initialSparsity: Number(e.target.value) })}
        >
          {withCurrent([0, 0.25, 0.5], schedule.initialSparsity).map((v) => (
            <option key={v} value={v}>
              {Math.round(v * 100)}%
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Reach the target at step</span>
        <select
          value={schedule.endStep}
          onChange={(e) => {
            const endStep = Number(e.target.value);
            // Ten mask updates on the way, as TFMOT's examples do.
            onChange({ ...schedule, endStep, frequency: Math.max(1, Math.round(endStep / 10)) });
          }}
        >
          {withCurrent([100, 250, 500, 1000], schedule.endStep).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <small>
          Masks recomputed every {schedule.frequency} steps from step {schedule.beginStep}; the
          sparsity rises along a curve of power {schedule.power}.
        </small>
      </label>
    </>
  );
}
