import { z } from './zod';
import {
  CLUSTER_INITS,
  CONFIG_VERSION,
  MAX_SPARSITY,
  NM_PATTERNS,
  NORMS,
  PRUNE_METHODS,
  SKIP_LAYER,
  SPARSE_FORMATS,
  STRUCTURED_BIAS,
  ConfigSchema,
  DEFAULT_CONFIG,
  GRANULARITIES,
  LAYER_NAME,
  MAX_RECIPE_JSON,
  MAX_BITS,
  OBSERVERS,
  ROUNDINGS,
  SCHEMES,
  SYM_RANGES,
  VIEWS,
  WEIGHT_FORMATS,
  LESSON_ID,
} from './config';
import { PANELS } from './panels';
import type { Panel } from './panels';
import { LESSON_IDS, lessonById, lessonConfig } from '../../features/lessons';
import type { Config } from './config';
import {
  MAX_BATCH_SIZE,
  MAX_EPOCHS,
  MAX_HIDDEN_LAYERS,
  MAX_HIDDEN_UNITS,
  OPTIMIZERS,
  PruneScheduleSchema,
} from '../../features/train/shared/hyper';
import { TECHNIQUES, TrainSettingsSchema } from '../../features/train/shared/settings';
import { isTrainedModelId, isUploadedModelId } from '../../features/model/shared/modelId';
import { ARCH_IDS, DATASET_IDS } from '../../features/model/shared/catalog';

/**
 * The URL hash is a serialization of the config, human-readable `key=value` pairs:
 * `#v=1&data=mnist&model=mlp&view=quantize&w=int&wb=4&ws=sym&wg=channel&ab=8&obs=pct&ov=fc3:f`.
 * One declarative table of fields (as in TensorFlow Playground's state.ts), each validated on
 * the way in. Parsing is pure and total: any string gives a valid config plus the list of what
 * was wrong with it.
 */

/** Longer hashes are not decoded at all: a shared link is never this long. */
export const MAX_HASH_LENGTH = 4000;

export interface ParseResult {
  config: Config;
  /** Human-readable problems, one per ignored or corrected value. Empty for a clean link. */
  problems: string[];
}

interface Field {
  /** Key in the URL. Short but readable. */
  readonly key: string;
  /** The value as written in the URL; '' = leave the key out. */
  encode(c: Config): string;
  /** Stores the decoded value into `draft` (a copy of the defaults); returns a problem, if any. */
  decode(draft: Config, raw: string): string | undefined;
}

function truncate(s: string, n = 40): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * An enumerated setting. `codes` maps each value to its URL spelling (defaults to the value
 * itself), e.g. 'symmetric' → 'sym'.
 */
function enumField<T extends string>(
  key: string,
  what: string,
  values: readonly T[],
  get: (c: Config) => T,
  set: (d: Config, v: T) => void,
  codes: Partial<Record<T, string>> = {},
): Field {
  const code = (v: T) => codes[v] ?? v;
  return {
    key,
    encode: (c) => code(get(c)),
    decode: (d, raw) => {
      const v = values.find((x) => code(x) === raw || x === raw);
      if (v !== undefined) {
        set(d, v);
        return undefined;
      }
      return `Unknown ${what} "${truncate(raw)}": using "${code(get(d))}" (one of ${values.map(code).join(', ')}).`;
    },
  };
}

type SymRangeValue = (typeof SYM_RANGES)[number];

/**
 * The signed range of symmetric quantization (`wsr=full`). Unlike the other fields it is left out
 * at its default, `restricted`: links made before the field existed meant the restricted range,
 * so an absent key must keep meaning it.
 */
function symRangeField(
  key: string,
  what: string,
  get: (c: Config) => SymRangeValue,
  set: (d: Config, v: SymRangeValue) => void,
): Field {
  const field = enumField(key, what, SYM_RANGES, get, set);
  return { ...field, encode: (c) => (get(c) === 'restricted' ? '' : field.encode(c)) };
}

/** Plain decimal numbers only: Number('') is 0 and Number(' 7') is 7, neither is a setting. */
const DECIMAL = /^-?\d{1,16}(\.\d{1,8})?$/;

function numberField(
  key: string,
  what: string,
  min: number,
  max: number,
  get: (c: Config) => number,
  set: (d: Config, v: number) => void,
  integer = true,
): Field {
  return {
    key,
    encode: (c) => String(get(c)),
    decode: (d, raw) => {
      if (!DECIMAL.test(raw)) return `${what} "${truncate(raw)}" is not a number: using ${get(d)}.`;
      // `+ 0` turns -0 (from "-0", or "-0.4" rounded) into 0: the link writes it back as "0".
      const n = (integer ? Math.round(Number(raw)) : Number(raw)) + 0;
      if (n < min || n > max) {
        const clamped = Math.min(max, Math.max(min, n));
        set(d, clamped);
        return `${what} ${raw} is outside ${min}–${max}: using ${clamped}.`;
      }
      set(d, n);
      return undefined;
    },
  };
}

function boolField(
  key: string,
  what: string,
  get: (c: Config) => boolean,
  set: (d: Config, v: boolean) => void,
): Field {
  return {
    key,
    encode: (c) => (get(c) ? '1' : '0'),
    decode: (d, raw) => {
      if (raw === '1' || raw === 'true') set(d, true);
      else if (raw === '0' || raw === 'false') set(d, false);
      else return `${what} "${truncate(raw)}" should be 0 or 1: using ${get(d) ? 1 : 0}.`;
      return undefined;
    },
  };
}

/**
 * A per-layer map in one key: `ov=fc1:4,fc3:f`. `format` writes a value, `parse` reads one (NaN =
 * invalid); bad entries are dropped with one notice, at most 64 entries are read.
 */
function layerMapField(
  key: string,
  get: (c: Config) => Record<string, number>,
  set: (d: Config, v: Record<string, number>) => void,
  format: (v: number) => string,
  parse: (raw: string) => number,
  expected: string,
): Field {
  return {
    key,
    encode: (c) => {
      const map = get(c);
      return Object.keys(map)
        .sort()
        .map((name) => `${name}:${format(map[name]!)}`)
        .join(',');
    },
    decode: (d, raw) => {
      const bad: string[] = [];
      const out: Record<string, number> = {};
      for (const item of raw.split(',').slice(0, 64)) {
        if (item === '') continue;
        const [name = '', value = ''] = item.split(':');
        const v = parse(value);
        if (!LAYER_NAME.test(name) || Number.isNaN(v)) bad.push(truncate(item, 20));
        else out[name] = v;
      }
      set(d, out);
      return bad.length > 0
        ? `Ignored per-layer setting${bad.length > 1 ? 's' : ''} ${bad.join(', ')} (expected ${expected}).`
        : undefined;
    },
  };
}

/** Per-layer bit-widths: `ov=fc1:4,fc3:f` (f = keep float32). */
const overridesField = layerMapField(
  'ov',
  (c) => c.overrides,
  (d, v) => (d.overrides = v),
  (bits) => (bits === 0 ? 'f' : String(bits)),
  (raw) => (raw === 'f' ? 0 : /^\d$/.test(raw) && Number(raw) <= MAX_BITS ? Number(raw) : NaN),
  `layer:bits with bits 1–${MAX_BITS} or f`,
);

/** Per-layer pruning: `pov=fc3:skip,fc1:95` (sparsity in percent). */
const pruneOverridesField = layerMapField(
  'pov',
  (c) => c.prune.overrides,
  (d, v) => (d.prune.overrides = v),
  (v) => (v === SKIP_LAYER ? 'skip' : percent(v)),
  (raw) => {
    if (raw === 'skip') return SKIP_LAYER;
    const v = DECIMAL.test(raw) ? fromPercent(raw) : NaN;
    return v >= 0 && v <= MAX_SPARSITY ? v : NaN;
  },
  'layer:percent or layer:skip',
);

/**
 * Structured pruning, the bias of removed units: `sb=keep` (torch ln_structured). Left out at its
 * default, `remove`: links made before the field existed meant it, so an absent key must too.
 */
const structuredBiasField: Field = (() => {
  const field = enumField(
    'sb',
    'bias rule of structured pruning',
    STRUCTURED_BIAS,
    (c) => c.prune.structuredBias,
    (d, v) => (d.prune.structuredBias = v),
  );
  return { ...field, encode: (c) => (c.prune.structuredBias === 'remove' ? '' : field.encode(c)) };
})();

/** A fraction as a percentage without float noise: 0.9 → "90", 0.975 → "97.5". */
function percent(fraction: number): string {
  return String(Math.round(fraction * 1e5) / 1e3);
}

/**
 * The fraction a percentage means, as the nearest double to the decimal written ("64.1" → 0.641,
 * where 64.1 / 100 would give 0.6409999999999999): a link reads back exactly what made it.
 */
function fromPercent(raw: string | undefined): number {
  if (raw === undefined || !DECIMAL.test(raw)) return NaN;
  return Math.round(Number(raw) * 1e3) / 1e5;
}

/**
 * A model uploaded in this browser: `up=uploaded:<sha-256>` (left out when none). Only the id
 * travels: the files stay where they were uploaded, and a receiver without them is told so.
 */
const uploadedField: Field = {
  key: 'up',
  encode: (c) => c.uploaded ?? '',
  decode: (d, raw) => {
    if (isUploadedModelId(raw)) {
      d.uploaded = raw;
      return undefined;
    }
    return `"${truncate(raw)}" is not an uploaded-model id: using the shipped model.`;
  },
};

const FIELDS: readonly Field[] = [
  enumField(
    'data',
    'dataset',
    DATASET_IDS,
    (c) => c.dataset,
    (d, v) => (d.dataset = v),
  ),
  enumField(
    'model',
    'model',
    ARCH_IDS,
    (c) => c.arch,
    (d, v) => (d.arch = v),
  ),
  uploadedField,
  enumField(
    'view',
    'view',
    VIEWS,
    (c) => c.view,
    (d, v) => (d.view = v),
  ),
  {
    key: 'layer',
    encode: (c) => c.layer ?? '',
    decode: (d, raw) => {
      if (raw === '' || LAYER_NAME.test(raw)) {
        d.layer = raw === '' ? null : raw;
        return undefined;
      }
      return `Layer name "${truncate(raw)}" is not valid: showing the first layer.`;
    },
  },
  numberField(
    'bins',
    'Histogram bins',
    8,
    256,
    (c) => c.bins,
    (d, v) => (d.bins = v),
  ),
  numberField(
    'seed',
    'Seed',
    0,
    2 ** 31 - 1,
    (c) => c.seed,
    (d, v) => (d.seed = v),
  ),
  enumField(
    'w',
    'weight format',
    WEIGHT_FORMATS,
    (c) => c.weights.format,
    (d, v) => (d.weights.format = v),
    {
      cluster: 'kmeans',
      float32: 'f32',
      float16: 'f16',
      bfloat16: 'bf16',
    },
  ),
  numberField(
    'wb',
    'Weight bits',
    1,
    MAX_BITS,
    (c) => c.weights.bits,
    (d, v) => (d.weights.bits = v),
  ),
  enumField(
    'ws',
    'weight scheme',
    SCHEMES,
    (c) => c.weights.scheme,
    (d, v) => (d.weights.scheme = v),
    {
      symmetric: 'sym',
      affine: 'aff',
    },
  ),
  symRangeField(
    'wsr',
    'weight symmetric range',
    (c) => c.weights.symRange,
    (d, v) => (d.weights.symRange = v),
  ),
  enumField(
    'wg',
    'granularity',
    GRANULARITIES,
    (c) => c.weights.granularity,
    (d, v) => (d.weights.granularity = v),
  ),
  enumField(
    'wr',
    'rounding',
    ROUNDINGS,
    (c) => c.weights.rounding,
    (d, v) => (d.weights.rounding = v),
  ),
  boolField(
    'tern',
    'Ternary',
    (c) => c.weights.ternary,
    (d, v) => (d.weights.ternary = v),
  ),
  numberField(
    'ab',
    'Activation bits',
    0,
    MAX_BITS,
    (c) => c.acts.bits,
    (d, v) => (d.acts.bits = v),
  ),
  enumField(
    'as',
    'activation scheme',
    SCHEMES,
    (c) => c.acts.scheme,
    (d, v) => (d.acts.scheme = v),
    {
      symmetric: 'sym',
      affine: 'aff',
    },
  ),
  symRangeField(
    'asr',
    'activation symmetric range',
    (c) => c.acts.symRange,
    (d, v) => (d.acts.symRange = v),
  ),
  enumField(
    'obs',
    'calibration method',
    OBSERVERS,
    (c) => c.acts.observer,
    (d, v) => (d.acts.observer = v),
    {
      movingAverageMinMax: 'ema',
      percentile: 'pct',
    },
  ),
  numberField(
    'pct',
    'Percentile',
    90,
    100,
    (c) => c.acts.percentile,
    (d, v) => (d.acts.percentile = v),
    false,
  ),
  numberField(
    'cal',
    'Calibration images',
    32,
    4096,
    (c) => c.acts.calibration,
    (d, v) => (d.acts.calibration = v),
  ),
  overridesField,
  enumField(
    'pm',
    'pruning method',
    PRUNE_METHODS,
    (c) => c.prune.method,
    (d, v) => (d.prune.method = v),
    {
      magnitude: 'mag',
      structured: 'struct',
    },
  ),
  {
    key: 'sp',
    encode: (c) => percent(c.prune.sparsity),
    decode: (d, raw) => {
      if (!DECIMAL.test(raw))
        return `Sparsity "${truncate(raw)}" is not a number: using ${percent(d.prune.sparsity)}%.`;
      const v = fromPercent(raw);
      const clamped = Math.min(MAX_SPARSITY, Math.max(0, v));
      d.prune.sparsity = clamped;
      return clamped !== v
        ? `Sparsity ${raw}% is outside 0–${percent(MAX_SPARSITY)}%: using ${percent(clamped)}%.`
        : undefined;
    },
  },
  enumField(
    'pn',
    'ranking norm',
    NORMS,
    (c) => c.prune.norm,
    (d, v) => (d.prune.norm = v),
  ),
  structuredBiasField,
  enumField(
    'nm',
    'N:M pattern',
    NM_PATTERNS,
    (c) => c.prune.pattern,
    (d, v) => (d.prune.pattern = v),
  ),
  pruneOverridesField,
  numberField(
    'ck',
    'Clusters',
    2,
    256,
    (c) => c.cluster.k,
    (d, v) => (d.cluster.k = v),
  ),
  enumField(
    'ci',
    'cluster initialization',
    CLUSTER_INITS,
    (c) => c.cluster.init,
    (d, v) => (d.cluster.init = v),
    {
      'kmeans++': 'kpp',
    },
  ),
  enumField(
    'sf',
    'storage format',
    SPARSE_FORMATS,
    (c) => c.storage.format,
    (d, v) => (d.storage.format = v),
  ),
  numberField(
    'ib',
    'Index bits',
    0,
    16,
    (c) => c.storage.indexBits,
    (d, v) => (d.storage.indexBits = v),
  ),
  boolField(
    'huf',
    'Huffman coding',
    (c) => c.storage.huffman,
    (d, v) => (d.storage.huffman = v),
  ),
];

/**
 * A fine-tuning schedule in one key: `oneshot`, `const:begin:end:frequency` (end −1 = to the end)
 * or `poly:initial%:final%:begin:end:frequency:power` (final `-` = the pruning stage's sparsity).
 */
const scheduleField: Field = {
  key: 'tsch',
  encode: (c) => {
    const s = c.train.schedule;
    switch (s.kind) {
      case 'oneshot':
        return 'oneshot';
      case 'constant':
        return `const:${s.beginStep}:${s.endStep}:${s.frequency}`;
      case 'polynomial':
        return `poly:${percent(s.initialSparsity)}:${s.finalSparsity === undefined ? '-' : percent(s.finalSparsity)}:${s.beginStep}:${s.endStep}:${s.frequency}:${s.power}`;
    }
  },
  decode: (d, raw) => {
    const [kind = '', ...args] = raw.split(':');
    const n = (v: string | undefined) => (v !== undefined && DECIMAL.test(v) ? Number(v) : NaN);
    const candidate =
      kind === 'oneshot'
        ? { kind: 'oneshot' }
        : kind === 'const'
          ? { kind: 'constant', beginStep: n(args[0]), endStep: n(args[1]), frequency: n(args[2]) }
          : kind === 'poly'
            ? {
                kind: 'polynomial',
                initialSparsity: fromPercent(args[0]),
                ...(args[1] === '-' ? {} : { finalSparsity: fromPercent(args[1]) }),
                beginStep: n(args[2]),
                endStep: n(args[3]),
                frequency: n(args[4]),
                power: n(args[5]),
              }
            : null;
    const parsed = candidate ? PruneScheduleSchema.safeParse(candidate) : null;
    const ordered =
      !parsed?.success ||
      parsed.data.kind === 'oneshot' ||
      parsed.data.endStep === -1 ||
      parsed.data.endStep >= parsed.data.beginStep;
    if (parsed?.success && ordered) {
      d.train.schedule = parsed.data;
      return undefined;
    }
    return `Pruning schedule "${truncate(raw)}" is not valid (oneshot, const:begin:end:freq or poly:init%:final%:begin:end:freq:power): using one-shot.`;
  },
};

/** The distillation student's hidden layers: `kdh=64-32`. */
const hiddenField: Field = {
  key: 'kdh',
  encode: (c) => c.train.hidden.join('-'),
  decode: (d, raw) => {
    const sizes = raw.split('-').map((v) => (/^\d{1,4}$/.test(v) ? Number(v) : NaN));
    const parsed = TrainSettingsSchema.shape.hidden.safeParse(sizes);
    if (parsed.success) {
      d.train.hidden = parsed.data;
      return undefined;
    }
    return `Student layers "${truncate(raw)}" should be 1–${MAX_HIDDEN_LAYERS} sizes of 1–${MAX_HIDDEN_UNITS} units, e.g. 64-32: using ${d.train.hidden.join('-')}.`;
  },
};

/** A model trained in this browser: `tm=trained:<uuid>` (left out for the shipped model). */
const trainedField: Field = {
  key: 'tm',
  encode: (c) => c.trained ?? '',
  decode: (d, raw) => {
    if (isTrainedModelId(raw)) {
      d.trained = raw;
      return undefined;
    }
    return `"${truncate(raw)}" is not a trained-model id: using the shipped model.`;
  },
};

/** The recipe of the trained model, as JSON (`trc=`), checked only for size here. */
const trainedRecipeField: Field = {
  key: 'trc',
  encode: (c) => c.trainedRecipe ?? '',
  decode: (d, raw) => {
    if (raw.length <= MAX_RECIPE_JSON && raw.startsWith('{')) {
      d.trainedRecipe = raw;
      return undefined;
    }
    return `The trained model's recipe in the link is not readable: it was ignored.`;
  },
};

const trainFields: Field[] = [
  trainedField,
  trainedRecipeField,
  enumField(
    'tt',
    'training technique',
    TECHNIQUES,
    (c) => c.train.technique,
    (d, v) => (d.train.technique = v),
    { finetune: 'ft' },
  ),
  numberField(
    'te',
    'Epochs',
    1,
    MAX_EPOCHS,
    (c) => c.train.epochs,
    (d, v) => (d.train.epochs = v),
  ),
  numberField(
    'tbs',
    'Batch size',
    1,
    MAX_BATCH_SIZE,
    (c) => c.train.batchSize,
    (d, v) => (d.train.batchSize = v),
  ),
  enumField(
    'topt',
    'optimizer',
    OPTIMIZERS,
    (c) => c.train.optimizer,
    (d, v) => (d.train.optimizer = v),
  ),
  numberField(
    'tlr',
    'Learning rate',
    1e-6,
    1,
    (c) => c.train.learningRate,
    (d, v) => (d.train.learningRate = v),
    false,
  ),
  scheduleField,
  hiddenField,
  numberField(
    'kdt',
    'Temperature',
    1,
    50,
    (c) => c.train.temperature,
    (d, v) => (d.train.temperature = v),
    false,
  ),
  numberField(
    'kda',
    'Alpha',
    0,
    1,
    (c) => c.train.alpha,
    (d, v) => (d.train.alpha = v),
    false,
  ),
  numberField(
    'kdi',
    'Test image',
    0,
    9999,
    (c) => c.train.kdImage,
    (d, v) => (d.train.kdImage = v),
  ),
];

/** The lesson being followed: `les=bits`. */
const lessonField: Field = {
  key: 'les',
  encode: (c) => c.lesson ?? '',
  decode: (d, raw) => {
    if (LESSON_ID.test(raw) && (LESSON_IDS as readonly string[]).includes(raw)) {
      d.lesson = raw;
      return undefined;
    }
    return `Unknown lesson "${truncate(raw)}": showing the playground without a lesson.`;
  },
};

/** Hidden panels: `hide=sweep,sensitivity`, `hide=-` for none (unknown names dropped with one notice). */
const hideField: Field = {
  key: 'hide',
  // '-' = nothing hidden: needed where a lesson's link shows what the lesson hides.
  encode: (c) => (c.hide.length === 0 ? '-' : [...c.hide].sort().join(',')),
  decode: (d, raw) => {
    const names = raw === '-' ? [] : raw.split(',').filter((n) => n !== '');
    const known = names.filter((n): n is Panel => (PANELS as readonly string[]).includes(n));
    d.hide = [...new Set(known)];
    const bad = names.filter((n) => !known.includes(n as Panel)).slice(0, 5);
    return bad.length > 0
      ? `Ignored unknown panel${bad.length > 1 ? 's' : ''} to hide: ${bad.map((b) => truncate(b, 20)).join(', ')}.`
      : undefined;
  },
};

/** Every field, in link order: the labs' settings, then the Train tab's, then the classroom's. */
const ALL_FIELDS: readonly Field[] = [
  ...FIELDS,
  ...trainFields,
  lessonField,
  hideField,
  boolField(
    'proj',
    'Projector mode',
    (c) => c.projector,
    (d, v) => (d.projector = v),
  ),
];

/**
 * Migrations of older links, by the version they start from: each rewrites the key/value pairs
 * of version v into those of v + 1, so that an old link means today what it meant then.
 * - v1 → v2: v2 only added keys (the Train tab's, `tm`, `trc`), whose defaults are what a v1 link
 *   meant, and renamed none: nothing to rewrite.
 * - v2 → v3: v3 links leave out every value at its default (v2 wrote them all) and add the
 *   classroom's keys (`les`, `hide`, `proj`). A v2 link wrote every value but the symmetric
 *   ranges and the structured bias rule, whose absence meant their defaults then as now, and
 *   v3's defaults are v2's: the pairs mean the same, nothing to rewrite.
 *
 * Because v3 omits defaults, changing a default later changes what an absent key means: such a
 * change must come with a migration that writes the old default into links that lack the key
 * (see {@link withDefault}), and the version goes up.
 */
export const MIGRATIONS: Readonly<Record<number, (pairs: Map<string, string>) => void>> = {
  1: () => undefined,
  2: () => undefined,
};

/**
 * For a future migration: a link without `key` meant `value` (the default then); write it in,
 * so that a new default does not change an old link.
 */
export function withDefault(pairs: Map<string, string>, key: string, value: string): void {
  if (!pairs.has(key)) pairs.set(key, value);
}

/** The note an older link gets: it opens as it was meant, nothing else changes. */
const OLDER_LINK = 'Opened an older link';
export function isOlderLinkNote(problem: string): boolean {
  return problem.startsWith(OLDER_LINK);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** A deep copy of the defaults that decoders may write into. */
function defaultsDraft(): Config {
  return structuredClone(DEFAULT_CONFIG) as Config;
}

/**
 * What a link's absent keys mean: the defaults, or, in a lesson's link, that lesson's own
 * settings (so `#v=3&les=bits` opens the lesson as prepared, and a link made during it carries
 * only what the class changed).
 */
function baseConfig(lessonId: string | null | undefined): Config {
  const lesson = lessonId === undefined ? null : lessonById(lessonId);
  return lesson ? lessonConfig(lesson, DEFAULT_CONFIG) : defaultsDraft();
}

/** The base's values as the link writes them: a value equal to its base value is left out. */
const baseCodes = new Map<string, Map<string, string>>();
function baseCode(lessonId: string | null, f: Field): string {
  const id = lessonId ?? '';
  let codes = baseCodes.get(id);
  if (!codes) {
    const base = baseConfig(lessonId);
    codes = new Map(ALL_FIELDS.map((g) => [g.key, g.encode(base)]));
    baseCodes.set(id, codes);
  }
  return codes.get(f.key) ?? '';
}

/**
 * Serializes a config to a hash (without the leading '#'): the version, then every value that
 * differs from its default, with short keys and compact per-layer maps (`ov=fc1:4,fc3:f`), so a
 * link stays well under 2,000 characters. The version keeps old links meaning what they meant
 * when defaults change (see MIGRATIONS).
 */
export function serializeConfig(config: Config): string {
  const parts = [`v=${CONFIG_VERSION}`];
  for (const f of ALL_FIELDS) {
    const value = f.encode(config);
    if (value !== '' && (f === lessonField || value !== baseCode(config.lesson, f)))
      parts.push(`${f.key}=${encodeURIComponent(value).replace(/%3A/g, ':').replace(/%2C/g, ',')}`);
  }
  return parts.join('&');
}

/** Parses a hash (with or without '#'). Total: never throws, always returns a valid config. */
export function parseConfig(hash: string): ParseResult {
  const problems: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.trim() === '') return { config: defaultsDraft(), problems };
  if (text.length > MAX_HASH_LENGTH) {
    return {
      config: defaultsDraft(),
      problems: [
        `The link is too long (${text.length} characters) to be a settings link: using defaults.`,
      ],
    };
  }

  // A Map, not an object: a key like "__proto__" can never reach Object.prototype.
  const pairs = new Map<string, string>();
  /** Keys that name an object's own machinery: dropped, and reported like any unknown key. */
  const forbidden: string[] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = safeDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (key === null || value === null) {
      problems.push(`Could not decode "${truncate(part)}": ignored.`);
      continue;
    }
    if (FORBIDDEN_KEYS.has(key)) {
      forbidden.push(key);
      continue;
    }
    pairs.set(key, value);
  }

  const version = pairs.get('v');
  if (version !== undefined && version !== String(CONFIG_VERSION)) {
    const n = /^\d{1,3}$/.test(version) ? Number(version) : NaN;
    if (n >= 1 && n < CONFIG_VERSION) {
      for (let v = n; v < CONFIG_VERSION; v++) MIGRATIONS[v]?.(pairs);
      problems.push(`${OLDER_LINK} (v${n}).`);
    } else {
      problems.push(
        n > CONFIG_VERSION
          ? `This link was made by a newer version (v${version}) of the app: settings it does not know were ignored.`
          : `Unknown link version "${truncate(version)}": reading it as v${CONFIG_VERSION}.`,
      );
    }
  }

  // A lesson's link starts from the lesson's settings (see baseConfig).
  const draft = baseConfig(pairs.get(lessonField.key));
  const known = new Set(['v']);
  for (const f of ALL_FIELDS) {
    known.add(f.key);
    const raw = pairs.get(f.key);
    if (raw === undefined) continue;
    const problem = f.decode(draft, raw);
    if (problem) problems.push(problem);
  }
  const unknown = [...new Set([...forbidden, ...[...pairs.keys()].filter((k) => !known.has(k))])];
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((k) => truncate(k, 20));
    problems.push(
      `Ignored unknown setting${unknown.length > 1 ? 's' : ''}: ${names.join(', ')}${unknown.length > 5 ? ', …' : ''}.`,
    );
  }

  // The field decoders only store valid values; the schema is the last line of defence.
  const parsed = ConfigSchema.safeParse(draft);
  if (!parsed.success) {
    problems.push(
      `Some settings were invalid: using defaults (${z.prettifyError(parsed.error).slice(0, 200)}).`,
    );
    return { config: defaultsDraft(), problems };
  }
  return { config: parsed.data, problems };
}
