import { describe, expect, it } from 'vitest';
import { histogram } from '../../../platform/shared/histogram';
import { mulberry32 } from '../../../platform/shared/random';
import { describeWeightShape } from './weightShape';

function describe_(x: Float32Array): string {
  const h = histogram(x, { bins: 64 });
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let sq = 0;
  for (const v of x) sq += (v - mean) ** 2;
  return describeWeightShape(h.counts, h.min, h.binWidth, mean, Math.sqrt(sq / x.length));
}

const rand = mulberry32(7);
const n = 20_000;
const gaussian = Float32Array.from({ length: n }, () => {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand()) * 0.05;
});
const laplace = Float32Array.from({ length: n }, () => {
  const u = rand() - 0.5;
  return -0.05 * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
});
const uniform = Float32Array.from({ length: n }, () => (rand() - 0.5) * 0.2);

describe('describeWeightShape', () => {
  it('calls a Gaussian a bell', () => {
    expect(describe_(gaussian)).toContain('bell shape centred near zero');
  });
  it('calls a Laplace a sharp peak with long tails', () => {
    expect(describe_(laplace)).toContain('sharp peak');
  });
  it('does not call a uniform spread a bell', () => {
    expect(describe_(uniform)).toContain('flatter than a bell');
  });
  it('says when there are too few weights for a shape', () => {
    expect(describe_(gaussian.slice(0, 150))).toContain('only 150 weights');
  });
});
