import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_LINE_END, csvField, toCsv, toJson } from './csv';
import type { CsvColumn, CsvValue } from './csv';
import { HISTORY_CSV_COLUMNS, historyCsv, historyJson } from './export';
import { HISTORY_FORMAT, migrateRecord } from './record';
import { measurement, run } from './record.fixture';

/**
 * The CSV writer against a strict RFC 4180 parser written here (every record ended by CRLF,
 * quotes only around whole fields), and the history's own export.
 */

/** Parses CSV whose every record ends with CRLF; throws on anything RFC 4180 does not allow. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${text[i]} at ${i}`);
        field += text[i++];
      }
    }
    fields.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(fields);
      fields = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}`);
  }
  if (fields.length) throw new Error('last record not ended by CRLF');
  return records;
}

/** What a spreadsheet should see for a string: the guard quote before a formula start. */
function guardedText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

describe('csvField', () => {
  it('quotes fields with a comma, quote, CR or LF, doubling quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('')).toBe('');
  });

  it('guards strings a spreadsheet would run as formulas, never numbers', () => {
    for (const s of ['=SUM(A1:A9)', '+1', '-1', '@cmd', '\tx']) expect(csvField(s)).toBe(`'${s}`);
    expect(csvField('\rx')).toBe(`"'\rx"`);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(-1e-7)).toBe('-1e-7');
  });

  it('writes numbers in full, non-finite and missing values as empty fields', () => {
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(Number(csvField(0.1 + 0.2))).toBe(0.1 + 0.2);
    expect(csvField(1e21)).toBe('1e+21');
    expect(csvField(-0)).toBe('0');
    for (const v of [Number.NaN, Infinity, -Infinity, null, undefined])
      expect(csvField(v)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField(false)).toBe('false');
  });
});

describe('toCsv', () => {
  interface Row {
    readonly name: string;
    readonly accuracy: number;
    readonly bits: number | null;
  }
  const columns: CsvColumn<Row>[] = [
    { header: 'Name', value: (r) => r.name },
    { header: 'Accuracy, %', value: (r) => r.accuracy * 100 },
    { header: 'Bits', value: (r) => r.bits },
  ];

  it('writes a header and one CRLF-ended line per row', () => {
    const csv = toCsv(columns, [
      { name: 'W4', accuracy: 0.5, bits: 4 },
      { name: 'float, "baseline"', accuracy: 1, bits: null },
    ]);
    expect(csv).toBe(
      'Name,"Accuracy, %",Bits\r\n' + 'W4,50,4\r\n' + '"float, ""baseline""",100,\r\n',
    );
    expect(toCsv(columns, [])).toBe('Name,"Accuracy, %",Bits' + CSV_LINE_END);
  });

  it('round-trips any strings and numbers through an RFC 4180 parser', () => {
    // Strings drawn mostly from the characters that matter, plus any unicode.
    const tricky = fc.string({
      unit: fc.oneof(
        fc.constantFrom(',', '"', '\r', '\n', '\t', '=', '+', '-', '@', "'", ' ', 'a'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 12,
    });
    const value = fc.oneof(tricky, fc.double({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(
        fc.array(tricky, { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(value, { minLength: 5, maxLength: 5 }), { maxLength: 6 }),
        (headers, rows) => {
          const cols: CsvColumn<CsvValue[]>[] = headers.map((header, k) => ({
            header,
            value: (r) => r[k],
          }));
          const parsed = parseCsv(toCsv(cols, rows));
          expect(parsed[0]).toEqual(headers.map(guardedText));
          expect(parsed.length).toBe(rows.length + 1);
          rows.forEach((row, r) => {
            headers.forEach((_h, k) => {
              const v = row[k];
              const got = parsed[r + 1]![k]!;
              if (typeof v === 'number') expect(Number(got)).toBe(v === 0 ? 0 : v);
              else expect(got).toBe(guardedText(v as string));
            });
          });
        },
      ),
    );
  });
});

describe('toJson', () => {
  it('writes indented JSON ending with a newline, non-finite numbers as null', () => {
    const value = { a: [1, 0.1 + 0.2], b: 'x"y', c: Number.NaN, d: undefined };
    const json = toJson(value);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).toContain('\n  "a": [');
    expect(JSON.parse(json)).toEqual({ a: [1, 0.1 + 0.2], b: 'x"y', c: null });
    expect(toJson(undefined)).toBe('null\n');
  });
});

describe('history export', () => {
  it('writes one row per entry with the raw numbers, safe and parseable', () => {
    const records = [run({ name: '=cmd|calc' }), measurement()];
    const parsed = parseCsv(historyCsv(records));
    const header = parsed[0]!;
    expect(header).toEqual(HISTORY_CSV_COLUMNS.map((c) => c.header));
    const col = (name: string) => header.indexOf(name);
    expect(parsed).toHaveLength(3);
    const [first, second] = [parsed[1]!, parsed[2]!];
    expect(first[col('Name')]).toBe("'=cmd|calc");
    expect(Number(first[col('Accuracy')])).toBe(records[0]!.results.accuracy);
    expect(Number(first[col('Ratio')])).toBe(records[0]!.results.ratio);
    expect(first[col('Technique')]).toBe('QAT');
    expect(first[col('Activation bits')]).toBe('');
    expect(first[col('Config (URL hash)')]).toBe(records[0]!.hash);
    expect(new Date(first[col('Created (UTC)')]!).getTime()).toBe(records[0]!.createdAt);
    expect(second[col('Technique')]).toBe('');
    expect(second[col('Sparsity')]).toBe('');
  });

  it('writes JSON whose records read back through migrateRecord', () => {
    const records = [run(), measurement()];
    const data = JSON.parse(historyJson(records)) as { format: number; records: unknown[] };
    expect(data.format).toBe(HISTORY_FORMAT);
    expect(data.records.map((r) => migrateRecord(r))).toEqual(
      records.map((record) => ({ record })),
    );
  });
});
