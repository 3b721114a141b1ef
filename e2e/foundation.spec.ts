import { expect, test, waitForFullAccuracy } from './fixtures';

const MODELS = [
  { data: 'mnist', model: 'mlp', testCount: '2,000', min: 96 },
  { data: 'mnist', model: 'cnn', testCount: '2,000', min: 98 },
  { data: 'fashion', model: 'mlp', testCount: '10,000', min: 88 },
  { data: 'fashion', model: 'cnn', testCount: '10,000', min: 90 },
] as const;

function percent(text: string | null): number {
  const m = /([\d.]+)%/.exec(text ?? '');
  if (!m) throw new Error(`no percentage in "${text}"`);
  return Number(m[1]);
}

test.describe('foundation', () => {
  for (const m of MODELS) {
    test(`measures the test accuracy of ${m.data}-${m.model} in the browser`, async ({ page }) => {
      await page.goto(`/#v=3&data=${m.data}&model=${m.model}`);
      await waitForFullAccuracy(page, m.testCount);
      const measured = percent(await page.getByTestId('accuracy').textContent());
      const recorded = percent(await page.getByTestId('recorded-accuracy').textContent());
      expect(measured).toBeGreaterThanOrEqual(m.min);
      // The browser's measurement agrees with the training script's (same weights, same data).
      expect(Math.abs(measured - recorded)).toBeLessThanOrEqual(0.1);
      await expect(page.getByTestId('params')).not.toHaveText('0');
      await expect(page.getByRole('table')).toContainText(m.model === 'cnn' ? 'Conv2D' : 'Dense');
    });
  }

  test('on a cold visit the first accuracies come before tfjs is loaded, and are the tfjs engine’s', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    // The compute worker's tfjs engine (its own chunk) is held back until the first screen's
    // accuracies are shown: the worker's first-screen engine measures them on the app's kernels.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const held: string[] = [];
    await page.route(/\/assets\/engine-[^/]*\.js$/, async (route) => {
      held.push(new URL(route.request().url()).pathname);
      await released;
      await route.continue();
    });
    await page.goto('/?debug#v=3&data=mnist&model=cnn&view=quantize&w=int&wb=4');
    // The trained model's accuracy on the whole test set (the card's "float32: …%"), then the
    // compressed model's.
    await page.waitForFunction(
      () =>
        (
          window as unknown as {
            __playground?: {
              store: { getState(): { evaluation: { data: { count: number } } | null } };
            };
          }
        ).__playground?.store.getState().evaluation?.data.count === 2000,
      null,
      { timeout: 45_000 },
    );
    await expect(page.getByText(/^float32: [\d.]+%$/)).toBeVisible();
    const quantNote = page.getByTestId('quant-accuracy-note');
    await expect(quantNote).toContainText('/ 2,000 correct', { timeout: 45_000 });
    await expect(quantNote).not.toContainText('quick estimate');
    // Asked for once the accuracies were in (start.tsx), not before: it is waiting on the route.
    await expect.poll(() => held.length).toBe(1);
    await expect(page.getByTestId('backend')).not.toContainText('wasm');
    release();
    await expect(page.getByTestId('backend')).toContainText('wasm', { timeout: 30_000 });

    // The tfjs engine, now loaded, measures the trained model again: the same counts.
    const [shown, again] = await page.evaluate(async () => {
      type E = { correct: number; count: number; confusion: Uint32Array };
      const p = (
        window as unknown as {
          __playground: {
            store: { getState(): { evaluation: { data: E } } };
            client: { call(f: (api: unknown) => Promise<E>): Promise<E> };
          };
        }
      ).__playground;
      const e = p.store.getState().evaluation.data;
      const t = await p.client.call((api) =>
        (api as { evaluate(d: string, a: string): Promise<E> }).evaluate('mnist', 'cnn'),
      );
      const plain = (x: E) => ({ correct: x.correct, count: x.count, confusion: [...x.confusion] });
      return [plain(e), plain(t)] as const;
    });
    expect(again).toEqual(shown);
    expect(shown.count).toBe(2000);
  });

  test('shows the compute backend', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('backend')).toContainText(/wasm|cpu/);
    await expect(page.getByTestId('backend')).toContainText('wasm');
  });

  test('changing dataset and model updates the URL, and Back restores the previous model', async ({
    page,
  }) => {
    await page.goto('/');
    await waitForFullAccuracy(page, '2,000');
    await expect(page).toHaveURL(/#v=3$/); // the defaults: MNIST, the MLP, nothing else set
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('cnn');
    await expect(page).toHaveURL(/#v=3&model=cnn$/);
    await page.getByLabel('Dataset').selectOption('fashion');
    await expect(page).toHaveURL(/data=fashion&model=cnn/);
    await waitForFullAccuracy(page, '10,000');
    await page.goBack();
    await expect(page).toHaveURL(/#v=3&model=cnn$/);
    await expect(page.getByLabel('Dataset')).toHaveValue('mnist');
    await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toHaveValue('cnn');
    await waitForFullAccuracy(page, '2,000');
  });

  test('a copied URL opens the same view in a new page', async ({ page, context }) => {
    await page.goto('/#v=3&data=fashion&model=mlp');
    await waitForFullAccuracy(page, '10,000');
    await page.getByRole('button', { name: 'Show weights of layer fc2' }).click();
    await page.getByLabel('Bins').fill('32');
    await expect(page).toHaveURL(/layer=fc2&bins=32/);
    const accuracy = await page.getByTestId('accuracy').textContent();
    const url = page.url();

    const other = await context.newPage();
    await other.goto(url);
    await expect(other.getByLabel('Dataset')).toHaveValue('fashion');
    await expect(other.getByRole('combobox', { name: 'Model', exact: true })).toHaveValue('mlp');
    await expect(other.getByRole('heading', { name: 'Weights of fc2' })).toBeVisible();
    await expect(other.getByTestId('weight-histogram')).toHaveAttribute('data-bins', '32');
    await waitForFullAccuracy(other, '10,000');
    await expect(other.getByTestId('accuracy')).toHaveText(accuracy ?? '');
    await other.close();
  });

  test('the weight histogram follows the selected layer and the bin count', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&bins=64');
    const chart = page.getByTestId('weight-histogram');
    await expect(chart).toHaveAttribute('data-bins', '64');
    await expect(chart.locator('path.hist-series').first()).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Weights of fc1' })).toBeVisible();
    await page.getByRole('button', { name: 'Show weights of layer fc3' }).click();
    await expect(page.getByRole('heading', { name: 'Weights of fc3' })).toBeVisible();
    await expect(page).toHaveURL(/layer=fc3/);
  });

  test('a garbage URL gives a notice and a working app', async ({ page }) => {
    await page.goto('/#v=3&data=cifar1000&model=%E0%A4%A&bins=NaN&__proto__=1&zzz');
    const notice = page.getByRole('status').filter({ hasText: 'This link had problems' });
    await expect(notice).toContainText('cifar1000');
    await expect(page.getByLabel('Dataset')).toHaveValue('mnist');
    await waitForFullAccuracy(page, '2,000');
    // The address bar now holds the corrected link.
    await expect(page).toHaveURL(/#v=3$/);
    await notice.getByRole('button', { name: 'Dismiss notice' }).click();
    await expect(notice).toHaveCount(0);
  });

  test('every control has an accessible name', async ({ page }) => {
    await page.goto('/');
    await waitForFullAccuracy(page, '2,000');
    const unnamed = await page.evaluate(() => {
      const controls = [...document.querySelectorAll('input, select, button, textarea')];
      return controls
        .filter((el) => {
          const labelled =
            el.getAttribute('aria-label') ||
            el.getAttribute('aria-labelledby') ||
            el.closest('label') ||
            (el.id && document.querySelector(`label[for="${el.id}"]`)) ||
            (el.tagName === 'BUTTON' && el.textContent?.trim());
          return !labelled;
        })
        .map((el) => el.outerHTML.slice(0, 80));
    });
    expect(unnamed).toEqual([]);
  });
});
