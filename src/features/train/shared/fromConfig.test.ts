import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { UPLOADED_NOT_TRAINED, recipeFromConfig } from './fromConfig';

/** The recipe the Train tab would start from the config, or why it cannot. */
describe('the recipe of the config', () => {
  const qat = {
    ...DEFAULT_CONFIG,
    train: { ...DEFAULT_CONFIG.train, technique: 'qat' as const },
    weights: { ...DEFAULT_CONFIG.weights, format: 'int' as const, bits: 4 },
  };

  it('trains the shipped model the config names', () => {
    const r = recipeFromConfig(qat);
    expect(r.ok).toBe(true);
    expect(r.ok && r.recipe.kind === 'qat' && r.recipe.weights.bits).toBe(4);
    expect(r.ok && r.recipe.arch).toBe(DEFAULT_CONFIG.arch);
  });

  it('never trains the shipped model in place of an uploaded one: it says why instead', () => {
    for (const technique of ['qat', 'finetune', 'kd'] as const) {
      const r = recipeFromConfig({
        ...qat,
        prune: { ...qat.prune, method: 'magnitude' },
        train: { ...qat.train, technique },
        uploaded: `uploaded:${'cd'.repeat(32)}`,
      });
      expect(r, technique).toEqual({ ok: false, problem: UPLOADED_NOT_TRAINED });
    }
    expect(UPLOADED_NOT_TRAINED).toMatch(/shipped MLP or CNN/);
  });
});
