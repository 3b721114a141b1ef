import { describe, expect, it } from 'vitest';
import {
  MAX_USER_INPUTS,
  describeConversion,
  imageFormOf,
  inputsIn,
  joinInputs,
  readNpy,
  rgbaToInput,
} from './userInputs';

/** A .npy file (format 1.0) of `descr` with `shape`, holding `body`. */
function npy(
  descr: string,
  shape: readonly number[],
  body: Uint8Array,
  fortran = false,
): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

describe('images as model inputs', () => {
  it('grey is the BT.601 luminance in 0–1; RGB and RGBA keep their channels', () => {
    const rgba = [255, 0, 0, 255, 0, 0, 255, 128];
    const grey = rgbaToInput(rgba, 1);
    expect(grey[0]).toBeCloseTo(0.299, 6);
    expect(grey[1]).toBeCloseTo(0.114, 6);
    expect(Array.from(rgbaToInput(rgba, 3))).toEqual([1, 0, 0, 0, 0, 1]);
    expect(Array.from(rgbaToInput(rgba, 4))).toEqual([1, 0, 0, 1, 0, 0, 1, Math.fround(128 / 255)]);
    expect(rgbaToInput([255, 255, 255, 0], 1)[0]).toBeCloseTo(1, 6);
    expect(() => rgbaToInput(rgba, 2)).toThrow(RangeError);
  });

  it('takes a declared H×W×C (1, 3 or 4 channels) or H×W input as an image, nothing else', () => {
    expect(imageFormOf([28, 28, 1])).toEqual({ h: 28, w: 28, c: 1 });
    expect(imageFormOf([32, 64, 3])).toEqual({ h: 32, w: 64, c: 3 });
    expect(imageFormOf([16, 16])).toEqual({ h: 16, w: 16, c: 1 });
    expect(imageFormOf([4])).toBeNull();
    expect(imageFormOf([8, 8, 2])).toBeNull();
    expect(imageFormOf(null)).toBeNull();
  });

  it('says how an image is converted, or that the input is not one', () => {
    expect(describeConversion(imageFormOf([28, 28, 1]), [28, 28, 1])).toMatch(
      /28×28 \(bilinear.*grey.*0–1/,
    );
    expect(describeConversion(imageFormOf([32, 64, 3]), [32, 64, 3])).toMatch(/64×32.*RGB/);
    expect(describeConversion(imageFormOf([4]), [4])).toBe(
      'Its input ([4]) is not an image: give a .npy array.',
    );
  });
});

describe('.npy arrays', () => {
  it('reads float32 as it is and uint8 scaled to 0–1', () => {
    const f = readNpy(
      npy('<f4', [2, 3], new Uint8Array(new Float32Array([0, 0.5, 1, 2, -1, 0.25]).buffer)),
    );
    expect(f).toEqual({
      ok: true,
      shape: [2, 3],
      values: new Float32Array([0, 0.5, 1, 2, -1, 0.25]),
    });
    const u = readNpy(npy('|u1', [3], new Uint8Array([0, 51, 255])));
    expect(u.ok && Array.from(u.values)).toEqual([0, Math.fround(0.2), 1]);
  });

  it('names what is wrong with a file it cannot read', () => {
    const bad = (b: Uint8Array) => {
      const r = readNpy(b);
      return r.ok ? 'read' : r.problem;
    };
    expect(bad(new TextEncoder().encode('not an array at all'))).toMatch(/not a NumPy \.npy file/);
    expect(bad(npy('<f8', [1], new Uint8Array(8)))).toMatch(/values are <f8: only float32/);
    expect(bad(npy('<f4', [2, 2], new Uint8Array(12)))).toMatch(
      /needs 16 bytes of values, the file has 12/,
    );
    expect(bad(npy('<f4', [2], new Uint8Array(8), true))).toMatch(/Fortran order/);
  });

  it('holds one input or N of them', () => {
    expect(inputsIn([28, 28], [28, 28, 1])).toBe(1);
    expect(inputsIn([784], [28, 28, 1])).toBe(1);
    expect(inputsIn([5, 28, 28, 1], [28, 28, 1])).toBe(5);
    expect(inputsIn([5, 784], [28, 28, 1])).toBe(5);
    expect(inputsIn([5, 783], [28, 28, 1])).toBeNull();
    expect(inputsIn([10], [1, 1, 4])).toBeNull();
  });
});

describe('a set of inputs', () => {
  it('joins the parts in order', () => {
    const j = joinInputs(
      [
        { file: 'a', values: new Float32Array([1, 2]), count: 1 },
        { file: 'b', values: new Float32Array([3, 4, 5, 6]), count: 2 },
      ],
      [1, 1, 2],
    );
    expect(j.count).toBe(3);
    expect(Array.from(j.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(j.problems).toEqual([]);
  });

  it('keeps at most the cap and says what was left out', () => {
    const many = {
      file: 'big.npy',
      values: new Float32Array(MAX_USER_INPUTS + 5),
      count: MAX_USER_INPUTS + 5,
    };
    const j = joinInputs(
      [many, { file: 'x.png', values: new Float32Array(1), count: 1 }],
      [1, 1, 1],
    );
    expect(j.count).toBe(MAX_USER_INPUTS);
    expect(j.problems.map((p) => p.file)).toEqual(['big.npy', 'x.png']);
    expect(j.problems[0]!.message).toMatch(/only its first 1,000 inputs/);
    expect(j.problems[1]!.message).toMatch(/left out/);
  });
});
