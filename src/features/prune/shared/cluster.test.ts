import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { kmeansCluster } from './cluster';
import { densityInit, kmeansPlusPlusInit, linearInit } from './clusterInit';

function gaussian(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => {
    const u = 1 - r();
    return 0.1 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  });
}

function distinct(values: Float32Array): number {
  return new Set(values).size;
}

const inits = ['linear', 'density', 'kmeans++'] as const;

describe('kmeansCluster', () => {
  it('never produces more than k distinct values, and each weight goes to its nearest centroid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...inits),
        fc.nat(),
        (xs, k, init, seed) => {
          const w = Float32Array.from(xs);
          const r = kmeansCluster(w, k, { init, seed });
          expect(r.centroids.length).toBeLessThanOrEqual(k);
          expect(distinct(r.values.filter((_, i) => r.clustered[i] === 1))).toBe(
            r.centroids.length,
          );
          for (let j = 1; j < r.centroids.length; j++) {
            expect(r.centroids[j]!).toBeGreaterThan(r.centroids[j - 1]!);
          }
          for (let i = 0; i < w.length; i++) {
            if (!r.clustered[i]) continue;
            const d = Math.abs(w[i]! - r.values[i]!);
            for (const c of r.centroids) expect(d).toBeLessThanOrEqual(Math.abs(w[i]! - c));
          }
          const total = r.counts.reduce((a, b) => a + b, 0);
          expect(total).toBe(r.clustered.reduce((a, b) => a + b, 0));
          expect(Array.from(r.counts).every((c) => c > 0)).toBe(true);
        },
      ),
    );
  });

  it('keeps pruned weights (mask 0) and exact zeros at exactly 0 and fits without them', () => {
    const w = Float32Array.of(0, 1, 1.1, 5, -3, 0, 2);
    const mask = Uint8Array.of(1, 1, 1, 0, 1, 1, 1);
    const r = kmeansCluster(w, 2, { init: 'linear', mask });
    expect(Array.from(r.clustered)).toEqual([0, 1, 1, 0, 1, 0, 1]);
    expect(r.values[0]).toBe(0);
    expect(r.values[3]).toBe(0); // 5 was pruned: it is 0 and did not pull a centroid up
    expect(r.values[5]).toBe(0);
    expect(Math.max(...r.centroids)).toBeLessThan(3);
    expect(r.assignments[3]).toBe(0);
    // Without sparsity preservation the zeros are clustered like any weight.
    const all = kmeansCluster(w, 2, { init: 'linear', preserveSparsity: false });
    expect(all.clustered.every((c) => c === 1)).toBe(true);
  });

  it('is reproducible for a seed (kmeans++) and deterministic for linear init', () => {
    const w = gaussian(5000, 1);
    const a = kmeansCluster(w, 16, { init: 'kmeans++', seed: 9 });
    const b = kmeansCluster(w, 16, { init: 'kmeans++', seed: 9 });
    expect(a.centroids).toEqual(b.centroids);
    expect(a.assignments).toEqual(b.assignments);
    expect(kmeansCluster(w, 16, { init: 'linear' }).values).toEqual(
      kmeansCluster(w, 16, { init: 'linear', seed: 123 }).values,
    );
  });

  it('k = 1 gives the mean; more clusters give less error', () => {
    const w = gaussian(20_000, 2);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const one = kmeansCluster(w, 1, { init: 'linear' });
    expect(one.centroids[0]).toBeCloseTo(mean, 6);
    let last = one.mse;
    for (const k of [2, 4, 8, 32]) {
      for (const init of inits) {
        const r = kmeansCluster(w, k, { init, seed: 3 });
        expect(r.mse).toBeLessThan(one.mse);
        if (init === 'linear') {
          expect(r.mse).toBeLessThan(last);
          last = r.mse;
        }
      }
    }
    // 32 levels on a Gaussian (σ² = 0.01): the uniform grid of the linear init gives about
    // 0.0055·σ², the Lloyd–Max optimum about 0.0027·σ² (Panter–Dite); 50 iterations get between.
    const sigma2 = 0.01;
    expect(kmeansCluster(w, 32, { init: 'linear' }).mse).toBeLessThan(0.005 * sigma2);
    expect(kmeansCluster(w, 32, { init: 'kmeans++', seed: 3 }).mse).toBeLessThan(0.003 * sigma2);
  });

  it('reconstructs data with fewer distinct values than k exactly', () => {
    const w = Float32Array.of(-1, 2, 2, -1, 0.5, 2);
    const r = kmeansCluster(w, 8, { init: 'kmeans++', seed: 1 });
    expect(Array.from(r.centroids)).toEqual([-1, 0.5, 2]);
    expect(r.values).toEqual(w);
    expect(r.mse).toBe(0);
  });

  it('converges to centroids that are the means of their clusters (Lloyd fixed point)', () => {
    const w = gaussian(3000, 4);
    const r = kmeansCluster(w, 8, { init: 'linear', tol: 0, maxIter: 500 });
    for (let j = 0; j < r.centroids.length; j++) {
      let s = 0;
      let n = 0;
      for (let i = 0; i < w.length; i++) {
        if (r.assignments[i] === j) {
          s += w[i]!;
          n++;
        }
      }
      expect(r.centroids[j]).toBeCloseTo(s / n, 6);
    }
  });

  it('handles nothing to cluster, picks the index width, and validates', () => {
    const r = kmeansCluster(new Float32Array(4), 4);
    expect(r.centroids.length).toBe(0);
    expect(r.mse).toBe(0);
    expect(kmeansCluster(gaussian(10, 1), 256).assignments).toBeInstanceOf(Uint8Array);
    expect(kmeansCluster(gaussian(10, 1), 257).assignments).toBeInstanceOf(Uint16Array);
    expect(() => kmeansCluster(gaussian(10, 1), 0)).toThrow(RangeError);
    expect(() => kmeansCluster(Float32Array.of(NaN), 2)).toThrow(RangeError);
    expect(() => kmeansCluster(gaussian(3, 1), 2, { mask: Uint8Array.of(1) })).toThrow(RangeError);
  });
});

describe('centroid initializations', () => {
  const xs = Float64Array.of(-1, -0.5, 0, 0.1, 0.2, 3);

  it('linear: evenly spaced from min to max, ends included', () => {
    expect(Array.from(linearInit(xs, 5))).toEqual([-1, 0, 1, 2, 3]);
    expect(Array.from(linearInit(xs, 1))).toEqual([-1]);
    expect(Array.from(linearInit(Float64Array.of(2, 2), 4))).toEqual([2]);
  });

  it('density: quantiles', () => {
    expect(Array.from(densityInit(xs, 3))).toEqual([-0.5, 0.1, 3]);
  });

  it('kmeans++: distinct ascending data points, seeded', () => {
    const c = kmeansPlusPlusInit(xs, 4, mulberry32(1));
    expect(c.length).toBe(4);
    for (const v of c) expect(Array.from(xs)).toContain(v);
    expect(kmeansPlusPlusInit(xs, 4, mulberry32(1))).toEqual(c);
    expect(kmeansPlusPlusInit(xs, 10, mulberry32(1)).length).toBe(6);
  });
});
