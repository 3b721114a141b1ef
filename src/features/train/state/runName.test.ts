import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../shared/recipe';
import { runModelName } from './runName';

describe('run model names', () => {
  const name = (r: unknown, n = 3) => runModelName(RecipeSchema.parse(r), n);

  it('say what the model is, how it was made and which run made it', () => {
    expect(name({ kind: 'qat', weights: { bits: 2 } })).toBe('MNIST MLP · QAT 2-bit · run 3');
    expect(name({ kind: 'qat', weights: { bits: 1 } })).toBe('MNIST MLP · QAT binary · run 3');
    expect(name({ kind: 'qat', weights: { bits: 2, ternary: true } })).toBe(
      'MNIST MLP · QAT ternary · run 3',
    );
    expect(
      name({
        kind: 'qat',
        dataset: 'fashion',
        arch: 'cnn',
        weights: { bits: 4, granularity: 'channel' },
        acts: { bits: 8 },
      }),
    ).toBe('Fashion-MNIST CNN · QAT 4-bit per-channel, 8-bit activations · run 3');
    expect(name({ kind: 'qat', weights: { format: 'float16' } }, 1)).toBe(
      'MNIST MLP · QAT float16 · run 1',
    );
    expect(name({ kind: 'finetune' })).toBe('MNIST MLP · fine-tuned, 90% magnitude · run 3');
    expect(name({ kind: 'finetune', prune: { method: 'nm', pattern: '2:4' } })).toBe(
      'MNIST MLP · fine-tuned, 2:4 sparse · run 3',
    );
    expect(
      name({ kind: 'finetune', prune: { method: 'structured', sparsity: 0.5, norm: 'l1' } }),
    ).toBe('MNIST MLP · fine-tuned, 50% structured L1 · run 3');
    expect(name({ kind: 'kd', arch: 'cnn', student: { arch: 'mlp', hidden: [64, 16] } })).toBe(
      'MNIST MLP 784-64-16-10 · distilled from CNN · run 3',
    );
  });
});
