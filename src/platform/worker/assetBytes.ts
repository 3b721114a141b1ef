/**
 * The app's data and model files as bytes, fetched from its own origin, with no tfjs: what the
 * compute worker's loaders (assets.ts) and its first-screen engine (earlyEngine.ts) read. A file
 * whose download started ahead of its first use (`prefetchBytes`) is handed to the one load that
 * takes it (`fetchBytes`); `sharedBytes` reads such a file and leaves it there for that load.
 * The datasets' `.u8` files are requested as `.u8.gz` and inflated here (shared/dataFiles.ts).
 */

import { isGzip, servedPath } from '../shared/dataFiles';

/** Where the app is served from: data and models are fetched from the same origin only. */
export const baseUrl = (): URL => new URL(import.meta.env.BASE_URL, self.location.origin);

/** Files whose download has started ahead of their first use, by path. */
const early = new Map<string, Promise<Uint8Array>>();

async function download(path: string): Promise<Uint8Array> {
  const served = servedPath(path);
  const res = await fetch(new URL(served, baseUrl()));
  if (!res.ok) throw new Error(`Could not load ${served}: HTTP ${res.status}.`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // A host that sent the .gz file with Content-Encoding: gzip had the browser inflate it already.
  return served !== path && isGzip(bytes) ? inflate(served, bytes) : bytes;
}

/** The bytes a gzip file holds (the browser's DecompressionStream). */
async function inflate(path: string, gz: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  try {
    const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    throw new Error(`${path} is not a valid gzip file.`);
  }
}

export function fetchBytes(path: string): Promise<Uint8Array> {
  const started = early.get(path);
  if (!started) return download(path);
  early.delete(path); // used once: a later request (after a failure, say) fetches afresh
  return started;
}

/** Starts downloading `path` for a later `fetchBytes`, unless that download has started. */
export function prefetchBytes(path: string): void {
  if (early.has(path)) return;
  const bytes = download(path);
  bytes.catch(() => early.delete(path)); // the load that uses it reports the failure
  early.set(path, bytes);
}

/**
 * The bytes of `path`, left (or started) as a prefetched download for the next `fetchBytes`: the
 * first-screen engine reads a file that the full engine loads again later, from one download.
 */
export function sharedBytes(path: string): Promise<Uint8Array> {
  prefetchBytes(path);
  return early.get(path)!;
}

export function parseJson(path: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    throw new Error(`${path} is not valid JSON.`);
  }
}

export async function fetchJson(path: string): Promise<unknown> {
  return parseJson(path, await fetchBytes(path));
}

/** A file of the wrong length is half-written or another file: say which, and by how much. */
export function checkLength(path: string, bytes: number, expected: number, what: string): void {
  if (bytes !== expected)
    throw new Error(`${path} holds ${bytes} bytes; ${what} need ${expected}.`);
}

/** `map`'s load of `key`, started by `load` unless started before; a failed load is forgotten. */
export function cachedLoad<K, V>(
  map: Map<K, Promise<V>>,
  key: K,
  load: () => Promise<V>,
): Promise<V> {
  let p = map.get(key);
  if (!p) {
    p = load();
    // A failed load is forgotten, so the next request tries again.
    p.catch(() => map.delete(key));
    map.set(key, p);
  }
  return p;
}
