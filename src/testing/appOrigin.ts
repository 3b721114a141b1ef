import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isPackedData } from '../platform/shared/dataFiles';

/**
 * The app's origin for Node tests of the worker's loaders: a `fetch` that serves the files under
 * public/ from disk by URL path, as the built app's origin does (the datasets' .u8 files
 * gzip-compressed at <file>.gz, as the build writes them). A test can make one file missing
 * (404) or damaged (`faults`), and sees which paths were asked for (`requested`).
 */
export const APP_ORIGIN = 'http://app.test';

const PUBLIC = resolve(import.meta.dirname, '../../public');

/** What to serve instead of a file: nothing (404), or its bytes changed. */
export type Fault = 'missing' | ((bytes: Uint8Array) => Uint8Array);

export function appOrigin() {
  const faults = new Map<string, Fault>();
  const requested: string[] = [];
  async function fetch(input: RequestInfo | URL): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== APP_ORIGIN) return new Response('other origin', { status: 500 });
    const path = decodeURIComponent(url.pathname.slice(1));
    requested.push(path);
    // A dataset's .u8 file is served as the built app serves it, gzip-compressed at <file>.gz
    // (platform/shared/dataFiles.ts); a fault set on the .u8 path changes the file before that.
    const raw =
      path.endsWith('.u8.gz') && isPackedData(path.slice(0, -3)) ? path.slice(0, -3) : null;
    const fault = faults.get(path);
    const rawFault = raw === null ? undefined : faults.get(raw);
    let bytes: Uint8Array;
    try {
      if (fault === 'missing' || rawFault === 'missing') throw new Error('missing');
      bytes = new Uint8Array(readFileSync(resolve(PUBLIC, raw ?? path)));
    } catch {
      return new Response('Not found', { status: 404, statusText: 'Not Found' });
    }
    if (typeof rawFault === 'function') bytes = rawFault(bytes);
    if (raw !== null) bytes = new Uint8Array(gzipSync(bytes));
    if (typeof fault === 'function') bytes = fault(bytes);
    return new Response(bytes.slice().buffer, { status: 200 });
  }
  return { fetch, faults, requested };
}
