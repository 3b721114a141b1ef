import * as Comlink from 'comlink';
import { holdLifeline } from './lifeline';
import { createEarlyEngine } from './earlyEngine';
import { engineRouter } from './engineRouter';
import type { Methods } from './engineRouter';
import { workerKernels } from '../../features/infer/worker/kernelModule';

/**
 * The compute worker's entry: small, with no tfjs. The engine (engine.ts: tfjs, its backend and
 * everything the labs compute) is imported on the first call that needs it, or on `init`. Until
 * then the first-screen engine (earlyEngine.ts) answers the calls it can: a cold visit's model
 * description and first accuracies, on the app's own kernels, while the page itself is still
 * starting (bench/app.ts, cold start). Once the engine is in, every call goes to it
 * (engineRouter.ts).
 */

holdLifeline(self);

// Both engines run on the kernel module: its 73 KB compile while the first calls are on their way.
workerKernels().catch(() => {}); // a failure is reported by the calls that need the kernels

Comlink.expose(
  engineRouter(createEarlyEngine(), async () => {
    const { engine } = await import('./engine');
    // A backend that fails to start is reported by the calls that need it (init's among them).
    await engine.init().catch(() => {});
    return engine as unknown as Methods;
  }),
);
