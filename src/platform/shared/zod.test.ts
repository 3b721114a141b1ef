import { describe, expect, it } from 'vitest';
import { guarded, z } from './zod';
import { isTrainedModelId, newTrainedModelId } from '../../features/model/shared/modelId';
import { ConfigSchema } from './config';

describe('the app’s zod (Zod Mini with English messages)', () => {
  it('says what is wrong in English, not "Invalid input"', () => {
    const r = z.int().check(z.gte(1), z.lte(8)).safeParse(9);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Too big: expected number to be <=8');
    const bins = ConfigSchema.safeParse({ bins: 3 });
    expect(z.prettifyError(bins.error!)).toMatch(/Too small: expected number to be >=8[\s\S]*bins/);
  });

  it('a guarded string accepts what the guard accepts, and nothing else', () => {
    const Id = guarded(isTrainedModelId, 'not a trained-model id');
    const id = newTrainedModelId();
    expect(Id.parse(id)).toBe(id);
    for (const bad of ['mlp', '', 42, null]) {
      const r = Id.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toBe('not a trained-model id');
    }
  });
});
