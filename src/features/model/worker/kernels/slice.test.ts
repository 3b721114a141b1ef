import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../platform/shared/random';
import { useHeapSlice } from './slice';

/**
 * The wasm Slice without the whole-input copy (slice.ts) against the values sliced in JS: equal
 * to the bit for batches of rows, other slices, float32, int32 and bool, and a slice whose output
 * grows the heap; and a batch of rows no longer reads the whole input back.
 */

interface Backend {
  readSync(dataId: object, start?: number, end?: number): unknown;
  wasm: { HEAPU8: Uint8Array };
}
const backend = () => tf.backend() as unknown as Backend;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  useHeapSlice();
});

/** How many times the backend copied a whole tensor out of its heap while `f` ran. */
function wholeReads(f: () => void): number {
  const b = backend();
  const own = Object.getOwnPropertyDescriptor(b, 'readSync');
  const readSync = b.readSync.bind(b);
  let n = 0;
  b.readSync = (dataId, start, end) => {
    if (start === undefined && end === undefined) n++;
    return readSync(dataId, start, end);
  };
  try {
    f();
  } finally {
    if (own) Object.defineProperty(b, 'readSync', own);
    else delete (b as Partial<Backend>).readSync;
  }
  return n;
}

/** Row-major slice of `values` (shape `shape`) in JS: the reference. */
function sliceJs(
  values: ArrayLike<number>,
  shape: number[],
  begin: number[],
  size: number[],
): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, d) => a * d, 1));
  const out: number[] = [];
  const walk = (dim: number, offset: number) => {
    if (dim === shape.length) {
      out.push(values[offset]!);
      return;
    }
    for (let i = 0; i < size[dim]!; i++) walk(dim + 1, offset + (begin[dim]! + i) * strides[dim]!);
  };
  walk(0, 0);
  return out;
}

const bits = (v: Float32Array) => [...new Uint32Array(v.buffer, v.byteOffset, v.length)];

describe('Slice on the wasm backend without the whole-input copy', () => {
  const rand = mulberry32(7);
  const shape = [37, 5, 4, 3];
  const n = shape.reduce((a, d) => a * d, 1);
  const values = Float32Array.from({ length: n }, () => (rand() - 0.5) * 1e3);
  values[5] = -0;
  values[6] = Number.NaN;

  it('batches of rows, as the evaluations cut the test set: the same bits, no whole copy', () => {
    const x = tf.tensor4d(values, shape as [number, number, number, number]);
    for (const [start, rows] of [
      [0, 37],
      [0, 8],
      [8, 8],
      [32, 5],
      [36, 1],
      [10, 0],
    ] as const) {
      let got!: Float32Array;
      const copies = wholeReads(() => {
        const s = x.slice(start, rows);
        expect(s.shape).toEqual([rows, 5, 4, 3]);
        got = s.dataSync() as Float32Array;
        s.dispose();
      });
      const want = Float32Array.from(sliceJs(values, shape, [start, 0, 0, 0], [rows, 5, 4, 3]));
      expect(bits(got), `rows ${start}+${rows}`).toEqual(bits(want));
      // One whole read: dataSync reading the (small) result back. The input was not copied.
      expect(copies, `rows ${start}+${rows}`).toBe(1);
    }
    x.dispose();
  });

  it('slices that are not whole rows: scattered ones on the backend’s own kernel, a run within a row on ours', () => {
    const x = tf.tensor4d(values, shape as [number, number, number, number]);
    for (const [begin, size] of [
      [
        [0, 1, 0, 0],
        [37, 2, 4, 3],
      ],
      [
        [3, 0, 1, 2],
        [4, 5, 3, 1],
      ],
      [
        [5, 2, 0, 0],
        [1, 1, 4, 3], // contiguous though not whole rows: the heap copy takes it
      ],
    ] as [number[], number[]][]) {
      const s = x.slice(begin, size);
      const want = Float32Array.from(sliceJs(values, shape, begin, size));
      expect(bits(s.dataSync() as Float32Array), `${begin} / ${size}`).toEqual(bits(want));
      s.dispose();
    }
    x.dispose();
  });

  it('int32 and bool tensors', () => {
    const ints = Int32Array.from({ length: 60 }, (_, i) => ((i * 7919) % 1000) - 500);
    const t = tf.tensor2d(ints, [12, 5], 'int32');
    const s = t.slice(4, 3);
    expect([...(s.dataSync() as Int32Array)]).toEqual([...ints.slice(20, 35)]);
    const flags = Array.from({ length: 24 }, (_, i) => i % 3 === 0);
    const b = tf.tensor2d(flags, [8, 3], 'bool');
    const sb = b.slice([2, 0], [3, 3]);
    expect(sb.dtype).toBe('bool');
    expect([...(sb.dataSync() as Uint8Array)]).toEqual(flags.slice(6, 15).map(Number));
    tf.dispose([t, s, b, sb]);
  });

  it('a slice whose output grows the heap reads its input after the growth', () => {
    const per = 256;
    // An input larger than the whole heap now: its slice (all rows but one) cannot fit in what
    // is left free once the input is in, so the output's allocation grows the heap.
    const rows = Math.ceil((backend().wasm.HEAPU8.buffer.byteLength + (1 << 20)) / 4 / per);
    const big = new Float32Array(rows * per);
    for (let i = 0; i < big.length; i++) big[i] = (i % 9973) * 0.5 - 7;
    const x = tf.tensor2d(big, [rows, per]);
    const before = backend().wasm.HEAPU8.buffer.byteLength;
    const s = x.slice(1, rows - 1);
    expect(backend().wasm.HEAPU8.buffer.byteLength).toBeGreaterThan(before);
    const got = s.dataSync() as Float32Array;
    const want = big.subarray(per);
    expect(got.length).toBe(want.length);
    const bytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    expect(Buffer.compare(bytes(got), bytes(want))).toBe(0);
    tf.dispose([x, s]);
  });
});
