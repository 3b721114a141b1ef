import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, packBits, unpackBits } from './bitpack';
import { decodeSidecarEntry, sidecarEntry, writeSidecar } from './sidecar';

describe('bit packing', () => {
  it('unpacks what it packs, at every width 1..32, in ⌈n·bits/8⌉ bytes', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 32 })
          .chain((bits) =>
            fc.tuple(
              fc.constant(bits),
              fc.array(fc.integer({ min: 0, max: 2 ** bits - 1 }), { maxLength: 100 }),
            ),
          ),
        ([bits, values]) => {
          const packed = packBits(values, bits);
          expect(packed.length).toBe(Math.ceil((values.length * bits) / 8));
          expect(Array.from(unpackBits(packed, bits, values.length))).toEqual(values);
        },
      ),
    );
  });

  it('is LSB first, little-endian: 4-bit codes 1, 2, 3 are the bytes 0x21 0x03', () => {
    expect(Array.from(packBits([1, 2, 3], 4))).toEqual([0x21, 0x03]);
    expect(Array.from(packBits([1, 0, 1, 1], 1))).toEqual([0b1101]);
    expect(Array.from(packBits([0x1ff], 9))).toEqual([0xff, 0x01]);
  });

  it('refuses values that do not fit', () => {
    expect(() => packBits([16], 4)).toThrow(RangeError);
    expect(() => packBits([-1], 4)).toThrow(RangeError);
    expect(() => packBits([1.5], 4)).toThrow(RangeError);
    expect(() => unpackBits(new Uint8Array(1), 4, 3)).toThrow(RangeError);
  });
});

describe('base64', () => {
  it('matches Node’s Buffer both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const s = bytesToBase64(bytes);
        expect(s).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(base64ToBytes(s))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('refuses malformed strings', () => {
    expect(() => base64ToBytes('abc')).toThrow();
    expect(() => base64ToBytes('a=bc')).toThrow();
    expect(() => base64ToBytes('ab!c')).toThrow();
  });
});

describe('sidecar entries', () => {
  it('a codebook (clustered) tensor keeps ⌈log2 k⌉-bit indices and its float32 centroids', () => {
    const centroids = [-0.5, -0.1, 0, 0.2, 0.7]; // 5 entries: 3-bit indices
    const codes = Int32Array.from([4, 0, 2, 2, 1, 3, 0, 4]);
    const e = sidecarEntry({
      name: 'k',
      shape: [2, 4],
      codec: { kind: 'codebook', centroids, codes },
    });
    expect(e.format).toBe('codebook of 5 (3-bit indices)');
    expect(e.packedBits).toBe(8 * 3 + 5 * 32);
    const back = decodeSidecarEntry(JSON.parse(JSON.stringify(e)) as typeof e);
    expect(Array.from(back.codes)).toEqual(Array.from(codes));
    expect(Array.from(back.values)).toEqual(Array.from(codes, (k) => Math.fround(centroids[k]!)));
  });

  it('a pruned float32 tensor stores its kept values and a 1-bit mask', () => {
    const values = Float32Array.from([0.25, 0, -3, 0, 0, 1e-8]);
    const mask = values.map((v) => (v !== 0 ? 1 : 0));
    const e = sidecarEntry({ name: 'k', shape: [6], mask, codec: { kind: 'float32', values } });
    expect(e).toMatchObject({
      format: 'float32, sparse (bitmask)',
      kept: 3,
      packedBits: 3 * 32 + 6,
    });
    const back = decodeSidecarEntry(JSON.parse(JSON.stringify(e)) as typeof e);
    expect(Array.from(back.values)).toEqual(Array.from(values));
  });

  it('a ternary tensor is uniform int2 symmetric; affine zero-points are counted, symmetric ones not', () => {
    const codes = Int32Array.from([-1, 0, 1, 1, 0, -1]);
    const ternary = sidecarEntry({
      name: 't',
      shape: [3, 2],
      codec: {
        kind: 'uniform',
        bits: 2,
        qmin: -1,
        qmax: 1,
        axis: 1,
        scales: [0.5, 0.25],
        zeroPoints: [0, 0],
        codes,
      },
    });
    expect(ternary).toMatchObject({
      format: 'int2 per-channel symmetric',
      packedBits: 6 * 2 + 2 * 32,
    });
    expect(Array.from(decodeSidecarEntry(ternary).values)).toEqual([-0.5, 0, 0.5, 0.25, 0, -0.25]);
    const affine = sidecarEntry({
      name: 'a',
      shape: [3],
      codec: {
        kind: 'uniform',
        bits: 8,
        qmin: 0,
        qmax: 255,
        axis: null,
        scales: [0.5],
        zeroPoints: [128],
        codes: Int32Array.from([0, 128, 255]),
      },
    });
    expect(affine).toMatchObject({
      format: 'uint8 per-tensor affine',
      packedBits: 3 * 8 + 32 + 32,
    });
    expect(Array.from(decodeSidecarEntry(affine).values)).toEqual([-64, 0, 63.5]);
  });

  it('refuses codes outside their range and metadata that does not match the shape', () => {
    const uniform = (codes: number[], scales: number[]) =>
      sidecarEntry({
        name: 'u',
        shape: [2, 2],
        codec: {
          kind: 'uniform',
          bits: 4,
          qmin: -7,
          qmax: 7,
          axis: 1,
          scales,
          zeroPoints: scales.map(() => 0),
          codes: Int32Array.from(codes),
        },
      });
    expect(() => uniform([0, 8, 0, 0], [1, 1])).toThrow(/outside/);
    expect(() => uniform([0, 0, 0, 0], [1])).toThrow(/scales/);
    expect(() => uniform([0, 0, 0], [1, 1])).toThrow(/values/);
    expect(() =>
      sidecarEntry({
        name: 'b',
        shape: [2],
        codec: { kind: 'binary', axis: null, scales: [1], codes: Int32Array.from([1, 0]) },
      }),
    ).toThrow(/±1/);
    expect(() =>
      sidecarEntry({
        name: 'm',
        shape: [2],
        mask: [1],
        codec: { kind: 'float32', values: new Float32Array(2) },
      }),
    ).toThrow(/mask/);
  });

  it('sums the tensors’ packed sizes', () => {
    const s = writeSidecar({
      weightsPath: 'group1-shard1of1.bin',
      tensors: [
        {
          name: 'a',
          shape: [4],
          codec: { kind: 'binary', axis: null, scales: [2], codes: Int32Array.from([1, -1, 1, 1]) },
        },
        {
          name: 'b',
          shape: [2],
          codec: { kind: 'codebook', centroids: [1, 2], codes: Int32Array.from([0, 1]) },
        },
      ],
    });
    expect(s.totalPackedBits).toBe(4 + 32 + (2 + 64));
    expect(s.weightsPath).toBe('group1-shard1of1.bin');
  });
});
