import type { ActQuant } from '../../../platform/shared/config';

/** Small wording helpers shared by the pipeline strip and the sweep captions. */

/** Activation observers in the words of torch.ao. */
export const OBSERVER_LABEL: Record<ActQuant['observer'], string> = {
  minmax: 'MinMax',
  movingAverageMinMax: 'moving-average MinMax',
  percentile: 'percentile',
  mse: 'MSE-optimal',
};

/** A fraction as a percentage with at most one decimal: 0.925 → "92.5%". */
export function percent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** "1 layer", "2 layers". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
