/**
 * How each layer's kernel goes into a TF.js export, decided from what the pipeline did to it.
 * One rule for the worker (which writes the files) and the page (which shows the table before
 * anything is written). Biases are always float32: the pipeline never quantizes them.
 *
 * | pipeline format                         | weights file                 | compression.json        |
 * |-----------------------------------------|------------------------------|-------------------------|
 * | float32                                 | float32                      | —                       |
 * | float32, pruned                         | float32 (zeros in place)     | bitmask + kept values   |
 * | float16 (pruned or not)                 | float16                      | —                       |
 * | bfloat16                                | float32 (TF.js has no bf16)  | —                       |
 * | uniform per-tensor, 8 bits, dense       | uint8 + scale/min            | —                       |
 * | uniform per-tensor, 2..7 bits or pruned | uint8 + scale/min            | packed codes (+ mask)   |
 * | ternary per-tensor                      | uint8 + scale/min            | 2-bit codes (+ mask)    |
 * | binary per-tensor, dense                | uint8 + scale/min            | 1-bit codes             |
 * | binary, pruned                          | float32 (0 is not ±α)        | 1-bit codes + mask      |
 * | any per-channel integer format          | float32 (dequantized)        | codes + scales (+ mask) |
 * | clustered (k-means)                     | float32 (the centroids)      | codebook + indices      |
 *
 * Pruned tensors in uint8: a pruned weight is exactly 0, and 0 is a code of every uniform and
 * ternary grid (the zero-point: (zp − zp)·scale = +0, which TF.js decodes as
 * (zp − qmin)·scale + (qmin − zp)·scale = +0 too), so the uint8 tensor stays exact; only the
 * sparse layout is lost, and the sidecar keeps the mask. Binary has no code for 0 (its codes are
 * ±α), so a pruned binary tensor is float32. The worker checks every uint8 tensor against the
 * app's values bit for bit and writes float32 (plus the sidecar) if one ever differed.
 */

import type { WeightQuantSpec } from '../../quantize';

/** What the weights file stores for a tensor. */
export type StoredAs = 'uint8' | 'uint16' | 'float16' | 'float32';

/** The codes the sidecar keeps for a kernel. */
export type SidecarKind = 'codes' | 'codebook' | 'sparse-float32';

export interface KernelPlanInput {
  readonly spec: WeightQuantSpec;
  /** Shared by k-means (the spec is then float32). */
  readonly clustered: boolean;
  /** Some of its weights are pruned (it has a mask). */
  readonly pruned: boolean;
}

export interface KernelPlan {
  readonly stored: StoredAs;
  /** What compression.json keeps for it, or null when the weights file says it all. */
  readonly sidecar: SidecarKind | null;
  /** Bits of one stored code in the sidecar (its true width), null without codes. */
  readonly codeBits: number | null;
  /** Why it is stored this way, in a few words ('' when nothing is lost). */
  readonly why: string;
}

/** Bytes one element takes in the weights file. */
export const STORED_BYTES: Readonly<Record<StoredAs, number>> = {
  uint8: 1,
  uint16: 2,
  float16: 2,
  float32: 4,
};

/** The label of a stored format in the UI's table. */
export function storedLabel(stored: StoredAs, hasSidecar: boolean): string {
  switch (stored) {
    case 'uint8':
    case 'uint16':
      return `${stored} + scale/min`;
    case 'float16':
      return 'float16';
    case 'float32':
      return hasSidecar ? 'float32 (dequantized)' : 'float32';
  }
}

function intPlan(
  bits: number,
  perChannel: boolean,
  pruned: boolean,
  kind: 'uniform' | 'ternary' | 'binary',
): KernelPlan {
  const word = kind === 'uniform' ? `int${bits}` : kind;
  if (perChannel) {
    return {
      stored: 'float32',
      sidecar: 'codes',
      codeBits: bits,
      why: `TF.js quantizes per tensor only (${word} per channel)`,
    };
  }
  if (kind === 'binary' && pruned) {
    return {
      stored: 'float32',
      sidecar: 'codes',
      codeBits: 1,
      why: 'binary has no code for a pruned 0',
    };
  }
  const stored: StoredAs = bits <= 8 ? 'uint8' : 'uint16';
  const full = bits === 8 || bits === 16;
  const reasons: string[] = [];
  if (!full) reasons.push(`a ${bits <= 8 ? 'byte' : 'uint16'} per ${bits}-bit code`);
  if (pruned) reasons.push('pruned weights are the zero code');
  const sidecar = !full || pruned;
  return {
    stored,
    sidecar: sidecar ? 'codes' : null,
    codeBits: bits,
    why: reasons.join('; '),
  };
}

/** How one kernel is exported (see the module comment). */
export function planKernel({ spec, clustered, pruned }: KernelPlanInput): KernelPlan {
  if (clustered) {
    return {
      stored: 'float32',
      sidecar: 'codebook',
      codeBits: null,
      why: 'TF.js has no codebooks',
    };
  }
  switch (spec.kind) {
    case 'float32':
      return pruned
        ? {
            stored: 'float32',
            sidecar: 'sparse-float32',
            codeBits: null,
            why: 'TF.js has no sparse format: zeros stored',
          }
        : { stored: 'float32', sidecar: null, codeBits: null, why: '' };
    case 'float16':
      return {
        stored: 'float16',
        sidecar: null,
        codeBits: null,
        why: pruned ? 'pruned weights stored as zeros (no sparse format)' : '',
      };
    case 'bfloat16':
      return {
        stored: 'float32',
        sidecar: null,
        codeBits: null,
        why: 'TF.js has no bfloat16: its values as float32',
      };
    case 'uniform':
      return intPlan(spec.bits, spec.perChannel, pruned, 'uniform');
    case 'ternary':
      return intPlan(2, spec.perChannel, pruned, 'ternary');
    case 'binary':
      return intPlan(1, spec.perChannel, pruned, 'binary');
  }
}

/** What compression.json keeps for a kernel, in a few words (null: nothing). */
export function sidecarLabel(
  plan: KernelPlan,
  o: { readonly perChannel: boolean; readonly pruned: boolean; readonly clusters: number },
): string | null {
  const mask = o.pruned ? ' + mask' : '';
  switch (plan.sidecar) {
    case null:
      return null;
    case 'codebook':
      return `codebook of ${o.clusters} + ${Math.max(1, Math.ceil(Math.log2(o.clusters)))}-bit indices${mask}`;
    case 'sparse-float32':
      return 'mask + kept float32 values';
    case 'codes':
      return `${plan.codeBits}-bit codes${o.perChannel ? ' + per-channel scales' : ''}${mask}`;
  }
}
