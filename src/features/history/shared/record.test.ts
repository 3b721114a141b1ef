import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from '../../../platform/shared/zod';
import {
  HASH_MAX_LENGTH,
  HISTORY_FORMAT,
  HISTORY_MIGRATIONS,
  NAME_MAX_LENGTH,
  checkName,
  migrateRecord,
  migrateWith,
  newHistoryId,
  toStoredRecord,
} from './record';
import type { HistoryRecord, Migration } from './record';
import { measurement, run } from './record.fixture';

/**
 * The history record format: what is accepted, what is a problem (never a throw), and the
 * stepwise migration of older formats.
 */

/** The record as the store writes it, as plain data to damage. */
function stored(record: HistoryRecord): Record<string, unknown> {
  const s = toStoredRecord(record);
  if ('problem' in s) throw new Error(`fixture is invalid: ${s.problem}`);
  return { ...s.stored };
}

function problemOf(raw: unknown): string {
  const r = migrateRecord(raw);
  if (!('problem' in r)) throw new Error('expected a problem, got a record');
  return r.problem;
}

describe('history record', () => {
  it('reads back what it stores, with and without the optional fields', () => {
    for (const record of [measurement(), run()]) {
      const s = stored(record);
      expect(s['format']).toBe(HISTORY_FORMAT);
      expect(migrateRecord(s)).toEqual({ record });
    }
  });

  it('reports a record missing any required field, naming it', () => {
    const s = stored(run());
    const required = Object.keys(s).filter((k) => k !== 'format' && k !== 'run');
    expect(required.length).toBeGreaterThan(5);
    for (const key of required) {
      const { [key]: _gone, ...damaged } = s;
      expect(problemOf(damaged)).toContain(key);
    }
    const results = s['results'] as Record<string, unknown>;
    for (const key of ['accuracy', 'correct', 'total', 'sizeBits', 'float32Bits', 'ratio']) {
      const { [key]: _gone, ...partial } = results;
      expect(problemOf({ ...s, results: partial })).toContain(`results.${key}`);
    }
  });

  it('reports values out of range', () => {
    const s = stored(measurement());
    const r = s['results'] as Record<string, unknown>;
    const bad: [string, Record<string, unknown>][] = [
      ['results.accuracy', { ...s, results: { ...r, accuracy: 1.5 } }],
      ['results.correct', { ...s, results: { ...r, correct: 10001 } }],
      ['results.sizeBits', { ...s, results: { ...r, sizeBits: Number.NaN } }],
      ['results.float32Bits', { ...s, results: { ...r, float32Bits: 0 } }],
      ['results.ratio', { ...s, results: { ...r, ratio: Infinity } }],
      ['results.weightBits', { ...s, results: { ...r, weightBits: 2.5 } }],
      ['name', { ...s, name: 'x'.repeat(NAME_MAX_LENGTH + 1) }],
      ['name', { ...s, name: '' }],
      ['hash', { ...s, hash: '#'.repeat(HASH_MAX_LENGTH + 1) }],
      ['kind', { ...s, kind: 'benchmark' }],
      ['createdAt', { ...s, createdAt: 1e20 }],
      ['createdAt', { ...s, createdAt: -1 }],
      ['run', { ...s, run: { technique: 'QAT', epochs: 1, initialAccuracy: 0.5 } }],
    ];
    for (const [path, raw] of bad) expect(problemOf(raw)).toContain(path);
    // The limits themselves are allowed.
    expect(migrateRecord({ ...s, name: 'x'.repeat(NAME_MAX_LENGTH) })).toHaveProperty('record');
    expect(migrateRecord({ ...s, hash: '#'.repeat(HASH_MAX_LENGTH) })).toHaveProperty('record');
  });

  it('reports a future, unknown or missing format instead of guessing', () => {
    const s = stored(measurement());
    expect(problemOf({ ...s, format: HISTORY_FORMAT + 1 })).toMatch(/newer version of the app/);
    expect(problemOf({ ...s, format: HISTORY_FORMAT + 1 })).toContain(
      `format ${HISTORY_FORMAT + 1}`,
    );
    const { format: _f, ...unversioned } = s;
    expect(problemOf(unversioned)).toMatch(/no format/);
    for (const format of [0, -1, 1.5, '1', null])
      expect(problemOf({ ...s, format })).toMatch(/format/);
    for (const raw of [null, undefined, 3, 'record', [s]])
      expect(problemOf(raw)).toBe('not a record');
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const r = migrateRecord(raw);
        expect('record' in r || 'problem' in r).toBe(true);
      }),
    );
    // Records of the right format with arbitrary fields replaced.
    const s = stored(run());
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(s)), fc.anything(), (key, value) => {
        const r = migrateRecord({ ...s, [key]: value });
        expect('record' in r || 'problem' in r).toBe(true);
      }),
    );
  });

  it('has a migration from every older format to the current one', () => {
    for (let v = 1; v < HISTORY_FORMAT; v++) expect(HISTORY_MIGRATIONS[v]).toBeTypeOf('function');
    expect(
      Object.keys(HISTORY_MIGRATIONS)
        .map(Number)
        .every((v) => v < HISTORY_FORMAT),
    ).toBe(true);
  });
});

describe('migrateWith (the stepping, on a made-up chain of three formats)', () => {
  // v1 { a }, v2 adds b = 2a, v3 renames a to c.
  const V3 = z.object({ b: z.number(), c: z.number() });
  const chain: Record<number, Migration> = {
    1: (old) => ({ ...old, b: 2 * Number(old['a']) }),
    2: ({ a, ...rest }) => ({ ...rest, c: a }),
  };

  it('upgrades each older format step by step and validates the result', () => {
    expect(migrateWith({ format: 1, a: 5 }, 3, chain, V3)).toEqual({ record: { b: 10, c: 5 } });
    expect(migrateWith({ format: 2, a: 5, b: 7 }, 3, chain, V3)).toEqual({
      record: { b: 7, c: 5 },
    });
    expect(migrateWith({ format: 3, b: 1, c: 2 }, 3, chain, V3)).toEqual({
      record: { b: 1, c: 2 },
    });
    // An old record that was already damaged is still a problem once upgraded.
    expect(migrateWith({ format: 2, a: 5 }, 3, chain, V3)).toHaveProperty('problem');
  });

  it('reports a missing or failing step', () => {
    const gap = { 2: chain[2]! };
    expect(migrateWith({ format: 1, a: 5 }, 3, gap, V3)).toEqual({
      problem: 'format 1 can no longer be read',
    });
    const throwing: Record<number, Migration> = {
      ...chain,
      1: () => {
        throw new Error('a is not a number');
      },
    };
    expect(migrateWith({ format: 1, a: 'x' }, 3, throwing, V3)).toEqual({
      problem: 'could not be upgraded from format 1: a is not a number',
    });
    expect(migrateWith({ format: 4 }, 3, chain, V3)).toHaveProperty('problem');
  });
});

describe('names and ids', () => {
  it('trims names and refuses empty or too long ones', () => {
    expect(checkName('  Run 3  ')).toEqual({ name: 'Run 3' });
    expect(checkName(' \t ')).toHaveProperty('problem');
    expect(checkName('x'.repeat(NAME_MAX_LENGTH))).toEqual({ name: 'x'.repeat(NAME_MAX_LENGTH) });
    expect(checkName('x'.repeat(NAME_MAX_LENGTH + 1))).toHaveProperty('problem');
  });

  it('makes distinct version-4 UUIDs', () => {
    const ids = Array.from({ length: 100 }, newHistoryId);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses to store an invalid record', () => {
    expect(toStoredRecord(measurement({ name: '' }))).toHaveProperty('problem');
  });
});
