import type { HistoryRecord } from './record';

/**
 * Valid history entries for the tests: a measurement with only the required fields and a
 * training run with every optional field, so round trips cover both shapes.
 */

let counter = 0;

/** A measurement with the required fields only; `id` unique per call. */
export function measurement(overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  counter += 1;
  return {
    id: `m-${counter}`,
    name: `MNIST MLP · W4 · #${counter}`,
    createdAt: 1_700_000_000_000 + counter,
    kind: 'measurement',
    modelKey: 'mnist-mlp',
    modelLabel: 'MNIST MLP',
    hash: '#m=mnist-mlp&w=4&g=channel',
    summary: 'W4 per-channel',
    results: {
      accuracy: 0.9712,
      correct: 9712,
      total: 10000,
      sizeBits: 412_345,
      float32Bits: 3_240_000,
      ratio: 3_240_000 / 412_345,
    },
    ...overrides,
  };
}

/** A training run with every optional field set (nulls included). */
export function run(overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  const base = measurement();
  return {
    ...base,
    id: `r-${base.id}`,
    kind: 'run',
    modelKey: 'trained:1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    modelLabel: 'MNIST MLP · QAT 2-bit · run 3',
    summary: 'QAT W2 · 3 epochs',
    results: {
      ...base.results,
      accuracy: 0.95,
      correct: 9500,
      floatAccuracy: 0.98,
      sparsity: 0.5,
      weightBits: 2,
      actBits: null,
    },
    run: { technique: 'QAT', epochs: 3, initialAccuracy: 0.41 },
    ...overrides,
  };
}
