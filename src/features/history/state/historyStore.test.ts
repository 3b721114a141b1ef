import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HISTORY_FORMAT } from '../shared/record';
import type { HistoryRecord } from '../shared/record';
import { measurement, run } from '../shared/record.fixture';
import { describeStorageError, openHistoryStore } from './historyStore';
import type { HistoryStore, StorageOutcome } from './historyStore';

/**
 * The history store on fake-indexeddb (an in-memory IndexedDB for Node): what a reload keeps, in
 * which order, the bound, damaged records, and storage failures reported as sentences, never
 * thrown.
 */

let dbCount = 0;
const opened: HistoryStore[] = [];
/** Each test its own database, as if a fresh browser profile. */
function freshName(): string {
  return `history-test-${++dbCount}`;
}
function value<T>(outcome: StorageOutcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got: ${outcome.error}`);
  return outcome.value;
}
function errorOf<T>(outcome: StorageOutcome<T>): string {
  if (outcome.ok) throw new Error('expected a failure, got success');
  return outcome.error;
}
async function open(dbName: string, limit?: number): Promise<HistoryStore> {
  const s = value(await openHistoryStore({ dbName, limit }));
  opened.push(s);
  return s;
}
async function ids(s: HistoryStore): Promise<string[]> {
  return value(await s.list()).records.map((r) => r.id);
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const QUOTA_SENTENCE =
  "Could not save to this browser's storage: it is full (QuotaExceededError). " +
  'The results are shown but not kept.';

describe('history store', () => {
  it('keeps entries across a reload (a new connection), field for field', async () => {
    const name = freshName();
    const first = await open(name);
    const records = [measurement(), run()];
    for (const r of records) expect(value(await first.put(r))).toEqual({ evicted: [] });
    first.close();

    const again = await open(name);
    const { records: got, problems } = value(await again.list());
    expect(problems).toEqual([]);
    expect(got).toEqual([...records].sort((a, b) => b.createdAt - a.createdAt));
  });

  it('lists newest first, and replaces an entry put again with the same id', async () => {
    const s = await open(freshName());
    const a = measurement({ createdAt: 1000 });
    const b = measurement({ createdAt: 3000 });
    const c = run({ createdAt: 2000 });
    for (const r of [a, b, c]) await s.put(r);
    expect(await ids(s)).toEqual([b.id, c.id, a.id]);

    await s.put({ ...a, createdAt: 4000, summary: 'measured again' });
    const { records } = value(await s.list());
    expect(records.map((r) => r.id)).toEqual([a.id, b.id, c.id]);
    expect(records[0]!.summary).toBe('measured again');
  });

  it('renames an entry (trimmed, kept across a reload) and changes nothing else', async () => {
    const name = freshName();
    const s = await open(name);
    const r = run();
    await s.put(r);
    expect(value(await s.rename(r.id, '  Best 2-bit so far  '))).toEqual({
      ...r,
      name: 'Best 2-bit so far',
    });
    s.close();
    const again = await open(name);
    expect(value(await again.list()).records).toEqual([{ ...r, name: 'Best 2-bit so far' }]);

    expect(errorOf(await again.rename(r.id, '   '))).toMatch(/cannot be empty/);
    expect(errorOf(await again.rename(r.id, 'x'.repeat(201)))).toMatch(/at most 200/);
    expect(errorOf(await again.rename('gone', 'New name'))).toMatch(/no longer in the history/);
    expect(value(await again.list()).records[0]!.name).toBe('Best 2-bit so far');
  });

  it('deletes one entry, and clears all', async () => {
    const s = await open(freshName());
    const [a, b, c] = [measurement(), measurement(), run()];
    for (const r of [a, b, c]) await s.put(r);
    value(await s.delete(b.id));
    value(await s.delete('no such id'));
    expect((await ids(s)).sort()).toEqual([a.id, c.id].sort());
    value(await s.clear());
    expect(await ids(s)).toEqual([]);
  });

  it('keeps only the newest `limit` entries and says which went', async () => {
    const s = await open(freshName(), 3);
    const rs = [5, 1, 4, 2, 3].map((t) => measurement({ createdAt: t * 1000 }));
    const evicted: string[] = [];
    for (const r of rs) evicted.push(...value(await s.put(r)).evicted);
    // Times 5, 1, 4 fill the store; 2 pushes out 1; 3 pushes out 2.
    expect(evicted).toEqual([rs[1]!.id, rs[3]!.id]);
    expect(value(await s.list()).records.map((r) => r.createdAt)).toEqual([5000, 4000, 3000]);
    // An entry older than all kept ones is itself the one to go.
    const ancient = measurement({ createdAt: 1 });
    expect(value(await s.put(ancient)).evicted).toEqual([ancient.id]);
    expect(await ids(s)).not.toContain(ancient.id);
  });

  it('skips damaged records with a problem, and can delete them by key', async () => {
    const name = freshName();
    const s = await open(name);
    const good = run();
    await s.put(good);

    // Damage the database behind the store's back, as an older version or a bug might.
    const raw = await openDB(name, 1);
    const stored = (await raw.get('entries', good.id)) as Record<string, unknown>;
    await raw.put('entries', { id: 'no-fields', format: HISTORY_FORMAT });
    await raw.put('entries', { ...stored, id: 'future', format: HISTORY_FORMAT + 1 });
    await raw.put('entries', { ...stored, id: 'bad-accuracy', results: { accuracy: 7 } });
    await raw.put('entries', { ...stored, id: 'numeric-id', createdAt: 5 });
    await raw.put('entries', { ...stored, id: 7 });
    raw.close();

    const { records, problems } = value(await s.list());
    expect(records.map((r) => r.id)).toEqual([good.id, 'numeric-id']);
    const byKey = new Map(problems.map((p) => [p.key, p.problem]));
    expect([...byKey.keys()].sort()).toEqual(['7', 'bad-accuracy', 'future', 'no-fields']);
    expect(byKey.get('7')).toMatch(/^History entry 7: id: /);
    expect(byKey.get('future')).toMatch(/^History entry future: written by a newer version/);
    expect(byKey.get('bad-accuracy')).toMatch(/results/);
    expect(byKey.get('no-fields')).toMatch(/name|id|createdAt|kind/);

    // A damaged entry cannot be renamed, and renaming it changes nothing.
    expect(errorOf(await s.rename('bad-accuracy', 'fixed?'))).toMatch(/damaged/);
    value(await s.delete('future'));
    expect(
      value(await s.list())
        .problems.map((p) => p.key)
        .sort(),
    ).toEqual(['7', 'bad-accuracy', 'no-fields']);
  });

  it('refuses to store an invalid entry, with a sentence', async () => {
    const s = await open(freshName());
    const bad: HistoryRecord = { ...measurement(), name: '' };
    expect(errorOf(await s.put(bad))).toMatch(/^Could not save this entry to the history: name/);
    expect(await ids(s)).toEqual([]);
  });
});

describe('storage failures', () => {
  it('reports a full quota on save, keeps nothing of it, and the store goes on', async () => {
    const s = await open(freshName());
    const kept = measurement();
    await s.put(kept);
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const lost = run();
    expect(errorOf(await s.put(lost))).toBe(QUOTA_SENTENCE);
    expect(put).toHaveBeenCalled();
    put.mockRestore();

    expect(await ids(s)).toEqual([kept.id]);
    value(await s.put(lost));
    expect((await ids(s)).sort()).toEqual([kept.id, lost.id].sort());
  });

  it('reports a transaction that aborts after the write, and rolls the write back', async () => {
    const s = await open(freshName(), 1);
    const kept = measurement({ createdAt: 1000 });
    await s.put(kept);
    // Every request succeeds, then the transaction aborts (its last request, the eviction's
    // delete, aborts it as it succeeds), as a quota failure at commit would.
    const original = IDBObjectStore.prototype.delete;
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(function (
      this: IDBObjectStore,
      key: IDBValidKey | IDBKeyRange,
    ) {
      const request = original.call(this, key);
      request.addEventListener('success', () => this.transaction.abort());
      return request;
    });
    const newer = measurement({ createdAt: 2000 });
    expect(errorOf(await s.put(newer))).toMatch(
      /^Could not save to this browser's storage: the operation was interrupted \(AbortError\)\./,
    );
    vi.restoreAllMocks();
    // The put of `newer` was undone with the rest of its transaction.
    expect(await ids(s)).toEqual([kept.id]);
  });

  it('reports a database that cannot be opened, as in private mode', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException(
        'A mutation operation was attempted on a database that did not allow mutations.',
        'InvalidStateError',
      );
    });
    const outcome = await openHistoryStore({ dbName: freshName() });
    expect(errorOf(outcome)).toBe(
      "Could not open the history in this browser's storage: it is not available (private " +
        'browsing, or another tab closed it) (InvalidStateError). Results are shown but not kept.',
    );
  });

  it('reports a browser without IndexedDB', async () => {
    vi.stubGlobal('indexedDB', undefined);
    expect(errorOf(await openHistoryStore({ dbName: freshName() }))).toMatch(
      /no IndexedDB \(NotSupportedError\)/,
    );
  });

  it('reports calls on a closed connection instead of throwing', async () => {
    const s = value(await openHistoryStore({ dbName: freshName() }));
    s.close();
    expect(errorOf(await s.put(measurement()))).toMatch(/^Could not save .*\(InvalidStateError\)/);
    expect(errorOf(await s.list())).toMatch(/^Could not read the history.*cannot be shown\.$/);
    expect(errorOf(await s.delete('x'))).toMatch(/^Could not change .*Nothing was changed\.$/);
  });
});

describe('describeStorageError', () => {
  it('says what happened, why, and what it means, for anything thrown', () => {
    expect(describeStorageError(new DOMException('full', 'QuotaExceededError'))).toBe(
      QUOTA_SENTENCE,
    );
    expect(describeStorageError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' }, 'save')).toMatch(
      /it is full/,
    );
    // An unknown name: the error's own message explains it, shortened.
    const long = new Error(`disk on fire ${'!'.repeat(500)}`);
    const sentence = describeStorageError(long, 'read');
    expect(sentence).toMatch(/^Could not read the history .*: disk on fire !+… \(Error\)\./);
    expect(sentence.length).toBeLessThan(300);
    expect(describeStorageError('a string', 'change')).toBe(
      "Could not change the history in this browser's storage: a string (Error). " +
        'Nothing was changed.',
    );
    expect(describeStorageError(undefined)).toMatch(/: undefined \(Error\)/);
    expect(describeStorageError(new Error(''))).toMatch(/an unknown error \(Error\)/);
  });
});
