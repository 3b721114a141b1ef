import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import { guarded, z } from '../../../platform/shared/zod';
import { ARCH_IDS, DATASET_IDS } from '../shared/catalog';
import type { ArchId, DatasetId } from '../shared/catalog';
import { ActQuantSchema, WeightQuantSchema } from '../../../platform/shared/compressionSchemas';
import type { ActQuant, WeightQuant } from '../../../platform/shared/config';
import { isTrainedModelId } from '../shared/modelId';
import type { TrainedModelId } from '../shared/modelId';

/**
 * Trained models kept in the browser's IndexedDB, so a reload keeps them (a link carries the
 * recipe, never the weights). Two object stores: the small description of each model, which the
 * picker lists, and its weights, read only when the model is opened (20 MLPs are ~21 MB).
 *
 * Bounded: a `put` beyond `limit` (default {@link DEFAULT_LIMIT}) deletes the oldest models and
 * says which. Everything read back is validated: a record written by an older version, or
 * damaged, is skipped with a problem the caller can show, never a crash later on.
 *
 * The recipe is opaque here (the model feature does not know how models are trained): the caller
 * passes the schema that validates it.
 */

/** How many trained models are kept: the newest 20. */
export const DEFAULT_LIMIT = 20;
export const DEFAULT_DB_NAME = 'compression-playground';
/** Version of the record layout below; a record of another version is skipped as a problem. */
const FORMAT = 1;

/** One layer with weights: float32 values, in the layout of the tfjs kernel (row-major). */
export interface TrainedLayerRecord {
  readonly name: string;
  /** Keras class name ('Dense', 'Conv2D'): layer kinds come from here, never from names. */
  readonly className: string;
  readonly kernelShape: readonly number[];
  readonly kernel: ArrayBuffer;
  /** One float32 per output channel, or null for a layer without bias. */
  readonly bias: ArrayBuffer | null;
}

export interface TrainedArch {
  readonly kind: ArchId;
  /** Widths of the hidden Dense layers (a distilled student has its own). */
  readonly hidden?: readonly number[];
  /** CNN: filters of each Conv2D layer. */
  readonly filters?: readonly number[];
}

/** Integer grid of an activation quantizer: x̂ = (clamp(round(x/s) + z, qmin, qmax) − z)·s. */
export interface StoredActQParams {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly qmin: number;
  readonly qmax: number;
}

/** What the picker needs: everything but the weights. */
export interface TrainedModelInfo<R = unknown> {
  readonly id: TrainedModelId;
  /** Shown in the picker, e.g. "MNIST MLP · QAT 2-bit · run 3". */
  readonly name: string;
  readonly runNumber: number;
  /** The settings that produced it: re-running them (seeded) gives the same model. */
  readonly recipe: R;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** The dataset it was trained on and is evaluated with. */
  readonly dataset: DatasetId;
  readonly arch: TrainedArch;
  /** Fraction in [0, 1], measured by the run on the full test set, as the model runs. */
  readonly testAccuracy: number;
  /** The same before training: one-shot pruned, post-training quantized, or untrained. */
  readonly initialTestAccuracy: number;
  /** True if the user stopped the run early and kept the model as it was. */
  readonly stopped: boolean;
  /** Fine-tuned after pruning: the sparsity of its kernels; null otherwise. */
  readonly sparsity: number | null;
  /**
   * Quantization-aware trained: the weights are the float "shadow" weights and this is the
   * quantizer they were trained and evaluated with (the labs apply it to reproduce
   * `testAccuracy`); null otherwise.
   */
  readonly quantizedWith: WeightQuant | null;
  /** Trained with quantized activations: their settings and trained ranges per layer. */
  readonly actQuant: {
    readonly acts: ActQuant;
    readonly qparams: Readonly<Record<string, StoredActQParams>>;
  } | null;
}

export interface TrainedModel<R = unknown> extends TrainedModelInfo<R> {
  readonly layers: readonly TrainedLayerRecord[];
}

/** A record that could not be read: its key and what is wrong with it. */
export interface StoreProblem {
  readonly key: string;
  readonly problem: string;
}

export interface TrainedList<R> {
  /** Newest first. */
  readonly models: readonly TrainedModelInfo<R>[];
  readonly problems: readonly StoreProblem[];
}

export interface TrainedStore<R = unknown> {
  /** Keeps (or replaces) a model; returns the ids of older models deleted to stay in bound. */
  put(model: TrainedModel<R>): Promise<{ evicted: TrainedModelId[] }>;
  /** The model with its weights; null if there is none; throws with a sentence if it is damaged. */
  get(id: TrainedModelId): Promise<TrainedModel<R> | null>;
  list(): Promise<TrainedList<R>>;
  /** Deletes a model (or a damaged record, by the key its problem names). */
  delete(key: string): Promise<void>;
  /** One more than the highest run number kept: runs keep counting across reloads. */
  nextRunNumber(): Promise<number>;
  close(): void;
}

export interface TrainedStoreOptions<R> {
  /** Validates each stored recipe (the train feature's RecipeSchema). */
  readonly recipeSchema: z.ZodMiniType<R>;
  readonly dbName?: string;
  readonly limit?: number;
}

type InfoRecord = Omit<TrainedModelInfo, 'recipe'> & { format: number; recipe: unknown };
interface WeightsRecord {
  id: string;
  layers: TrainedLayerRecord[];
}

interface Schema extends DBSchema {
  'trained-models': { key: string; value: InfoRecord; indexes: { createdAt: number } };
  'trained-weights': { key: string; value: WeightsRecord };
}

const LayerSchema = z
  .object({
    name: z.string().check(z.minLength(1), z.maxLength(100)),
    className: z.string().check(z.minLength(1), z.maxLength(100)),
    kernelShape: z.array(z.int().check(z.positive())).check(z.minLength(1), z.maxLength(4)),
    kernel: z.instanceof(ArrayBuffer),
    bias: z.nullable(z.instanceof(ArrayBuffer)),
  })
  .check(
    z.refine((l) => l.kernel.byteLength === 4 * l.kernelShape.reduce((a, b) => a * b, 1), {
      message: 'kernel size does not match its shape',
    }),
    z.refine((l) => l.bias === null || l.bias.byteLength === 4 * (l.kernelShape.at(-1) ?? 0), {
      message: 'bias size does not match the output channels',
    }),
  );

const WeightsSchema = z.object({
  id: z.string(),
  layers: z.array(LayerSchema).check(z.minLength(1), z.maxLength(64)),
});

function infoSchema<R>(recipe: z.ZodMiniType<R>) {
  return z.object({
    format: z.literal(FORMAT),
    id: guarded(isTrainedModelId, 'not a trained model id'),
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    runNumber: z.int().check(z.positive()),
    recipe,
    createdAt: z.number(),
    dataset: z.enum(DATASET_IDS),
    arch: z.object({
      kind: z.enum(ARCH_IDS),
      hidden: z.optional(z.array(z.int().check(z.positive())).check(z.maxLength(8))),
      filters: z.optional(z.array(z.int().check(z.positive())).check(z.maxLength(8))),
    }),
    testAccuracy: z.number().check(z.gte(0), z.lte(1)),
    initialTestAccuracy: z.number().check(z.gte(0), z.lte(1)),
    stopped: z.boolean(),
    sparsity: z.nullable(z.number().check(z.gte(0), z.lte(1))),
    quantizedWith: z.nullable(WeightQuantSchema),
    actQuant: z.nullable(
      z.object({
        acts: ActQuantSchema,
        qparams: z.record(
          z.string(),
          z.object({
            scale: z.number(),
            zeroPoint: z.number(),
            qmin: z.int(),
            qmax: z.int(),
          }),
        ),
      }),
    ),
  });
}

/** The first issue zod found, as one short line. */
function describe(error: z.core.$ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid record';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  return `${where}${first.message}`;
}

export async function openTrainedStore<R>(
  options: TrainedStoreOptions<R>,
): Promise<TrainedStore<R>> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const Info = infoSchema(options.recipeSchema);
  const db: IDBPDatabase<Schema> = await openDB<Schema>(options.dbName ?? DEFAULT_DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('trained-models', { keyPath: 'id' }).createIndex(
        'createdAt',
        'createdAt',
      );
      d.createObjectStore('trained-weights', { keyPath: 'id' });
    },
    // Another tab wants a newer layout: let it have the database rather than block it.
    blocking() {
      db.close();
    },
  });

  function readInfo(key: string, value: unknown): TrainedModelInfo<R> | StoreProblem {
    const parsed = Info.safeParse(value);
    if (!parsed.success)
      return { key, problem: `Trained model ${key}: ${describe(parsed.error)}.` };
    const { format: _format, ...info } = parsed.data;
    return info as TrainedModelInfo<R>;
  }

  async function list(): Promise<TrainedList<R>> {
    const models: TrainedModelInfo<R>[] = [];
    const problems: StoreProblem[] = [];
    let cursor = await db.transaction('trained-models').store.openCursor();
    while (cursor) {
      const read = readInfo(String(cursor.key), cursor.value);
      if ('problem' in read) problems.push(read);
      else models.push(read);
      cursor = await cursor.continue();
    }
    models.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    return { models, problems };
  }

  return {
    async put(model) {
      const { layers, ...info } = model;
      // Never write what could not be read back.
      const checkedInfo = Info.safeParse({ ...info, format: FORMAT });
      if (!checkedInfo.success)
        throw new Error(`Cannot keep trained model ${model.id}: ${describe(checkedInfo.error)}.`);
      const checkedWeights = WeightsSchema.safeParse({ id: model.id, layers });
      if (!checkedWeights.success)
        throw new Error(
          `Cannot keep trained model ${model.id}: ${describe(checkedWeights.error)}.`,
        );
      const tx = db.transaction(['trained-models', 'trained-weights'], 'readwrite');
      const infos = tx.objectStore('trained-models');
      await infos.put({ ...info, format: FORMAT });
      await tx.objectStore('trained-weights').put({ id: model.id, layers: [...layers] });
      // Oldest first by the index; records without a valid createdAt are not in it.
      const keys = await infos.index('createdAt').getAllKeys();
      const evicted = keys.slice(0, Math.max(0, keys.length - limit)).filter(isTrainedModelId);
      for (const key of evicted) {
        await infos.delete(key);
        await tx.objectStore('trained-weights').delete(key);
      }
      await tx.done;
      return { evicted };
    },

    async get(id) {
      const tx = db.transaction(['trained-models', 'trained-weights'], 'readonly');
      const [rawInfo, rawWeights] = await Promise.all([
        tx.objectStore('trained-models').get(id),
        tx.objectStore('trained-weights').get(id),
      ]);
      await tx.done;
      if (rawInfo === undefined) return null;
      const info = readInfo(id, rawInfo);
      if ('problem' in info) throw new Error(info.problem);
      const weights = WeightsSchema.safeParse(rawWeights);
      if (!weights.success)
        throw new Error(
          `Trained model ${id}: its weights are damaged (${describe(weights.error)}).`,
        );
      return { ...info, layers: weights.data.layers };
    },

    list,

    async delete(key) {
      const tx = db.transaction(['trained-models', 'trained-weights'], 'readwrite');
      await Promise.all([
        tx.objectStore('trained-models').delete(key),
        tx.objectStore('trained-weights').delete(key),
        tx.done,
      ]);
    },

    async nextRunNumber() {
      const { models } = await list();
      return models.reduce((n, m) => Math.max(n, m.runNumber), 0) + 1;
    },

    close() {
      db.close();
    },
  };
}

/** A layer's float32 values as the ArrayBuffer stored (a copy: the caller keeps its array). */
export function toStoredBuffer(values: Float32Array): ArrayBuffer {
  return values.slice().buffer;
}
