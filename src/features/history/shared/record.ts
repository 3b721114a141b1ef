import { z } from '../../../platform/shared/zod';

/**
 * One entry of the experiments history: a finished measurement or training run, with what is
 * needed to show it in the comparison table and the Pareto chart (its results), and to re-open it
 * (the URL hash that restores its config, opaque here).
 *
 * Pure: it runs in Node, the workers and the page, and knows nothing of IndexedDB. The store
 * writes each record with a `format` number ({@link HISTORY_FORMAT}) and reads everything back
 * through {@link migrateRecord}, which brings an older format up to date step by step
 * ({@link HISTORY_MIGRATIONS}) and validates the result: a damaged record, or one written by a
 * newer version of the app, becomes a problem to show, never a throw.
 */

/** Version of the record layout written today. Bump it with a migration from the one before. */
export const HISTORY_FORMAT = 1;
/** Longest name a user may give an entry (the table truncates; the store refuses more). */
export const NAME_MAX_LENGTH = 200;
/** Longest URL hash kept: a config link is far shorter; more is not a config. */
export const HASH_MAX_LENGTH = 4000;
/** Longest one-line pipeline description kept. */
export const SUMMARY_MAX_LENGTH = 1000;
/** Longest id, model key, model label or technique name kept. */
export const KEY_MAX_LENGTH = 200;
/** Latest time a JavaScript Date can hold (ECMAScript's time value limit), in ms. */
const MAX_DATE_MS = 8.64e15;
/** Widest integer bit width a quantizer can have (float32). */
const MAX_BITS = 32;

export const HISTORY_KINDS = ['measurement', 'run'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

const Fraction = z.number().check(z.gte(0), z.lte(1));
const Bits = z.nullable(z.int().check(z.gte(1), z.lte(MAX_BITS)));

/**
 * What the measurement found. zod's numbers are finite, so no NaN or Infinity is ever stored
 * (`ratio` included: the caller stores a finite ratio; a packed size is never 0 bits in practice).
 */
export const HistoryResultsSchema = z
  .object({
    /** Fraction of the test examples classified right, in [0, 1]. */
    accuracy: Fraction,
    correct: z.int().check(z.gte(0)),
    total: z.int().check(z.gte(1)),
    /** True packed size of the compressed model, in bits (codes, scales, masks, headers). */
    sizeBits: z.number().check(z.gte(0)),
    /** Size of the same weights as float32, in bits: the reference of `ratio`. */
    float32Bits: z.number().check(z.positive()),
    /** Compression ratio as the app shows it (float32Bits / sizeBits). */
    ratio: z.number().check(z.gte(0)),
    /** Accuracy of the uncompressed model on the same examples, when measured. */
    floatAccuracy: z.optional(Fraction),
    /** Fraction of the weights that are zero, when pruned. */
    sparsity: z.optional(Fraction),
    /** Weight bit width; null for float weights. */
    weightBits: z.optional(Bits),
    /** Activation bit width; null for float activations. */
    actBits: z.optional(Bits),
  })
  .check(
    z.refine((r) => r.correct <= r.total, {
      message: 'more correct than total',
      path: ['correct'],
    }),
  );

/** How a training run went (kind 'run' only). */
export const HistoryRunSchema = z.object({
  /** The technique as the app names it ('QAT', 'fine-tune after pruning', 'distillation'…). */
  technique: z.string().check(z.minLength(1), z.maxLength(KEY_MAX_LENGTH)),
  epochs: z.number().check(z.gte(0)),
  /** Accuracy before training (one-shot pruned, post-training quantized, or untrained). */
  initialAccuracy: Fraction,
});

/** One history entry as the app uses it (without the stored `format`). */
export const HistoryRecordSchema = z
  .object({
    id: z.string().check(z.minLength(1), z.maxLength(KEY_MAX_LENGTH)),
    /** User-editable; starts as the app's own description of the entry. */
    name: z.string().check(z.minLength(1), z.maxLength(NAME_MAX_LENGTH)),
    /** When it finished, in milliseconds since the epoch (a valid Date: exports format it). */
    createdAt: z.number().check(z.gte(0), z.lte(MAX_DATE_MS)),
    kind: z.enum(HISTORY_KINDS),
    /** The model it ran on, as the app names models: 'mnist-mlp', 'trained:<uuid>'… */
    modelKey: z.string().check(z.minLength(1), z.maxLength(KEY_MAX_LENGTH)),
    /** The model's name as users see it ('MNIST MLP'). */
    modelLabel: z.string().check(z.minLength(1), z.maxLength(KEY_MAX_LENGTH)),
    /** The app's URL hash that restores the config. Opaque here: the app parses it on re-open. */
    hash: z.string().check(z.maxLength(HASH_MAX_LENGTH)),
    /** One line describing the pipeline ('W4 per-channel · 50 % magnitude pruning'). */
    summary: z.string().check(z.maxLength(SUMMARY_MAX_LENGTH)),
    results: HistoryResultsSchema,
    run: z.optional(HistoryRunSchema),
  })
  .check(
    z.refine((r) => r.kind === 'run' || r.run === undefined, {
      message: 'a measurement has no run details',
      path: ['run'],
    }),
  );

export type HistoryResults = z.infer<typeof HistoryResultsSchema>;
export type HistoryRun = z.infer<typeof HistoryRunSchema>;
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;

/** A record as stored: the entry plus the format it was written in. */
export type StoredHistoryRecord = HistoryRecord & { readonly format: typeof HISTORY_FORMAT };

/** A record of format n, as plain data, turned into one of format n + 1. May throw: reported. */
export type Migration = (old: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * Migrations by the format they read: `HISTORY_MIGRATIONS[n]` turns format n into n + 1. Empty
 * while format 1 is the only one. When format 2 comes, add `1: (old) => ({ ...old, … })` here,
 * bump {@link HISTORY_FORMAT} and change the schema; old records are then upgraded as they are read.
 */
export const HISTORY_MIGRATIONS: Readonly<Record<number, Migration>> = {};

export type MigrateResult = { readonly record: HistoryRecord } | { readonly problem: string };

/** The first issue zod found, as one short line. */
export function describeZodError(error: z.core.$ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid record';
  const where = first.path.length ? `${first.path.join('.')}: ` : '';
  return `${where}${first.message}`;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Any value read back (from IndexedDB, an imported file) as a current record, or a sentence
 * saying why not. Never throws. `current`, `migrations` and `schema` default to the app's own;
 * they are parameters so the stepping itself can be tested with a made-up chain of formats.
 */
export function migrateWith<T>(
  raw: unknown,
  current: number,
  migrations: Readonly<Record<number, Migration>>,
  schema: z.ZodMiniType<T>,
): { readonly record: T } | { readonly problem: string } {
  if (!isPlainObject(raw)) return { problem: 'not a record' };
  const format = raw['format'];
  if (format === undefined) return { problem: 'no format version' };
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1)
    return { problem: `unknown format ${JSON.stringify(format)}` };
  if (format > current)
    return {
      problem: `written by a newer version of the app (format ${format}; this one reads up to ${current})`,
    };
  let data: Record<string, unknown> = raw;
  for (let v = format; v < current; v++) {
    const step = migrations[v];
    if (!step) return { problem: `format ${v} can no longer be read` };
    try {
      data = step(data);
    } catch (e) {
      return {
        problem: `could not be upgraded from format ${v}: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }
  const { format: _format, ...rest } = data;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) return { problem: describeZodError(parsed.error) };
  return { record: parsed.data };
}

/** A stored history record, of any format this version knows, as a current record, or a problem. */
export function migrateRecord(raw: unknown): MigrateResult {
  return migrateWith(raw, HISTORY_FORMAT, HISTORY_MIGRATIONS, HistoryRecordSchema);
}

/** What the store writes: the validated record with today's format, or why it cannot be kept. */
export function toStoredRecord(
  record: HistoryRecord,
): { readonly stored: StoredHistoryRecord } | { readonly problem: string } {
  const parsed = HistoryRecordSchema.safeParse(record);
  if (!parsed.success) return { problem: describeZodError(parsed.error) };
  return { stored: { ...parsed.data, format: HISTORY_FORMAT } };
}

/**
 * A fresh random (version 4) UUID for an entry. Not `crypto.randomUUID()`: it exists only in
 * secure contexts, and the app may be served over plain http on a LAN.
 */
export function newHistoryId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A user's new name for an entry, trimmed, or a sentence saying why it cannot be used. */
export function checkName(name: string): { readonly name: string } | { readonly problem: string } {
  const trimmed = name.trim();
  if (trimmed.length === 0) return { problem: 'A name cannot be empty.' };
  if (trimmed.length > NAME_MAX_LENGTH)
    return { problem: `A name can have at most ${NAME_MAX_LENGTH} characters.` };
  return { name: trimmed };
}
