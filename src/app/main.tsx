import { createEngineClient, createStatsClient } from '../platform/worker/workers';

/**
 * The page's entry, kept small (the worker client and comlink): it starts both workers and asks
 * the compute worker to start its backend, then loads the app (start.tsx: React, the store, the
 * views). So the workers' bundles, tfjs's wasm and the backend start while the browser fetches
 * and runs the app, not after it (bench/app.ts, cold start).
 */

// A worker that crashes or falls silent is replaced; the controller names it in a notice and asks
// again for what it was computing.
export const client = createEngineClient();
export const statsClient = createStatsClient();

// Idempotent in the worker: the controller's own init() gets the same backend and reports a
// failure; this early call must only not leave an unhandled rejection.
client.call((api) => api.init()).catch(() => undefined);

void import('./start');
