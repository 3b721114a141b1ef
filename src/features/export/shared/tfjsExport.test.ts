import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantizeUniform } from '../../quantize';
import { roundToFloat16 } from '../../quantize';
import {
  type ExportTensor,
  compareFloat32,
  dequantizeLikeTfjs,
  float32ToHalfBits,
  halfBitsToFloat32,
  maxDequantError,
  readManifest,
  uniformToTfjsUint16,
  uniformToTfjsUint8,
  writeTfjsModel,
} from './tfjsExport';

/**
 * The pure side of the export: layout, code mapping, half rounding, and the exactness of the
 * mirrored tfjs arithmetic against the app's quantizer. What stock tfjs itself decodes from the
 * files is tested in ../worker/tfjsExport.test.ts (tfjs may not be imported in shared/).
 */

const PUBLIC = resolve(import.meta.dirname, '../../../../public');

function shippedMlp() {
  const modelJson = JSON.parse(
    readFileSync(resolve(PUBLIC, 'models/mnist-mlp/model.json'), 'utf8'),
  ) as { modelTopology: unknown };
  const bin = new Uint8Array(readFileSync(resolve(PUBLIC, 'models/mnist-mlp/weights.bin')));
  const manifest = readManifest(modelJson);
  const weights: ExportTensor[] = [];
  let offset = 0;
  for (const m of manifest) {
    const n = m.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(bin.slice(offset, offset + 4 * n).buffer);
    weights.push({ name: m.name, shape: m.shape, encoding: { kind: 'float32', values } });
    offset += 4 * n;
  }
  return { modelJson, manifest, weights, bin };
}

describe('the weights file', () => {
  it('concatenates the tensors in order, each elements × its dtype size, little-endian', () => {
    const weights: ExportTensor[] = [
      {
        name: 'a',
        shape: [3],
        encoding: { kind: 'uint8', codes: Uint8Array.from([1, 2, 255]), scale: 1, min: 0 },
      },
      {
        name: 'b',
        shape: [1, 2],
        encoding: { kind: 'float32', values: Float32Array.from([1.5, -2]) },
      },
      {
        name: 'c',
        shape: [2],
        encoding: { kind: 'uint16', codes: Uint16Array.from([0x1234, 7]), scale: 2, min: -1 },
      },
      { name: 'd', shape: [1], encoding: { kind: 'float16', values: Float32Array.from([-0.5]) } },
    ];
    const { bin, report, modelJson } = writeTfjsModel({ modelTopology: { x: 1 }, weights });
    expect(report.tensors.map((t) => [t.name, t.byteOffset, t.byteLength])).toEqual([
      ['a', 0, 3],
      ['b', 3, 8],
      ['c', 11, 4],
      ['d', 15, 2],
    ]);
    expect(bin.length).toBe(17);
    expect(report.totalBytes).toBe(17);
    expect(report.float32Bytes).toBe(8 * 4);
    const view = new DataView(bin.buffer);
    expect([bin[0], bin[1], bin[2]]).toEqual([1, 2, 255]);
    expect([view.getFloat32(3, true), view.getFloat32(7, true)]).toEqual([1.5, -2]);
    expect([view.getUint16(11, true), view.getUint16(13, true)]).toEqual([0x1234, 7]);
    expect(view.getUint16(15, true)).toBe(0xb800); // −0.5 in IEEE half
    expect(modelJson.weightsManifest).toEqual([
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          {
            name: 'a',
            shape: [3],
            dtype: 'float32',
            quantization: { dtype: 'uint8', scale: 1, min: 0 },
          },
          { name: 'b', shape: [1, 2], dtype: 'float32' },
          {
            name: 'c',
            shape: [2],
            dtype: 'float32',
            quantization: { dtype: 'uint16', scale: 2, min: -1 },
          },
          { name: 'd', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } },
        ],
      },
    ]);
    expect(modelJson).toMatchObject({ modelTopology: { x: 1 }, format: 'layers-model' });
  });

  it('reproduces the shipped float32 weights.bin byte for byte', () => {
    const s = shippedMlp();
    const { bin } = writeTfjsModel({
      modelTopology: s.modelJson.modelTopology,
      weights: s.weights,
      manifest: s.manifest,
    });
    expect(Buffer.compare(Buffer.from(bin), Buffer.from(s.bin))).toBe(0);
  });

  it('checks the weights against the original manifest: order, names and shapes', () => {
    const s = shippedMlp();
    const base = { modelTopology: null, manifest: s.manifest };
    const swapped = [s.weights[1]!, s.weights[0]!, ...s.weights.slice(2)];
    expect(() => writeTfjsModel({ ...base, weights: swapped })).toThrow(/original manifest/);
    const reshaped = s.weights.map((w, i) => (i === 0 ? { ...w, shape: [300, 784] } : w));
    expect(() => writeTfjsModel({ ...base, weights: reshaped })).toThrow(/original manifest/);
    const short = s.weights.map((w, i) =>
      i === 1 ? { ...w, encoding: { kind: 'float32' as const, values: new Float32Array(3) } } : w,
    );
    expect(() => writeTfjsModel({ ...base, weights: short })).toThrow(/3 values/);
    expect(() =>
      writeTfjsModel({ modelTopology: null, weights: [s.weights[1]!, s.weights[1]!] }),
    ).toThrow(/twice/);
  });
});

describe('uniform codes as TF.js uint8/uint16', () => {
  it('maps the code ranges onto 0..255 / 0..65535 and refuses codes that do not fit', () => {
    const e = uniformToTfjsUint8(Int32Array.from([-127, 0, 127]), 0.5, 0, -127);
    expect(Array.from(e.codes)).toEqual([0, 127, 254]);
    expect(e.min).toBe(-63.5);
    expect(Array.from(dequantizeLikeTfjs(e))).toEqual([-63.5, 0, 63.5]);
    const affine = uniformToTfjsUint16(Int32Array.from([0, 300, 65535]), 0.25, 300, 0);
    expect(Array.from(affine.codes)).toEqual([0, 300, 65535]);
    expect(affine.min).toBe(-75);
    expect(() => uniformToTfjsUint8(Int32Array.from([0, 256]), 1, 0, 0)).toThrow(RangeError);
    expect(() => uniformToTfjsUint8(Int32Array.from([-1]), 1, 0, 0)).toThrow(RangeError);
    expect(() => uniformToTfjsUint16(Int32Array.from([65536]), 1, 0, 0)).toThrow(RangeError);
    expect(() => uniformToTfjsUint8(Float32Array.from([0.5]), 1, 0, 0)).toThrow(RangeError);
  });

  it('tfjs’s arithmetic (code·scale + min in float64, one rounding) gives the app’s (q − zp)·scale exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: Math.fround(-1e4), max: Math.fround(1e4), noNaN: true }), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.integer({ min: 2, max: 16 }),
        fc.constantFrom('affine' as const, 'symmetric' as const),
        fc.constantFrom('restricted' as const, 'full' as const),
        (values, bits, scheme, symRange) => {
          const x = Float32Array.from(values);
          const t = quantizeUniform(x, [x.length], { bits, scheme, symRange, perChannel: false });
          const convert = bits <= 8 ? uniformToTfjsUint8 : uniformToTfjsUint16;
          const e = convert(t.codes, t.scale[0]!, t.zeroPoint[0]!, t.qmin);
          expect(maxDequantError(e, t.values)).toEqual({ differing: 0, maxUlps: 0, maxAbs: 0 });
          // The report says so too, and the check is not vacuous: a shifted min is caught.
          const { report } = writeTfjsModel({
            modelTopology: null,
            weights: [{ name: 'w', shape: [x.length], encoding: e, reference: t.values }],
          });
          expect(report.exact).toBe(true);
          const off = maxDequantError({ ...e, min: e.min + t.scale[0]! }, t.values);
          expect(off.differing).toBe(x.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts differing values and their distance in ulps', () => {
    const a = Float32Array.from([1, 2, 0, 1, NaN]);
    const b = Float32Array.from([1, 2, -0, Math.fround(1 + 3 * 2 ** -23), NaN]);
    expect(compareFloat32(a, b)).toEqual({ differing: 2, maxUlps: 3, maxAbs: 3 * 2 ** -23 });
    expect(compareFloat32(Float32Array.from([NaN]), Float32Array.from([1])).maxUlps).toBe(Infinity);
  });
});

describe('float16', () => {
  it('rounds float32 to nearest even as the app’s roundToFloat16', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        expect(Object.is(halfBitsToFloat32(float32ToHalfBits(x)), roundToFloat16(x))).toBe(true);
      }),
      { numRuns: 20000 },
    );
    // Ties: 1 + 2^−11 is halfway between 1 and 1 + 2^−10, and goes to the even 1.
    expect(float32ToHalfBits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToHalfBits(2 ** -25)).toBe(0); // tie with the smallest subnormal
    expect(float32ToHalfBits(-(2 ** -24))).toBe(0x8001);
    expect(float32ToHalfBits(65519)).toBe(0x7bff);
    expect(float32ToHalfBits(65520)).toBe(0x7c00); // as roundToFloat16: overflow to ∞
    expect(float32ToHalfBits(-0)).toBe(0x8000);
    expect(float32ToHalfBits(NaN)).toBe(0x7e00);
  });

  it('is lossless for the app’s float16 values, and counts the raw float32 values it rounds', () => {
    const w = shippedMlp().weights[2]!; // fc2/kernel
    const raw = w.encoding.kind === 'float32' ? w.encoding.values : new Float32Array(0);
    const rounded = raw.filter((x) => roundToFloat16(x) !== x).length;
    expect(rounded).toBeGreaterThan(0);
    const fromRaw = writeTfjsModel({
      modelTopology: null,
      weights: [{ ...w, encoding: { kind: 'float16', values: raw } }],
    });
    expect(fromRaw.report.tensors[0]!.check!.differing).toBe(rounded);
    expect(fromRaw.report.exact).toBe(false);
    const halves = Float32Array.from(raw, (x) => roundToFloat16(x));
    const fromApp = writeTfjsModel({
      modelTopology: null,
      weights: [{ ...w, encoding: { kind: 'float16', values: halves } }],
    });
    expect(fromApp.report.exact).toBe(true);
    // Same bytes either way: the encoder rounds exactly as the app does.
    expect(Buffer.compare(Buffer.from(fromApp.bin), Buffer.from(fromRaw.bin))).toBe(0);
  });
});
