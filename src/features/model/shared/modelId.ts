import { ARCH_IDS, DATASET_IDS } from './catalog';
import type { ArchId, DatasetId } from './catalog';

/**
 * One id scheme for every model the app can open, so the picker, the URL, the loaders and the
 * caches name models the same way:
 *
 * | kind     | id                          | example                                          |
 * | -------- | --------------------------- | ------------------------------------------------ |
 * | shipped  | `<dataset>-<arch>`          | `mnist-mlp` (a folder under `public/models/`)    |
 * | trained  | `trained:<uuid>`            | `trained:1b4e28ba-2fa1-41d2-883f-0016d3cca427`   |
 * | uploaded | `uploaded:<sha-256 in hex>` | `uploaded:9f86d081…` (64 hex digits)             |
 *
 * Shipped ids are today's `modelKey` (core/config.ts) unchanged, so existing links and result
 * keys keep their meaning. A trained model is named by a random UUID (it exists only in the
 * browser that trained it; a link carries its recipe instead). An uploaded one is named by the
 * SHA-256 of its files, so uploading the same model twice gives the same id.
 *
 * Ids are plain strings (they go into URLs and result keys); the template-literal types keep a
 * typo from compiling, and `parseModelId` checks any string that comes from outside.
 */

export type ShippedModelId = `${DatasetId}-${ArchId}`;
export type TrainedModelId = `trained:${string}`;
export type UploadedModelId = `uploaded:${string}`;
export type ModelId = ShippedModelId | TrainedModelId | UploadedModelId;

export type ModelRef =
  | { readonly kind: 'shipped'; readonly dataset: DatasetId; readonly arch: ArchId }
  | { readonly kind: 'trained'; readonly uuid: string }
  | { readonly kind: 'uploaded'; readonly sha256: string };

export type ModelKind = ModelRef['kind'];

export type ParsedModelId =
  | { readonly ok: true; readonly id: ModelId; readonly ref: ModelRef }
  | { readonly ok: false; readonly problem: string };

const TRAINED = 'trained:';
const UPLOADED = 'uploaded:';
/** RFC 4122 (any version), lower case as `crypto.randomUUID()` writes it. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Longer than any valid id: parse nothing bigger (ids come from URLs). */
const MAX_LENGTH = 80;

export function shippedModelId(dataset: DatasetId, arch: ArchId): ShippedModelId {
  return `${dataset}-${arch}`;
}

export function trainedModelId(uuid: string): TrainedModelId {
  if (!UUID.test(uuid)) throw new Error(`"${uuid}" is not a lower-case UUID.`);
  return `${TRAINED}${uuid}`;
}

export function uploadedModelId(sha256: string): UploadedModelId {
  if (!SHA256_HEX.test(sha256)) throw new Error(`"${sha256}" is not a SHA-256 in lower-case hex.`);
  return `${UPLOADED}${sha256}`;
}

/**
 * A random (version 4) UUID. Not `crypto.randomUUID()`: it exists only in secure contexts
 * (https, localhost), and the app may be served over plain http on a LAN.
 */
function randomUuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A fresh id for a model trained now. */
export function newTrainedModelId(): TrainedModelId {
  return trainedModelId(randomUuid());
}

export function formatModelId(ref: ModelRef): ModelId {
  switch (ref.kind) {
    case 'shipped':
      return shippedModelId(ref.dataset, ref.arch);
    case 'trained':
      return trainedModelId(ref.uuid);
    case 'uploaded':
      return uploadedModelId(ref.sha256);
  }
}

/** Total: any string gives an id and its parts, or a sentence saying what is wrong with it. */
export function parseModelId(s: string): ParsedModelId {
  const shown = s.length > 24 ? `${s.slice(0, 24)}…` : s;
  if (s.length > MAX_LENGTH) return { ok: false, problem: `Model id "${shown}" is too long.` };
  if (s.startsWith(TRAINED)) {
    const uuid = s.slice(TRAINED.length);
    if (!UUID.test(uuid))
      return { ok: false, problem: `Trained model id "${shown}" does not end in a UUID.` };
    return { ok: true, id: `${TRAINED}${uuid}`, ref: { kind: 'trained', uuid } };
  }
  if (s.startsWith(UPLOADED)) {
    const sha256 = s.slice(UPLOADED.length);
    if (!SHA256_HEX.test(sha256))
      return {
        ok: false,
        problem: `Uploaded model id "${shown}" does not end in a SHA-256 (64 hex digits).`,
      };
    return { ok: true, id: `${UPLOADED}${sha256}`, ref: { kind: 'uploaded', sha256 } };
  }
  const dash = s.indexOf('-');
  const dataset = DATASET_IDS.find((d) => d === s.slice(0, dash));
  const arch = ARCH_IDS.find((a) => a === s.slice(dash + 1));
  if (dash < 0 || !dataset || !arch)
    return { ok: false, problem: `"${shown}" names no shipped, trained or uploaded model.` };
  return { ok: true, id: shippedModelId(dataset, arch), ref: { kind: 'shipped', dataset, arch } };
}

export function isModelId(s: string): s is ModelId {
  return parseModelId(s).ok;
}

export function isTrainedModelId(s: string): s is TrainedModelId {
  const p = parseModelId(s);
  return p.ok && p.ref.kind === 'trained';
}

export function isUploadedModelId(s: string): s is UploadedModelId {
  const p = parseModelId(s);
  return p.ok && p.ref.kind === 'uploaded';
}

export function modelKind(id: ModelId): ModelKind {
  if (id.startsWith(TRAINED)) return 'trained';
  if (id.startsWith(UPLOADED)) return 'uploaded';
  return 'shipped';
}
