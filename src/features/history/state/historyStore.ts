import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase, IDBPObjectStore } from 'idb';
import { checkName, migrateRecord, toStoredRecord } from '../shared/record';
import type { HistoryRecord, StoredHistoryRecord } from '../shared/record';

/**
 * The experiments history kept in the browser's IndexedDB, so a reload keeps it. Its own
 * database ({@link DEFAULT_HISTORY_DB_NAME}), apart from the trained models' one, so neither's
 * upgrades or failures touch the other.
 *
 * Nothing here throws. Storage can fail at any time — the disk quota is full, the browser is in
 * private mode, IndexedDB is missing or blocked — and the history is an extra: every failure is
 * returned as `{ ok: false, error }`, a sentence for the user ({@link describeStorageError}),
 * and the app goes on showing its results.
 *
 * Everything read back goes through `migrateRecord`: a record of an older format is upgraded, a
 * damaged one or one from a newer app version is skipped with a problem the caller can show (and
 * delete by its key). Bounded: a `put` beyond `limit` ({@link DEFAULT_HISTORY_LIMIT}) deletes the
 * oldest entries, in the same transaction, and says which.
 */

export const DEFAULT_HISTORY_DB_NAME = 'compression-playground-history';
/** How many entries are kept: the newest 500 (each is ~1–5 kB, so a few MB at most). */
export const DEFAULT_HISTORY_LIMIT = 500;
/** Version of the database layout (object stores, indexes); record formats are versioned apart. */
const DB_VERSION = 1;
const STORE = 'entries';
const BY_TIME = 'createdAt';

/** What every store call returns: its value, or a sentence to show the user. */
export type StorageOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** A stored record that could not be read: its key and what is wrong with it. */
export interface HistoryProblem {
  readonly key: string;
  readonly problem: string;
}

export interface HistoryList {
  /** Newest first (equal times: larger id first, the reverse of eviction order). */
  readonly records: readonly HistoryRecord[];
  readonly problems: readonly HistoryProblem[];
}

export interface HistoryStore {
  /**
   * Keeps (or replaces, by id) an entry; returns the ids of the oldest entries deleted to stay in
   * bound (the new one itself if it is older than `limit` others).
   */
  put(record: HistoryRecord): Promise<StorageOutcome<{ readonly evicted: readonly string[] }>>;
  list(): Promise<StorageOutcome<HistoryList>>;
  /** Renames an entry (the name is trimmed, 1–200 characters); returns it as now stored. */
  rename(id: string, name: string): Promise<StorageOutcome<HistoryRecord>>;
  /** Deletes an entry, or a damaged record by the key its problem names. No such key: still ok. */
  delete(key: string): Promise<StorageOutcome<void>>;
  clear(): Promise<StorageOutcome<void>>;
  close(): void;
}

export interface HistoryStoreOptions {
  readonly dbName?: string;
  readonly limit?: number;
}

/** What the app was doing when storage failed: it decides the sentence's start and end. */
export type StorageAction = 'open' | 'save' | 'read' | 'change';

const LEAD: Readonly<Record<StorageAction, string>> = {
  open: "Could not open the history in this browser's storage",
  save: "Could not save to this browser's storage",
  read: "Could not read the history from this browser's storage",
  change: "Could not change the history in this browser's storage",
};

const CONSEQUENCE: Readonly<Record<StorageAction, string>> = {
  open: 'Results are shown but not kept.',
  save: 'The results are shown but not kept.',
  read: 'The history cannot be shown.',
  change: 'Nothing was changed.',
};

/** Why, by the error's name (the DOMException names IndexedDB reports). */
const CAUSES: Readonly<Record<string, string>> = {
  QuotaExceededError: 'it is full',
  // Older Firefox reported a full quota under this name.
  NS_ERROR_DOM_QUOTA_REACHED: 'it is full',
  InvalidStateError: 'it is not available (private browsing, or another tab closed it)',
  SecurityError: 'this browser does not let the site store data (private browsing or settings)',
  NotSupportedError: 'this browser offers no IndexedDB',
  UnknownError: 'the browser could not use its storage (its disk may be full or damaged)',
  VersionError: 'it holds a history written by a newer version of the app',
  AbortError: 'the operation was interrupted',
  TransactionInactiveError: 'the operation was interrupted',
  DataCloneError: 'the entry could not be stored as it is',
};

/** Longest error message quoted in a sentence (browsers' messages can be long). */
const MESSAGE_MAX_LENGTH = 160;

function stringProperty(e: unknown, key: 'name' | 'message'): string | undefined {
  if (typeof e !== 'object' || e === null || !(key in e)) return undefined;
  const value = (e as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A sentence for the user about a storage failure, e.g. "Could not save to this browser's
 * storage: it is full (QuotaExceededError). The results are shown but not kept." Works on
 * anything thrown: DOMExceptions, Errors, and values that are neither. A name it does not know
 * is explained by the error's own (shortened) message.
 */
export function describeStorageError(e: unknown, action: StorageAction = 'save'): string {
  const name = stringProperty(e, 'name') || 'Error';
  const message = (stringProperty(e, 'message') ?? String(e)).trim();
  const shortMessage =
    message.length > MESSAGE_MAX_LENGTH ? `${message.slice(0, MESSAGE_MAX_LENGTH)}…` : message;
  const cause = CAUSES[name] ?? (shortMessage || 'an unknown error');
  return `${LEAD[action]}: ${cause} (${name}). ${CONSEQUENCE[action]}`;
}

interface Schema extends DBSchema {
  [STORE]: { key: string; value: StoredHistoryRecord; indexes: { [BY_TIME]: number } };
}
type Store<M extends IDBTransactionMode> = IDBPObjectStore<Schema, [typeof STORE], typeof STORE, M>;

function failed(error: string): { readonly ok: false; readonly error: string } {
  return { ok: false, error };
}

/** Newest first; equal times by id, larger first (eviction takes the smallest first). */
function newestFirst(a: HistoryRecord, b: HistoryRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The history database, or a sentence saying why it cannot be used (then nothing is kept). */
export async function openHistoryStore(
  options: HistoryStoreOptions = {},
): Promise<StorageOutcome<HistoryStore>> {
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  if (typeof indexedDB === 'undefined')
    return failed(
      describeStorageError(new DOMException('IndexedDB is missing', 'NotSupportedError'), 'open'),
    );
  let db: IDBPDatabase<Schema>;
  try {
    db = await openDB<Schema>(options.dbName ?? DEFAULT_HISTORY_DB_NAME, DB_VERSION, {
      upgrade(d) {
        d.createObjectStore(STORE, { keyPath: 'id' }).createIndex(BY_TIME, BY_TIME);
      },
      // Another tab wants a newer layout: let it have the database rather than block it (calls
      // here then fail with InvalidStateError, reported like any other failure).
      blocking() {
        db.close();
      },
    });
  } catch (e) {
    return failed(describeStorageError(e, 'open'));
  }

  /**
   * Runs `body` in one transaction. Its own failure (`ok: false`) or any error aborts the
   * transaction, so a call changes all it meant to or nothing. Failures at commit (where
   * browsers may report a full quota) are caught by awaiting `done`.
   */
  async function inTransaction<T, M extends 'readonly' | 'readwrite'>(
    mode: M,
    action: StorageAction,
    body: (entries: Store<M>) => Promise<StorageOutcome<T>>,
  ): Promise<StorageOutcome<T>> {
    try {
      const tx = db.transaction(STORE, mode);
      // Awaited below; this keeps an abort from also being an unhandled rejection.
      tx.done.catch(() => undefined);
      const abort = () => {
        try {
          tx.abort();
        } catch {
          // Already finished or aborting.
        }
      };
      let outcome: StorageOutcome<T>;
      try {
        outcome = await body(tx.store);
      } catch (e) {
        abort();
        throw e;
      }
      if (!outcome.ok) abort();
      else await tx.done;
      return outcome;
    } catch (e) {
      return failed(describeStorageError(e, action));
    }
  }

  const store: HistoryStore = {
    async put(record) {
      const checked = toStoredRecord(record);
      if ('problem' in checked)
        return failed(`Could not save this entry to the history: ${checked.problem}.`);
      return inTransaction('readwrite', 'save', async (entries) => {
        await entries.put(checked.stored);
        // Oldest first by the index (then by id); records without a valid createdAt are not in it.
        const keys = await entries.index(BY_TIME).getAllKeys();
        const evicted = keys.slice(0, Math.max(0, keys.length - limit));
        for (const key of evicted) await entries.delete(key);
        return { ok: true, value: { evicted } };
      });
    },

    list() {
      return inTransaction('readonly', 'read', async (entries) => {
        const records: HistoryRecord[] = [];
        const problems: HistoryProblem[] = [];
        let cursor = await entries.openCursor();
        while (cursor) {
          const key = String(cursor.key);
          const read = migrateRecord(cursor.value as unknown);
          if ('problem' in read)
            problems.push({ key, problem: `History entry ${key}: ${read.problem}.` });
          else records.push(read.record);
          cursor = await cursor.continue();
        }
        records.sort(newestFirst);
        return { ok: true, value: { records, problems } };
      });
    },

    async rename(id, name) {
      const checked = checkName(name);
      if ('problem' in checked) return failed(checked.problem);
      return inTransaction('readwrite', 'change', async (entries) => {
        const raw: unknown = await entries.get(id);
        if (raw === undefined) return failed('This entry is no longer in the history.');
        const read = migrateRecord(raw);
        if ('problem' in read)
          return failed(`This entry is damaged and cannot be renamed (${read.problem}).`);
        const renamed = { ...read.record, name: checked.name };
        const stored = toStoredRecord(renamed);
        if ('problem' in stored) return failed(`This entry cannot be renamed (${stored.problem}).`);
        await entries.put(stored.stored);
        return { ok: true, value: renamed };
      });
    },

    delete(key) {
      return inTransaction('readwrite', 'change', async (entries) => {
        await entries.delete(key);
        return { ok: true, value: undefined };
      });
    },

    clear() {
      return inTransaction('readwrite', 'change', async (entries) => {
        await entries.clear();
        return { ok: true, value: undefined };
      });
    },

    close() {
      db.close();
    },
  };
  return { ok: true, value: store };
}
