import { describe, expect, it } from 'vitest';
import {
  CURRENT_COLUMNS,
  bitSweepFiles,
  currentResultFiles,
  experimentsFiles,
  sensitivityFiles,
  sparsitySweepFiles,
} from './results';
import type { CurrentResult } from './results';

/** Splits RFC 4180 text without quoted line breaks (none here) into fields. */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => {
      const out: string[] = [];
      let field = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted) {
          if (ch === '"' && line[i + 1] === '"') {
            field += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else field += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') {
          out.push(field);
          field = '';
        } else field += ch;
      }
      out.push(field);
      return out;
    });
}

const current: CurrentResult = {
  model: 'mnist-mlp',
  dataset: 'mnist',
  pipeline: 'magnitude 50% → int4 aff, A8',
  accuracy: 1947 / 2000,
  correct: 1947,
  total: 2000,
  weightsOnlyAccuracy: 0.975,
  float32Accuracy: 0.976,
  sizeBits: 500_000,
  float32Bits: 8_000_000,
  sparsity: 0.5,
  activationBits: 8,
  link: 'http://127.0.0.1/#v=3&data=mnist&model=mlp&w=int&wb=4',
  savedAt: '2026-01-02T03:04:05.000Z',
};

describe('the current evaluation', () => {
  it('is one CSV row under the header, numbers raw, text quoted where needed', () => {
    const f = currentResultFiles(current);
    const [header, row, ...rest] = parseCsv(f.csv);
    expect(rest).toEqual([]);
    expect(header).toEqual(CURRENT_COLUMNS.map((c) => c.header));
    const get = (h: string) => row![header!.indexOf(h)];
    expect(get('Correct')).toBe('1947');
    expect(get('Total')).toBe('2000');
    expect(Number(get('Accuracy'))).toBe(0.9735);
    expect(get('Pipeline')).toBe('magnitude 50% → int4 aff, A8');
    expect(Number(get('Compression (x)'))).toBe(16);
    expect(get('Config link')).toBe(current.link);
    expect(f.rows).toBe(1);
    expect(f.baseName).toBe('mnist-mlp-result');
  });

  it('JSON carries the same numbers and the link', () => {
    const j = JSON.parse(currentResultFiles(current).json) as Record<string, unknown>;
    expect(j).toMatchObject({ kind: 'evaluation', correct: 1947, total: 2000, compression: 16 });
    expect(j.link).toBe(current.link);
  });

  it('missing numbers are empty cells, not "null"', () => {
    const f = currentResultFiles({ ...current, sizeBits: null, weightsOnlyAccuracy: null });
    const [header, row] = parseCsv(f.csv);
    expect(row![header!.indexOf('Size (bits)')]).toBe('');
    expect(row![header!.indexOf('Compression (x)')]).toBe('');
    expect(f.csv).not.toContain('null');
  });
});

const ctx = { model: 'trained/abc 1', pipeline: 'int4', link: 'L', savedAt: 'T' };

describe('sweeps', () => {
  it('bit-width sweep: one row per width, widest first, then the 16-bit references', () => {
    const f = bitSweepFiles(
      {
        actBits: 8,
        points: [
          { bits: 2, weightOnly: 0.5, weightAct: 0.4 },
          { bits: 8, weightOnly: 0.97, weightAct: null },
          { bits: 1, weightOnly: 0.1, weightAct: 0.1 },
        ],
        references: { float16: 0.976 },
        done: false,
      },
      ctx,
    );
    const rows = parseCsv(f.csv);
    expect(rows[0]).toEqual([
      'Weights',
      'Bits',
      'Accuracy, weights only',
      'Accuracy, weights + A8',
    ]);
    expect(rows.slice(1)).toEqual([
      ['int8', '8', '0.97', ''],
      ['int2', '2', '0.5', '0.4'],
      ['binary', '1', '0.1', '0.1'],
      ['float16', '16', '0.976', ''],
    ]);
    expect(f.baseName).toBe('trained-abc-1-bit-sweep');
    expect(JSON.parse(f.json)).toMatchObject({ complete: false, actBits: 8, model: ctx.model });
  });

  it('sensitivity: layer × bits, with the drop from the float32 reference', () => {
    const f = sensitivityFiles(
      {
        candidates: [8, 2],
        reference: 0.9,
        rows: [
          { layer: 'fc1', accuracy: { 8: 0.9, 2: 0.5 } },
          { layer: 'fc2', accuracy: { 8: 0.875 } },
        ],
        done: true,
      },
      ctx,
    );
    const rows = parseCsv(f.csv).slice(1);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['fc1', '8', '0.9'],
      ['fc1', '2', '0.5'],
      ['fc2', '8', '0.875'],
    ]);
    expect(rows.map((r) => Number(r[3]))).toEqual([0, 0.9 - 0.5, 0.9 - 0.875]);
  });

  it('sparsity sweep: long format, N:M patterns as their own method', () => {
    const f = sparsitySweepFiles(
      {
        methods: ['magnitude', 'random'],
        points: [
          { sparsity: 0.5, accuracy: { magnitude: 0.97, random: 0.6 } },
          { sparsity: 0.9, accuracy: { magnitude: 0.8 } },
        ],
        nm: [{ pattern: '2:4', sparsity: 0.5, accuracy: 0.96 }],
        done: true,
      },
      ctx,
    );
    expect(parseCsv(f.csv).slice(1)).toEqual([
      ['magnitude', '0.5', '0.97'],
      ['magnitude', '0.9', '0.8'],
      ['random', '0.5', '0.6'],
      ['N:M 2:4', '0.5', '0.96'],
    ]);
    expect(f.rows).toBe(4);
  });

  it('session configurations: numbered, a formula-looking label stays text', () => {
    const f = experimentsFiles(
      [
        {
          model: 'mnist-mlp',
          label: '=HYPERLINK("x")',
          accuracy: 0.9,
          sizeBits: 100,
          float32Bits: 800,
        },
      ],
      { savedAt: 'T' },
    );
    const rows = parseCsv(f.csv);
    expect(rows[1]).toEqual(['1', 'mnist-mlp', `'=HYPERLINK("x")`, '0.9', '100', '800', '8']);
  });
});
