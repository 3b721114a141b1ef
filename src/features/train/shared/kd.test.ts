import { describe, expect, it } from 'vitest';
import {
  crossEntropy,
  distillationLoss,
  logSoftmaxWithTemperature,
  softKl,
  softmaxWithTemperature,
} from './kd';

describe('knowledge distillation maths', () => {
  it('softens a softmax with the temperature', () => {
    const p1 = softmaxWithTemperature([2, 0], 1);
    expect(p1[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1), 15);
    const p2 = softmaxWithTemperature([2, 0], 2);
    expect(p2[0]).toBeCloseTo(Math.E / (Math.E + 1), 15);
    expect(p2[0]).toBeLessThan(p1[0]!);
    expect(Array.from(softmaxWithTemperature([1000, 1000, 1000], 1))).toEqual([
      1 / 3,
      1 / 3,
      1 / 3,
    ]);
    expect(Array.from(logSoftmaxWithTemperature([0, 0], 3))).toEqual([-Math.LN2, -Math.LN2]);
    expect(() => softmaxWithTemperature([1], 0)).toThrow(RangeError);
  });

  it('equals the hand-computed loss for two examples', () => {
    // Example 1: teacher [2, 0], student [0, 0], label 0, T = 2:
    //   p = softmax([1, 0]) = [e/(e+1), 1/(e+1)], q = [½, ½]
    //   KL = Σ p log(p/q) = log 2 + p0 log p0 + p1 log p1
    //   CE = log 2
    // Example 2: teacher [0, 0], student [1, 0], label 1:
    //   p = [½, ½], q = softmax([½, 0]) → KL = −log 2 − ½(log q0 + log q1)
    //   CE = log(1 + e)
    const e = Math.E;
    const p0 = e / (e + 1);
    const p1 = 1 / (e + 1);
    const kl1 = Math.LN2 + p0 * Math.log(p0) + p1 * Math.log(p1);
    const q0 = Math.exp(0.5) / (Math.exp(0.5) + 1);
    const kl2 = -Math.LN2 - 0.5 * (Math.log(q0) + Math.log(1 - q0));
    const ce1 = Math.LN2;
    const ce2 = Math.log(1 + e);
    const T = 2;
    const alpha = 0.7;
    const expected = (alpha * T * T * (kl1 + kl2) + (1 - alpha) * (ce1 + ce2)) / 2;
    const student = [
      [0, 0],
      [1, 0],
    ];
    const teacher = [
      [2, 0],
      [0, 0],
    ];
    expect(softKl(teacher[0]!, student[0]!, T)).toBeCloseTo(kl1, 14);
    expect(softKl(teacher[1]!, student[1]!, T)).toBeCloseTo(kl2, 14);
    expect(distillationLoss(student, teacher, [0, 1], T, alpha)).toBeCloseTo(expected, 14);
  });

  it('α = 0 is exactly the cross-entropy, α = 1 exactly T²·KL', () => {
    const student = [
      [0.3, -1.2, 2],
      [1, 1, -0.5],
    ];
    const teacher = [
      [3, 0, 1],
      [0, 2, 0],
    ];
    const labels = [2, 0];
    const ce = (crossEntropy(student[0]!, 2) + crossEntropy(student[1]!, 0)) / 2;
    expect(distillationLoss(student, null, labels, 5, 0)).toBe(ce);
    expect(distillationLoss(student, teacher, labels, 5, 0)).toBe(ce);
    const kl = (softKl(teacher[0]!, student[0]!, 5) + softKl(teacher[1]!, student[1]!, 5)) / 2;
    expect(distillationLoss(student, teacher, labels, 5, 1)).toBeCloseTo(25 * kl, 14);
    expect(() => distillationLoss(student, null, labels, 5, 0.5)).toThrow(RangeError);
  });

  it('the KL term is 0 when the student matches the teacher', () => {
    expect(softKl([1, 2, 3], [1, 2, 3], 4)).toBeCloseTo(0, 15);
    expect(softKl([1, 2, 3], [11, 12, 13], 4)).toBeCloseTo(0, 14); // softmax ignores a shift
  });
});
