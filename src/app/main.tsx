import { createEngineClient, createStatsClient } from '../platform/worker/workers';

/**
 * The page's entry, kept small (the worker client and comlink): it starts both workers, then loads
 * the app (start.tsx: React, the store, the views). So the workers' bundles load and start while
 * the browser fetches and runs the app, not after it (bench/app.ts, cold start). The compute
 * worker is not asked for its tfjs backend here: its first-screen engine measures the first
 * accuracies without it, and the app asks for the backend after them (start.tsx).
 */

// A worker that crashes or falls silent is replaced; the controller names it in a notice and asks
// again for what it was computing.
export const client = createEngineClient();
export const statsClient = createStatsClient();

void import('./start');
