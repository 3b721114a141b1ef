import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test } from './fixtures';
import { DEFAULT_CONFIG } from '../src/platform/shared/config';
import { compressSettings } from '../src/features/compress';
import type { EvalRequest } from '../src/platform/worker/engine';
import type { IntEvaluation, SpeedReport } from '../src/features/infer/worker';
import {
  PLANE_MAX_7BIT,
  PLANE_MAX_8BIT,
  TWO_PASSES_NOTE,
  TWO_STEP_NOTE,
  WINOGRAD_NOTE,
  gemmWeights,
} from '../src/features/infer/shared/plan';
import type { KernelPath } from '../src/features/infer/shared/plan';

/**
 * The integer WebAssembly path in the built app's compute worker (Chromium): the kernels load
 * from their hashed assets under the app's CSP (the relaxed-SIMD build, which Chromium runs, and
 * the SIMD128 one), evaluate a W8A8 config with the fake-quant float path's predictions, and the
 * speed measurement runs all paths. Node 20's V8 computes relaxed SIMD's dot product wrongly, so
 * the relaxed build's exact sums are tested here, in Chromium.
 */
const W8A8: EvalRequest = {
  weights: compressSettings(DEFAULT_CONFIG),
  acts: { ...DEFAULT_CONFIG.acts, bits: 8 },
};
const W4A8: EvalRequest = {
  weights: compressSettings({ ...DEFAULT_CONFIG, weights: { ...DEFAULT_CONFIG.weights, bits: 4 } }),
  acts: { ...DEFAULT_CONFIG.acts, bits: 8 },
};

type Client = { call: <T>(f: (api: Record<string, (...a: unknown[]) => T>) => T) => Promise<T> };

async function call<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ({ method, args }) => {
      const w = window as unknown as { __playground: { client: Client } };
      return w.__playground.client.call((api) => api[method]!(...args)) as Promise<T>;
    },
    { method, args },
  );
}

const KERNEL_FILES: Record<KernelPath, string> = {
  simd128: 'src/features/infer/worker/intkernels.wasm',
  'relaxed-simd': 'src/features/infer/worker/intkernels-relaxed.wasm',
};

interface GemmCase {
  m: number;
  k: number;
  n: number;
  lo: number;
  hi: number;
  affine: boolean;
  /** The share of codes that pack to 0 (rows as a ReLU's output: the kernels skip such quads). */
  zeros?: number;
  /** Every row code this value instead (random by default). */
  fill?: number;
}

/**
 * Random codes for `c`, the exact sums Σ (u − zx)(w − wzp), and the sums a fresh instance of the
 * `path` build returns in the page (ik_pack_rows + ik_gemm_acc) with weight planes of at most
 * `planeMax` (at 255 without zero-points: the signed form).
 */
async function gemmSums(
  page: Page,
  c: GemmCase,
  rand: () => number,
  path: KernelPath,
  planeMax = PLANE_MAX_7BIT,
): Promise<{ want: number[]; got: number[] }> {
  const { m, k, n, lo, hi, affine, zeros = 0, fill } = c;
  const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
  const w = Int8Array.from({ length: n * k }, () => int(lo, hi));
  const zx = int(0, 255);
  const wzp = affine
    ? Int32Array.from({ length: Math.ceil(n / 8) * 8 }, (_, j) => (j < n ? int(-128, 127) : 0))
    : null;
  const g = gemmWeights(w, wzp, n, k, zx, path, planeMax);
  // The code a row packs as 0: zx (SIMD128), 128 (relaxed planes, u − 128), 0 (the signed form).
  const zero = path === 'simd128' ? zx : g.signed ? 0 : 128;
  const x = Array.from({ length: m * k }, () =>
    fill !== undefined ? fill : rand() < zeros ? zero : int(0, 255),
  );
  const want: number[] = [];
  for (let r = 0; r < m; r++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += (x[r * k + i]! - zx) * (w[j * k + i]! - (wzp?.[j] ?? 0));
      want.push(s);
    }
  const got = await page.evaluate(
    async (p) => {
      const { instance } = await WebAssembly.instantiate(new Uint8Array(p.bytes));
      const f = instance.exports as Record<string, (...a: number[]) => number> & {
        memory: WebAssembly.Memory;
      };
      const put = (a: number[], bpe: 1 | 4, signed: boolean): number => {
        const ptr = f.ik_alloc!(a.length * bpe);
        const View = bpe === 4 ? Int32Array : signed ? Int8Array : Uint8Array;
        new View(f.memory.buffer, ptr, a.length).set(a);
        return ptr;
      };
      const a = f.ik_alloc!(p.m * p.kp * 2 + 16);
      const rs = f.ik_alloc!(p.m * 4);
      f.ik_pack_rows!(put(p.x, 1, false), p.m, p.k, p.kp, p.zx, p.signed ? 1 : 0, a, rs);
      const out = f.ik_alloc!(p.m * p.n * 4);
      const z = p.wzp ? put(p.wzp, 4, true) : 0;
      const b = p.bias ? put(p.bias, 4, true) : 0;
      f.ik_gemm_acc!(a, rs, p.m, p.kp, put(p.weights, 1, true), p.signed ? 0 : p.planes, z, p.n, b, out); // prettier-ignore
      return Array.from(new Int32Array(f.memory.buffer, out, p.m * p.n));
    },
    {
      bytes: Array.from(readFileSync(KERNEL_FILES[path])),
      m,
      k,
      n,
      zx,
      x,
      kp: g.kp,
      weights: Array.from(g.weights),
      planes: g.planes,
      signed: g.signed,
      wzp: g.wzp ? Array.from(g.wzp) : null,
      bias: g.bias ? Array.from(g.bias) : null,
    },
  );
  return { want, got };
}

test('the compute worker evaluates W8A8 on the integer kernels and times both paths', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/?debug#v=3');
  await page.waitForFunction(() => '__playground' in window);
  for (const arch of ['mlp', 'cnn']) {
    const r = await call<IntEvaluation>(page, 'intEvaluate', 'mnist', arch, W8A8);
    expect(r.count).toBe(2000);
    // 8-bit weights in one whole-byte plane exactly where this engine's dot product sums such
    // bytes exactly (x86 with AVX-VNNI), in two 7-bit planes elsewhere.
    let state = 7;
    const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const wide = await gemmSums(page, { m: 33, k: 784, n: 20, lo: -128, hi: 127, affine: true }, rand, 'relaxed-simd', PLANE_MAX_8BIT); // prettier-ignore
    // The signed form (no zero-points): the raw codes are the byte operand, read unsigned.
    const signed = await gemmSums(page, { m: 33, k: 784, n: 20, lo: -128, hi: 127, affine: false }, rand, 'relaxed-simd', PLANE_MAX_8BIT); // prettier-ignore
    const exact = wide.got.join() === wide.want.join();
    expect(signed.got.join() === signed.want.join()).toBe(exact);
    // Rows of mostly 0, 97% of the codes (the kernels leave out the quads of k that are 0 in
    // every row of a block): exact sums on both builds, and on the wide planes and the signed
    // form where the dense ones are exact.
    for (const path of ['simd128', 'relaxed-simd'] as const)
      for (const affine of [true, false]) {
        const sparse = await gemmSums(page, { m: 37, k: 784, n: 20, lo: -128, hi: 127, affine, zeros: 0.97 }, rand, path); // prettier-ignore
        expect(sparse.got).toEqual(sparse.want);
        if (path === 'relaxed-simd' && exact) {
          const w = await gemmSums(page, { m: 37, k: 784, n: 20, lo: -128, hi: 127, affine, zeros: 0.97 }, rand, path, PLANE_MAX_8BIT); // prettier-ignore
          expect(w.got).toEqual(w.want);
        }
      }
    expect(r.planeMax).toBe(exact ? PLANE_MAX_8BIT : PLANE_MAX_7BIT);
    // Whether the dot product takes two saturating steps (x86's pmaddubsw + pmaddwd): in the
    // signed form, rows of raw 255s against channels of 127s overflow its int16 pairs, against
    // channels of 1s they do not. Arm's sdot (one step) reads 255 as −1 and gets both wrong.
    const pairs = async (v: number) => {
      const s = await gemmSums(page, { m: 4, k: 8, n: 8, lo: v, hi: v, affine: false, fill: 255 }, rand, 'relaxed-simd', PLANE_MAX_8BIT); // prettier-ignore
      return s.got.join() === s.want.join();
    };
    const saturating = !exact && !(await pairs(127)) && (await pairs(1));
    expect(r.twoStepDot).toBe(saturating);
    // Where the dot product takes two steps, every configuration runs on SIMD128, which runs the
    // CNN's second convolution as Winograd's and leaves out the MLP's zero inputs.
    const twoStepNote = arch === 'cnn' ? WINOGRAD_NOTE : TWO_STEP_NOTE;
    // Chromium runs relaxed SIMD, and the build passed its self-test: W8A8 runs there where its
    // 8-bit weights take one plane, and on SIMD128 (faster than two planes) where they take two.
    const best = exact ? 'relaxed-simd' : 'simd128';
    expect([r.path, r.pathNote]).toEqual([
      best,
      exact ? null : saturating ? twoStepNote : TWO_PASSES_NOTE,
    ]);
    // 4-bit weights take one plane everywhere: relaxed SIMD where its dot product takes one step
    // (AVX-VNNI, Arm); SIMD128 where it takes two.
    const w4 = await call<IntEvaluation>(page, 'intEvaluate', 'mnist', arch, W4A8);
    expect([w4.path, w4.pathNote]).toEqual(
      saturating ? ['simd128', twoStepNote] : ['relaxed-simd', null],
    );
    // The Speed panel's bit-width sweep runs on that build too: every point of it, 4 and 8 bits.
    const sweep = await call<{ path: KernelPath }[]>(page, 'intSpeedSweep', 'mnist', arch, [W4A8, W8A8], 3, 100, 10); // prettier-ignore
    expect(sweep.map((p) => p.path)).toEqual(Array(2).fill(w4.path));
    expect(r.approximations).toEqual([]);
    expect(r.differing).toBeLessThanOrEqual(2);
    expect(r.accuracy).toBeGreaterThan(0.97);
    // Each build on request: the same integer arithmetic, so the same predictions.
    for (const path of ['simd128', 'relaxed-simd'] as const) {
      const one = await call<IntEvaluation>(page, 'intEvaluate', 'mnist', arch, W8A8, undefined, path); // prettier-ignore
      expect([one.path, one.pathNote]).toEqual([path, null]);
      expect([one.correct, one.differing]).toEqual([r.correct, r.differing]);
    }
    // The speed report times the build the configuration runs on, and the other beside it.
    const s = await call<SpeedReport>(page, 'speed', 'mnist', arch, W8A8, 20);
    expect(s.path).toBe(best);
    expect(s.other!.path).toBe(exact ? 'simd128' : 'relaxed-simd');
    expect(s.int.latencyMs).toBeGreaterThan(0);
    expect(s.other!.latencyMs).toBeGreaterThan(0);
    expect(s.float.latencyMs).toBeGreaterThan(0);
    console.log(
      `mnist-${arch}: integer ${r.correct}/${r.count} (${r.differing} differ from fake-quant) in ${r.ms.toFixed(1)} ms; ` +
        `batch-1 float ${s.float.latencyMs.toFixed(2)} ms, int ${s.int.latencyMs.toFixed(3)} ms on ${s.path} (${s.other!.path} ${s.other!.latencyMs.toFixed(3)} ms); ` +
        `test set float ${s.float.batchMs.toFixed(0)} ms, int ${s.int.batchMs.toFixed(0)} ms (${s.other!.path} ${s.other!.batchMs.toFixed(0)} ms) (${s.floatBackend}, ${s.floatThreads} thread(s))`,
    );
  }
});

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

test('the Speed panel measures on click, says what it measured, and marks an old result', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&wb=4&wg=channel&ab=8');
  const panel = page.getByRole('region', { name: 'Speed' });
  await expect(panel.getByTestId('speed-status')).toHaveText('Not measured yet.');
  const button = panel.getByRole('button', { name: 'Measure speed' });
  // Keyboard: the button takes the focus and Enter starts the measurement.
  await button.focus();
  await expect(button).toBeFocused();
  const box = await button.boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(24);
  expect(box!.height).toBeGreaterThanOrEqual(24);
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('speed-status')).toHaveText(
    'Measured for the current configuration.',
    { timeout: 120_000 },
  );
  const table = panel.getByTestId('speed-table');
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(panel.getByTestId('speed-int-latency')).toHaveText(/^\d+(\.\d)? (ms|µs)$/);
  await expect(table).toContainText('images/s');
  // How many passes the weights take on relaxed SIMD, as the kernels' load-time check found.
  const planes = panel.getByTestId('speed-planes');
  await expect(planes).toHaveText(
    /^Weight passes on relaxed SIMD: one(, whatever the bit-width up to 8| up to 7 bits, two or three at 8 bits) \(.*\)\.$/,
  );
  // The build the configuration runs on: relaxed SIMD where its dot product takes one step, else
  // SIMD128, which the note under the table says, and why (see simd128Instead).
  const note = panel.getByTestId('speed-path-note');
  const onSimd128 = (await note.count()) > 0;
  if (onSimd128) await expect(note).toHaveText(`Integer kernels: ${TWO_STEP_NOTE}.`);
  const [used, other] = onSimd128 ? ['SIMD128', 'relaxed SIMD'] : ['relaxed SIMD', 'SIMD128'];
  // Both builds side by side, and how they compare.
  await expect(table.getByRole('columnheader')).toHaveCount(5);
  await expect(table).toContainText('SIMD128, 1 thread');
  await expect(table).toContainText('relaxed SIMD, 1 thread');
  // The integer model split between two workers (this machine has a core to spare): same count.
  await expect(panel.getByTestId('speed-split')).toHaveText(
    new RegExp(
      `^On both cores \\(two workers, half the test set each, ${used}\\): [\\d,]+ images/s, \\d+(\\.\\d)?× one worker’s rate timed the same way \\(.*\\); [\\d,]+ correct, as on one worker\\.$`,
    ),
  );
  await expect(panel.getByTestId('speed-paths')).toHaveText(
    new RegExp(
      `^${used[0]!.toUpperCase()}${used.slice(1)} against ${other}, the same integer model: \\d+(\\.\\d)?× the speed on one image, \\d+(\\.\\d)?× on the test set\\.$`,
    ),
  );
  await expect(table).toContainText('× smaller');
  // Batch-1 latency timed in groups of one-image calls (the page's clock is coarse), said with
  // the group sizes this run used.
  await expect(panel.getByTestId('speed-latency-groups')).toHaveText(
    new RegExp(
      `^Latency: the page’s clock is coarse .* divided by their number \\(calls a group, .*: float32 \\d+, integer \\d+, integer on ${other} \\d+\\)\\.$`,
    ),
  );
  // W4A8 per channel is integer throughout: the predictions match the float path's.
  await expect(panel.getByTestId('speed-agreement')).toContainText(
    /Every prediction equals the fake-quant float path|[12] of 2,000 predictions differ/,
  );
  await expect(panel.getByTestId('speed-result')).toHaveAttribute('data-current', 'true');
  // The bit-width sweep: one column per weight bit-width, the configured one marked, timed on
  // the build the configuration runs on.
  const sweep = panel.getByTestId('speed-sweep');
  await expect(sweep.getByRole('columnheader')).toHaveCount(9);
  await expect(sweep.getByRole('columnheader', { name: '4 (set)' })).toBeVisible();
  await expect(sweep.getByRole('row')).toHaveCount(3);
  await expect(sweep).toContainText(`Integer path (${used}) by weight bit-width`);
  await expect(sweep).toContainText(/median of \d+ groups of \d+(–\d+)? images timed together/);

  // axe on the Quantize view with the measured panel.
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (context: Element) => Promise<AxeResults> };
    };
    const r = await axe.run(document.querySelector('.speed-panel')!);
    return r.violations.map((v) => `${v.impact}: ${v.id} (${v.nodes.length})`);
  });
  expect(violations).toEqual([]);

  // Another bit-width: the result stays, marked as measured for an earlier configuration.
  await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&wb=3&wg=channel&ab=8');
  await expect(panel.getByTestId('speed-status')).toHaveText(
    'Measured for an earlier configuration: measure again for this one.',
  );
  await expect(panel.getByTestId('speed-result')).toHaveAttribute('data-current', 'false');
});

test('both builds of the kernels give exact int32 sums in Chromium, for every weight range', async ({
  page,
}) => {
  // about:blank is enough: the binaries come from the repository, not the app.
  let state = 99;
  const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (const [m, k, n, lo, hi, affine] of [
    [5, 9, 12, -128, 127, true], // three relaxed planes
    [33, 784, 20, -127, 127, false], // two
    [6, 301, 9, -8, 7, true], // one
    [4, 17, 3, 0, 1, false], // binary codes, no offset
  ] as const) {
    for (const path of ['simd128', 'relaxed-simd'] as const) {
      const { want, got } = await gemmSums(page, { m, k, n, lo, hi, affine }, rand, path);
      expect(got, `${path}, ${m}×${k}×${n}, codes ${lo}..${hi}`).toEqual(want);
    }
  }
});
