import { createRequire } from 'node:module';
import type { Page, Worker } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import config from '../playwright.config';
import { DEFAULT_CONFIG } from '../src/platform/shared/config';
import { expect, test } from './fixtures';

/**
 * A playground that bad links, dying workers and long jobs cannot break: worker faults tried
 * from outside (a worker that ends itself, one whose event loop never yields), cancelling a
 * long sweep, the security headers and a session under the CSP, a few dozen hostile links in one
 * page, and a soak of 500 rapid setting changes.
 */

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

// The soak measures the workers' memory with measureUserAgentSpecificMemory, which answers at once
// with this switch (else after the next GC, 10–20 s per call). The config's launch options plus it.
const launch = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...launch,
    args: [...(launch.args ?? []), '--enable-blink-features=ForceEagerMeasureMemory'],
  },
});

interface Playground {
  client: { pendingCount: number; workerGeneration: number };
  stats: { pendingCount: number; workerGeneration: number };
  /** The second compute worker (sweeps and slow evaluations); `client()` starts it. */
  second: { started: boolean; client(): { pendingCount: number } };
  /** The page's memo of measured evaluations (platform/state/evaluationMemo.ts). */
  evaluations: { clear(): void };
  store: {
    getState(): {
      busy: Set<string>;
      notices: { kind: string; text: string }[];
      config: { view: string };
      [action: string]: unknown;
    };
  };
}
type Win = Window & { __playground: Playground };

function percent(text: string | null): number {
  const m = /(-?[\d.]+)%/.exec(text ?? '');
  if (!m) throw new Error(`no percentage in "${text}"`);
  return Number(m[1]);
}

/** The compressed model's accuracy once the full test set is in, for the current settings. */
async function fullQuantAccuracy(page: Page, testCount = '2,000'): Promise<string> {
  const acc = page.getByTestId('quant-accuracy');
  await expect(acc).toHaveAttribute('data-current', 'true', { timeout: 60_000 });
  const note = page.getByTestId('quant-accuracy-note');
  await expect(note).toContainText(`/ ${testCount} correct`, { timeout: 60_000 });
  await expect(note).not.toContainText('quick estimate');
  return (await acc.textContent()) ?? '';
}

async function worker(page: Page, name: 'engine' | 'stats'): Promise<Worker> {
  await expect
    .poll(() => page.workers().filter((w) => w.url().includes(`${name}.worker`)).length)
    .toBeGreaterThan(0);
  // The first one: the app's own, started with the page. The Export and Speed panels start
  // compute workers of their own later (same script); closing one of those proves nothing.
  const all = page.workers().filter((w) => w.url().includes(`${name}.worker`));
  return all[0]!;
}

/** Calls a store action by name with these arguments (the page's `?debug` handle). */
function act(page: Page, action: string, ...args: unknown[]): Promise<void> {
  return page.evaluate(
    ([a, rest]) => {
      const s = (window as unknown as Win).__playground.store.getState();
      (s[a] as (...x: unknown[]) => void)(...rest);
    },
    [action, args] as const,
  );
}

const busyCount = (page: Page) =>
  page.evaluate(() => (window as unknown as Win).__playground.store.getState().busy.size);

test.describe('worker faults', () => {
  test('the compute worker ends itself (self.close) mid-evaluation: named, restarted, the accuracy fills in without a click', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto('/?debug#v=3&data=mnist&model=mlp&view=quantize');
    await fullQuantAccuracy(page);
    const engine = await worker(page, 'engine');
    // The worker ends itself without a word; the next setting's evaluation goes to it and gets
    // no answer. (Were it sent first, a fast evaluation could finish before the close, and an
    // idle worker's death is noticed only when work is next sent.)
    await engine.evaluate(() => self.close());
    await act(page, 'setWeightQuant', { bits: 3 });
    const notice = page.getByRole('alert').filter({ hasText: 'compute worker' });
    // Noticed at once through its lifeline lock (lifeline.ts), not after the heartbeat's 15 s of
    // silence: the bound is well under that, with room for a loaded machine.
    await expect(notice).toContainText('The compute worker stopped: it ended without an error.', {
      timeout: 8_000,
    });
    await expect(notice).toContainText('restarted');
    const after = await fullQuantAccuracy(page);
    expect(
      await page.evaluate(() => (window as unknown as Win).__playground.client.workerGeneration),
    ).toBe(2);
    await expect(page).toHaveURL(/wb=3/);
    // The same settings computed fresh in a new page show the same number.
    const fresh = await page.context().newPage();
    await fresh.goto(`/${new URL(page.url()).hash}`);
    expect(await fullQuantAccuracy(fresh)).toBe(after);
    await fresh.close();
  });

  test('the statistics worker hangs (an event loop that never yields): named, restarted, the histogram drawn again', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto('/?debug#v=3&data=mnist&model=mlp&view=quantize');
    await fullQuantAccuracy(page);
    const histogram = page.getByTestId('quant-histogram');
    await expect(histogram).toHaveAttribute('data-current', 'true');
    const stats = await worker(page, 'stats');
    await stats.evaluate(() => {
      setTimeout(() => {
        for (;;) {
          // blocked for good
        }
      }, 0);
    });
    await act(page, 'setWeightQuant', { bits: 2 });
    await expect(page.getByRole('alert').filter({ hasText: 'statistics worker' })).toContainText(
      'The statistics worker stopped answering',
      { timeout: 40_000 },
    );
    // Symmetric 2-bit: at most three levels, drawn for the new settings.
    await expect(histogram).toHaveAttribute('data-current', 'true');
    await expect(histogram).toHaveAttribute('data-levels', /^[1-3]$/);
    await fullQuantAccuracy(page);
  });
});

test.describe('cancelling long jobs', () => {
  test('cancelling the Fashion CNN bit-width sweep frees the compute worker at once; it can be run again', async ({
    page,
  }) => {
    await page.goto('/?debug#v=3&data=fashion&model=cnn&view=quantize');
    await fullQuantAccuracy(page, '10,000');
    const control = page.getByTestId('sweep-control');
    await expect(control).toHaveAttribute('data-phase', 'running');
    await expect(page.getByTestId('sweep-chart')).not.toHaveAttribute('data-points', '0', {
      timeout: 30_000,
    });
    // The sweep is shared between the two compute workers (fashion-cnn's is long). Checked before
    // the cancel: that closes the second worker if it has a point in flight (a slower machine's
    // case), and then it is no longer started.
    expect(await page.evaluate(() => (window as unknown as Win).__playground.second.started)).toBe(
      true,
    );
    await page.getByRole('button', { name: 'Cancel the bit-width sweep' }).click();
    const cancelledAt = Date.now();
    await expect(control).toHaveAttribute('data-phase', 'cancelled');
    await expect(control).toContainText('Cancelled');
    // Freed at once: the sweep's step ended within the grace (300 ms) and nothing is left on
    // the worker, or it did not and the worker was restarted (a new generation); the second
    // worker has nothing in flight either (closed if it had).
    const freed = () =>
      page.evaluate(() => {
        const p = (window as unknown as Win).__playground;
        return (
          !p.store.getState().busy.has('sweep') &&
          (p.client.workerGeneration > 1 || p.client.pendingCount === 0) &&
          (!p.second.started || p.second.client().pendingCount === 0)
        );
      });
    await expect
      .poll(freed, { timeout: 1_500, message: 'a compute worker was still busy with the sweep' })
      .toBe(true);
    const freedMs = Date.now() - cancelledAt;
    expect(freedMs, `the worker was free ${freedMs} ms after Cancel`).toBeLessThan(1_500);
    // A new setting is measured now, not after the rest of the sweep. Per-channel weights are
    // another sweep too (a new bit-width alone is the same sweep, which stays cancelled).
    await act(page, 'setWeightQuant', { granularity: 'channel' });
    await fullQuantAccuracy(page, '10,000');
    // Its own sweep starts; cancel it and run it again from the button.
    await expect(control).toHaveAttribute('data-phase', 'running');
    await page.getByRole('button', { name: 'Cancel the bit-width sweep' }).click();
    await expect(control).toHaveAttribute('data-phase', 'cancelled');
    await page.addScriptTag({ path: AXE_PATH });
    const serious = await page.evaluate(async () => {
      const { axe } = window as unknown as { axe: { run(d: Document): Promise<AxeResults> } };
      const r = await axe.run(document);
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    expect(serious).toEqual([]);
    await page.getByRole('button', { name: 'Run again: bit-width sweep' }).click();
    await expect(control).toHaveAttribute('data-phase', 'running');
  });
});

test.describe('security headers', () => {
  test('the built app is served with the CSP, nosniff, a referrer policy and isolation; a session under it has no violation', async ({
    page,
    guards,
  }) => {
    const responses = new Map<string, Record<string, string>>();
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path === '/' || /\.(js|wasm)$/.test(path) || path.endsWith('weights.bin'))
        responses.set(path, r.headers());
    });
    await page.goto('/#v=3&data=mnist&model=cnn&view=quantize&ab=8');
    await fullQuantAccuracy(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByText(/^wasm/).first()).toBeVisible();
    const doc = responses.get('/')!;
    const csp = doc['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' blob:(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(doc['x-content-type-options']).toBe('nosniff');
    expect(doc['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(doc['cross-origin-opener-policy']).toBe('same-origin');
    expect(doc['cross-origin-embedder-policy']).toBe('require-corp');
    // Workers take their CSP from their own script's response.
    const workerScripts = [...responses.entries()].filter(([p]) => /worker.*\.js$/.test(p));
    expect(workerScripts.length).toBeGreaterThan(0);
    for (const [path, h] of workerScripts) expect(h['content-security-policy'], path).toBe(csp);
    // A session through every view; the guards then check no violation and no foreign request.
    for (const tab of ['Prune & cluster', 'Train', 'Try it', 'History', 'Model', 'Quantize']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
      await page.waitForTimeout(1500);
    }
    await fullQuantAccuracy(page);
    expect(guards.violations).toEqual([]);
    expect(guards.foreign).toEqual([]);
  });
});

/** A deterministic stream of numbers (mulberry32) for the hostile links. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a few dozen truncated, corrupted and crafted links in one page: the app stays usable', async ({
  page,
}) => {
  const good = 'v=3&data=mnist&model=mlp&view=quantize&wb=4&sp=50&pm=mag';
  const crafted = [
    'v=9&data=fashion&model=cnn&zz=1',
    'v=1&data=mnist&model=mlp&w=int&wb=8',
    'v=2&data=fashion',
    'v=0&wb=4',
    'v=-1',
    '__proto__=x&constructor=y&prototype=z&wb=4',
    'ov=__proto__:4,constructor:2&pov=__proto__:0.5',
    'layer=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
    'les=%3Cscript%3Ealert(1)%3C/script%3E',
    `bins=${'9'.repeat(400)}`,
    `v=3&wb=${'1'.repeat(5000)}`,
    'wb=1e308&ab=-1e308&sp=NaN&bins=Infinity',
    'data=%E0%A4%A&model=%',
    'tm=trained:../../etc/passwd',
    'trc=%7B%22__proto__%22%3A%7B%22polluted%22%3A1%7D%7D',
    'hide=' + 'sweep,'.repeat(300),
    'v=3&&&&==&=&a&&',
    'view=history&view=tryit&view=nope',
    '\u0000\u0001',
  ];
  const rng = random(20251201);
  const mutated: string[] = [];
  for (let i = 0; i < 20; i++) {
    const cut = good.slice(0, Math.floor(rng() * good.length));
    const j = Math.floor(rng() * good.length);
    const flipped =
      good.slice(0, j) +
      String.fromCharCode(good.charCodeAt(j) ^ (1 << Math.floor(rng() * 7))) +
      good.slice(j + 1);
    mutated.push(i % 2 === 0 ? cut : flipped);
  }
  await page.goto('/?debug');
  await expect(page.getByTestId('accuracy-note')).toContainText('correct', { timeout: 60_000 });
  const links = [...crafted, ...mutated];
  expect(links.length).toBeGreaterThanOrEqual(36);
  for (const link of links) {
    await page.evaluate((h) => {
      window.location.hash = h;
    }, link);
    await page.waitForTimeout(120);
    // The page still answers: a tab can be chosen.
    await expect(page.getByRole('tablist')).toBeVisible();
  }
  // The bad ones said so, in a notice the user can dismiss.
  await expect(
    page.getByRole('status').filter({ hasText: 'This link had problems' }).first(),
  ).toBeAttached();
  // Nothing reached the page's prototypes.
  expect(await page.evaluate(() => ({}) as Record<string, unknown>)).toEqual({});
  expect(await page.evaluate(() => (Object.prototype as Record<string, unknown>).polluted)).toBe(
    undefined,
  );
  // A final good link shows its accuracy.
  await page.evaluate((h) => {
    window.location.hash = h;
  }, good);
  await expect(page).toHaveURL(/wb=4/);
  await fullQuantAccuracy(page);
  expect(percent(await page.getByTestId('quant-accuracy').textContent())).toBeGreaterThan(50);
});

/** The compute worker's memory (engine.memory()) and every worker's JS heap, as the page sees them. */
interface SoakMemory {
  tensors: number;
  /** The wasm backend's heap: the size of its WebAssembly.Memory (it only grows). */
  wasmHeap: number;
  /** The JS heaps of the page's dedicated workers, summed: compute, statistics, a panel's own. */
  workersJs: number;
  /** The page's own JS heap: printed, not checked (its caches and history grow by design). */
  pageJs: number;
  realms: string[];
}

/**
 * measureUserAgentSpecificMemory (the page is cross-origin isolated) measures each realm in a
 * full garbage collection's marking, so it counts what is reachable, not garbage not yet
 * collected. With the launch switch below it answers at once rather than after the next GC (~20 s).
 */
async function soakMemory(page: Page): Promise<SoakMemory> {
  return page.evaluate(async () => {
    type Memory = { numTensors: number; wasmHeapBytes: number | null };
    const client = (
      window as unknown as {
        __playground: {
          client: { call<T>(f: (api: { memory(): Promise<Memory> }) => Promise<T>): Promise<T> };
        };
      }
    ).__playground.client;
    const m = await client.call((api) => api.memory());
    const measure = (
      performance as Performance & {
        measureUserAgentSpecificMemory?: () => Promise<{
          breakdown: { bytes: number; attribution: { url: string; scope: string }[] }[];
        }>;
      }
    ).measureUserAgentSpecificMemory;
    if (!measure || !globalThis.crossOriginIsolated)
      throw new Error('measureUserAgentSpecificMemory is unavailable (not cross-origin isolated?)');
    const r = await measure.call(performance);
    let workersJs = 0;
    let pageJs = 0;
    const realms: string[] = [];
    for (const b of r.breakdown)
      for (const a of b.attribution) {
        realms.push(`${a.scope} ${a.url.replace(location.origin, '')}: ${b.bytes} B`);
        if (a.scope === 'DedicatedWorkerGlobalScope') workersJs += b.bytes;
        else if (a.scope === 'Window') pageJs += b.bytes;
      }
    return { tensors: m.numTensors, wasmHeap: m.wasmHeapBytes ?? -1, workersJs, pageJs, realms };
  });
}

const MB = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/**
 * The workers keep the compressed models of their last 24 settings (bounded LRU caches,
 * src/features/compress/shared/compressed.ts): about 2 MB each for the MLP, so how full they are
 * moves a worker's heap by tens of MB. This puts the same 28 settings through the workers' caches
 * (the statistics worker's layer errors and size report, each compute worker's evaluation of one
 * image), so that before and after the soak they hold the same entries and a full cache is not
 * mistaken for a leak, nor an emptier one for a fix. The statistics worker summarizes layers on a
 * uniform grid without pruning (its summary cache), compresses the others layer by layer (binary,
 * stochastic rounding: its layer cache, which the soak's 1-bit steps fill), and a pruned model
 * whole (its model cache, which the soak's pruning fills): each setting goes through all three.
 */
async function fillCaches(page: Page): Promise<void> {
  await page.evaluate(async () => {
    type Api = Record<string, (...a: unknown[]) => Promise<unknown>>;
    type Client = { call<T>(f: (api: Api) => Promise<T>): Promise<T> };
    const w = window as unknown as {
      __playground: {
        client: Client;
        second: { client(): Client };
        engines(): Client[];
        stats: Client;
        store: { getState(): { config: never } };
      };
    };
    const c = w.__playground.store.getState().config as Record<string, unknown> & {
      weights: object;
    };
    // Every compute worker (the second, which shares sweeps and slow evaluations, started here if
    // it is not running; the export panel's own, if the Prune tab started it), their layer-input
    // pools emptied: how many 64 KiB chunks a pool holds depends on which evaluations it last ran
    // (up to 96 MB), not on a leak.
    w.__playground.second.client();
    const compute = w.__playground.engines();
    for (const k of compute) await k.call((api) => api.dropCaches!(true));
    for (const granularity of ['tensor', 'channel'])
      for (const scheme of ['symmetric', 'affine'])
        for (let bits = 2; bits <= 8; bits++) {
          const settings = {
            weights: { ...c.weights, format: 'int', bits, scheme, granularity },
            overrides: c.overrides,
            seed: c.seed,
            prune: { ...(c.prune as object), method: 'none' },
            cluster: c.cluster,
          };
          await w.__playground.stats.call((api) => api.layerErrors!('mnist', 'mlp', settings));
          await w.__playground.stats.call((api) =>
            api.compressionReport!('mnist', 'mlp', settings, c.storage),
          );
          for (const other of [
            { ...settings, weights: { ...settings.weights, rounding: 'stochastic' } },
            { ...settings, prune: { ...(c.prune as object), method: 'magnitude', sparsity: 0.5 } },
          ])
            await w.__playground.stats.call((api) => api.layerErrors!('mnist', 'mlp', other));
          for (const k of compute)
            await k.call((api) =>
              api.evaluate!('mnist', 'mlp', { weights: settings, acts: null }, 1),
            );
        }
    for (const k of compute) await k.call((api) => api.dropCaches!(true));
  });
}

test('soak: 500 rapid setting changes across views; the result equals a fresh computation, no tensor leaks, the workers’ memory back to its baseline', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const settle = async () => {
    await expect.poll(() => busyCount(page), { timeout: 120_000 }).toBe(0);
  };
  const views = ['quantize', 'prune', 'model', 'quantize', 'train', 'prune'];
  /** One round: 24 store changes in quick succession (a few ms apart), then a tab clicked. */
  const round = async (r: number): Promise<number> => {
    const n = await page.evaluate(async (r) => {
      const s = () => (window as unknown as Win).__playground.store.getState();
      const call = (a: string, ...x: unknown[]) => (s()[a] as (...y: unknown[]) => void)(...x);
      let n = 0;
      for (let i = 0; i < 24; i++) {
        const k = (r * 24 + i) % 8;
        if (k === 0) call('setWeightQuant', { bits: 1 + ((r + i) % 8) });
        else if (k === 1)
          call('setPrune', { method: 'magnitude', sparsity: ((r * 7 + i) % 10) / 10 });
        else if (k === 2) call('setActQuant', { bits: (r + i) % 2 === 0 ? 0 : 8 });
        else if (k === 3) call('setWeightQuant', { granularity: i % 2 ? 'channel' : 'tensor' });
        else if (k === 4) call('setArch', (r + i) % 3 === 0 ? 'cnn' : 'mlp');
        else if (k === 5) call('setBins', 32 + ((r + i) % 4) * 16);
        else if (k === 6) call('setPrune', { method: (r + i) % 2 ? 'global' : 'none' });
        else call('setWeightQuant', { scheme: (r + i) % 2 ? 'affine' : 'symmetric' });
        n++;
        await new Promise((res) => setTimeout(res, 3));
      }
      return n;
    }, r);
    // …then one through the UI: a tab, and the UI must answer it.
    const tab = { quantize: 'Quantize', prune: 'Prune & cluster', model: 'Model', train: 'Train' }[
      views[r % views.length]! as 'quantize'
    ];
    await page.getByRole('tab', { name: tab }).click({ timeout: 5_000 });
    await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true', {
      timeout: 5_000,
    });
    return n + 1;
  };
  /** Lands on a known view and model family with compression on: a result to compare. */
  const land = async (): Promise<number> => {
    await act(page, 'setView', 'quantize');
    await act(page, 'setArch', 'mlp');
    await act(page, 'setWeightQuant', { bits: 5, scheme: 'symmetric', granularity: 'channel' });
    return 3;
  };
  const ROUNDS = 20;

  const testStart = Date.now();
  await page.goto('/?debug#v=3&data=mnist&model=cnn&view=quantize');
  await fullQuantAccuracy(page);
  // Warm-up, so that what loads or grows once is in the baseline rather than counted as growth.
  // First the heaviest settings with each model, settled, and every view with the MLP: both
  // models, activation calibration (the CNN's grows the wasm heap from about 20 MB to 275 MB),
  // the views' kernels. (The CNN's Prune view, a 35 s sparsity sweep here, is left out: it grew
  // neither heap by more than 1.3 MB.)
  // The page's memo of measured evaluations forgotten first: the load's sweep, shared between
  // both compute workers, measured some of these settings, and the first worker must run them.
  await page.evaluate(() => (window as unknown as Win).__playground.evaluations.clear());
  for (const arch of ['cnn', 'mlp']) {
    await act(page, 'setArch', arch);
    await act(page, 'setActQuant', { bits: 8 });
    await act(page, 'setWeightQuant', { bits: 3, granularity: 'channel', scheme: 'affine' });
    await act(page, 'setPrune', { method: 'global', sparsity: 0.5 });
    for (const view of arch === 'cnn' ? ['quantize'] : ['quantize', 'prune', 'model', 'train']) {
      await act(page, 'setView', view);
      await settle();
    }
  }
  // Each compute worker's wasm heap reaches its peak at the CNN's activation calibration (about
  // 105 → 315 MB): run it on every worker here, so that the baseline does not depend on which
  // worker the load's shared sweep and the jobs above landed on (a clean CI run once measured
  // 218.9 MB here, and 315.2 MB after the soak).
  await page.evaluate(
    async (acts) => {
      type Client = {
        call<T>(
          f: (api: Record<string, (...a: unknown[]) => Promise<T>>) => Promise<T>,
        ): Promise<T>;
      };
      const pg = (
        window as unknown as {
          __playground: { second: { client(): Client }; engines(): Client[] };
        }
      ).__playground;
      pg.second.client();
      for (const k of pg.engines())
        await k.call((api) => api.evaluate!('mnist', 'cnn', { weights: null, acts }));
    },
    { ...DEFAULT_CONFIG.acts, bits: 8 },
  );
  // Then the soak's own last rounds and landing, so that what rapid changes leave once (code the
  // JIT compiles for them, the small caches of histograms and calibrations) is in the baseline
  // too; fillCaches then gives the compressed-model caches the entries they will hold at the end.
  for (let r = ROUNDS - 4; r < ROUNDS; r++) await round(r);
  await land();
  await fullQuantAccuracy(page);
  await settle();
  await fillCaches(page);
  const baseline = await soakMemory(page);
  const soakStart = Date.now();

  // The main thread's longest gap between two frames while the changes go in.
  await page.evaluate(() => {
    const w = window as unknown as { __maxGap: number; __soaking: boolean };
    w.__maxGap = 0;
    w.__soaking = true;
    let last = performance.now();
    const tick = (t: number) => {
      w.__maxGap = Math.max(w.__maxGap, t - last);
      last = t;
      if (w.__soaking) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

  let changes = 0;
  for (let r = 0; r < ROUNDS; r++) changes += await round(r);
  changes += await land();
  expect(changes).toBeGreaterThanOrEqual(500);
  const maxGap = await page.evaluate(() => {
    const w = window as unknown as { __maxGap: number; __soaking: boolean };
    w.__soaking = false;
    return w.__maxGap;
  });
  expect(maxGap, `longest frame gap during the soak: ${Math.round(maxGap)} ms`).toBeLessThan(2_000);

  const shown = await fullQuantAccuracy(page);
  await settle();
  const size = await page.getByTestId('quant-size').textContent();
  const levels = await page.getByTestId('quant-histogram').getAttribute('data-levels');
  const url = page.url();
  const soakSeconds = Math.round((Date.now() - soakStart) / 1000);
  await fillCaches(page);
  const after = await soakMemory(page);

  const fresh = await page.context().newPage();
  await fresh.goto(`/${new URL(url).hash}`);
  expect(await fullQuantAccuracy(fresh)).toBe(shown);
  await expect(fresh.getByTestId('quant-size')).toHaveText(size ?? '');
  await expect(fresh.getByTestId('quant-histogram')).toHaveAttribute('data-levels', levels ?? '');
  await fresh.close();

  const seen = [
    `warm-up ${Math.round((soakStart - testStart) / 1000)} s; ${changes} changes and their results in ${soakSeconds} s`,
    `tensors ${baseline.tensors} → ${after.tensors}`,
    `wasm heap ${MB(baseline.wasmHeap)} → ${MB(after.wasmHeap)}`,
    `workers' JS heap ${MB(baseline.workersJs)} → ${MB(after.workersJs)}`,
    `page's JS heap ${MB(baseline.pageJs)} → ${MB(after.pageJs)} (not checked)`,
    `realms before: ${baseline.realms.join('; ')}`,
    `realms after: ${after.realms.join('; ')}`,
  ].join('\n');
  test.info().annotations.push({ type: 'soak memory', description: seen });
  console.log(`soak memory:\n${seen}`);
  // Every tensor the 500 changes made was disposed: the count is back where it was.
  expect(after.tensors, seen).toBe(baseline.tensors);
  // The wasm heap never shrinks: it grows when the allocator finds no free block big enough.
  // With no tensor left over it need not grow, but fragmentation, or a superseded evaluation's
  // buffers still held while the next one allocates, could force one more growth step, and
  // Emscripten grows by a fifth of the heap at a time (tfjs-backend-wasm's emscripten_resize_heap).
  // So one step is allowed: 25 % over the baseline. More is a leak outside tfjs's tensor count
  // (which the check above covers): about 140 kB per change kept in the heap over the soak.
  expect(after.wasmHeap, seen).toBeGreaterThan(0);
  expect(after.wasmHeap, seen).toBeLessThanOrEqual(baseline.wasmHeap * 1.25);
  // The workers' JS heaps, measured in a full GC's marking (live objects only) with their caches
  // holding the same entries and the compute workers' layer-input pools empty (fillCaches), back
  // within 2 % plus 2 MB: room for code the JIT compiled for paths the soak took more often than
  // the warm-up, and for V8's allocation pages (measured: 0.1–0.3 MB of 237–270 MB). Results or
  // closures of 20 kB kept per change (10 MB) exceed it. (With the pools as the soak left them,
  // 5 % was not enough: a pool holds up to 96 MB, as its worker's last evaluations needed.)
  expect(after.workersJs, seen).toBeLessThanOrEqual(baseline.workersJs * 1.02 + 2e6);
});
