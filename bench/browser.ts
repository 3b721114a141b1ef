import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';

/**
 * Shared set-up of the browser benchmarks: `vite preview` of the built app on its own port,
 * Debian's headless Chromium, and a page opened with `?debug` so that the engine client is
 * reachable as `window.__playground`.
 */
export interface BenchSession {
  page: Page;
  /** The browser, for fresh contexts (a cold visit: empty caches, no service worker). */
  browser: Browser;
  /** http://127.0.0.1:PORT */
  base: string;
  close: () => Promise<void>;
}

/** `BENCH_PORT` (default 4180) and `BENCH_DIST` (default dist/) let a benchmark run beside others. */
const PORT = Number(process.env.BENCH_PORT ?? 4180);
const DIST = process.env.BENCH_DIST;

async function waitForServer(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up in ${ms} ms`);
}

export interface BenchOptions {
  /** More Chromium switches (e.g. `--enable-blink-features=ForceEagerMeasureMemory`). */
  readonly args?: readonly string[];
}

/**
 * Helpers the benchmarks' page.evaluate callbacks share (those run in the page and cannot import
 * module code): openBench installs them before the page's own scripts, as `window.__bench`.
 */
export interface BenchHelpers {
  /** Resolves with the time at which `pred` holds for the store's state (now, if it does). */
  until<S>(
    store: { getState(): S; subscribe(f: (s: S) => void): () => void },
    pred: (s: S) => boolean,
  ): Promise<number>;
  /** Resolves once the next frame is painted (its task ended), with the time. */
  frame(): Promise<number>;
  /**
   * The long-task instrument's own check: runs a deliberate 80 ms task from a timer (code run
   * by page.evaluate itself is not reported as a long task), waits 200 ms, and returns the time
   * it started; an observer that has no task from then is not seeing long tasks.
   */
  longTaskProbe(): Promise<number>;
  /**
   * Drops the page's memo of measured evaluations and the layer-input caches of every compute
   * worker the page has running (`?debug`'s `__playground.engines`; none is started for this), so
   * that a timed evaluation computes rather than looks up.
   */
  dropCaches(): Promise<void>;
}

/** The page's window with the helpers, for the callbacks' casts. */
export type BenchWindow = Window & { __bench: BenchHelpers };

/** Runs in the page (addInitScript): defines `window.__bench`. */
function installBenchHelpers(): void {
  const helpers: BenchHelpers = {
    until: (store, pred) =>
      new Promise<number>((resolve) => {
        if (pred(store.getState())) return resolve(performance.now());
        const off = store.subscribe((s) => {
          if (pred(s)) {
            off();
            resolve(performance.now());
          }
        });
      }),
    frame: () =>
      new Promise<number>((res) =>
        requestAnimationFrame(() => setTimeout(() => res(performance.now()), 0)),
      ),
    longTaskProbe: async () => {
      let spin = 0;
      setTimeout(() => {
        spin = performance.now();
        while (performance.now() - spin < 80) {
          // busy
        }
      }, 0);
      await new Promise((r) => setTimeout(r, 200));
      return spin;
    },
    dropCaches: async () => {
      type Client = {
        call(f: (api: { dropCaches(): Promise<void> }) => unknown): Promise<unknown>;
      };
      const pg = (
        window as unknown as {
          __playground: { engines(): Client[]; evaluations: { clear(): void } };
        }
      ).__playground;
      pg.evaluations.clear();
      for (const c of pg.engines()) await c.call((api) => api.dropCaches());
    },
  };
  (window as unknown as BenchWindow).__bench = helpers;
}

export async function openBench(hash = '', options: BenchOptions = {}): Promise<BenchSession> {
  const server: ChildProcess = spawn(
    'npx',
    [
      'vite',
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(PORT),
      '--strictPort',
      ...(DIST ? ['--outDir', DIST] : []),
    ],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  const base = `http://127.0.0.1:${PORT}`;
  let browser: Browser | null = null;
  try {
    await waitForServer(base, 30_000);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        ...(options.args ?? []),
      ],
    });
    const page = await browser.newPage();
    // tsx (esbuild, keepNames) wraps named functions in the callbacks we pass to page.evaluate in
    // a __name() helper that only exists in Node: give the page a no-op one.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.addInitScript(installBenchHelpers);
    await page.goto(`${base}/?debug#${hash}`);
    await page.waitForFunction(() => 'window' in globalThis && '__playground' in window);
    const b = browser;
    return {
      page,
      browser: b,
      base,
      close: async () => {
        await b.close();
        if (server.pid) process.kill(-server.pid);
      },
    };
  } catch (e) {
    await browser?.close();
    if (server.pid) process.kill(-server.pid);
    throw e;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile (0..100) by nearest rank: p95 of 12 values is the 12th smallest. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Models named on the command line (`tsx bench/evaluate.ts mnist-mlp`), or all of them. */
export function selectedModels(): string[] {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  return args.length > 0 ? args : ['mnist-mlp', 'mnist-cnn', 'fashion-mlp', 'fashion-cnn'];
}

/** What Chromium's `performance.measureUserAgentSpecificMemory()` reported, grouped. */
export interface MemoryReport {
  /** null when the API is missing (not cross-origin isolated, or another browser). */
  readonly totalBytes: number | null;
  /** Per realm: the page, each worker (wasm pthread workers are `blob:` URLs). */
  readonly realms: readonly { readonly url: string; readonly bytes: number }[];
  /** Dedicated workers the page runs, the app's own and the wasm backend's pthread pool. */
  readonly workers: number;
  readonly pthreadWorkers: number;
  /** The compute worker's own realm (engine.worker). */
  readonly engineBytes: number | null;
  /** The compute worker's tfjs.memory(): bytes held by tensors (wasm heap use, not its size). */
  readonly tensorBytes: number;
  readonly tensors: number;
  readonly note: string | null;
}

/**
 * Memory of the page and its workers. Chromium answers measureUserAgentSpecificMemory only in a
 * cross-origin isolated page, and normally after its next garbage collection (up to ~20 s):
 * open the page with `--enable-blink-features=ForceEagerMeasureMemory` (MEMORY_ARGS) to have it
 * measured at once.
 */
export const MEMORY_ARGS = ['--enable-blink-features=ForceEagerMeasureMemory'];

export async function measureMemory(page: Page): Promise<MemoryReport> {
  return page.evaluate(async () => {
    type Api = { memory: () => Promise<{ numTensors: number; numBytes: number }> };
    const w = window as unknown as {
      __playground: { client: { call: <T>(f: (api: Api) => Promise<T>) => Promise<T> } };
    };
    const tf = await w.__playground.client.call((api) => api.memory());
    const perf = performance as Performance & {
      measureUserAgentSpecificMemory?: () => Promise<{
        bytes: number;
        breakdown: { bytes: number; attribution: { url: string; scope: string }[] }[];
      }>;
    };
    if (!perf.measureUserAgentSpecificMemory || !globalThis.crossOriginIsolated)
      return {
        totalBytes: null,
        realms: [],
        workers: 0,
        pthreadWorkers: 0,
        engineBytes: null,
        tensorBytes: tf.numBytes,
        tensors: tf.numTensors,
        note: 'measureUserAgentSpecificMemory unavailable: tf.memory() only',
      };
    const m = await perf.measureUserAgentSpecificMemory();
    const realms: { url: string; bytes: number }[] = [];
    let workers = 0;
    let pthreadWorkers = 0;
    let engineBytes: number | null = null;
    for (const b of m.breakdown) {
      for (const a of b.attribution) {
        realms.push({ url: a.url, bytes: b.bytes });
        if (a.scope !== 'DedicatedWorkerGlobalScope') continue;
        workers++;
        if (a.url.startsWith('blob:')) pthreadWorkers++;
        if (a.url.includes('engine.worker')) engineBytes = (engineBytes ?? 0) + b.bytes;
      }
    }
    return {
      totalBytes: m.bytes,
      realms,
      workers,
      pthreadWorkers,
      engineBytes,
      tensorBytes: tf.numBytes,
      tensors: tf.numTensors,
      note: null,
    };
  });
}

export const mb = (bytes: number | null): string =>
  bytes === null ? 'n/a' : `${(bytes / 1e6).toFixed(1)} MB`;
