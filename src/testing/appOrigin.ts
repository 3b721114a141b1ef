import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The app's origin for Node tests of the worker's loaders: a `fetch` that serves the files under
 * public/ from disk by URL path, as the built app's origin does. A test can make one file missing
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
    const fault = faults.get(path);
    let bytes: Uint8Array;
    try {
      if (fault === 'missing') throw new Error('missing');
      bytes = new Uint8Array(readFileSync(resolve(PUBLIC, path)));
    } catch {
      return new Response('Not found', { status: 404, statusText: 'Not Found' });
    }
    if (typeof fault === 'function') bytes = fault(bytes);
    return new Response(bytes.slice().buffer, { status: 200 });
  }
  return { fetch, faults, requested };
}
