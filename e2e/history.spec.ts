import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test } from './fixtures';

/**
 * The experiments history: measurements saved by themselves, kept across a reload, shown in the
 * table and on the Pareto chart, renamed, compared, re-opened and deleted; and a browser whose
 * storage cannot be opened keeps the app working, with one notice.
 */

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

const LINK = '/#data=mnist&model=mlp&view=quantize&w=int';
const W4 = `${LINK}&wb=4`;
const W2 = `${LINK}&wb=2`;

/** Waits for the compressed model's accuracy on the full test set, current. */
async function waitForFullQuantAccuracy(page: Page) {
  await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
    timeout: 45_000,
  });
  await expect(page.getByTestId('quant-accuracy-note')).toContainText('/ 2,000 correct', {
    timeout: 45_000,
  });
  await expect(page.getByTestId('quant-accuracy-note')).not.toContainText('quick estimate');
}

async function openHistory(page: Page) {
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('heading', { name: 'Experiments history' })).toBeVisible();
}

const rows = (page: Page) => page.getByTestId('history-row');

test('two measurements are saved, kept across a reload, charted, renamed, compared, re-opened and deleted', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/#data=mnist&model=mlp&view=history');
  await expect(page.getByTestId('history-empty')).toContainText('Nothing saved yet');

  await page.goto(W4);
  await waitForFullQuantAccuracy(page);
  await expect(page.getByRole('slider', { name: 'Weight bits' })).toHaveValue('4');
  const accuracy4 = (await page.getByTestId('quant-accuracy').textContent())!.trim();
  // Saved once the config has stayed put for 1.5 s: the History tab then lists it.
  await openHistory(page);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('int4');
  await expect(rows(page).first()).toContainText(accuracy4);

  await page.goto(W2);
  await waitForFullQuantAccuracy(page);
  const accuracy2 = (await page.getByTestId('quant-accuracy').textContent())!.trim();
  await openHistory(page);
  await expect(rows(page)).toHaveCount(2);

  await page.reload();
  await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
  // Newest first.
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).nth(0)).toContainText('int2');
  await expect(rows(page).nth(0)).toContainText(accuracy2);
  await expect(rows(page).nth(1)).toContainText('int4');
  // Both on the MNIST MLP's Pareto chart: 2 bits is smaller, 4 bits more accurate, so neither
  // dominates the other and both are on the frontier, joined by its staircase.
  const chart = page.getByTestId('pareto-chart');
  await expect(chart).toHaveCount(1);
  await expect(chart).toHaveAttribute('data-model', 'mnist-mlp');
  await expect(chart).toHaveAttribute('data-points', '2');
  await expect(chart).toHaveAttribute('data-frontier', '2');
  await expect(chart.locator('circle.scatter-point')).toHaveCount(2);
  await expect(chart.locator('circle.scatter-point[data-muted]')).toHaveCount(0);
  await expect(chart.locator('[data-series="frontier"] path')).toHaveAttribute('d', /L/);
  const points = page.getByTestId('pareto-table').locator('tbody tr');
  await expect(points).toHaveCount(2);
  await expect(points.nth(0)).toContainText('int2');
  await expect(points.nth(0)).toContainText('on the frontier');
  await expect(points.nth(1)).toContainText('on the frontier');

  // Rename the 2-bit entry: Escape drops the edit, Enter keeps it, and a reload keeps it too.
  const int2Name = (await rows(page).nth(0).getByTestId('history-name').textContent())!;
  await page.getByRole('button', { name: `Rename ${int2Name}` }).click();
  const field = page.getByRole('textbox', { name: `New name for ${int2Name}` });
  await expect(field).toBeFocused();
  await field.fill('dropped');
  await field.press('Escape');
  await expect(rows(page).nth(0).getByTestId('history-name')).toHaveText(int2Name);
  await expect(page.getByRole('button', { name: `Rename ${int2Name}` })).toBeFocused();
  await page.getByRole('button', { name: `Rename ${int2Name}` }).click();
  await field.fill('two-bit try');
  await field.press('Enter');
  await expect(rows(page).nth(0).getByTestId('history-name')).toHaveText('two-bit try');
  await page.reload();
  await expect(rows(page).nth(0).getByTestId('history-name')).toHaveText('two-bit try');

  // Compare both: their weight settings side by side, the row marked as differing.
  await page.getByRole('checkbox', { name: 'Compare two-bit try' }).check();
  const int4Name = (await rows(page).nth(1).getByTestId('history-name').textContent())!;
  await page.getByRole('checkbox', { name: `Compare ${int4Name}` }).check();
  const compare = page.getByTestId('compare-table');
  const weightsRow = compare.locator('tr', {
    has: page.getByRole('rowheader', { name: /Weights/ }),
  });
  await expect(weightsRow).toContainText('int2');
  await expect(weightsRow).toContainText('int4');
  await expect(weightsRow).toContainText('≠');

  // Re-open the 4-bit entry: the Quantize tab with 4-bit weights.
  await page.getByRole('button', { name: `Re-open ${int4Name}` }).click();
  await expect(page.getByRole('tab', { name: 'Quantize' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByRole('slider', { name: 'Weight bits' })).toHaveValue('4');
  await waitForFullQuantAccuracy(page);
  await expect(page.getByTestId('quant-accuracy')).toHaveText(accuracy4);

  // Delete the renamed one: Undo brings it back; deleted again, it stays gone after a reload.
  await openHistory(page);
  await expect(rows(page)).toHaveCount(2); // re-measuring the same config added nothing
  await page.getByRole('button', { name: 'Delete two-bit try' }).click();
  await expect(rows(page)).toHaveCount(1);
  const undo = page.getByRole('button', { name: 'Undo' });
  await expect(undo).toBeFocused();
  await undo.click();
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Delete two-bit try' }).click();
  await expect(rows(page)).toHaveCount(1);
  await page.reload();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('int4');
  await expect(page.getByTestId('pareto-chart')).toHaveAttribute('data-points', '1');
});

test('a training run that ends is saved with its accuracy and size, and re-opens its model', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/#data=mnist&model=mlp&view=train&tt=qat&wb=4&te=1');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', {
    timeout: 120_000,
  });
  const runName = (await page.getByTestId('run-status').locator('.run-title').textContent())!
    .split(':')[0]!
    .trim();
  await openHistory(page);
  await expect(rows(page)).toHaveCount(1);
  const row = rows(page).first();
  await expect(row.getByTestId('history-name')).toHaveText(runName);
  await expect(row).toContainText('training run · QAT: int4');
  await expect(row).toContainText('1 epoch');
  // A QAT 4-bit model stores 4-bit codes: about 8× smaller than float32, not 1×.
  await expect(row).toContainText(/· 7\.\d×/);
  // Grouped with the shipped MLP it was trained from, on its chart.
  await expect(page.getByTestId('pareto-chart')).toHaveAttribute('data-model', 'mnist-mlp');
  await page.getByRole('button', { name: `Re-open ${runName}` }).click();
  await expect(page.getByRole('tab', { name: 'Quantize' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByRole('slider', { name: 'Weight bits' })).toHaveValue('4');
  await expect(page).toHaveURL(/tm=trained/);
});

test('the History view has no axe violations, with entries and a comparison on screen', async ({
  page,
}) => {
  test.setTimeout(120_000);
  for (const link of [W4, W2]) {
    await page.goto(link);
    await waitForFullQuantAccuracy(page);
    await openHistory(page);
    await expect(rows(page)).toHaveCount(link === W4 ? 1 : 2);
  }
  await page.getByRole('checkbox').first().check();
  await page.getByRole('checkbox').nth(1).check();
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (context: Document) => Promise<AxeResults> };
    };
    const results = await axe.run(document);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
  });
  console.log(`axe History: ${JSON.stringify(violations, null, 1)}`);
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
});

test('a damaged stored entry is listed as a problem and can be deleted', async ({ page }) => {
  await page.goto('/#data=mnist&model=mlp&view=history');
  await expect(page.getByTestId('history-empty')).toBeVisible();
  // What an older or broken writer could have left: a record without a format or results.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('compression-playground-history');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('entries', 'readwrite');
          tx.objectStore('entries').put({ id: 'broken-1', createdAt: 1, name: 'x' });
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await page.reload();
  const problems = page.getByTestId('history-problems');
  await expect(problems).toContainText('History entry broken-1: no format version.');
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await page.getByRole('button', { name: 'Delete damaged entry broken-1' }).click();
  await expect(problems).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(page.getByTestId('history-problems')).toHaveCount(0);
});

test('without storage (IndexedDB refused), one notice says so and the labs work on', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // As in a private window that refuses IndexedDB: opening any database fails at once.
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('IndexedDB is off in this window', 'InvalidStateError');
    };
  });
  await page.goto(W4);
  await waitForFullQuantAccuracy(page);
  const notice = page.locator('.notice', { hasText: 'Could not open the history' });
  await expect(notice).toHaveCount(1, { timeout: 10_000 });
  await expect(notice).toContainText('it is not available');
  // The labs go on: another config is measured, and no second notice comes.
  await page.goto(W2);
  await waitForFullQuantAccuracy(page);
  await page.waitForTimeout(2000);
  await expect(page.locator('.notice', { hasText: 'Could not open the history' })).toHaveCount(1);
  await openHistory(page);
  await expect(page.getByTestId('history-error')).toContainText('Could not open the history');
  await expect(rows(page)).toHaveCount(0);
});
