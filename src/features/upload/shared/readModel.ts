import { uploadedModelId } from '../../model';
import type { UploadedModelId } from '../../model';
import { LAYER_NAME } from '../../../platform/shared/compressionSchemas';
import { BYTES_PER_VALUE, decodeValues, nonFinite, storageOf } from './dtypes';
import type { Quantization, Storage, TensorDtype } from './dtypes';
import { readJson } from './json';
import { badName, imageShapeFor, quote, readChain, readTopology, tfjsSequential } from './keras';
import type { WeightedLayer } from './keras';
import {
  LOAD_TIME_LIMIT_MS,
  MAX_FILES,
  MAX_MODEL_JSON_BYTES,
  MAX_TENSOR_ELEMENTS,
  MAX_TOTAL_ELEMENTS,
  MAX_WEIGHTS_BYTES,
} from './limits';
import { GraphModelSchema, LayersModelSchema, ManifestSchema, describeIssues } from './schemas';
import type { WeightEntry, WeightGroup } from './schemas';

/**
 * Reads an uploaded TF.js model (model.json, or a weights manifest, plus its weight files)
 * without trusting any of it, instead of `tf.io.browserFiles` (which hangs on malformed JSON and
 * fills a missing weight file with random values). In order: sizes are capped before a byte is
 * read; zip and gzip archives, empty and duplicated files are named; the JSON is decoded as
 * strict UTF-8, its nesting measured before parsing, prototype keys refused; the format is
 * recognised and validated by schema; every manifest path must be one of the files and every
 * file one of the paths; Σ shape × bytes per value must equal the bytes of each group's files;
 * shapes must be positive and bounded; values are decoded (dequantized) and NaN/∞ reported per
 * tensor; a Keras topology is checked layer by layer against its kernels. The whole read runs
 * under a time limit. It never throws: the answer is a normalized model or a list of problems,
 * each naming the file, the tensor and what was expected.
 */

/** One chosen file: its name and size (checked before reading) and a way to read it. */
export interface UploadInput {
  readonly name: string;
  readonly size: number;
  bytes(): Promise<Uint8Array>;
}

export interface UploadProblem {
  /** The file the problem is in (null: the upload as a whole). */
  readonly file: string | null;
  /** The tensor or layer it concerns, if one. */
  readonly tensor: string | null;
  /** One or two plain sentences: what is wrong and what was expected. */
  readonly message: string;
}

export type ModelKind = 'layers' | 'graph' | 'weights';

/**
 * How the labs measure the model: `dataset`, like a shipped model on the shipped test images
 * (28×28×1 or 784 inputs, 10 outputs); `fidelity`, agreement of the compressed model with the
 * original on seeded synthetic inputs of the declared shape; `none`, weights only.
 */
export type EvaluationKind = 'dataset' | 'fidelity' | 'none';

export interface UploadedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** The tensor's dtype in the manifest. */
  readonly dtype: TensorDtype;
  /** How it was stored in the weights file (its quantization dtype if it has one). */
  readonly storage: Storage;
  /** Bytes it took in the weights file. */
  readonly bytes: number;
  /** Its values as float32, dequantized. */
  readonly values: Float32Array;
}

/** A layer whose weights the labs compress, and which tensors they are. */
export interface UploadedLayer extends WeightedLayer {
  readonly kernel: string;
  readonly bias: string | null;
}

export interface NormalizedModel {
  readonly id: UploadedModelId;
  readonly sha256: string;
  readonly name: string;
  readonly kind: ModelKind;
  /** `format`, `generatedBy`, `convertedBy` of model.json, when given. */
  readonly format: string | null;
  readonly generatedBy: string | null;
  readonly convertedBy: string | null;
  /** Every tensor of the manifest, in manifest order. */
  readonly tensors: readonly UploadedTensor[];
  /** Runnable layers models: a Sequential topology tfjs builds (weights are set from `layers`). */
  readonly topology: Record<string, unknown> | null;
  /**
   * Runnable layers models: the model as uploaded, as a Sequential topology tfjs builds (its own
   * layer names and declared input shape, without the adapters `topology` adds for the labs):
   * what an export writes as model.json's topology.
   */
  readonly exportTopology: Record<string, unknown> | null;
  /**
   * Graph models: model.json as uploaded without its weightsManifest (modelTopology, signature,
   * format…), so that an export can write the same graph with other weights.
   */
  readonly graph: Record<string, unknown> | null;
  /** Runnable layers models: the layers with weights, in order. */
  readonly layers: readonly UploadedLayer[];
  /** Declared input shape without the batch axis, when known. */
  readonly inputShape: readonly number[] | null;
  readonly outputShape: readonly number[] | null;
  /**
   * Evaluated models: the shape of the images (or synthetic inputs) the labs feed `topology`,
   * [28, 28, 1] for the shipped datasets.
   */
  readonly imageShape: readonly [number, number, number] | null;
  /** Fidelity: how many outputs top-1 agreement is taken over. */
  readonly classes: number | null;
  readonly evaluation: EvaluationKind;
  readonly evaluable: boolean;
  /** Why it is evaluated as it is (or not at all), in a sentence. */
  readonly why: string;
  /** Graph models: how many nodes run each op. */
  readonly ops: Readonly<Record<string, number>> | null;
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
  /** Bytes of the weight files together. */
  readonly weightBytes: number;
  /** Things worth saying that did not stop the load (a Keras 3 export, ignored tensors…). */
  readonly warnings: readonly string[];
}

export type UploadResult =
  | { readonly ok: true; readonly model: NormalizedModel }
  | { readonly ok: false; readonly problems: readonly UploadProblem[] };

export interface ReadOptions {
  readonly timeLimitMs?: number;
}

class Refused extends Error {
  constructor(readonly problems: UploadProblem[]) {
    super(problems[0]?.message ?? 'refused');
  }
}

const problem = (file: string | null, tensor: string | null, message: string): UploadProblem => ({
  file,
  tensor,
  message,
});

const refuse = (file: string | null, tensor: string | null, message: string): never => {
  throw new Refused([problem(file, tensor, message)]);
};

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const isJsonName = (name: string) => /\.json$/i.test(name);
const fmtBytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;
const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(0)} MB`;
const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Magic numbers of archives a user may pick instead of the files inside them. */
function archiveKind(b: Uint8Array): string | null {
  if (b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5 || b[2] === 7)) return 'zip';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  return null;
}

/** Lets timers (the time limit) run between long steps. */
const breathe = () => new Promise<void>((r) => setTimeout(r, 0));

async function sha256Hex(parts: readonly Uint8Array[]): Promise<string> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

interface ReadFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Checks names, sizes and archives, then reads every file (sizes are capped first). */
async function readFiles(
  inputs: readonly UploadInput[],
  checkTime: () => void,
): Promise<{ json: ReadFile; bins: ReadFile[] }> {
  if (inputs.length === 0)
    refuse(null, null, 'No file was chosen: choose model.json and its .bin weight files.');
  if (inputs.length > MAX_FILES)
    refuse(
      null,
      null,
      `${inputs.length} files were chosen; a model has at most ${MAX_FILES} (model.json and its weight files).`,
    );
  const problems: UploadProblem[] = [];
  const seen = new Set<string>();
  for (const f of inputs) {
    const bad = badName(f.name);
    if (bad) problems.push(problem(quote(f.name), null, `The file name ${quote(f.name)} ${bad}.`));
    else if (seen.has(f.name))
      problems.push(
        problem(
          f.name,
          null,
          `Two files are named ${f.name}: choose each weight file once (from one model's folder).`,
        ),
      );
    seen.add(f.name);
    if (!Number.isSafeInteger(f.size) || f.size < 0)
      problems.push(problem(f.name, null, `${f.name} has no readable size.`));
    else if (f.size === 0)
      problems.push(
        problem(f.name, null, `${f.name} is empty (0 bytes): the download or copy did not finish.`),
      );
  }
  if (problems.length) throw new Refused(problems);
  const jsons = inputs.filter((f) => isJsonName(f.name));
  for (const f of jsons)
    if (f.size > MAX_MODEL_JSON_BYTES)
      problems.push(
        problem(
          f.name,
          null,
          `${f.name} is ${fmtBytes(f.size)}, over the ${mb(MAX_MODEL_JSON_BYTES)} a model.json may have here (real ones are a few kB): refused without reading it.`,
        ),
      );
  const others = inputs.filter((f) => !isJsonName(f.name));
  const binBytes = others.reduce((n, f) => n + f.size, 0);
  if (binBytes > MAX_WEIGHTS_BYTES)
    problems.push(
      problem(
        others.length === 1 ? others[0]!.name : null,
        null,
        `${
          others.length === 1
            ? `${others[0]!.name} holds`
            : `The weight files (${others
                .slice(0, 4)
                .map((f) => f.name)
                .join(', ')}${others.length > 4 ? ', …' : ''}) hold`
        } ${mb(binBytes)}; this app reads at most ${mb(MAX_WEIGHTS_BYTES)} of weights.`,
      ),
    );
  if (problems.length) throw new Refused(problems);
  const read: ReadFile[] = [];
  for (const f of inputs) {
    let bytes: Uint8Array;
    try {
      bytes = await f.bytes();
    } catch (e) {
      refuse(
        f.name,
        null,
        `${f.name} could not be read (${e instanceof Error ? e.message : String(e)}).`,
      );
      throw e; // unreachable: refuse throws
    }
    checkTime();
    if (bytes.length !== f.size)
      refuse(
        f.name,
        null,
        `${f.name} changed while it was read (${fmtBytes(f.size)} announced, ${fmtBytes(bytes.length)} read).`,
      );
    read.push({ name: f.name, bytes });
  }
  for (const f of read) {
    const archive = archiveKind(f.bytes);
    if (archive)
      problems.push(
        problem(
          f.name,
          null,
          `${f.name} is a ${archive} archive, not a model file: unpack it and choose the model.json and the .bin files inside.`,
        ),
      );
  }
  if (problems.length) throw new Refused(problems);
  const jsonFiles = read.filter((f) => isJsonName(f.name));
  if (jsonFiles.length === 0)
    refuse(
      null,
      null,
      `None of the files (${read.map((f) => f.name).join(', ')}) is a .json file: choose model.json (or a *weights_manifest.json) with its weight files.`,
    );
  if (jsonFiles.length > 1)
    refuse(
      null,
      null,
      `Several JSON files were chosen (${jsonFiles.map((f) => f.name).join(', ')}): choose one model.json and its weight files.`,
    );
  return { json: jsonFiles[0]!, bins: read.filter((f) => !isJsonName(f.name)) };
}

interface Spec {
  readonly entry: WeightEntry;
  readonly group: number;
}

/** The weights manifest checked against the files: which bytes each tensor is, in order. */
function layoutWeights(
  jsonName: string,
  manifest: readonly WeightGroup[],
  bins: readonly ReadFile[],
): { specs: Spec[]; groups: Uint8Array[]; groupNames: string[]; order: ReadFile[] } {
  const problems: UploadProblem[] = [];
  const byName = new Map(bins.map((f) => [f.name, f]));
  const used = new Set<string>();
  const groups: Uint8Array[] = [];
  const groupNames: string[] = [];
  const order: ReadFile[] = [];
  const specs: Spec[] = [];
  const names = new Set<string>();
  let totalElements = 0;
  manifest.forEach((g, gi) => {
    const files: ReadFile[] = [];
    for (const path of g.paths) {
      let base = baseName(path);
      if (!byName.has(base)) {
        try {
          base = decodeURIComponent(base);
        } catch {
          // keep it as written
        }
      }
      const f = byName.get(base);
      if (used.has(base)) {
        problems.push(
          problem(jsonName, null, `${jsonName} lists the weight file ${quote(path)} twice.`),
        );
        continue;
      }
      if (!f) {
        problems.push(
          problem(
            base,
            null,
            `${jsonName} needs the weight file ${quote(base)} (group ${gi + 1}), which was not chosen: choose it too (from the same folder as ${jsonName}).`,
          ),
        );
        continue;
      }
      used.add(base);
      files.push(f);
    }
    order.push(...files);
    const size = files.reduce((n, f) => n + f.bytes.length, 0);
    const data = new Uint8Array(size);
    let o = 0;
    for (const f of files) {
      data.set(f.bytes, o);
      o += f.bytes.length;
    }
    groups.push(data);
    groupNames.push(files.map((f) => f.name).join(' + '));
    let need = 0;
    const tensorsOf: { name: string; end: number }[] = [];
    for (const entry of g.weights) {
      const nb = badName(entry.name);
      if (nb) {
        problems.push(
          problem(
            jsonName,
            quote(entry.name),
            `${jsonName}: the tensor name ${quote(entry.name)} ${nb}.`,
          ),
        );
        continue;
      }
      if (names.has(entry.name))
        problems.push(
          problem(jsonName, entry.name, `${jsonName} lists the tensor ${quote(entry.name)} twice.`),
        );
      names.add(entry.name);
      const bad = entry.shape.find((d) => !Number.isInteger(d) || d <= 0);
      if (bad !== undefined) {
        problems.push(
          problem(
            jsonName,
            entry.name,
            `${jsonName}: tensor ${quote(entry.name)} has the shape ${shapeText(entry.shape)}: every dimension must be a whole number ≥ 1.`,
          ),
        );
        continue;
      }
      let count = 1;
      for (const d of entry.shape) count *= d;
      if (count > MAX_TENSOR_ELEMENTS) {
        problems.push(
          problem(
            jsonName,
            entry.name,
            `${jsonName}: tensor ${quote(entry.name)} declares the shape ${shapeText(entry.shape)}, ${count.toExponential(2)} values: more than the ${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} one tensor may hold here.`,
          ),
        );
        continue;
      }
      totalElements += count;
      const storage = storageOf(entry.dtype, entry.quantization as Quantization | undefined);
      if (entry.quantization && entry.dtype !== 'float32')
        problems.push(
          problem(
            jsonName,
            entry.name,
            `${jsonName}: tensor ${quote(entry.name)} is ${entry.dtype} with quantization ${entry.quantization.dtype}: TF.js quantizes float32 tensors only.`,
          ),
        );
      need += count * BYTES_PER_VALUE[storage];
      tensorsOf.push({ name: entry.name, end: need });
      specs.push({ entry, group: gi });
    }
    if (files.length === g.paths.length && need !== size) {
      const label = files.map((f) => f.name).join(' + ');
      const uncovered = tensorsOf.find((t) => t.end > size);
      const detail =
        need > size
          ? `${fmtBytes(need - size)} short: tensor ${quote(uncovered?.name ?? '?')} and those after it are not fully in the file`
          : `${fmtBytes(size - need)} too many: the file is not the one this manifest describes, or the manifest misses tensors`;
      problems.push(
        problem(
          label,
          uncovered?.name ?? null,
          `${label} holds ${fmtBytes(size)}, but ${jsonName} describes ${fmtBytes(need)} of tensors for it (Σ shape × bytes per value): ${detail}.`,
        ),
      );
    }
  });
  if (totalElements > MAX_TOTAL_ELEMENTS)
    problems.push(
      problem(
        jsonName,
        null,
        `${jsonName} declares ${totalElements.toLocaleString('en-US')} weights in all; this app reads at most ${MAX_TOTAL_ELEMENTS.toLocaleString('en-US')}.`,
      ),
    );
  for (const f of bins)
    if (!used.has(f.name))
      problems.push(
        problem(
          f.name,
          null,
          `${f.name} is not listed in ${jsonName}'s weights manifest: it belongs to another model, or another model.json was meant.`,
        ),
      );
  if (problems.length) throw new Refused(problems);
  return { specs, groups, groupNames, order };
}

/** Decodes every tensor to float32 (yielding now and then), reporting NaN and ∞ per tensor. */
async function decodeTensors(
  jsonName: string,
  specs: readonly Spec[],
  groups: readonly Uint8Array[],
  groupNames: readonly string[],
  checkTime: () => void,
): Promise<UploadedTensor[]> {
  const offsets = groups.map(() => 0);
  const out: UploadedTensor[] = [];
  const problems: UploadProblem[] = [];
  let sinceBreath = 0;
  for (const { entry, group } of specs) {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const quantization = entry.quantization as Quantization | undefined;
    const storage = storageOf(entry.dtype, quantization);
    const bytes = count * BYTES_PER_VALUE[storage];
    const values = decodeValues(groups[group]!, offsets[group]!, count, storage, quantization);
    offsets[group]! += bytes;
    const bad = nonFinite(values);
    if (bad.nan + bad.inf > 0)
      problems.push(
        problem(
          groupNames[group]!,
          entry.name,
          `${groupNames[group]}: tensor ${quote(entry.name)} holds ${bad.nan > 0 ? `${bad.nan.toLocaleString('en-US')} NaN` : ''}${bad.nan > 0 && bad.inf > 0 ? ' and ' : ''}${bad.inf > 0 ? `${bad.inf.toLocaleString('en-US')} infinite` : ''} value${bad.nan + bad.inf > 1 ? 's' : ''} (the first at index ${bad.first}): weights must be finite numbers.`,
        ),
      );
    out.push({
      name: entry.name,
      shape: [...entry.shape],
      dtype: entry.dtype,
      storage,
      bytes,
      values,
    });
    sinceBreath += count;
    if (sinceBreath > 1 << 20) {
      sinceBreath = 0;
      await breathe();
      checkTime();
    }
  }
  if (problems.length) throw new Refused(problems);
  return out;
}

const DATASET_INPUTS = ['28,28,1', '784'];
/** Fidelity labels are bytes (the test sets' label format): up to 256 outputs. */
export const MAX_FIDELITY_CLASSES = 256;

/** Matches each weighted layer to its tensors ("fc1/kernel", or "…/fc1/kernel"). */
function matchLayers(
  jsonName: string,
  weighted: readonly WeightedLayer[],
  tensors: readonly UploadedTensor[],
): UploadedLayer[] {
  const problems: UploadProblem[] = [];
  const find = (layer: string, w: string) =>
    tensors.find((t) => t.name === `${layer}/${w}`) ??
    (() => {
      const c = tensors.filter((t) => t.name.endsWith(`/${layer}/${w}`));
      return c.length === 1 ? c[0] : undefined;
    })();
  const out: UploadedLayer[] = [];
  for (const l of weighted) {
    const kernel = find(l.name, 'kernel');
    const bias = l.biasShape ? find(l.name, 'bias') : undefined;
    const check = (t: UploadedTensor | undefined, what: string, shape: readonly number[]) => {
      if (!t)
        problems.push(
          problem(
            jsonName,
            `${l.name}/${what}`,
            `${jsonName}: layer ${quote(l.name)} (${l.className}) needs the tensor ${quote(`${l.name}/${what}`)} of shape ${shapeText(shape)}; the manifest has none.`,
          ),
        );
      else if (shapeText(t.shape) !== shapeText(shape))
        problems.push(
          problem(
            jsonName,
            t.name,
            `${jsonName}: tensor ${quote(t.name)} has the shape ${shapeText(t.shape)}; layer ${quote(l.name)} (${l.className}) needs ${shapeText(shape)}.`,
          ),
        );
    };
    check(kernel, 'kernel', l.kernelShape);
    if (l.biasShape) check(bias, 'bias', l.biasShape);
    if (kernel) out.push({ ...l, kernel: kernel.name, bias: bias?.name ?? null });
  }
  if (problems.length) throw new Refused(problems);
  return out;
}

interface Classified {
  readonly kind: ModelKind;
  readonly manifest: WeightGroup[];
  readonly json: Record<string, unknown> | null;
}

function classify(file: string, value: unknown): Classified {
  if (Array.isArray(value)) {
    const m = ManifestSchema.safeParse(value);
    if (!m.success)
      refuse(
        file,
        null,
        `${file} is a list but not a TF.js weights manifest ([{paths, weights}]): ${describeIssues(m.error)}.`,
      );
    return { kind: 'weights', manifest: m.data!, json: null };
  }
  if (typeof value !== 'object' || value === null)
    return refuse(
      file,
      null,
      `${file} holds a ${value === null ? 'null' : typeof value}, not a model: expected an object with modelTopology and weightsManifest.`,
    );
  const o = value as Record<string, unknown>;
  const topo = o.modelTopology as Record<string, unknown> | undefined;
  const isGraph =
    o.format === 'graph-model' ||
    (typeof topo === 'object' && topo !== null && Array.isArray(topo.node));
  if (isGraph) {
    const g = GraphModelSchema.safeParse(value);
    if (!g.success)
      refuse(file, null, `${file} is not a valid TF.js graph model: ${describeIssues(g.error)}.`);
    return { kind: 'graph', manifest: g.data!.weightsManifest, json: o };
  }
  if (!('modelTopology' in o) && Array.isArray(o.weightsManifest)) {
    const m = ManifestSchema.safeParse(o.weightsManifest);
    if (!m.success)
      refuse(file, null, `${file}'s weightsManifest is not valid: ${describeIssues(m.error)}.`);
    return { kind: 'weights', manifest: m.data!, json: o };
  }
  if (!('modelTopology' in o) || !('weightsManifest' in o))
    refuse(
      file,
      null,
      `${file} is neither a TF.js layers model, a graph model nor a weights manifest: expected the keys modelTopology and weightsManifest, found ${
        Object.keys(o)
          .slice(0, 8)
          .map((k) => quote(k))
          .join(', ') || 'none'
      }.`,
    );
  const l = LayersModelSchema.safeParse(value);
  if (!l.success)
    refuse(file, null, `${file} is not a valid TF.js layers model: ${describeIssues(l.error)}.`);
  return { kind: 'layers', manifest: l.data!.weightsManifest, json: o };
}

/** A graph model's model.json without its weightsManifest. */
function graphWithoutWeights(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) if (k !== 'weightsManifest') out[k] = v;
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, 200) : null);

async function readInner(
  inputs: readonly UploadInput[],
  checkTime: () => void,
): Promise<UploadResult> {
  const { json, bins } = await readFiles(inputs, checkTime);
  const parsed = readJson(json.name, json.bytes);
  if (!parsed.ok) return { ok: false, problems: [problem(json.name, null, parsed.problem)] };
  const c = classify(json.name, parsed.value);
  const warnings: string[] = [];
  let topology: Record<string, unknown> | null = null;
  let exportTopology: Record<string, unknown> | null = null;
  let chain = null as ReturnType<typeof readChain> | null;
  let modelName =
    json.name.replace(/(-weights_manifest|_weights_manifest)?\.json$/i, '') || 'model';
  if (c.kind === 'layers') {
    const t = readTopology(c.json!.modelTopology, json.name);
    if (!t.ok) return { ok: false, problems: [problem(json.name, null, t.problem)] };
    modelName = t.value.name;
    if (t.value.keras3)
      warnings.push('Written by Keras 3 (batch_shape, dtype policies): read as Keras 2.');
    chain = readChain(t.value);
  }
  const { specs, groups, groupNames, order } = layoutWeights(json.name, c.manifest, bins);
  await breathe();
  checkTime();
  const tensors = await decodeTensors(json.name, specs, groups, groupNames, checkTime);
  let layers: UploadedLayer[] = [];
  let evaluation: EvaluationKind = 'none';
  let why: string;
  let inputShape: number[] | null = null;
  let outputShape: number[] | null = null;
  let imageShape: [number, number, number] | null = null;
  let classes: number | null = null;
  if (c.kind === 'layers' && chain) {
    if (chain.ok) {
      const ch = chain.value;
      layers = matchLayers(json.name, ch.weighted, tensors);
      inputShape = [...ch.inputShape];
      outputShape = [...ch.outputShape];
      const unused = tensors.filter(
        (t) => !layers.some((l) => l.kernel === t.name || l.bias === t.name),
      );
      if (unused.length)
        warnings.push(
          `${unused.length} tensor${unused.length > 1 ? 's' : ''} no layer uses (${unused
            .slice(0, 3)
            .map((t) => quote(t.name))
            .join(', ')}…) ${unused.length > 1 ? 'are' : 'is'} shown but not run.`,
        );
      const badLayer = layers.find((l) => !LAYER_NAME.test(l.name));
      const datasetShaped =
        DATASET_INPUTS.includes(inputShape.join(',')) && outputShape.join(',') === '10';
      const outputs = outputShape.reduce((a, b) => a * b, 1);
      if (badLayer) {
        why = `Layer ${quote(badLayer.name)}: the labs need layer names of letters, digits and _ (at most 64); its weights are shown but not run.`;
        layers = [];
      } else if (!datasetShaped && outputs > MAX_FIDELITY_CLASSES) {
        why = `It gives ${outputs.toLocaleString('en-US')} outputs; fidelity (top-1 agreement) is measured up to ${MAX_FIDELITY_CLASSES}: its weights are shown and compressed but not run.`;
        layers = [];
      } else if (datasetShaped) {
        exportTopology = tfjsSequential(modelName, ch);
        evaluation = 'dataset';
        why = `It takes ${shapeText(inputShape)} inputs and has 10 outputs: evaluated on the shipped test images like a built-in model (pixels scaled to 0–1).`;
        imageShape = [28, 28, 1];
        classes = 10;
        topology = tfjsSequential(
          modelName,
          ch,
          inputShape.length === 1 ? { kind: 'flatten', from: imageShape } : null,
        );
      } else {
        exportTopology = tfjsSequential(modelName, ch);
        evaluation = 'fidelity';
        imageShape = imageShapeFor(inputShape);
        classes = outputShape.reduce((a, b) => a * b, 1);
        why = `It takes ${shapeText(inputShape)} inputs and gives ${shapeText(outputShape)} outputs, not the shipped images' 28×28×1 → 10: the labs measure fidelity, the compressed model's top-1 agreement with the original${outputShape.length > 1 ? ` (over all ${classes} outputs)` : ''} on seeded synthetic inputs in 0–1, instead of accuracy.`;
        topology = tfjsSequential(
          modelName,
          ch,
          inputShape.length === 3 ? null : { kind: 'reshape', from: imageShape },
          outputShape.length > 1,
        );
      }
    } else {
      why = `Not evaluated: ${chain.problem} Its weights are shown and compressed tensor by tensor.`;
    }
  } else if (c.kind === 'graph') {
    why =
      'A graph model runs TensorFlow ops, not Keras layers: the labs show and compress its weights but cannot evaluate it.';
  } else {
    why =
      'A weights manifest has no topology: the labs show and compress its weights but cannot evaluate them.';
  }
  let ops: Record<string, number> | null = null;
  if (c.kind === 'graph') {
    ops = {};
    const nodes = (c.json!.modelTopology as { node: { op: string }[] }).node;
    for (const n of nodes) {
      if (badName(n.op))
        return {
          ok: false,
          problems: [
            problem(json.name, null, `${json.name}: a node's op ${quote(n.op)} is not an op name.`),
          ],
        };
      ops[n.op] = (ops[n.op] ?? 0) + 1;
    }
  }
  if (badName(modelName)) modelName = 'model';
  const sha256 = await sha256Hex([json.bytes, ...order.map((f) => f.bytes)]);
  checkTime();
  const weightBytes = bins.reduce((n, f) => n + f.bytes.length, 0);
  return {
    ok: true,
    model: {
      id: uploadedModelId(sha256),
      sha256,
      name: modelName,
      kind: c.kind,
      format: str(c.json?.format),
      generatedBy: str(c.json?.generatedBy),
      convertedBy: str(c.json?.convertedBy),
      tensors,
      topology,
      exportTopology,
      graph: c.kind === 'graph' ? graphWithoutWeights(c.json!) : null,
      layers,
      inputShape,
      outputShape,
      imageShape,
      classes,
      evaluation,
      evaluable: evaluation !== 'none',
      why,
      ops,
      files: [json, ...order].map((f) => ({ name: f.name, bytes: f.bytes.length })),
      weightBytes,
      warnings,
    },
  };
}

/**
 * Reads and checks an upload. Never throws and never takes longer than the time limit (the
 * default {@link LOAD_TIME_LIMIT_MS}): any failure comes back as problems.
 */
export async function readUpload(
  inputs: readonly UploadInput[],
  options: ReadOptions = {},
): Promise<UploadResult> {
  const limit = options.timeLimitMs ?? LOAD_TIME_LIMIT_MS;
  const deadline = Date.now() + limit;
  const late = () =>
    problem(
      null,
      null,
      `Reading the files took longer than ${(limit / 1000).toFixed(limit < 1000 ? 1 : 0)} s: stopped. Are they on a slow drive, or far larger than a model?`,
    );
  const checkTime = () => {
    if (Date.now() > deadline) throw new Refused([late()]);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<UploadResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, problems: [late()] }), limit);
  });
  const work = readInner(inputs, checkTime).catch((e: unknown): UploadResult => {
    if (e instanceof Refused) return { ok: false, problems: e.problems };
    return {
      ok: false,
      problems: [
        problem(
          null,
          null,
          `The files could not be read: ${e instanceof Error ? e.message : String(e)}.`,
        ),
      ],
    };
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An upload input over bytes in memory (tests, and files already read). */
export function memoryInput(name: string, bytes: Uint8Array): UploadInput {
  return { name, size: bytes.length, bytes: () => Promise.resolve(bytes) };
}
