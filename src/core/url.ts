import { z } from 'zod';
import { CONFIG_VERSION, ConfigSchema, DEFAULT_CONFIG, LAYER_NAME } from './config';
import type { Config } from './config';
import { ARCH_IDS, DATASET_IDS } from './catalog';

/**
 * The URL hash is a serialization of the config: `#v=1&data=mnist&model=mlp&layer=fc1`.
 * Human-readable `key=value` pairs, one declarative table of fields (as in TensorFlow
 * Playground's state.ts), validated on the way in. Parsing is pure and total: any string gives
 * a valid config plus the list of what was wrong with it.
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
  key: string;
  /** Config property it stores. */
  prop: keyof Config;
  encode: (c: Config) => string;
  /** Returns the value to store, or a problem; `clamped` values are kept with a notice. */
  decode: (raw: string) => { value: unknown; problem?: string };
}

function enumField<K extends keyof Config>(
  key: string,
  prop: K,
  values: readonly string[],
  what: string,
): Field {
  return {
    key,
    prop,
    encode: (c) => String(c[prop]),
    decode: (raw) =>
      values.includes(raw)
        ? { value: raw }
        : {
            value: DEFAULT_CONFIG[prop],
            problem: `Unknown ${what} "${truncate(raw)}": using "${String(DEFAULT_CONFIG[prop])}" (one of ${values.join(', ')}).`,
          },
  };
}

function intField<K extends keyof Config>(
  key: string,
  prop: K,
  min: number,
  max: number,
  what: string,
): Field {
  return {
    key,
    prop,
    encode: (c) => String(c[prop]),
    decode: (raw) => {
      // Number('') is 0 and Number(' 7') is 7: accept only plain decimal integers.
      if (!/^-?\d{1,16}(\.\d+)?$/.test(raw)) {
        return {
          value: DEFAULT_CONFIG[prop],
          problem: `${what} "${truncate(raw)}" is not a number: using ${String(DEFAULT_CONFIG[prop])}.`,
        };
      }
      const n = Math.round(Number(raw));
      if (n < min || n > max) {
        const clamped = Math.min(max, Math.max(min, n));
        return {
          value: clamped,
          problem: `${what} ${raw} is outside ${min}–${max}: using ${clamped}.`,
        };
      }
      return { value: n };
    },
  };
}

const FIELDS: readonly Field[] = [
  enumField('data', 'dataset', DATASET_IDS, 'dataset'),
  enumField('model', 'arch', ARCH_IDS, 'model'),
  {
    key: 'layer',
    prop: 'layer',
    encode: (c) => c.layer ?? '',
    decode: (raw) =>
      raw === '' || LAYER_NAME.test(raw)
        ? { value: raw === '' ? null : raw }
        : {
            value: null,
            problem: `Layer name "${truncate(raw)}" is not valid: showing the first layer.`,
          },
  },
  intField('bins', 'bins', 8, 256, 'Histogram bins'),
  intField('seed', 'seed', 0, 2 ** 31 - 1, 'Seed'),
];

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function truncate(s: string, n = 40): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Serializes a config to a hash (without the leading '#'). Every field is written: a link means
 * the same thing even if defaults change in a later version. */
export function serializeConfig(config: Config): string {
  const parts = [`v=${CONFIG_VERSION}`];
  for (const f of FIELDS) {
    const value = f.encode(config);
    if (value !== '') parts.push(`${f.key}=${encodeURIComponent(value)}`);
  }
  return parts.join('&');
}

/** Parses a hash (with or without '#'). Total: never throws, always returns a valid config. */
export function parseConfig(hash: string): ParseResult {
  const problems: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text.trim() === '') return { config: { ...DEFAULT_CONFIG }, problems };
  if (text.length > MAX_HASH_LENGTH) {
    return {
      config: { ...DEFAULT_CONFIG },
      problems: [
        `The link is too long (${text.length} characters) to be a settings link: using defaults.`,
      ],
    };
  }

  // Null-prototype map: a key like "__proto__" can never reach Object.prototype.
  const pairs = new Map<string, string>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const key = safeDecode(rawKey);
    const value = safeDecode(rawValue);
    if (key === null || value === null) {
      problems.push(`Could not decode "${truncate(part)}": ignored.`);
      continue;
    }
    if (FORBIDDEN_KEYS.has(key)) continue;
    pairs.set(key, value);
  }

  const version = pairs.get('v');
  if (version !== undefined && version !== String(CONFIG_VERSION)) {
    problems.push(
      /^\d+$/.test(version) && Number(version) > CONFIG_VERSION
        ? `This link was made by a newer version (v${version}) of the app: settings it does not know were ignored.`
        : `Unknown link version "${truncate(version)}": reading it as v${CONFIG_VERSION}.`,
    );
  }

  const draft: Record<string, unknown> = {};
  const known = new Set(['v']);
  for (const f of FIELDS) {
    known.add(f.key);
    const raw = pairs.get(f.key);
    if (raw === undefined) continue;
    const { value, problem } = f.decode(raw);
    draft[f.prop] = value;
    if (problem) problems.push(problem);
  }
  const unknown = [...pairs.keys()].filter((k) => !known.has(k));
  if (unknown.length > 0) {
    problems.push(
      `Ignored unknown setting${unknown.length > 1 ? 's' : ''}: ${unknown
        .slice(0, 5)
        .map((k) => truncate(k, 20))
        .join(', ')}${unknown.length > 5 ? ', …' : ''}.`,
    );
  }

  // The field decoders already produce valid values; the schema is the last line of defence.
  const parsed = ConfigSchema.safeParse(draft);
  if (!parsed.success) {
    problems.push(
      `Some settings were invalid: using defaults (${z.prettifyError(parsed.error).slice(0, 200)}).`,
    );
    return { config: { ...DEFAULT_CONFIG }, problems };
  }
  return { config: parsed.data, problems };
}
