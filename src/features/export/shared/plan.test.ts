import { describe, expect, it } from 'vitest';
import { planKernel, sidecarLabel, storedLabel } from './plan';
import type { KernelPlanInput } from './plan';

const uniform = (bits: number, perChannel: boolean): KernelPlanInput['spec'] => ({
  kind: 'uniform',
  bits,
  scheme: 'affine',
  perChannel,
});

describe('planKernel: where each format goes', () => {
  it('per-tensor uniform ≤ 8 bits is TF.js uint8; only 8-bit dense needs no sidecar', () => {
    for (let bits = 2; bits <= 8; bits++) {
      for (const pruned of [false, true]) {
        const p = planKernel({ spec: uniform(bits, false), clustered: false, pruned });
        expect(p.stored).toBe('uint8');
        expect(p.codeBits).toBe(bits);
        expect(p.sidecar).toBe(bits === 8 && !pruned ? null : 'codes');
        expect(p.why === '').toBe(bits === 8 && !pruned);
      }
    }
    expect(planKernel({ spec: uniform(12, false), clustered: false, pruned: false }).stored).toBe(
      'uint16',
    );
  });

  it('per-channel formats are float32 with their codes in the sidecar', () => {
    for (const spec of [
      uniform(4, true),
      uniform(8, true),
      { kind: 'binary', perChannel: true } as const,
      { kind: 'ternary', perChannel: true } as const,
    ]) {
      const p = planKernel({ spec, clustered: false, pruned: false });
      expect(p).toMatchObject({ stored: 'float32', sidecar: 'codes' });
      expect(p.why).toContain('per tensor only');
    }
  });

  it('binary is uint8 while dense, float32 once pruned (no code for 0); ternary stays uint8', () => {
    const binary = { kind: 'binary', perChannel: false } as const;
    const ternary = { kind: 'ternary', perChannel: false } as const;
    expect(planKernel({ spec: binary, clustered: false, pruned: false })).toMatchObject({
      stored: 'uint8',
      sidecar: 'codes',
      codeBits: 1,
    });
    expect(planKernel({ spec: binary, clustered: false, pruned: true })).toMatchObject({
      stored: 'float32',
      sidecar: 'codes',
      codeBits: 1,
    });
    expect(planKernel({ spec: ternary, clustered: false, pruned: true })).toMatchObject({
      stored: 'uint8',
      sidecar: 'codes',
      codeBits: 2,
    });
  });

  it('floats, clusters and sparse float32', () => {
    const f32 = { kind: 'float32' } as const;
    expect(planKernel({ spec: f32, clustered: false, pruned: false })).toMatchObject({
      stored: 'float32',
      sidecar: null,
      why: '',
    });
    expect(planKernel({ spec: f32, clustered: false, pruned: true }).sidecar).toBe(
      'sparse-float32',
    );
    expect(planKernel({ spec: f32, clustered: true, pruned: true }).sidecar).toBe('codebook');
    expect(planKernel({ spec: { kind: 'float16' }, clustered: false, pruned: true })).toMatchObject(
      { stored: 'float16', sidecar: null },
    );
    const bf16 = planKernel({ spec: { kind: 'bfloat16' }, clustered: false, pruned: false });
    expect(bf16).toMatchObject({ stored: 'float32', sidecar: null });
    expect(bf16.why).toContain('no bfloat16');
  });

  it('labels say what the weights file holds', () => {
    expect(storedLabel('uint8', true)).toBe('uint8 + scale/min');
    expect(storedLabel('float32', true)).toBe('float32 (dequantized)');
    expect(storedLabel('float32', false)).toBe('float32');
    expect(storedLabel('float16', false)).toBe('float16');
  });
});

describe('sidecarLabel', () => {
  it('names the codes, their width, and what comes with them', () => {
    const o = { perChannel: false, pruned: false, clusters: 16 };
    const plan = (spec: KernelPlanInput['spec'], clustered = false, pruned = false) =>
      planKernel({ spec, clustered, pruned });
    expect(sidecarLabel(plan(uniform(4, false)), o)).toBe('4-bit codes');
    expect(sidecarLabel(plan(uniform(8, false)), o)).toBeNull();
    expect(sidecarLabel(plan(uniform(3, true)), { ...o, perChannel: true, pruned: true })).toBe(
      '3-bit codes + per-channel scales + mask',
    );
    expect(sidecarLabel(plan({ kind: 'float32' }, true, true), { ...o, pruned: true })).toBe(
      'codebook of 16 + 4-bit indices + mask',
    );
    expect(sidecarLabel(plan({ kind: 'float32' }, false, true), o)).toBe(
      'mask + kept float32 values',
    );
  });
});
