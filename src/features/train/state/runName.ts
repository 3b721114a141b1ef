import type { DatasetId } from '../../model';
import type { Prune, WeightQuant } from '../../../platform/shared/config';
import { percent } from '../../compress';
import type { Recipe } from '../shared/recipe';

/**
 * The name a run's model goes by in the picker: what it is, how it was made, and which run made
 * it, e.g. "MNIST MLP · QAT 2-bit · run 3" or "MNIST MLP 784-32-10 · distilled from CNN · run 4".
 */

const DATASET: Record<DatasetId, string> = { mnist: 'MNIST', fashion: 'Fashion-MNIST' };
const PIXELS = 784;
const CLASSES = 10;

function pruning(p: Prune): string {
  switch (p.method) {
    case 'nm':
      return `${p.pattern} sparse`;
    case 'global':
      return `${percent(p.sparsity)} global magnitude`;
    case 'structured':
      return `${percent(p.sparsity)} structured ${p.norm.toUpperCase()}`;
    default:
      return `${percent(p.sparsity)} ${p.method}`;
  }
}

function weights(w: WeightQuant): string {
  if (w.format === 'float16' || w.format === 'bfloat16') return w.format;
  if (w.format !== 'int') return 'float weights';
  if (w.bits === 1) return 'binary';
  if (w.bits === 2 && w.ternary) return 'ternary';
  return `${w.bits}-bit${w.granularity === 'channel' ? ' per-channel' : ''}`;
}

/** How the model was made, e.g. "QAT 4-bit, 8-bit activations". */
export function describeRecipe(r: Recipe): string {
  switch (r.kind) {
    case 'finetune':
      return `fine-tuned, ${pruning(r.prune)}`;
    case 'qat':
      return `QAT ${weights(r.weights)}${r.acts.bits > 0 ? `, ${r.acts.bits}-bit activations` : ''}`;
    case 'kd':
      return r.alpha === 0
        ? 'from scratch'
        : `distilled from ${r.base !== null ? 'a trained ' : ''}${r.arch.toUpperCase()}`;
  }
}

/** What the trained model is: the base model, or for distillation the student's shape. */
export function describeModel(r: Recipe): string {
  const base = `${DATASET[r.dataset]} ${r.kind === 'kd' ? 'MLP' : r.arch.toUpperCase()}`;
  return r.kind === 'kd' ? `${base} ${[PIXELS, ...r.student.hidden, CLASSES].join('-')}` : base;
}

export function runModelName(r: Recipe, runNumber: number): string {
  // Started from a model trained here (e.g. fine-tuning a distilled student): say so, since the
  // base architecture alone would name the shipped model.
  const from = r.base !== null && r.kind !== 'kd' ? ' (from a trained model)' : '';
  return `${describeModel(r)}${from} · ${describeRecipe(r)} · run ${runNumber}`;
}
