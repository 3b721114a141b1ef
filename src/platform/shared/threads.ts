/**
 * How many threads the compute worker's wasm backend runs (platform/worker/backend.ts): one per
 * core but one, so that the page's main thread keeps a core to itself, and one where the page is
 * not cross-origin isolated (no SharedArrayBuffer, no wasm threads). Pure: the page uses it to
 * know, before the worker has started its backend, whether a second compute worker would have a
 * core of its own (platform/state/secondWorker.ts).
 */
export function wasmThreadsFor(cores: number, crossOriginIsolated: boolean): number {
  return crossOriginIsolated ? Math.max(1, (cores || 1) - 1) : 1;
}
