import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Offline after the first visit: the service worker (vite-plugin-pwa, Workbox) precaches the app
 * shell, the wasm, the models and the MNIST test set. The other specs block service workers
 * (playwright.config.ts); this one allows them, in its own fresh context.
 */
test.use({ serviceWorkers: 'allow' });

async function fullAccuracy(page: Page, testid: 'accuracy' | 'quant-accuracy', count = '2,000') {
  const note = page.getByTestId(`${testid}-note`);
  await expect(note).toContainText(`/ ${count} correct`, { timeout: 60_000 });
  await expect(note).not.toContainText('quick estimate');
  return (await page.getByTestId(testid).textContent()) ?? '';
}

test('after one visit the app works offline: reload with the network off shows the accuracy', async ({
  page,
  context,
  guards,
}) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&wb=4');
  const online = await fullAccuracy(page, 'quant-accuracy');
  // The worker installed (its precache complete), active, and in control of this page.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 30_000,
    })
    .toBe(true);
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible();

  await context.setOffline(true);
  // Really offline: what was never cached does not load.
  expect(
    await page.evaluate(() =>
      fetch(`/not-cached-${Date.now()}.txt`).then(
        () => 'loaded',
        () => 'failed',
      ),
    ),
  ).toBe('failed');
  // (That failed request is the one console error this test expects.)
  const offlineErrors = guards.errors.filter((e) => e.includes('ERR_INTERNET_DISCONNECTED'));
  expect(offlineErrors).toHaveLength(1);
  guards.errors.splice(guards.errors.indexOf(offlineErrors[0]!), 1);
  await page.reload();
  // The app shell, the workers, the wasm backend, the model and its test set all come from the
  // cache: the same accuracy as online, for both the compressed and the original model.
  expect(await fullAccuracy(page, 'quant-accuracy')).toBe(online);
  await expect(page.getByText(/^wasm/).first()).toBeVisible();
  await page.getByRole('tab', { name: 'Model' }).click();
  await fullAccuracy(page, 'accuracy');
  // Another model of the same dataset works too (all four models are precached).
  await page.getByRole('tab', { name: 'Quantize' }).click();
  await page.goto('/#v=3&data=mnist&model=cnn&view=quantize&wb=4');
  await fullAccuracy(page, 'quant-accuracy');
  await context.setOffline(false);
});

test('a first visit to a Fashion-MNIST link saves that test set too, and says so', async ({
  page,
  context,
}) => {
  // The precache holds only the MNIST test set; this visit loads Fashion-MNIST's before the
  // service worker takes over, and the app then saves it through the worker.
  await page.goto('/#v=3&data=fashion&model=mlp');
  const online = await fullAccuracy(page, 'accuracy', '10,000');
  await expect(
    page.getByRole('status').filter({
      hasText:
        'Ready to work offline: the app, the models and the MNIST and Fashion-MNIST test sets are saved.',
    }),
  ).toBeVisible({ timeout: 60_000 });
  await context.setOffline(true);
  await page.reload();
  expect(await fullAccuracy(page, 'accuracy', '10,000')).toBe(online);
  await context.setOffline(false);
});
