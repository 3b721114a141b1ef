import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, modelKey } from '../platform/shared/config';
import { evaluationKey, quantEvaluationKey } from '../platform/state/keys';
import { createAppStore } from '../platform/state/store';
import type { State } from '../platform/state/store';
import type { Evaluation, ModelSummary } from '../platform/worker/engine';
import { afterFirstAccuracies, firstAccuraciesMeasured } from './firstAccuracy';

const COUNT = 2000;

const summary: State['summary'] = {
  key: modelKey(DEFAULT_CONFIG),
  data: { dataset: { test: { count: COUNT } } } as unknown as ModelSummary,
};

function evaluation(count: number): Evaluation {
  return {
    modelId: 'mnist-mlp',
    accuracy: 0.9,
    correct: 0.9 * count,
    count,
    confusion: new Uint32Array(100),
    numClasses: 10,
    ms: 10,
  };
}

const trained = (count: number) => ({
  evaluation: { key: evaluationKey(DEFAULT_CONFIG), data: evaluation(count) },
});
const compressed = (count: number) => ({
  quantEvaluation: { key: quantEvaluationKey(DEFAULT_CONFIG), data: evaluation(count) },
});

describe('afterFirstAccuracies', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for both accuracies on the whole test set, not the quick estimates, and runs once', () => {
    const store = createAppStore();
    store.setState({ config: { ...DEFAULT_CONFIG, view: 'quantize' } });
    const f = vi.fn();
    afterFirstAccuracies(store, f, 10_000);
    store.setState({ summary, ...trained(1000), ...compressed(1000) });
    store.setState({ ...trained(COUNT) });
    expect(firstAccuraciesMeasured(store.getState())).toBe(false);
    expect(f).not.toHaveBeenCalled();
    store.setState({ ...compressed(COUNT) });
    expect(f).toHaveBeenCalledTimes(1);
    // Later measurements and the timeout do not run it again.
    store.setState({ ...trained(COUNT) });
    vi.advanceTimersByTime(20_000);
    expect(f).toHaveBeenCalledTimes(1);
  });

  it("on a tab without the compressed model's accuracy, waits for the trained model's alone", () => {
    const store = createAppStore();
    store.setState({ config: { ...DEFAULT_CONFIG, view: 'model' } });
    const f = vi.fn();
    afterFirstAccuracies(store, f, 10_000);
    store.setState({ summary, ...trained(1000) });
    expect(f).not.toHaveBeenCalled();
    store.setState({ ...trained(COUNT) });
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('runs at once when both are already measured', () => {
    const store = createAppStore();
    store.setState({ summary, ...trained(COUNT), ...compressed(COUNT) });
    const f = vi.fn();
    afterFirstAccuracies(store, f, 10_000);
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('runs after the timeout when nothing is measured, and then stops listening', () => {
    const store = createAppStore();
    const f = vi.fn();
    afterFirstAccuracies(store, f, 10_000);
    vi.advanceTimersByTime(9_999);
    expect(f).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(f).toHaveBeenCalledTimes(1);
    store.setState({ summary, ...trained(COUNT), ...compressed(COUNT) });
    expect(f).toHaveBeenCalledTimes(1);
  });
});
