import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../platform/shared/random';
import { countKept, pruneCount } from './mask';
import { channelNorms, structuredKeptMask, structuredMask, structuredShapes } from './structured';

function randomKernel(shape: number[], seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() - 0.5);
}

describe('structuredMask (torch ln_structured over the output axis)', () => {
  it('ranks by L1 and L2 differently when they disagree', () => {
    // Dense [3, 2]: column 0 = (1, 1, 1): L1 3, L2 √3 ≈ 1.73; column 1 = (2.5, 0, 0): L1 2.5, L2 2.5.
    const w = Float32Array.of(1, 2.5, 1, 0, 1, 0);
    const l1 = structuredMask(w, [3, 2], 0.5, 'l1');
    const l2 = structuredMask(w, [3, 2], 0.5, 'l2');
    expect(Array.from(l1.kept)).toEqual([0]);
    expect(Array.from(l2.kept)).toEqual([1]);
    expect(Array.from(l1.mask)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(Array.from(l2.mask)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(channelNorms(w, [3, 2], 'l1'))).toEqual([3, 2.5]);
    expect(channelNorms(w, [3, 2], 'l2')[0]).toBeCloseTo(Math.sqrt(3), 12);
  });

  it('removes whole Dense columns, exactly round(s · out) of them, and their biases', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom<'l1' | 'l2'>('l1', 'l2'),
        fc.nat(),
        (inputs, outputs, s, norm, seed) => {
          const w = randomKernel([inputs, outputs], seed);
          const r = structuredMask(w, [inputs, outputs], s, norm);
          const k = pruneCount(s, outputs);
          expect(r.pruned.length).toBe(k);
          expect(r.kept.length + r.pruned.length).toBe(outputs);
          expect(r.prunedShape).toEqual([inputs, outputs - k]);
          for (let i = 0; i < w.length; i++) expect(r.mask[i]).toBe(r.biasMask[i % outputs]);
          // Every pruned channel's norm ≤ every kept channel's norm.
          const maxPruned = Math.max(...Array.from(r.pruned, (o) => r.norms[o]!));
          const minKept = Math.min(...Array.from(r.kept, (o) => r.norms[o]!));
          if (k > 0 && k < outputs) expect(maxPruned).toBeLessThanOrEqual(minKept);
        },
      ),
    );
  });

  it('removes whole Conv2D filters (the last axis of [kh, kw, in, out])', () => {
    const shape = [3, 3, 2, 4];
    const w = randomKernel(shape, 7);
    // Make filter 2 tiny: it must go first.
    for (let i = 2; i < w.length; i += 4) w[i]! *= 1e-3;
    const r = structuredMask(w, shape, 0.25, 'l1');
    expect(Array.from(r.pruned)).toEqual([2]);
    expect(Array.from(r.biasMask)).toEqual([1, 1, 0, 1]);
    expect(r.prunedShape).toEqual([3, 3, 2, 3]);
    for (let i = 0; i < w.length; i++) expect(r.mask[i]).toBe(i % 4 === 2 ? 0 : 1);
  });

  it('breaks norm ties by pruning the lower channel index first', () => {
    const w = Float32Array.of(1, 1, 1, 2); // Dense [1, 4], norms 1, 1, 1, 2
    expect(Array.from(structuredMask(w, [1, 4], 0.5, 'l2').biasMask)).toEqual([0, 0, 1, 1]);
  });

  it('halves LeNet-300-100 fc1 to [784, 150]', () => {
    const w = randomKernel([784, 300], 1);
    expect(structuredMask(w, [784, 300], 0.5).prunedShape).toEqual([784, 150]);
  });

  it('rejects a shape that does not match the kernel', () => {
    expect(() => structuredMask(new Float32Array(6), [4, 2], 0.5)).toThrow(RangeError);
  });
});

describe('structuredShapes', () => {
  it('shrinks the next Dense layer inputs with the pruned units', () => {
    const layers = [{ shape: [784, 300] }, { shape: [300, 100] }, { shape: [100, 10] }];
    const kept = [new Int32Array(150), new Int32Array(50), null];
    expect(structuredShapes(layers, kept)).toEqual([
      [784, 150],
      [150, 50],
      [50, 10],
    ]);
  });

  it('conv → flatten → dense: the dense input loses pruned filters × spatial positions', () => {
    // LeNet-5-like: conv 5×5×1×6, conv 5×5×6×16, flatten of [5, 5, 16] = 400 → dense 120.
    const layers = [{ shape: [5, 5, 1, 6] }, { shape: [5, 5, 6, 16] }, { shape: [400, 120] }];
    const kept = [[0, 2, 4], [0, 1, 2, 3, 4, 5, 6, 7], null];
    expect(structuredShapes(layers, kept)).toEqual([
      [5, 5, 1, 3],
      [5, 5, 3, 8],
      [200, 120],
    ]);
  });

  it('leaves unpruned chains alone and rejects inconsistent chains', () => {
    expect(structuredShapes([{ shape: [4, 3] }, { shape: [3, 2] }], [null, null])).toEqual([
      [4, 3],
      [3, 2],
    ]);
    expect(() => structuredShapes([{ shape: [4, 3] }, { shape: [5, 2] }], [[0], null])).toThrow(
      RangeError,
    );
  });
});

describe('structuredKeptMask', () => {
  it('dense after dense: row r reads unit r', () => {
    // [3, 2]: inputs 0..2 from a layer that kept units 0 and 2; own column 1 removed.
    const own = Uint8Array.of(1, 0, 1, 0, 1, 0);
    expect(Array.from(structuredKeptMask(6, 2, own, [0, 2], 3)!)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(structuredKeptMask(6, 2, null, [0, 2], 3)!)).toEqual([1, 1, 0, 0, 1, 1]);
    expect(structuredKeptMask(6, 2, null, null, 3)).toBeNull();
  });

  it('conv after conv: input channel = reduction index mod in', () => {
    // [2, 2, 3, 1]: one filter over 2×2 taps of 3 channels, channel 1 removed upstream.
    const m = structuredKeptMask(12, 1, null, [0, 2], 3)!;
    expect(Array.from(m)).toEqual([1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1]);
  });

  it('dense after conv + flatten of [h, w, C]: every spatial position loses the channel', () => {
    // [5, 5, 16] flattened = 400 inputs of a Dense [400, 120]; 8 of 16 filters kept.
    const kept = [0, 1, 2, 3, 4, 5, 6, 7];
    const m = structuredKeptMask(400 * 120, 120, null, kept, 16)!;
    expect(countKept(m)).toBe(200 * 120);
    // Input 16·p + c reads channel c at position p.
    expect(m[(16 * 3 + 7) * 120 + 5]).toBe(1);
    expect(m[(16 * 3 + 8) * 120 + 5]).toBe(0);
  });

  it('agrees with structuredShapes on the number of weights left', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (prevOut, positions, out, seed) => {
          const r = mulberry32(seed);
          const prevKept = Array.from({ length: prevOut }, (_, c) => c).filter(() => r() < 0.5);
          const ownKept = Array.from({ length: out }, (_, o) => o).filter(() => r() < 0.5);
          const n = prevOut * positions * out;
          const own = Uint8Array.from({ length: n }, (_, i) => (ownKept.includes(i % out) ? 1 : 0));
          const m = structuredKeptMask(n, out, own, prevKept, prevOut)!;
          const [, shape] = structuredShapes(
            [{ shape: [1, prevOut] }, { shape: [prevOut * positions, out] }],
            [prevKept, ownKept],
          );
          expect(countKept(m)).toBe(shape![0]! * shape![1]!);
        },
      ),
    );
  });

  it('rejects a chain that does not match', () => {
    expect(() => structuredKeptMask(10, 2, null, [0], 3)).toThrow(RangeError);
    expect(() => structuredKeptMask(7, 2, null, null, 3)).not.toThrow(); // nothing to remove
    expect(() => structuredKeptMask(7, 2, Uint8Array.of(1), null, 3)).toThrow(RangeError);
  });
});
