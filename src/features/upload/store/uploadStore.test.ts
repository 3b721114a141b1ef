import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { goodCases, jsonBytes, tinyModelJson, tinyWeights } from '../shared/corpus';
import { memoryInput, readUpload } from '../shared/readModel';
import type { NormalizedModel } from '../shared/readModel';
import { openUploadStore } from './uploadStore';
import type { StoredFile, UploadStore } from './uploadStore';

/**
 * The uploaded-model store on fake-indexeddb: kept across openings (a reload), newest first,
 * bounded by count and bytes, and every damaged record a problem, never a crash.
 */

let dbCount = 0;
const opened: UploadStore[] = [];
const freshName = () => `upload-test-${++dbCount}`;
async function open(dbName: string, limit?: number, maxBytes?: number) {
  const s = await openUploadStore({ dbName, limit, maxBytes });
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** The tiny model with its last bias set to `b`: a distinct model (and id) per `b`. */
async function upload(b = 0): Promise<{ model: NormalizedModel; files: StoredFile[] }> {
  const raw = [
    { name: 'model.json', bytes: jsonBytes(tinyModelJson()) },
    { name: 'weights.bin', bytes: tinyWeights({ d2Bias: [b, 0] }) },
  ];
  const r = await readUpload(raw.map((f) => memoryInput(f.name, f.bytes)));
  if (!r.ok) throw new Error(r.problems[0]!.message);
  return {
    model: r.model,
    files: raw.map((f) => ({ name: f.name, data: f.bytes.slice().buffer })),
  };
}

describe('uploaded-model store', () => {
  it('keeps a model across openings and reads it back checked, with the same tensors', async () => {
    const name = freshName();
    const { model, files } = await upload();
    const { info, evicted } = await (await open(name)).put(model, files, 1000);
    expect(evicted).toEqual([]);
    expect(info).toMatchObject({
      id: model.id,
      name: 'tiny',
      kind: 'layers',
      params: 23,
      tensors: 4,
    });
    const again = await open(name);
    expect((await again.list()).models.map((m) => m.id)).toEqual([model.id]);
    const got = await again.get(model.id);
    expect(got!.model.tensors.map((t) => Array.from(t.values))).toEqual(
      model.tensors.map((t) => Array.from(t.values)),
    );
    expect(got!.info.files).toEqual(['model.json', 'weights.bin']);
  });

  it('lists newest first and evicts the oldest beyond the count', async () => {
    const s = await open(freshName(), 2);
    const a = await upload(1);
    const b = await upload(2);
    const c = await upload(3);
    await s.put(a.model, a.files, 1);
    await s.put(b.model, b.files, 2);
    const { evicted } = await s.put(c.model, c.files, 3);
    expect(evicted).toEqual([a.model.id]);
    expect((await s.list()).models.map((m) => m.id)).toEqual([c.model.id, b.model.id]);
    expect(await s.get(a.model.id)).toBeNull();
  });

  it('evicts the oldest beyond the bytes bound, never the one just kept', async () => {
    const a = await upload(1);
    const size = a.files.reduce((n, f) => n + f.data.byteLength, 0);
    const s = await open(freshName(), 10, size * 2);
    const b = await upload(2);
    const c = await upload(3);
    await s.put(a.model, a.files, 1);
    await s.put(b.model, b.files, 2);
    const { evicted } = await s.put(c.model, c.files, 3);
    expect(evicted).toEqual([a.model.id]);
    await expect(
      open(freshName(), 10, size - 1).then((t) => t.put(a.model, a.files)),
    ).rejects.toThrow(/exceed/);
  });

  it('keeps other kinds too: a graph model and a weights manifest', async () => {
    const s = await open(freshName());
    for (const id of ['graph-model', 'weights-manifest']) {
      const c = goodCases().find((x) => x.id === id)!;
      const r = await readUpload(c.files.map((f) => memoryInput(f.name, f.bytes)));
      if (!r.ok) throw new Error('expected a model');
      await s.put(
        r.model,
        c.files.map((f) => ({ name: f.name, data: f.bytes.slice().buffer })),
      );
      expect((await s.get(r.model.id))!.model.kind).toBe(c.kind);
    }
  });

  it('a damaged description is a listed problem; damaged or swapped files a sentence from get', async () => {
    const name = freshName();
    const s = await open(name);
    const a = await upload(1);
    const b = await upload(2);
    await s.put(a.model, a.files, 1);
    await s.put(b.model, b.files, 2);
    s.close();
    const raw = await openDB(name, 1);
    await raw.put('uploaded-models', { id: 'uploaded:junk', format: 1, name: 3 });
    const filesA = await raw.get('uploaded-files', a.model.id);
    // b's record now holds a's files: they read, but do not hash to b's id.
    await raw.put('uploaded-files', { ...filesA, id: b.model.id });
    // a's weights cut short: they no longer read.
    await raw.put('uploaded-files', {
      id: a.model.id,
      files: [filesA.files[0], { name: 'weights.bin', data: new ArrayBuffer(8) }],
    });
    raw.close();
    const again = await open(name);
    const list = await again.list();
    expect(list.models.map((m) => m.id)).toEqual([b.model.id, a.model.id]);
    expect(list.problems).toHaveLength(1);
    expect(list.problems[0]!.problem).toMatch(/^Uploaded model uploaded:junk: /);
    await expect(again.get(a.model.id)).rejects.toThrow(
      /no longer reads: weights\.bin holds 8 bytes/,
    );
    await expect(again.get(b.model.id)).rejects.toThrow(/do not hash to its id/);
    await again.delete('uploaded:junk');
    expect((await again.list()).problems).toEqual([]);
  });
});
