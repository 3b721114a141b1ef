import * as Comlink from 'comlink';
import { holdLifeline } from './lifeline';
import { createEarlyEngine } from './earlyEngine';
import { workerKernels } from '../../features/infer/worker/kernelModule';
import type { EngineApi } from './engine';

/**
 * The compute worker's entry: small, with no tfjs. The engine (engine.ts: tfjs, its backend and
 * everything the labs compute) is imported on the first call that needs it, or on `init`. Until
 * then the first-screen engine (earlyEngine.ts) answers the calls it can: a cold visit's model
 * description and first accuracies, on the app's own kernels, while the page itself is still
 * starting (bench/app.ts, cold start). Once the engine is in, every call goes to it.
 */

holdLifeline(self);

const early = createEarlyEngine();
// Both engines run on the kernel module: its 73 KB compile while the first calls are on their way.
workerKernels().catch(() => {}); // a failure is reported by the calls that need the kernels
let engine: EngineApi | null = null;
let loading: Promise<EngineApi> | null = null;

/** The full engine, imported once (a failed import is tried again on the next call). */
function full(): Promise<EngineApi> {
  loading ??= import('./engine').then(
    async (m) => {
      // The first-screen engine answers what it can until the backend is up. A backend that
      // fails to start is reported by the calls that need it (init's among them).
      await m.engine.init().catch(() => {});
      engine = m.engine;
      early.drop();
      return engine;
    },
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

type Method = (...args: unknown[]) => unknown;

const api = new Proxy({} as Record<string, Method>, {
  get(_, name) {
    if (typeof name !== 'string' || name === 'then') return undefined;
    // The heartbeat is answered here, whatever is loading.
    if (name === 'ping') return () => true;
    return (...args: unknown[]) => {
      const onEngine = async () => ((await full()) as unknown as Record<string, Method>)[name]!(...args); // prettier-ignore
      if (engine) return onEngine();
      return early.serve(name, args, onEngine) ?? onEngine();
    };
  },
});

Comlink.expose(api);
