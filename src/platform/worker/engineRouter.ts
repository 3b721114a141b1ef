import type { EarlyEngine } from './earlyEngine';

/** An engine's methods, by name (the full engine's `engine` object, engine.ts). */
export type Methods = Record<string, (...args: unknown[]) => unknown>;

/**
 * The compute worker's API as its entry exposes it (engine.worker.ts): each call goes to the full
 * engine once that is loaded, and until then to the first-screen engine where it serves the call
 * (earlyEngine.ts), else to the full engine, loaded for it. `load` imports the full engine and
 * starts its backend: the first-screen engine answers what it can until both are done. A failed
 * load is tried again on the next call that needs it. The heartbeat (`ping`) is answered here,
 * whatever is loading.
 */
export function engineRouter(
  early: Pick<EarlyEngine, 'serve' | 'drop'>,
  load: () => Promise<Methods>,
): Methods {
  let engine: Methods | null = null;
  let loading: Promise<Methods> | null = null;
  const full = (): Promise<Methods> => {
    loading ??= load().then(
      (e) => {
        engine = e;
        early.drop();
        return e;
      },
      (e: unknown) => {
        loading = null;
        throw e;
      },
    );
    return loading;
  };
  return new Proxy({} as Methods, {
    get(_, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      if (name === 'ping') return () => true;
      return (...args: unknown[]) => {
        const onEngine = async () => {
          const e = await full();
          const method = e[name];
          if (typeof method !== 'function') throw new Error(`The compute engine has no ${name}.`);
          return method.apply(e, args);
        };
        if (engine) return onEngine();
        return early.serve(name, args, onEngine) ?? onEngine();
      };
    },
  });
}
