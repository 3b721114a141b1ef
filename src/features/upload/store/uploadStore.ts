import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import { guarded, z } from '../../../platform/shared/zod';
import { isUploadedModelId } from '../../model';
import type { UploadedModelId } from '../../model';
import type { NormalizedModel } from '../shared/readModel';

/**
 * Uploaded models kept in the browser's IndexedDB, so a reload keeps them; they never go into a
 * link (a link names the model by its id, the SHA-256 of its files, and the receiver needs the
 * files). The house style of model/store/trainedStore.ts: two object stores, the small
 * description the picker lists and the files, read only when the model is opened.
 *
 * The files are kept exactly as uploaded and read again with the validating reader on every
 * `get` (and their hash compared with the id), so a damaged or tampered record is a problem
 * the caller shows, never a crash later. Bounded by count and by bytes: a `put` beyond either
 * deletes the oldest models and says which.
 */

/** How many uploaded models are kept: the newest 10. */
export const DEFAULT_LIMIT = 10;
/** Most bytes of files kept together (the caps allow ~69 MB a model). */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_DB_NAME = 'compression-playground-uploads';
/** Version of the record layout; a record of another version is skipped as a problem. */
const FORMAT = 1;

/** What the picker needs: everything but the files. */
export interface UploadedModelInfo {
  readonly id: UploadedModelId;
  readonly name: string;
  readonly kind: NormalizedModel['kind'];
  readonly evaluation: NormalizedModel['evaluation'];
  readonly why: string;
  readonly inputShape: readonly number[] | null;
  readonly outputShape: readonly number[] | null;
  /** Values in all tensors. */
  readonly params: number;
  readonly tensors: number;
  /** Bytes of all files. */
  readonly bytes: number;
  readonly files: readonly string[];
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface StoredFile {
  readonly name: string;
  readonly data: ArrayBuffer;
}

export interface StoreProblem {
  readonly key: string;
  readonly problem: string;
}

export interface UploadedList {
  /** Newest first. */
  readonly models: readonly UploadedModelInfo[];
  readonly problems: readonly StoreProblem[];
}

export interface UploadStore {
  /** Keeps a model read from `files`; returns the ids of older models deleted to stay in bound. */
  put(
    model: NormalizedModel,
    files: readonly StoredFile[],
    createdAt?: number,
  ): Promise<{ info: UploadedModelInfo; evicted: UploadedModelId[] }>;
  /** The model, read and checked again from its files; null if none; throws with a sentence if damaged. */
  get(id: UploadedModelId): Promise<{ info: UploadedModelInfo; model: NormalizedModel } | null>;
  list(): Promise<UploadedList>;
  delete(key: string): Promise<void>;
  close(): void;
}

export interface UploadStoreOptions {
  readonly dbName?: string;
  readonly limit?: number;
  readonly maxBytes?: number;
}

type InfoRecord = UploadedModelInfo & { format: number };
interface FilesRecord {
  id: string;
  files: StoredFile[];
}

interface Schema extends DBSchema {
  'uploaded-models': { key: string; value: InfoRecord; indexes: { createdAt: number } };
  'uploaded-files': { key: string; value: FilesRecord };
}

const Shape = z.nullable(z.array(z.int().check(z.positive())).check(z.maxLength(8)));

const InfoSchema = z.object({
  format: z.literal(FORMAT),
  id: guarded(isUploadedModelId, 'not an uploaded model id'),
  name: z.string().check(z.minLength(1), z.maxLength(256)),
  kind: z.enum(['layers', 'graph', 'weights']),
  evaluation: z.enum(['dataset', 'fidelity', 'none']),
  why: z.string().check(z.maxLength(1000)),
  inputShape: Shape,
  outputShape: Shape,
  params: z.int().check(z.nonnegative()),
  tensors: z.int().check(z.nonnegative()),
  bytes: z.int().check(z.positive()),
  files: z
    .array(z.string().check(z.minLength(1), z.maxLength(256)))
    .check(z.minLength(1), z.maxLength(64)),
  createdAt: z.number(),
});

const FilesSchema = z.object({
  id: z.string(),
  files: z
    .array(
      z.object({
        name: z.string().check(z.minLength(1), z.maxLength(256)),
        data: z.instanceof(ArrayBuffer),
      }),
    )
    .check(z.minLength(1), z.maxLength(64)),
});

function describe(error: z.core.$ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid record';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  return `${where}${first.message}`;
}

/** The picker's description of a model read from its files. */
export function infoOf(
  model: NormalizedModel,
  files: readonly StoredFile[],
  createdAt: number,
): UploadedModelInfo {
  return {
    id: model.id,
    name: model.name,
    kind: model.kind,
    evaluation: model.evaluation,
    why: model.why,
    inputShape: model.inputShape,
    outputShape: model.outputShape,
    params: model.tensors.reduce((n, t) => n + t.values.length, 0),
    tensors: model.tensors.length,
    bytes: files.reduce((n, f) => n + f.data.byteLength, 0),
    files: files.map((f) => f.name),
    createdAt,
  };
}

export async function openUploadStore(options: UploadStoreOptions = {}): Promise<UploadStore> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const db: IDBPDatabase<Schema> = await openDB<Schema>(options.dbName ?? DEFAULT_DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('uploaded-models', { keyPath: 'id' }).createIndex(
        'createdAt',
        'createdAt',
      );
      d.createObjectStore('uploaded-files', { keyPath: 'id' });
    },
    blocking() {
      db.close();
    },
  });

  function readInfo(key: string, value: unknown): UploadedModelInfo | StoreProblem {
    const parsed = InfoSchema.safeParse(value);
    if (!parsed.success)
      return { key, problem: `Uploaded model ${key}: ${describe(parsed.error)}.` };
    const { format: _format, ...info } = parsed.data;
    return info as UploadedModelInfo;
  }

  async function list(): Promise<UploadedList> {
    const models: UploadedModelInfo[] = [];
    const problems: StoreProblem[] = [];
    let cursor = await db.transaction('uploaded-models').store.openCursor();
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
    async put(model, files, createdAt = Date.now()) {
      const info = infoOf(model, files, createdAt);
      const checkedInfo = InfoSchema.safeParse({ ...info, format: FORMAT });
      if (!checkedInfo.success)
        throw new Error(
          `Cannot keep uploaded model ${model.name}: ${describe(checkedInfo.error)}.`,
        );
      const checkedFiles = FilesSchema.safeParse({ id: model.id, files });
      if (!checkedFiles.success)
        throw new Error(
          `Cannot keep uploaded model ${model.name}: ${describe(checkedFiles.error)}.`,
        );
      if (info.bytes > maxBytes)
        throw new Error(
          `Cannot keep uploaded model ${model.name}: its ${info.bytes} bytes exceed the ${maxBytes} kept in all.`,
        );
      const tx = db.transaction(['uploaded-models', 'uploaded-files'], 'readwrite');
      const infos = tx.objectStore('uploaded-models');
      await infos.put({ ...info, format: FORMAT });
      await tx
        .objectStore('uploaded-files')
        .put({ id: model.id, files: files.map((f) => ({ name: f.name, data: f.data })) });
      // Oldest first; evict until both bounds hold (the new model is the newest: never evicted).
      const all = await infos.index('createdAt').getAll();
      let count = all.length;
      let bytes = all.reduce((n, r) => n + (Number.isFinite(r.bytes) ? r.bytes : 0), 0);
      const evicted: UploadedModelId[] = [];
      for (const r of all) {
        if (count <= limit && bytes <= maxBytes) break;
        if (r.id === model.id || !isUploadedModelId(r.id)) continue;
        await infos.delete(r.id);
        await tx.objectStore('uploaded-files').delete(r.id);
        evicted.push(r.id);
        count--;
        bytes -= Number.isFinite(r.bytes) ? r.bytes : 0;
      }
      await tx.done;
      return { info, evicted };
    },

    async get(id) {
      const tx = db.transaction(['uploaded-models', 'uploaded-files'], 'readonly');
      const [rawInfo, rawFiles] = await Promise.all([
        tx.objectStore('uploaded-models').get(id),
        tx.objectStore('uploaded-files').get(id),
      ]);
      await tx.done;
      if (rawInfo === undefined) return null;
      const info = readInfo(id, rawInfo);
      if ('problem' in info) throw new Error(info.problem);
      const files = FilesSchema.safeParse(rawFiles);
      if (!files.success)
        throw new Error(
          `Uploaded model ${info.name}: its files are damaged (${describe(files.error)}).`,
        );
      // The validating reader loads when a stored model is read (in a worker, or on upload), so
      // the page's first screen does not carry it.
      const { memoryInput, readUpload } = await import('../shared/readModel');
      const read = await readUpload(
        files.data.files.map((f) => memoryInput(f.name, new Uint8Array(f.data))),
      );
      if (!read.ok)
        throw new Error(
          `Uploaded model ${info.name} no longer reads: ${read.problems[0]?.message ?? 'unknown problem'}`,
        );
      if (read.model.id !== id)
        throw new Error(`Uploaded model ${info.name}: its files do not hash to its id (damaged).`);
      return { info, model: read.model };
    },

    list,

    async delete(key) {
      const tx = db.transaction(['uploaded-models', 'uploaded-files'], 'readwrite');
      await Promise.all([
        tx.objectStore('uploaded-models').delete(key),
        tx.objectStore('uploaded-files').delete(key),
        tx.done,
      ]);
    },

    close() {
      db.close();
    },
  };
}
