import { create } from 'zustand';
import { newHistoryId } from '../shared/record';
import type { HistoryRecord } from '../shared/record';
import type { HistoryProblem, HistoryStore, StorageOutcome } from './historyStore';
import { planSave, recordKey } from './drafts';
import type { Draft } from './drafts';

/**
 * The history as the page holds it: the entries read from IndexedDB, kept in step with every
 * save, rename and delete. Storage is an extra: when it fails the entry is not kept, one notice
 * says why (each distinct sentence once a visit), and everything else goes on.
 */

export type HistoryStatus = 'idle' | 'loading' | 'ready' | 'failed';

export interface HistoryState {
  readonly status: HistoryStatus;
  /** Newest first. */
  readonly records: readonly HistoryRecord[];
  /** Stored entries that could not be read (damaged, or from a newer app). */
  readonly problems: readonly HistoryProblem[];
  /** Why the history cannot be read or kept, as a sentence; null while it works. */
  readonly error: string | null;
  /** The entry deleted last, until it is restored or another goes: for Undo. */
  readonly deleted: HistoryRecord | null;
  /** The entry saved last this visit (id and when). */
  readonly lastSaved: { readonly id: string; readonly at: number } | null;
}

export interface HistoryActions {
  /** Opens and reads the history (once; later calls wait for the first). */
  load(): Promise<void>;
  /** Reads it again (another tab may have saved). */
  refresh(): Promise<void>;
  /** Keeps a draft: skipped if the same measurement is kept, else replaces or adds. */
  save(draft: Draft): Promise<HistoryRecord | null>;
  /** Renames an entry; returns why not, or null. */
  rename(id: string, name: string): Promise<string | null>;
  /** Deletes an entry (Undo brings it back). */
  remove(id: string): Promise<void>;
  /** Stores the entry deleted last again. */
  undoRemove(): Promise<void>;
  /** Deletes a damaged record by its key. */
  removeProblem(key: string): Promise<void>;
}

export interface HistoryStateDeps {
  readonly open: () => Promise<StorageOutcome<HistoryStore>>;
  /** Shows a storage failure to the user (the app's notices). */
  readonly notify: (text: string) => void;
  readonly now?: () => number;
  readonly newId?: () => string;
}

function newestFirst(a: HistoryRecord, b: HistoryRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function createHistoryState(deps: HistoryStateDeps) {
  const now = deps.now ?? (() => Date.now());
  const newId = deps.newId ?? newHistoryId;
  const reported = new Set<string>();
  /** Each failure sentence once a visit: a full disk would otherwise repeat it at every save. */
  const notifyOnce = (text: string) => {
    if (reported.has(text)) return;
    reported.add(text);
    deps.notify(text);
  };

  let opened: Promise<StorageOutcome<HistoryStore>> | null = null;
  let loading: Promise<void> | null = null;
  /** Writes one at a time: two saves of one key must not both add an entry. */
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
  /** Keys by entry (parsing a link each time a save looks would be wasted). */
  const keys = new WeakMap<HistoryRecord, string>();
  const keyOf = (r: HistoryRecord) => {
    let k = keys.get(r);
    if (k === undefined) {
      k = recordKey(r);
      keys.set(r, k);
    }
    return k;
  };

  return create<HistoryState & HistoryActions>()((set, get) => {
    const storage = async (): Promise<HistoryStore | null> => {
      opened ??= deps.open();
      const outcome = await opened;
      if (outcome.ok) return outcome.value;
      set({ status: 'failed', error: outcome.error });
      return null;
    };

    const read = async () => {
      const s = await storage();
      if (!s) return;
      const listed = await s.list();
      if (!listed.ok) return set({ status: 'failed', error: listed.error });
      set({
        status: 'ready',
        error: null,
        records: listed.value.records,
        problems: listed.value.problems,
      });
    };

    /** The list with `record` in (replacing its id) and `evicted` out. */
    const withRecord = (record: HistoryRecord, evicted: readonly string[] = []) =>
      [record, ...get().records.filter((r) => r.id !== record.id && !evicted.includes(r.id))].sort(
        newestFirst,
      );

    return {
      status: 'idle',
      records: [],
      problems: [],
      error: null,
      deleted: null,
      lastSaved: null,

      load() {
        if (!loading) {
          set({ status: 'loading' });
          loading = read();
        }
        return loading;
      },

      refresh() {
        return serial(async () => {
          await get().load();
          if (get().status === 'ready') await read();
        });
      },

      save(draft) {
        return serial(async () => {
          await get().load();
          const s = await storage();
          if (!s || get().status !== 'ready') {
            notifyOnce(get().error ?? 'The history cannot be kept in this browser.');
            return null;
          }
          const existing = get().records.find((r) => keyOf(r) === draft.key);
          const record = planSave(existing, draft, now(), newId);
          if (!record) return null;
          const put = await s.put(record);
          if (!put.ok) {
            notifyOnce(put.error);
            return null;
          }
          set({
            records: withRecord(record, put.value.evicted),
            lastSaved: { id: record.id, at: record.createdAt },
          });
          return record;
        });
      },

      rename(id, name) {
        return serial(async () => {
          const s = await storage();
          if (!s) return get().error;
          const renamed = await s.rename(id, name);
          if (!renamed.ok) return renamed.error;
          set({ records: withRecord(renamed.value) });
          return null;
        });
      },

      remove(id) {
        return serial(async () => {
          const s = await storage();
          const record = get().records.find((r) => r.id === id);
          if (!s || !record) return;
          const deleted = await s.delete(id);
          if (!deleted.ok) return notifyOnce(deleted.error);
          set({ records: get().records.filter((r) => r.id !== id), deleted: record });
        });
      },

      undoRemove() {
        return serial(async () => {
          const s = await storage();
          const record = get().deleted;
          if (!s || !record) return;
          const put = await s.put(record);
          if (!put.ok) return notifyOnce(put.error);
          set({ records: withRecord(record, put.value.evicted), deleted: null });
        });
      },

      removeProblem(key) {
        return serial(async () => {
          const s = await storage();
          if (!s) return;
          const deleted = await s.delete(key);
          if (!deleted.ok) return notifyOnce(deleted.error);
          set({ problems: get().problems.filter((p) => p.key !== key) });
        });
      },
    };
  });
}

export type HistoryStateStore = ReturnType<typeof createHistoryState>;
