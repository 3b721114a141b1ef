import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import { serializeConfig } from '../../../platform/shared/url';
import { measurement, run } from '../shared/record.fixture';
import type { HistoryRecord } from '../shared/record';
import { compareRows } from './compareRows';
import { paretoGroups } from './paretoModel';

/** The Pareto charts' data and the comparison's rows, from history entries. */

function entry(id: string, sizeBits: number, accuracy: number, modelKey = 'mnist-mlp') {
  return measurement({
    id,
    modelKey,
    name: id,
    results: {
      accuracy,
      correct: Math.round(accuracy * 2000),
      total: 2000,
      sizeBits,
      float32Bits: 8_531_520,
      ratio: 8_531_520 / sizeBits,
    },
  });
}

describe('paretoGroups', () => {
  it('numbers points by size, fills the frontier, rings the dominated, and draws a staircase', () => {
    const records = [
      entry('w8', 2_140_000, 0.976),
      entry('w4', 1_080_000, 0.971),
      entry('w4-worse', 1_200_000, 0.95), // bigger than w4 and less accurate: dominated
      entry('w2', 560_000, 0.62),
      entry('cnn', 400_000, 0.99, 'mnist-cnn'),
    ];
    const groups = paretoGroups(records);
    expect(groups.map((g) => g.key).sort()).toEqual(['mnist-cnn', 'mnist-mlp']);
    const mlp = groups.find((g) => g.key === 'mnist-mlp')!;
    expect(mlp.rows.map((r) => [r.n, r.record.id, r.frontier])).toEqual([
      [1, 'w2', true],
      [2, 'w4', true],
      [3, 'w4-worse', false],
      [4, 'w8', true],
    ]);
    expect(mlp.points.map((p) => p.muted)).toEqual([false, false, true, false]);
    expect(mlp.points.map((p) => p.tag)).toEqual(['1', '2', '3', '4']);
    // Right at the old accuracy, then up: the best accuracy at most this big.
    const x = (bits: number) => Math.log10(bits / 8000);
    expect(mlp.frontierLine).toEqual([
      { x: x(560_000), y: 62 },
      { x: x(1_080_000), y: 62 },
      { x: x(1_080_000), y: 97.1 },
      { x: x(2_140_000), y: 97.1 },
      { x: x(2_140_000), y: 97.6 },
    ]);
    for (const p of mlp.points) {
      expect(p.x).toBeGreaterThan(mlp.xDomain[0]);
      expect(p.x).toBeLessThan(mlp.xDomain[1]);
    }
    expect(mlp.points[2]!.label).toContain('dominated');
    // Another model is compared only with itself: alone, it is its own frontier.
    const cnn = groups.find((g) => g.key === 'mnist-cnn')!;
    expect(cnn.rows.map((r) => r.frontier)).toEqual([true]);
    expect(cnn.frontierLine).toHaveLength(1);
  });
});

describe('compareRows', () => {
  it('reads the settings from the links and marks the rows that differ', () => {
    const w4: HistoryRecord = {
      ...entry('a', 1_080_000, 0.971),
      hash: `#${serializeConfig({ ...DEFAULT_CONFIG, weights: { ...DEFAULT_CONFIG.weights, bits: 4 } })}`,
    };
    const w2: HistoryRecord = {
      ...entry('b', 560_000, 0.62),
      hash: `#${serializeConfig({ ...DEFAULT_CONFIG, weights: { ...DEFAULT_CONFIG.weights, bits: 2 } })}`,
    };
    const rows = compareRows([w4, w2]);
    const get = (label: string) => rows.find((r) => r.label === label)!;
    expect(get('Weights').values[0]).toContain('int4');
    expect(get('Weights').values[1]).toContain('int2');
    expect(get('Weights').differs).toBe(true);
    expect(get('Model').differs).toBe(false);
    expect(get('Accuracy (full test set)').values).toEqual(['97.10%', '62.00%']);
    expect(rows.some((r) => r.label === 'Technique')).toBe(false);
    const withRun = compareRows([w4, run()]);
    expect(withRun.find((r) => r.label === 'Technique')!.values).toEqual(['—', 'QAT']);
  });
});
