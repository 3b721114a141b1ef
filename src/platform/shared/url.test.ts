import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CONFIG } from './config';
import type { Config } from './config';
import { MAX_HASH_LENGTH, parseConfig, serializeConfig } from './url';

describe('URL codec', () => {
  it('round-trips a config', () => {
    const c: Config = {
      ...DEFAULT_CONFIG,
      dataset: 'fashion',
      arch: 'cnn',
      view: 'quantize',
      layer: 'conv2',
      bins: 40,
      seed: 7,
      weights: {
        format: 'int',
        bits: 4,
        scheme: 'affine',
        symRange: 'restricted',
        granularity: 'channel',
        rounding: 'stochastic',
        ternary: false,
      },
      acts: {
        bits: 8,
        scheme: 'affine',
        symRange: 'full',
        observer: 'percentile',
        percentile: 99.9,
        calibration: 256,
      },
      overrides: { fc3: 0, conv1: 8 },
      prune: {
        method: 'structured',
        sparsity: 0.975,
        norm: 'l1',
        structuredBias: 'remove',
        pattern: '1:4',
        overrides: { fc3: -1, fc1: 0.9 },
      },
      cluster: { k: 16, init: 'linear' },
      storage: { format: 'csr', indexBits: 5, huffman: true },
    };
    const hash = serializeConfig(c);
    // Only what differs from the defaults, with short keys and compact per-layer maps.
    expect(hash).toBe(
      'v=3&data=fashion&model=cnn&view=quantize&layer=conv2&bins=40&seed=7&wb=4&ws=aff&wg=channel&wr=stochastic&ab=8&asr=full&obs=pct&pct=99.9&cal=256&ov=conv1:8,fc3:f&pm=struct&sp=97.5&pn=l1&nm=1:4&pov=fc1:90,fc3:skip&ck=16&ci=linear&sf=csr&ib=5&huf=1',
    );
    expect(parseConfig(`#${hash}`)).toEqual({ config: c, problems: [] });
  });

  it('writes nothing but the version for the defaults', () => {
    expect(serializeConfig(DEFAULT_CONFIG)).toBe('v=3');
  });

  it('gives defaults and no problems for an empty hash', () => {
    expect(parseConfig('')).toEqual({ config: DEFAULT_CONFIG, problems: [] });
    expect(parseConfig('#')).toEqual({ config: DEFAULT_CONFIG, problems: [] });
  });

  it('replaces bad values by defaults and says so', () => {
    const r = parseConfig('#v=3&data=cifar&model=cnn&bins=abc');
    expect(r.config.dataset).toBe('mnist');
    expect(r.config.arch).toBe('cnn');
    expect(r.config.bins).toBe(DEFAULT_CONFIG.bins);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toContain('cifar');
  });

  it('clamps out-of-range numbers with a notice', () => {
    const r = parseConfig('bins=100000&seed=-5');
    expect(r.config.bins).toBe(256);
    expect(r.config.seed).toBe(0);
    expect(parseConfig('wb=0').config.weights.bits).toBe(1);
    expect(r.problems.join(' ')).toMatch(/outside 8–256/);
  });

  it('rejects numbers that Number() would accept loosely', () => {
    for (const raw of ['', ' 12', '0x20', '1e3', 'Infinity']) {
      const r = parseConfig(`bins=${encodeURIComponent(raw)}`);
      expect(r.config.bins).toBe(DEFAULT_CONFIG.bins);
      expect(r.problems).toHaveLength(1);
    }
  });

  it('ignores unknown keys and prototype-polluting keys', () => {
    const r = parseConfig('__proto__=x&constructor=y&colour=red&data=fashion');
    expect(r.config.dataset).toBe('fashion');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(r.problems).toEqual(['Ignored unknown settings: __proto__, constructor, colour.']);
  });

  it('notices links from a newer version but reads what it can', () => {
    const r = parseConfig('v=9&model=cnn');
    expect(r.config.arch).toBe('cnn');
    expect(r.problems[0]).toMatch(/newer version/);
  });

  it('survives malformed percent-encoding and overlong input', () => {
    expect(parseConfig('data=%E0%A4%A&model=cnn').config.arch).toBe('cnn');
    const long = parseConfig('a'.repeat(MAX_HASH_LENGTH + 1));
    expect(long.config).toEqual(DEFAULT_CONFIG);
    expect(long.problems).toHaveLength(1);
  });

  it('reads per-layer overrides and drops the bad ones', () => {
    const r = parseConfig('ov=fc1:4,fc2:f,bad-name:3,fc3:9,fc4:x');
    expect(r.config.overrides).toEqual({ fc1: 4, fc2: 0 });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toContain('bad-name:3');
  });

  it('accepts long and short spellings of enumerated values', () => {
    expect(parseConfig('ws=affine&obs=movingAverageMinMax').config.weights.scheme).toBe('affine');
    expect(parseConfig('ws=aff&obs=ema').config.acts.observer).toBe('movingAverageMinMax');
    expect(parseConfig('w=f16').config.weights.format).toBe('float16');
  });

  it('reads the symmetric range, leaves out the default restricted one, keeps old links restricted', () => {
    // A link from before the field existed: symmetric meant the restricted range −127…127.
    const old = parseConfig('ws=sym&wb=2&as=sym&ab=8');
    expect(old.config.weights.symRange).toBe('restricted');
    expect(old.config.acts.symRange).toBe('restricted');
    expect(old.problems).toEqual([]);

    const full = parseConfig('ws=sym&wsr=full&as=sym&asr=full');
    expect(full.problems).toEqual([]);
    expect(full.config.weights.symRange).toBe('full');
    expect(full.config.acts.symRange).toBe('full');
    const hash = serializeConfig(full.config);
    expect(hash).toContain('&wsr=full&'); // ws=sym is the default, left out
    expect(hash).toMatch(/&as=sym&asr=full(&|$)/);

    // Restricted is the default: written as no key at all, and read back as such.
    expect(serializeConfig(DEFAULT_CONFIG)).not.toMatch(/(^|&)(wsr|asr)=/);
    expect(parseConfig('wsr=restricted').config.weights.symRange).toBe('restricted');

    const bad = parseConfig('wsr=half&asr=full');
    expect(bad.config.weights.symRange).toBe('restricted');
    expect(bad.config.acts.symRange).toBe('full');
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatch(/weight symmetric range "half".*restricted, full/);
  });

  it('reads the structured bias rule, leaves out the default, keeps old links at remove', () => {
    // A link from before the field existed: structured pruning removed the units' biases.
    const old = parseConfig('pm=struct&sp=50');
    expect(old.config.prune.structuredBias).toBe('remove');
    expect(old.problems).toEqual([]);
    expect(serializeConfig(old.config)).not.toMatch(/(^|&)sb=/);

    const keep = parseConfig('pm=struct&sp=50&sb=keep');
    expect(keep.problems).toEqual([]);
    expect(keep.config.prune.structuredBias).toBe('keep');
    const hash = serializeConfig(keep.config);
    expect(hash).toMatch(/&sb=keep(&|$)/);
    expect(parseConfig(hash).config).toEqual(keep.config);
    expect(parseConfig('sb=remove').config.prune.structuredBias).toBe('remove');

    const bad = parseConfig('pm=struct&sb=zero');
    expect(bad.config.prune.structuredBias).toBe('remove');
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatch(/bias rule of structured pruning "zero".*remove, keep/);
  });

  it('keeps fractional percentiles and clamps them', () => {
    expect(parseConfig('pct=99.99').config.acts.percentile).toBe(99.99);
    expect(parseConfig('pct=150').config.acts.percentile).toBe(100);
  });

  it('does not share state between parses', () => {
    const a = parseConfig('ov=fc1:4').config;
    const b = parseConfig('').config;
    expect(b.overrides).toEqual({});
    expect(a.overrides).toEqual({ fc1: 4 });
  });

  it('reads pruning settings in percent, with skips, and clamps them', () => {
    const r = parseConfig('pm=mag&sp=90&pov=fc1:95,fc3:skip,fc2:120');
    expect(r.config.prune.method).toBe('magnitude');
    expect(r.config.prune.sparsity).toBeCloseTo(0.9);
    expect(r.config.prune.overrides).toEqual({ fc1: 0.95, fc3: -1 });
    expect(r.problems).toHaveLength(1);
    expect(parseConfig('sp=100').config.prune.sparsity).toBe(0.999);
    expect(parseConfig('sp=-3').problems[0]).toMatch(/outside/);
  });

  it('rejects invalid layer names', () => {
    const r = parseConfig('layer=%3Cscript%3E');
    expect(r.config.layer).toBeNull();
    expect(r.problems).toHaveLength(1);
  });

  it('is total: any string yields a valid config', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const { config } = parseConfig(s);
        return (
          serializeConfig(parseConfig(serializeConfig(config)).config) === serializeConfig(config)
        );
      }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'v',
            'data',
            'model',
            'layer',
            'bins',
            'seed',
            'wb',
            'ab',
            'ov',
            'pct',
            'obs',
            'wsr',
            'asr',
            'sb',
            'x',
          ),
          fc.string({ maxLength: 20 }),
        ),
        (d) => {
          const hash = Object.entries(d)
            .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
            .join('&');
          const { config } = parseConfig(hash);
          return (
            config.bins >= 8 && config.bins <= 256 && ['mnist', 'fashion'].includes(config.dataset)
          );
        },
      ),
    );
  });
});
