import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { huffmanCodedBits } from './huffman';
import {
  compressedLayerSizeBits,
  fixedCodeBits,
  float32SizeBits,
  relativeIndexEntries,
} from './sparseSize';

function maskWith(length: number, kept: number[]): Uint8Array {
  const m = new Uint8Array(length);
  for (const i of kept) m[i] = 1;
  return m;
}

/** Decodes relative-index entries back into a mask (fillers decode to pruned positions). */
function decode(runs: Uint32Array, filler: Uint8Array, length: number): Uint8Array {
  const m = new Uint8Array(length);
  let pos = -1;
  runs.forEach((run, e) => {
    pos += run + 1;
    if (!filler[e]) m[pos] = 1;
  });
  return m;
}

describe('relativeIndexEntries (Deep Compression relative indices with filler zeros)', () => {
  it('reproduces the paper-style example: a 3-bit index and a gap of 10 zeros', () => {
    // Kept at 1, 4 and 15 (Fig. 2 of Han et al.: differences 1, 3, 8, 3 with one filler).
    const e = relativeIndexEntries(maskWith(16, [1, 4, 15]), 3);
    expect(Array.from(e.runs)).toEqual([1, 2, 7, 2]);
    expect(Array.from(e.filler)).toEqual([0, 0, 1, 0]);
    expect(e.fillers).toBe(1);
    expect(e.nnz).toBe(3);
  });

  it('inserts ⌊gap / 2^b⌋ fillers for a long gap', () => {
    // 2-bit index: runs of at most 3 zeros. Kept at 0 and 19: 18 zeros between → 4 fillers.
    const e = relativeIndexEntries(maskWith(20, [0, 19]), 2);
    expect(Array.from(e.runs)).toEqual([0, 3, 3, 3, 3, 2]);
    expect(e.fillers).toBe(4);
  });

  it('needs no filler for a run of exactly 2^b − 1 zeros, and one for 2^b', () => {
    expect(relativeIndexEntries(maskWith(8, [7]), 3)).toMatchObject({ fillers: 0, nnz: 1 });
    expect(Array.from(relativeIndexEntries(maskWith(8, [7]), 3).runs)).toEqual([7]);
    expect(Array.from(relativeIndexEntries(maskWith(9, [8]), 3).runs)).toEqual([7, 0]);
    expect(relativeIndexEntries(maskWith(9, [8]), 3).fillers).toBe(1);
    expect(relativeIndexEntries(new Uint8Array(100), 4).runs.length).toBe(0); // trailing zeros are free
  });

  it('decodes back to the mask, with every run < 2^b', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 400 }),
        fc.integer({ min: 1, max: 6 }),
        (bits, b) => {
          const mask = Uint8Array.from(bits, (x) => (x ? 1 : 0));
          const e = relativeIndexEntries(mask, b);
          expect(decode(e.runs, e.filler, mask.length)).toEqual(mask);
          expect(e.runs.every((r) => r < 2 ** b)).toBe(true);
        },
      ),
    );
  });
});

describe('compressedLayerSizeBits', () => {
  const mask = maskWith(20, [0, 19]);

  it('counts codes and indices of the relative-index format, fillers included', () => {
    const s = compressedLayerSizeBits({
      numWeights: 20,
      mask,
      sparseFormat: 'csr-relative',
      indexBits: 2,
      codeBits: 4,
      codebookEntries: 16,
      numBias: 3,
    });
    // 2 kept + 4 fillers = 6 entries, each a 4-bit code and a 2-bit index.
    expect(s).toMatchObject({
      codes: 24,
      indices: 12,
      codebook: 512,
      bias: 96,
      nnz: 2,
      fillers: 4,
    });
    expect(s.total).toBe(24 + 12 + 512 + 96);
  });

  it('bitmask = 1 bit per weight + the kept codes; dense = a code per weight', () => {
    const base = { numWeights: 20, mask, codeBits: 5, scales: 2, zeroPoints: 2 };
    const bm = compressedLayerSizeBits({ ...base, sparseFormat: 'bitmask' });
    expect(bm).toMatchObject({ codes: 10, indices: 20, scales: 64, zeroPoints: 64 });
    const dense = compressedLayerSizeBits({ ...base, sparseFormat: 'dense' });
    expect(dense).toMatchObject({ codes: 100, indices: 0, storedEntries: 20 });
    const noMask = compressedLayerSizeBits({
      numWeights: 10,
      nnz: 4,
      codeBits: 3,
      sparseFormat: 'bitmask',
    });
    expect(noMask.total).toBe(10 + 12);
  });

  it('Huffman-codes the stored codes with their real histogram (fillers as the zero code)', () => {
    // 8 weights, kept codes 3, 3, 3, 1 at 0, 1, 2, 7; with b = 2 the gap of 4 zeros needs 1 filler.
    const m = maskWith(8, [0, 1, 2, 7]);
    const codes = [3, 3, 3, 0, 0, 0, 0, 1];
    const s = compressedLayerSizeBits({
      numWeights: 8,
      mask: m,
      codes,
      sparseFormat: 'csr-relative',
      indexBits: 2,
      codeBits: 2,
      huffman: true,
      zeroCode: 0,
    });
    expect(s.fillers).toBe(1);
    expect(s.codes).toBe(huffmanCodedBits([1, 1, 0, 3])); // {0: 1 filler, 1: 1, 3: 3}
    const viaHistogram = compressedLayerSizeBits({
      numWeights: 8,
      mask: m,
      codeHistogram: [0, 1, 0, 3],
      sparseFormat: 'csr-relative',
      indexBits: 2,
      codeBits: 2,
      huffman: true,
    });
    expect(viaHistogram.codes).toBe(s.codes);
    // Dense + Huffman: the 4 pruned weights are stored as an extra zero symbol.
    const dense = compressedLayerSizeBits({
      numWeights: 8,
      mask: m,
      codes,
      sparseFormat: 'dense',
      codeBits: 2,
      huffman: true,
    });
    expect(dense.codes).toBe(huffmanCodedBits([4, 1, 3]));
  });

  it('optionally Huffman-codes the relative indices', () => {
    const s = compressedLayerSizeBits({
      numWeights: 20,
      mask,
      sparseFormat: 'csr-relative',
      indexBits: 2,
      codeBits: 4,
      huffmanIndices: true,
    });
    // runs 0, 3, 3, 3, 3, 2 → histogram {0: 1, 2: 1, 3: 4}
    expect(s.indices).toBe(huffmanCodedBits([1, 0, 1, 4]));
    expect(s.indices).toBeLessThan(12);
  });

  it('reproduces the float32 baseline and rejects incomplete inputs', () => {
    expect(float32SizeBits(266_200, 410)).toBe((266_200 + 410) * 32);
    expect(fixedCodeBits(1)).toBe(0);
    expect(fixedCodeBits(32)).toBe(5);
    expect(fixedCodeBits(33)).toBe(6);
    expect(() =>
      compressedLayerSizeBits({
        numWeights: 4,
        codeBits: 2,
        sparseFormat: 'csr-relative',
        indexBits: 2,
      }),
    ).toThrow(RangeError);
    expect(() =>
      compressedLayerSizeBits({
        numWeights: 4,
        mask: new Uint8Array(4),
        codeBits: 2,
        sparseFormat: 'csr-relative',
      }),
    ).toThrow(RangeError);
    expect(() =>
      compressedLayerSizeBits({ numWeights: 4, codeBits: 2, sparseFormat: 'dense', huffman: true }),
    ).toThrow(RangeError);
    expect(() =>
      compressedLayerSizeBits({
        numWeights: 4,
        nnz: 2,
        codeHistogram: [1],
        codeBits: 2,
        sparseFormat: 'bitmask',
        huffman: true,
      }),
    ).toThrow(RangeError);
  });
});
