import { describe, expect, it } from 'vitest';
import {
  agpSparsity,
  appliedSparsity,
  constantSparsity,
  polynomialDecay,
  pruningScheduleAt,
  shouldPruneInStep,
} from './schedule';

describe('PolynomialDecay (TFMOT)', () => {
  const s = polynomialDecay({
    initialSparsity: 0,
    finalSparsity: 0.8,
    beginStep: 100,
    endStep: 1100,
  });

  it('has TFMOT defaults power 3 and frequency 100', () => {
    expect(s.power).toBe(3);
    expect(s.frequency).toBe(100);
  });

  it('is s_i at begin, s_f + (s_i − s_f)·(1/2)^3 half-way, s_f at end, constant outside', () => {
    expect(pruningScheduleAt(s, 100).sparsity).toBe(0);
    expect(pruningScheduleAt(s, 600).sparsity).toBeCloseTo(0.8 - 0.8 / 8, 15);
    expect(pruningScheduleAt(s, 350).sparsity).toBeCloseTo(0.8 - 0.8 * 0.75 ** 3, 15);
    expect(pruningScheduleAt(s, 1100).sparsity).toBe(0.8);
    expect(pruningScheduleAt(s, 0).sparsity).toBe(0);
    expect(pruningScheduleAt(s, 5000).sparsity).toBe(0.8);
  });

  it('flags should_prune only on begin + j·frequency within [begin, end]', () => {
    const flagged = [];
    for (let t = 0; t <= 1300; t += 50) if (pruningScheduleAt(s, t).shouldPrune) flagged.push(t);
    expect(flagged).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
  });

  it('keeps the last mask between updates; s_f is missed when (end − begin) % frequency ≠ 0', () => {
    expect(appliedSparsity(s, 99)).toBe(0);
    expect(appliedSparsity(s, 650)).toBe(pruningScheduleAt(s, 600).sparsity);
    expect(appliedSparsity(s, 5000)).toBe(0.8);
    const off = polynomialDecay({
      initialSparsity: 0.1,
      finalSparsity: 0.9,
      beginStep: 0,
      endStep: 250,
      frequency: 100,
    });
    // Last update at step 200: p = 0.8, s = 0.9 − 0.8 · 0.2^3.
    expect(appliedSparsity(off, 10_000)).toBeCloseTo(0.9 - 0.8 * 0.2 ** 3, 15);
  });

  it('honours power and begin = end', () => {
    const linear = polynomialDecay({
      initialSparsity: 0.2,
      finalSparsity: 0.6,
      beginStep: 0,
      endStep: 10,
      power: 1,
      frequency: 1,
    });
    expect(pruningScheduleAt(linear, 5).sparsity).toBeCloseTo(0.4, 15);
    const step = polynomialDecay({
      initialSparsity: 0.2,
      finalSparsity: 0.6,
      beginStep: 5,
      endStep: 5,
    });
    expect(pruningScheduleAt(step, 4).sparsity).toBe(0.2);
    expect(pruningScheduleAt(step, 5)).toEqual({ shouldPrune: true, sparsity: 0.6 });
  });

  it('validates like TFMOT', () => {
    const ok = { initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 10 };
    expect(() => polynomialDecay({ ...ok, endStep: -1 })).toThrow(RangeError);
    expect(() => polynomialDecay({ ...ok, beginStep: 20 })).toThrow(RangeError);
    expect(() => polynomialDecay({ ...ok, finalSparsity: 1 })).toThrow(RangeError);
    expect(() => polynomialDecay({ ...ok, initialSparsity: -0.1 })).toThrow(RangeError);
    expect(() => polynomialDecay({ ...ok, frequency: 0 })).toThrow(RangeError);
    expect(() => polynomialDecay({ ...ok, beginStep: -1 })).toThrow(RangeError);
  });
});

describe('ConstantSparsity (TFMOT)', () => {
  it('returns its target and, with end −1, prunes every frequency steps forever', () => {
    const s = constantSparsity({ targetSparsity: 0.5, beginStep: 10, frequency: 5 });
    expect(s.endStep).toBe(-1);
    expect(pruningScheduleAt(s, 10)).toEqual({ shouldPrune: true, sparsity: 0.5 });
    expect(pruningScheduleAt(s, 12).shouldPrune).toBe(false);
    expect(pruningScheduleAt(s, 1_000_000).shouldPrune).toBe(true);
    expect(pruningScheduleAt(s, 5).shouldPrune).toBe(false);
    expect(appliedSparsity(s, 9)).toBe(0);
    expect(appliedSparsity(s, 11)).toBe(0.5);
  });

  it('stops at endStep and validates', () => {
    const s = constantSparsity({ targetSparsity: 0.5, beginStep: 0, endStep: 200 });
    expect(pruningScheduleAt(s, 200).shouldPrune).toBe(true);
    expect(pruningScheduleAt(s, 300).shouldPrune).toBe(false);
    expect(() => constantSparsity({ targetSparsity: 1, beginStep: 0 })).toThrow(RangeError);
    expect(() => constantSparsity({ targetSparsity: 0.5, beginStep: 0, endStep: -2 })).toThrow(
      RangeError,
    );
  });

  it('shouldPruneInStep is TFMOT _should_prune_in_step', () => {
    expect(shouldPruneInStep(0, 0, 0, 1)).toBe(true);
    expect(shouldPruneInStep(7, 1, 100, 3)).toBe(true);
    expect(shouldPruneInStep(8, 1, 100, 3)).toBe(false);
    expect(shouldPruneInStep(-2, 1, 100, 3)).toBe(false);
  });
});

describe("Distiller's AGP", () => {
  const agp = {
    initialSparsity: 0.05,
    finalSparsity: 0.8,
    startingEpoch: 0,
    endingEpoch: 30,
    frequency: 2,
  };

  it('uses span = ⌊(end − start − 1)/f⌋·f and the cubic', () => {
    // span = ⌊29/2⌋·2 = 28
    expect(agpSparsity(agp, 0)).toBeCloseTo(0.05, 15); // 0.8 + (0.05 − 0.8)·1, as in Distiller
    expect(agpSparsity(agp, 14)).toBeCloseTo(0.8 - 0.75 / 8, 15);
    expect(agpSparsity(agp, 28)).toBe(0.8);
  });

  it('needs a positive span', () => {
    expect(() => agpSparsity({ ...agp, endingEpoch: 2 }, 0)).toThrow(RangeError);
  });
});
