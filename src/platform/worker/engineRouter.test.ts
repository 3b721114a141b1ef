import { describe, expect, it } from 'vitest';
import { engineRouter } from './engineRouter';
import type { Methods } from './engineRouter';

/**
 * The compute worker's routing between its two engines, with fakes: which engine answers each
 * call, when the full engine is loaded, and what happens when loading it fails.
 */

/** A first-screen engine that serves `describeModel` (answering 'early'), and nothing else. */
function fakeEarly() {
  const served: string[] = [];
  let dropped = 0;
  return {
    served,
    get dropped() {
      return dropped;
    },
    serve(method: string, _args: readonly unknown[], fallback: () => Promise<unknown>) {
      if (method === 'describeModel') {
        served.push(method);
        return Promise.resolve('early');
      }
      if (method === 'evaluate') {
        served.push(method);
        // Beyond the kernel pass: handed to the full engine.
        return fallback();
      }
      return null;
    },
    drop() {
      dropped++;
    },
  };
}

/** A full engine whose load the test resolves or fails by hand. */
function fakeLoads() {
  const calls: string[] = [];
  const engine: Methods = {
    describeModel: (...args) => {
      calls.push(`describeModel ${args.join(',')}`);
      return 'full';
    },
    evaluate: () => 'full evaluation',
    init: () => 'backend',
  };
  const pending: { resolve: (e: Methods) => void; reject: (e: Error) => void }[] = [];
  const load = () => new Promise<Methods>((resolve, reject) => pending.push({ resolve, reject }));
  return { calls, engine, pending, load };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('engineRouter', () => {
  it('answers the heartbeat itself, and what the first-screen engine serves, without loading', async () => {
    const early = fakeEarly();
    const full = fakeLoads();
    const api = engineRouter(early, full.load);
    expect(api.ping!()).toBe(true);
    expect(await api.describeModel!('mnist', 'mlp')).toBe('early');
    expect(full.pending).toHaveLength(0);
    expect(early.served).toEqual(['describeModel']);
  });

  it('loads the full engine once for the calls the first-screen engine does not serve, then sends it everything', async () => {
    const early = fakeEarly();
    const full = fakeLoads();
    const api = engineRouter(early, full.load);
    const init = api.init!();
    const evaluation = api.evaluate!('mnist', 'cnn');
    await tick();
    // One load for both; meanwhile the first-screen engine still answers what it serves.
    expect(full.pending).toHaveLength(1);
    expect(await api.describeModel!('mnist', 'cnn')).toBe('early');
    full.pending[0]!.resolve(full.engine);
    expect(await init).toBe('backend');
    expect(await evaluation).toBe('full evaluation');
    expect(early.dropped).toBe(1);
    // Loaded: the full engine answers, with `this` bound to it.
    expect(await api.describeModel!('mnist', 'cnn')).toBe('full');
    expect(full.calls).toEqual(['describeModel mnist,cnn']);
    expect(early.served).toEqual(['evaluate', 'describeModel']);
    expect(full.pending).toHaveLength(1);
  });

  it('tries a failed load again on the next call, and names a method the engine lacks', async () => {
    const early = fakeEarly();
    const full = fakeLoads();
    const api = engineRouter(early, full.load);
    const first = api.init!();
    await tick();
    full.pending[0]!.reject(new Error('chunk failed to load'));
    await expect(first).rejects.toThrow('chunk failed to load');
    expect(early.dropped).toBe(0);
    const second = api.init!();
    await tick();
    expect(full.pending).toHaveLength(2);
    full.pending[1]!.resolve(full.engine);
    expect(await second).toBe('backend');
    await expect(api.noSuchMethod!()).rejects.toThrow('The compute engine has no noSuchMethod.');
  });
});
