import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test } from './fixtures';
import { DEFAULT_CONFIG } from '../src/platform/shared/config';
import { compressSettings } from '../src/features/compress';
import type { EvalRequest } from '../src/platform/worker/engine';
import type { IntEvaluation, SpeedReport } from '../src/features/infer/worker';

/**
 * The integer WebAssembly path in the built app's compute worker (Chromium): the kernels load
 * from their hashed asset under the app's CSP, evaluate a W8A8 config with the fake-quant float
 * path's predictions, and the speed measurement runs both paths.
 */
const W8A8: EvalRequest = {
  weights: compressSettings(DEFAULT_CONFIG),
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

test('the compute worker evaluates W8A8 on the integer kernels and times both paths', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/?debug#v=3');
  await page.waitForFunction(() => '__playground' in window);
  for (const arch of ['mlp', 'cnn']) {
    const r = await call<IntEvaluation>(page, 'intEvaluate', 'mnist', arch, W8A8);
    expect(r.count).toBe(2000);
    expect(r.path).toBe('simd128');
    expect(r.approximations).toEqual([]);
    expect(r.differing).toBeLessThanOrEqual(2);
    expect(r.accuracy).toBeGreaterThan(0.97);
    const s = await call<SpeedReport>(page, 'speed', 'mnist', arch, W8A8, 20);
    expect(s.int.latencyMs).toBeGreaterThan(0);
    expect(s.float.latencyMs).toBeGreaterThan(0);
    console.log(
      `mnist-${arch}: integer ${r.correct}/${r.count} (${r.differing} differ from fake-quant) in ${r.ms.toFixed(1)} ms; ` +
        `batch-1 float ${s.float.latencyMs.toFixed(2)} ms, int ${s.int.latencyMs.toFixed(3)} ms; ` +
        `test set float ${s.float.batchMs.toFixed(0)} ms, int ${s.int.batchMs.toFixed(0)} ms (${s.floatBackend}, ${s.floatThreads} thread(s))`,
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
  await expect(table).toContainText('SIMD128, 1 thread');
  await expect(table).toContainText('× smaller');
  // W4A8 per channel is integer throughout: the predictions match the float path's.
  await expect(panel.getByTestId('speed-agreement')).toContainText(
    /Every prediction equals the fake-quant float path|[12] of 2,000 predictions differ/,
  );
  await expect(panel.getByTestId('speed-result')).toHaveAttribute('data-current', 'true');
  // The bit-width sweep: one column per weight bit-width, the configured one marked.
  const sweep = panel.getByTestId('speed-sweep');
  await expect(sweep.getByRole('columnheader')).toHaveCount(9);
  await expect(sweep.getByRole('columnheader', { name: '4 (set)' })).toBeVisible();
  await expect(sweep.getByRole('row')).toHaveCount(3);

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
