import { describe, expect, it } from 'vitest';
import {
  FineTuneRecipeSchema,
  QatRecipeSchema,
  RecipeSchema,
  scratchRecipe,
  stepsPerEpoch,
} from './recipe';

describe('recipes', () => {
  it('fills every field with a default from the kind alone', () => {
    const ft = RecipeSchema.parse({ kind: 'finetune' });
    expect(ft).toMatchObject({
      kind: 'finetune',
      dataset: 'mnist',
      arch: 'mlp',
      optimizer: 'adam',
      schedule: { kind: 'oneshot' },
      prune: { method: 'magnitude', sparsity: 0.9 },
    });
    expect(RecipeSchema.parse({ kind: 'qat' })).toMatchObject({
      weights: { format: 'int', bits: 4 },
      acts: { bits: 0 },
    });
    expect(RecipeSchema.parse({ kind: 'kd' })).toMatchObject({
      student: { arch: 'mlp', hidden: [32] },
      temperature: 4,
      alpha: 0.9,
    });
  });

  it('refuses what cannot be trained', () => {
    expect(RecipeSchema.safeParse({ kind: 'prune' }).success).toBe(false);
    expect(QatRecipeSchema.safeParse({ kind: 'qat', weights: { format: 'cluster' } }).success).toBe(
      false,
    );
    expect(
      FineTuneRecipeSchema.safeParse({
        kind: 'finetune',
        schedule: { kind: 'polynomial', beginStep: 100, endStep: 50 },
      }).success,
    ).toBe(false);
    expect(
      FineTuneRecipeSchema.safeParse({
        kind: 'finetune',
        prune: { method: 'nm' },
        schedule: { kind: 'polynomial' },
      }).success,
    ).toBe(false);
    expect(
      RecipeSchema.safeParse({ kind: 'kd', student: { arch: 'mlp', hidden: [] } }).success,
    ).toBe(false);
    expect(RecipeSchema.safeParse({ kind: 'qat', epochs: 0 }).success).toBe(false);
    expect(RecipeSchema.safeParse({ kind: 'qat', learningRate: 5 }).success).toBe(false);
  });

  it('the scratch baseline is the same student with α = 0', () => {
    const kd = RecipeSchema.parse({
      kind: 'kd',
      seed: 7,
      student: { arch: 'mlp', hidden: [16, 8] },
    });
    if (kd.kind !== 'kd') throw new Error('kind');
    const s = scratchRecipe(kd);
    expect(s).toEqual({ ...kd, alpha: 0, temperature: 1, scratch: false });
    expect(RecipeSchema.parse(s)).toEqual(s);
  });

  it('counts the last, smaller batch as a step', () => {
    expect(stepsPerEpoch(8000, 64)).toBe(125);
    expect(stepsPerEpoch(100, 32)).toBe(4);
  });
});
