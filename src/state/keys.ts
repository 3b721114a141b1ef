import type { Config } from '../core/config';
import { modelKey } from '../core/config';
import type { ModelSummary } from '../worker/engine';

/**
 * Keys of the inputs each result depends on. A result is current only when its key equals the
 * key computed from the current config.
 */
export { modelKey };

/** The layer actually shown: the configured one if the model has it, else its first layer. */
export function effectiveLayer(config: Config, summary: ModelSummary | null): string | null {
  if (!summary) return null;
  const names = summary.layers.map((l) => l.info.name);
  if (config.layer !== null && names.includes(config.layer)) return config.layer;
  return names[0] ?? null;
}

export function histogramKey(config: Config, layer: string): string {
  return `${modelKey(config)}|${layer}|${config.bins}`;
}

export function evaluationKey(config: Config): string {
  return modelKey(config);
}
