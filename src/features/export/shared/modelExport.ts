/**
 * The compressed model as TF.js files: model.json, one weights file and, when some tensor's true
 * form is something TF.js cannot say, compression.json. Pure: it takes the pipeline's compressed
 * layers (features/compress: `compressed()`) and the model's topology and weight names, and
 * returns the files' contents and a report; the worker feeds it, the page downloads the files.
 *
 * Every tensor is written so that stock `tf.loadLayersModel` decodes exactly the float32 values
 * the app evaluates (plan.ts says which format each takes and why); the report checks that bit
 * for bit per tensor, and checks that each sidecar entry decodes to the same values.
 *
 * Activation quantization is not in the files: a TF.js layers model has no fake-quant ops, so
 * the export is the weights-only pipeline (activations float32).
 */

import type { CompressedLayer } from '../../compress';
import type { LayerWeights } from '../../model';
import { applyMask } from '../../prune';
import { SIDECAR_FILE, decodeSidecarEntry, writeSidecar } from './sidecar';
import type { SidecarEntry, SidecarTensorInput } from './sidecar';
import {
  compareFloat32,
  maxDequantError,
  uniformToTfjsUint16,
  uniformToTfjsUint8,
} from './tfjsExport';
import type { ExportEncoding, ExportTensor, ManifestEntry, TfjsUintEncoding } from './tfjsExport';
import { writeTfjsModel } from './tfjsExport';
import { STORED_BYTES, planKernel, storedLabel } from './plan';
import type { KernelPlan, SidecarKind, StoredAs } from './plan';

/** The weights file's name in model.json (as `tf.io.browserDownloads` names it). */
export const WEIGHTS_FILE = 'model.weights.bin';
export const MODEL_FILE = 'model.json';
/** A bare weights manifest's export (an upload without topology): the manifest's file name. */
export const MANIFEST_FILE = 'weights_manifest.json';

/**
 * What the JSON file is: a layers model (model.json, `tf.loadLayersModel`), a graph model
 * (model.json with the uploaded graph, `tf.loadGraphModel`), or a bare weights manifest
 * (`[{paths, weights}]`, `tf.io.loadWeights`) for an upload that had no topology.
 */
export type ExportLayout = 'layers-model' | 'graph-model' | 'weights-manifest';

export interface ExportLayerInput {
  /** The trained weights (kernel and bias as the model has them). */
  readonly weights: LayerWeights;
  /** The pipeline's layer, or null for the uncompressed model. */
  readonly compressed: CompressedLayer | null;
  /** The layer's weight names in the manifest ("fc1/kernel", "fc1/bias"). */
  readonly kernelName: string;
  readonly biasName: string | null;
}

export interface BuildModelExportInput {
  readonly modelId: string;
  /** model.json's `modelTopology`, unchanged. */
  readonly modelTopology: unknown;
  /** Every weight of the model, in the order the weights file takes. */
  readonly manifest: readonly ManifestEntry[];
  readonly layers: readonly ExportLayerInput[];
  /** Activations are quantized in the app: the files say they are not in the export. */
  readonly activationsDropped: boolean;
  /** Tensors of the manifest no layer compresses (a graph's int32 constants), written as given. */
  readonly others?: readonly ExportTensor[];
  /** Default 'layers-model'. */
  readonly layout?: ExportLayout;
  /** 'graph-model': model.json as uploaded without its weightsManifest (kept field by field). */
  readonly graph?: Record<string, unknown> | null;
}

export type ExportFile =
  | { readonly name: string; readonly kind: 'json'; readonly text: string }
  | { readonly name: string; readonly kind: 'binary'; readonly bytes: Uint8Array };

/** One layer of the export: its kernel's format and the bytes it takes. */
export interface ExportLayerRow {
  readonly layer: string;
  readonly shape: readonly number[];
  /** What the weights file holds for the kernel (biases are always float32). */
  readonly stored: StoredAs;
  /** The table's label, e.g. 'uint8 + scale/min'. */
  readonly storedLabel: string;
  /** The sidecar entry's format ('int4 per-tensor affine, sparse (bitmask)'), or null. */
  readonly sidecar: string | null;
  /** Why it is stored so ('' when nothing is lost). */
  readonly why: string;
  /** Kernel plus bias, in the weights file. */
  readonly fileBytes: number;
  /** The sidecar's packed size of the kernel (codes, mask, qparams), or null. */
  readonly sidecarBits: number | null;
  /** Stock tfjs decodes kernel and bias to the app's values bit for bit. */
  readonly exact: boolean;
  /** The sidecar entry decodes to the app's values bit for bit (null: no entry). */
  readonly sidecarExact: boolean | null;
  /** The planned uint format did not decode exactly: written as float32 instead. */
  readonly fallback: boolean;
}

export interface ModelExportReport {
  readonly modelId: string;
  readonly layers: readonly ExportLayerRow[];
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
  readonly weightsFileBytes: number;
  /** The same tensors as float32. */
  readonly float32Bytes: number;
  /** Σ packedBits of compression.json, or null without one. */
  readonly sidecarPackedBits: number | null;
  /** Every tensor decodes bit for bit, and so does every sidecar entry. */
  readonly exact: boolean;
  readonly activationsDropped: boolean;
  readonly layout: ExportLayout;
  /** Tensors written as they were (not compressed): how many. */
  readonly otherTensors: number;
}

export interface ModelExport {
  readonly files: readonly ExportFile[];
  readonly report: ModelExportReport;
}

interface KernelOut {
  readonly encoding: ExportEncoding;
  readonly plan: KernelPlan;
  readonly sidecar: SidecarTensorInput | null;
  readonly fallback: boolean;
}

function hasZero(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] === 0) return true;
  return false;
}

/** The integer codes of `c` as TF.js uint8/uint16 (per-tensor only). */
function uintEncoding(c: CompressedLayer, stored: 'uint8' | 'uint16'): TfjsUintEncoding {
  const t = c.tensor!;
  const convert = stored === 'uint8' ? uniformToTfjsUint8 : uniformToTfjsUint16;
  return convert(t.codes, t.scale[0]!, t.zeroPoint[0]!, t.qmin);
}

/** The sidecar entry of a compressed kernel of the given kind. */
function sidecarInput(
  name: string,
  shape: readonly number[],
  c: CompressedLayer,
  kind: SidecarKind,
): SidecarTensorInput {
  const mask = c.mask ?? undefined;
  if (kind === 'codebook') {
    const cl = c.cluster!;
    return {
      name,
      shape,
      codec: {
        kind: 'codebook',
        centroids: cl.centroids,
        codes: Int32Array.from(cl.assignments),
      },
      // Weights left out of the clustering (pruned, or kept at 0) are stored as 0, not coded.
      ...(hasZero(cl.clustered) ? { mask: cl.clustered } : {}),
    };
  }
  if (kind === 'sparse-float32') {
    return { name, shape, codec: { kind: 'float32', values: c.values }, ...(mask ? { mask } : {}) };
  }
  const t = c.tensor!;
  const spec = c.spec;
  if (spec.kind === 'binary') {
    return {
      name,
      shape,
      codec: { kind: 'binary', axis: t.axis, scales: t.scale, codes: t.codes },
      ...(mask ? { mask } : {}),
    };
  }
  const bits = spec.kind === 'uniform' ? spec.bits : 2;
  const format =
    spec.kind === 'ternary'
      ? `ternary ±α ${t.axis === null ? 'per-tensor' : 'per-channel'}${mask ? ', sparse (bitmask)' : ''}`
      : undefined;
  return {
    name,
    shape,
    codec: {
      kind: 'uniform',
      bits,
      qmin: t.qmin,
      qmax: t.qmax,
      axis: t.axis,
      scales: t.scale,
      zeroPoints: t.zeroPoint,
      codes: t.codes,
    },
    ...(mask ? { mask } : {}),
    ...(format ? { format } : {}),
  };
}

function exportKernel(l: ExportLayerInput): KernelOut {
  const c = l.compressed;
  const shape = l.weights.info.kernelShape;
  if (!c) {
    return {
      encoding: { kind: 'float32', values: l.weights.kernel },
      plan: { stored: 'float32', sidecar: null, codeBits: null, why: '' },
      sidecar: null,
      fallback: false,
    };
  }
  const plan = planKernel({
    spec: c.spec,
    clustered: c.cluster !== null,
    pruned: c.mask !== null,
  });
  const sidecar = (kind: SidecarKind | null) =>
    kind === null ? null : sidecarInput(l.kernelName, shape, c, kind);
  switch (plan.stored) {
    case 'uint8':
    case 'uint16': {
      const encoding = uintEncoding(c, plan.stored);
      if (maxDequantError(encoding, c.values).differing === 0) {
        return { encoding, plan, sidecar: sidecar(plan.sidecar), fallback: false };
      }
      // Never seen: the module comment of tfjsExport.ts proves the mapping exact. Should a
      // tensor differ all the same, its exact values go as float32 and its codes to the sidecar.
      const fallbackPlan: KernelPlan = {
        stored: 'float32',
        sidecar: 'codes',
        codeBits: plan.codeBits,
        why: `${plan.stored} did not decode bit for bit: float32, codes in the sidecar`,
      };
      return {
        encoding: { kind: 'float32', values: c.values },
        plan: fallbackPlan,
        sidecar: sidecar('codes'),
        fallback: true,
      };
    }
    case 'float16':
      return {
        encoding: { kind: 'float16', values: c.values },
        plan,
        sidecar: sidecar(plan.sidecar),
        fallback: false,
      };
    case 'float32':
      return {
        encoding: { kind: 'float32', values: c.values },
        plan,
        sidecar: sidecar(plan.sidecar),
        fallback: false,
      };
  }
}

/** The bias the app runs with: structured pruning may zero some (its bias mask). */
function exportBias(l: ExportLayerInput): Float32Array | null {
  const b = l.weights.bias;
  if (!b) return null;
  const mask = l.compressed?.biasMask;
  return mask ? applyMask(b, mask) : b;
}

const json = (value: unknown) => JSON.stringify(value);
const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/**
 * Writes the export.
 *
 * @throws Error if the manifest names a weight no layer provides, or a layer provides one the
 *   manifest lacks (see `writeTfjsModel` for shape checks).
 */
export function buildModelExport(input: BuildModelExportInput): ModelExport {
  const tensors = new Map<string, ExportTensor>();
  const sidecars: SidecarTensorInput[] = [];
  const kernels: { l: ExportLayerInput; out: KernelOut }[] = [];
  for (const l of input.layers) {
    const out = exportKernel(l);
    kernels.push({ l, out });
    const reference = l.compressed?.values ?? l.weights.kernel;
    tensors.set(l.kernelName, {
      name: l.kernelName,
      shape: l.weights.info.kernelShape,
      encoding: out.encoding,
      reference,
    });
    if (out.sidecar) sidecars.push(out.sidecar);
    const bias = exportBias(l);
    if (bias && l.biasName) {
      tensors.set(l.biasName, {
        name: l.biasName,
        shape: l.weights.info.biasShape ?? [bias.length],
        encoding: { kind: 'float32', values: bias },
      });
    } else if (bias || l.biasName) {
      throw new Error(`layer ${l.weights.info.name}: its bias and the model's weights disagree`);
    }
  }
  for (const t of input.others ?? []) {
    if (tensors.has(t.name)) throw new Error(`weight ${t.name} appears twice`);
    tensors.set(t.name, t);
  }
  const weights = input.manifest.map((m) => {
    const t = tensors.get(m.name);
    if (!t) throw new Error(`the model's weight ${m.name} belongs to no compressed layer`);
    return t;
  });
  if (weights.length !== tensors.size) {
    const known = new Set(input.manifest.map((m) => m.name));
    const extra = [...tensors.keys()].filter((n) => !known.has(n));
    throw new Error(`weights not in the model: ${extra.join(', ')}`);
  }

  const sidecar =
    sidecars.length > 0
      ? writeSidecar({ model: input.modelId, weightsPath: WEIGHTS_FILE, tensors: sidecars })
      : null;
  const layout = input.layout ?? 'layers-model';
  const metadata = {
    compressionPlayground: {
      model: input.modelId,
      sidecar: sidecar ? SIDECAR_FILE : null,
      activations: input.activationsDropped
        ? 'float32 here: the app quantized them, a TF.js layers model cannot'
        : 'float32',
    },
  };
  const tfjs = writeTfjsModel({
    modelTopology: input.modelTopology,
    weights,
    manifest: input.manifest,
    weightsPath: WEIGHTS_FILE,
    format: layout === 'weights-manifest' ? 'layers-model' : layout,
    userDefinedMetadata: metadata,
  });
  let jsonFile: ExportFile;
  if (layout === 'weights-manifest') {
    jsonFile = { name: MANIFEST_FILE, kind: 'json', text: json(tfjs.modelJson.weightsManifest) };
  } else if (layout === 'graph-model') {
    if (!input.graph) throw new Error('a graph model export needs the uploaded graph');
    const own = input.graph.userDefinedMetadata;
    jsonFile = {
      name: MODEL_FILE,
      kind: 'json',
      text: json({
        ...input.graph,
        weightsManifest: tfjs.modelJson.weightsManifest,
        userDefinedMetadata: {
          ...(typeof own === 'object' && own !== null ? own : {}),
          ...metadata,
        },
      }),
    };
  } else {
    jsonFile = { name: MODEL_FILE, kind: 'json', text: json(tfjs.modelJson) };
  }

  const tensorReport = new Map(tfjs.report.tensors.map((t) => [t.name, t]));
  const entries = new Map<string, SidecarEntry>(sidecar?.tensors.map((e) => [e.name, e]) ?? []);
  const decodesExactly = (t: { check: { differing: number } | null } | undefined) =>
    t !== undefined && t.check !== null && t.check.differing === 0;
  const layers = kernels.map(({ l, out }): ExportLayerRow => {
    const k = tensorReport.get(l.kernelName);
    const b = l.biasName ? tensorReport.get(l.biasName) : undefined;
    const entry = entries.get(l.kernelName);
    const reference = l.compressed?.values ?? l.weights.kernel;
    return {
      layer: l.weights.info.name,
      shape: l.weights.info.kernelShape,
      stored: out.plan.stored,
      storedLabel: storedLabel(out.plan.stored, entry !== undefined),
      sidecar: entry?.format ?? null,
      why: out.plan.why,
      fileBytes: (k?.byteLength ?? 0) + (b?.byteLength ?? 0),
      sidecarBits: entry?.packedBits ?? null,
      exact: decodesExactly(k) && (l.biasName === null || decodesExactly(b)),
      sidecarExact: entry
        ? compareFloat32(decodeSidecarEntry(entry).values, reference).differing === 0
        : null,
      fallback: out.fallback,
    };
  });

  const files: ExportFile[] = [
    jsonFile,
    { name: WEIGHTS_FILE, kind: 'binary', bytes: tfjs.bin },
    ...(sidecar ? [{ name: SIDECAR_FILE, kind: 'json' as const, text: json(sidecar) }] : []),
  ];
  return {
    files,
    report: {
      modelId: input.modelId,
      layers,
      files: files.map((f) => ({
        name: f.name,
        bytes: f.kind === 'json' ? utf8Length(f.text) : f.bytes.length,
      })),
      weightsFileBytes: tfjs.bin.length,
      float32Bytes: tfjs.report.float32Bytes,
      sidecarPackedBits: sidecar?.totalPackedBits ?? null,
      exact: tfjs.report.exact && layers.every((r) => r.exact && r.sidecarExact !== false),
      activationsDropped: input.activationsDropped,
      layout,
      otherTensors: input.others?.length ?? 0,
    },
  };
}

/** Bytes a layer's kernel and bias take in the weights file under `plan` (for the live table). */
export function plannedFileBytes(
  plan: Pick<KernelPlan, 'stored'>,
  kernelElements: number,
  biasElements: number,
): number {
  return kernelElements * STORED_BYTES[plan.stored] + biasElements * 4;
}
