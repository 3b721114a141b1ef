import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CONFIG_VERSION, ConfigSchema, DEFAULT_CONFIG } from './config';
import type { Config } from './config';
import { MAX_HASH_LENGTH, isOlderLinkNote, parseConfig, serializeConfig } from './url';
import { LESSON_IDS, lessonById, lessonConfig } from '../../features/lessons';

/**
 * URL fuzzing: links truncated in a chat, edited by hand, corrupted bit by bit or crafted to
 * hurt. Over 10,000 of them, random and mutated from real links, go through the parser, which
 * must never throw, always return a config the schema accepts, say what it ignored, and give a
 * link that reads back as the same config.
 */

/** Real links to mutate: the defaults, every lesson, and one with nearly every setting moved. */
const rich: Config = ConfigSchema.parse({
  ...DEFAULT_CONFIG,
  dataset: 'fashion',
  arch: 'cnn',
  view: 'prune',
  layer: 'conv2',
  bins: 96,
  seed: 123456,
  weights: {
    format: 'int',
    bits: 3,
    scheme: 'affine',
    symRange: 'full',
    granularity: 'channel',
    rounding: 'stochastic',
    ternary: false,
  },
  acts: {
    bits: 6,
    scheme: 'symmetric',
    symRange: 'full',
    observer: 'percentile',
    percentile: 99.9,
    calibration: 1024,
  },
  overrides: { conv1: 8, fc3: 0 },
  prune: {
    method: 'global',
    sparsity: 0.875,
    norm: 'l1',
    structuredBias: 'keep',
    pattern: '2:4',
    overrides: { conv1: -1, fc1: 0.5 },
  },
  cluster: { k: 16, init: 'linear' },
  storage: { format: 'csr', indexBits: 7, huffman: true },
  hide: ['sweep', 'sensitivity'],
  projector: true,
});
const SEEDS: readonly string[] = [
  serializeConfig(DEFAULT_CONFIG),
  serializeConfig(rich),
  ...LESSON_IDS.map((id) => serializeConfig(lessonConfig(lessonById(id)!, DEFAULT_CONFIG))),
];
/** Every key a real link uses. */
const KEYS = [...new Set(SEEDS.flatMap((s) => s.split('&').map((p) => p.split('=')[0]!)))];

const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__[polluted]',
  'constructor.prototype.polluted',
  'toString',
  'valueOf',
  'hasOwnProperty',
];
const NASTY_VALUES = [
  '',
  '9'.repeat(400),
  '-9'.repeat(50),
  '1e308',
  '-1e308',
  '1e-400',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '0b101',
  '1_000',
  ' 4',
  '4 ',
  '4.5',
  '-0',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '{"__proto__":{"polluted":1}}',
  '__proto__:4',
  'constructor:0.5,__proto__:f',
  'fc1:4,fc1:5,fc1:x',
  '<script>alert(1)</script>',
  '%',
  '%E0%A4%A',
  '%00',
  '%uD800',
  '\u0000',
  '\uD800',
  'ó'.repeat(30),
  'a'.repeat(5000),
];
const VERSIONS = ['1', '2', '3', '9', '0', '-1', '99999', '3.0', 'abc', '', '１'];

/** encodeURIComponent, but a lone surrogate (which it refuses) goes in raw. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A link as its pairs, and back. */
const pairsOf = (link: string) => link.split('&').filter((p) => p !== '');
const linkOf = (pairs: readonly string[]) => pairs.join('&');

/** One mutation of a link, as a person, a chat client, a disk or an attacker would make it. */
const mutation: fc.Arbitrary<(link: string) => string> = fc.oneof(
  // Truncated (a chat client cutting a long line).
  fc.nat().map((n) => (link: string) => link.slice(0, n % (link.length + 1))),
  // One bit of one character flipped (lone surrogates included).
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 15 })).map(([n, bit]) => (link: string) => {
    if (link.length === 0) return link;
    const i = n % link.length;
    return (
      link.slice(0, i) + String.fromCharCode(link.charCodeAt(i) ^ (1 << bit)) + link.slice(i + 1)
    );
  }),
  // A character deleted, duplicated, or a random one inserted.
  fc
    .tuple(fc.nat(), fc.constantFrom('delete', 'dup', 'insert'), fc.string({ maxLength: 3 }))
    .map(([n, how, s]) => (link: string) => {
      const i = n % (link.length + 1);
      if (how === 'delete') return link.slice(0, i) + link.slice(i + 1);
      if (how === 'dup') return link.slice(0, i) + link.slice(i, i + 1).repeat(2) + link.slice(i);
      return link.slice(0, i) + s + link.slice(i);
    }),
  // A known key given a nasty value (oversized, not a number, encoded badly, script).
  fc
    .tuple(fc.constantFrom(...KEYS), fc.constantFrom(...NASTY_VALUES), fc.boolean())
    .map(([key, value, enc]) => (link: string) => {
      const v = enc ? encode(value) : value;
      return linkOf([...pairsOf(link).filter((p) => !p.startsWith(`${key}=`)), `${key}=${v}`]);
    }),
  // Prototype-pollution keys, raw and encoded.
  fc
    .tuple(fc.constantFrom(...PROTO_KEYS), fc.constantFrom(...NASTY_VALUES), fc.boolean())
    .map(([key, value, enc]) => (link: string) => {
      const k = enc ? encode(key) : key;
      return linkOf([...pairsOf(link), `${k}=${encode(value)}`]);
    }),
  // Another version: older (migrated), future, or nonsense.
  fc
    .constantFrom(...VERSIONS)
    .map(
      (v) => (link: string) =>
        linkOf([`v=${v}`, ...pairsOf(link).filter((p) => !p.startsWith('v='))]),
    ),
  // Pairs shuffled, duplicated or dropped; separators doubled.
  fc.nat().map((n) => (link: string) => {
    const pairs = pairsOf(link);
    if (pairs.length === 0) return link;
    const i = n % pairs.length;
    return [
      () => linkOf([...pairs.slice(i), ...pairs.slice(0, i)]),
      () => linkOf([...pairs, pairs[i]!]),
      () => linkOf(pairs.filter((_, j) => j !== i)),
      () => link.replace(/&/g, '&&').replace(/=/, '=='),
    ][n % 4]!();
  }),
);

/** A link: a real one mutated 1–5 times, pairs of real keys with random values, or noise. */
const link: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 5 }))
      .map(([seed, ms]) => ms.reduce((l, m) => m(l), seed)),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...KEYS, ...PROTO_KEYS), fc.string({ maxLength: 12 })), {
        maxLength: 12,
      })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${encode(v)}`).join('&')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => `#${s}`) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: MAX_HASH_LENGTH - 10, max: MAX_HASH_LENGTH * 3 })
      .map((n) => `v=3&bins=${'9'.repeat(n)}`),
  },
);

/** What the parser must do with any link. */
function checkTotal(hash: string): void {
  let result: ReturnType<typeof parseConfig>;
  try {
    result = parseConfig(hash);
  } catch (e) {
    throw new Error(`parseConfig threw on ${JSON.stringify(hash.slice(0, 200))}: ${String(e)}`, {
      cause: e,
    });
  }
  const { config, problems } = result;
  // A valid config, by the schema itself (not only by the field decoders).
  expect(ConfigSchema.safeParse(config).success).toBe(true);
  expect(Array.isArray(problems)).toBe(true);
  for (const p of problems)
    expect(typeof p === 'string' && p.length > 0 && p.length < 600).toBe(true);
  // Its link reads back as the same config, with nothing to report, and is a fixed point.
  const canonical = serializeConfig(config);
  const again = parseConfig(canonical);
  expect(again.problems).toEqual([]);
  expect(again.config).toEqual(config);
  expect(serializeConfig(again.config)).toBe(canonical);
}

describe('URL fuzzing: parseConfig on 10,000+ random and mutated links', () => {
  it('never throws, always gives a valid config, and its link is a fixed point', () => {
    fc.assert(
      fc.property(link, (h) => checkTotal(h)),
      { numRuns: 10_000, seed: 20_251_201 },
    );
    // Nothing reached Object.prototype on the way.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('reports what it ignores: unknown and prototype keys, out-of-range and garbled values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.constantFrom(...PROTO_KEYS, 'x', 'zzz', 'wbb'),
        (seed, key) => {
          const { problems } = parseConfig(`${seed}&${encodeURIComponent(key)}=1`);
          expect(problems.join(' ')).toContain(key.slice(0, 20));
        },
      ),
      { numRuns: 300 },
    );
    for (const bad of ['wb=99', 'wb=abc', 'bins=1e308', 'sp=NaN', 'data=cifar', 'layer=%3Cb%3E'])
      expect(parseConfig(`v=${CONFIG_VERSION}&${bad}`).problems, bad).toHaveLength(1);
    expect(parseConfig('v=3&wb=%E0%A4%A').problems[0]).toMatch(/Could not decode/);
    expect(parseConfig(`v=3&bins=${'9'.repeat(MAX_HASH_LENGTH)}`).problems[0]).toMatch(/too long/);
  });

  it('older versions are migrated with a note; future and unknown ones are read as current, said so', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.constantFrom('1', '2', '9', '42', 'x'),
        (seed, v) => {
          const body = pairsOf(seed).filter((p) => !p.startsWith('v=') && !p.startsWith('les='));
          const { config, problems } = parseConfig(linkOf([`v=${v}`, ...body]));
          expect(ConfigSchema.safeParse(config).success).toBe(true);
          const older = Number(v) < CONFIG_VERSION;
          expect(problems.some(isOlderLinkNote)).toBe(older);
          if (!older)
            expect(problems.join(' ')).toMatch(
              v === 'x' ? /Unknown link version/ : /newer version/,
            );
          // The settings themselves are read as written.
          expect(config).toEqual(parseConfig(linkOf([`v=${CONFIG_VERSION}`, ...body])).config);
        },
      ),
      { numRuns: 200 },
    );
  });
});
