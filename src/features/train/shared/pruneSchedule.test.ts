import { describe, expect, it } from 'vitest';
import { PruneSchema, SKIP_LAYER } from '../../../platform/shared/config';
import { appliedSparsity } from '../../prune';
import { coreSchedule, finalSparsity, pruneStepAt } from './pruneSchedule';
import { PruneScheduleSchema } from './hyper';

const prune = PruneSchema.parse({
  method: 'magnitude',
  sparsity: 0.9,
  overrides: { fc3: 0.5, fc2: SKIP_LAYER },
});

describe('fine-tuning pruning plan', () => {
  it('one-shot prunes once, at step 0, at the recipe’s settings', () => {
    const s = PruneScheduleSchema.parse({ kind: 'oneshot' });
    expect(pruneStepAt(prune, s, 0)).toEqual({ shouldPrune: true, prune });
    expect(pruneStepAt(prune, s, 1).shouldPrune).toBe(false);
  });

  it('constant sparsity prunes every `frequency` steps from beginStep at the target', () => {
    const s = PruneScheduleSchema.parse({ kind: 'constant', beginStep: 10, frequency: 5 });
    expect(pruneStepAt(prune, s, 0).shouldPrune).toBe(false);
    const at10 = pruneStepAt(prune, s, 10);
    expect(at10.shouldPrune).toBe(true);
    expect(at10.prune.sparsity).toBe(0.9);
    expect(at10.prune.overrides).toEqual({ fc3: 0.5, fc2: SKIP_LAYER });
    expect(pruneStepAt(prune, s, 12).shouldPrune).toBe(false);
    expect(pruneStepAt(prune, s, 1000).shouldPrune).toBe(true);
  });

  it('polynomial decay follows TFMOT’s cubic, each override to its own target', () => {
    const s = PruneScheduleSchema.parse({
      kind: 'polynomial',
      initialSparsity: 0.2,
      beginStep: 0,
      endStep: 100,
      frequency: 10,
    });
    expect(finalSparsity(prune, s)).toBe(0.9);
    const mid = pruneStepAt(prune, s, 50);
    expect(mid.shouldPrune).toBe(true);
    // s(t) = s_f + (s_i − s_f)(1 − t/span)^3
    expect(mid.prune.sparsity).toBeCloseTo(0.9 + (0.2 - 0.9) * 0.125, 12);
    expect(mid.prune.overrides.fc3).toBeCloseTo(0.5 + (0.2 - 0.5) * 0.125, 12);
    expect(mid.prune.overrides.fc2).toBe(SKIP_LAYER);
    expect(pruneStepAt(prune, s, 55).shouldPrune).toBe(false);
    expect(pruneStepAt(prune, s, 100).prune.sparsity).toBeCloseTo(0.9, 12);
    expect(pruneStepAt(prune, s, 110).shouldPrune).toBe(false); // after endStep: masks frozen
    // The sparsity in force between updates is core's appliedSparsity of the same schedule.
    expect(appliedSparsity(coreSchedule(s, 0.9)!, 57)).toBeCloseTo(mid.prune.sparsity, 12);
  });

  it('an explicit final sparsity wins over prune.sparsity; a lower override starts lower', () => {
    const s = PruneScheduleSchema.parse({
      kind: 'polynomial',
      initialSparsity: 0.6,
      finalSparsity: 0.8,
      endStep: 10,
      frequency: 10,
    });
    expect(pruneStepAt(prune, s, 10).prune.sparsity).toBeCloseTo(0.8, 12);
    expect(pruneStepAt(prune, s, 0).prune.sparsity).toBe(0.6);
    expect(pruneStepAt(prune, s, 0).prune.overrides.fc3).toBe(0.5); // min(0.6, 0.5), flat
  });
});
