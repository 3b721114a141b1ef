import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './fixtures';

/** The first screen's JavaScript: index.html's entry script and the chunks it modulepreloads. */
async function firstScreenScripts(request: APIRequestContext): Promise<string[]> {
  const html = await (await request.get('/')).text();
  const entry = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  expect(entry.length).toBe(1);
  return [...entry, ...preloads];
}

test('the main-thread bundle does not contain tfjs', async ({ page, request }) => {
  await page.goto('/');
  const scripts = await firstScreenScripts(request);
  // The entry (the workers' start) and the app it imports (start.tsx) at least.
  expect(scripts.length).toBeGreaterThan(1);
  for (const src of scripts) {
    const js = await (await request.get(src)).text();
    expect(js.length).toBeGreaterThan(100);
    // Strings only tfjs carries: its kernel registry and its disposed-tensor error.
    expect(js).not.toContain('registerKernel');
    expect(js).not.toContain('Tensor is disposed');
  }
  // …while the compute worker's engine does: the check looks for the right thing. The worker's
  // entry, which the main bundle points to, has none either (its first-screen engine runs on the
  // app's own kernels): it imports the engine when a call needs tfjs.
  const main = await (await request.get(scripts[0]!)).text(); // the entry starts the workers
  const workerFile = /engine\.worker-[\w-]+\.js/.exec(main)?.[0];
  expect(workerFile).toBeTruthy();
  const worker = await (await request.get(`/assets/${workerFile}`)).text();
  expect(worker).not.toContain('registerKernel');
  expect(worker).not.toContain('Tensor is disposed');
  const engineFile = /\bengine-[\w-]+\.js/.exec(worker)?.[0];
  expect(engineFile, 'the worker entry imports the engine').toBeTruthy();
  const engine = await (await request.get(`/assets/${engineFile}`)).text();
  expect(engine).toContain('Tensor is disposed');
});

test('the stats worker has no tfjs; the training worker has', async ({ page, request }) => {
  await page.goto('/');
  const main = (
    await Promise.all(
      (await firstScreenScripts(request)).map(async (src) => (await request.get(src)).text()),
    )
  ).join('\n');
  const stats = /stats\.worker-[\w-]+\.js/.exec(main)?.[0];
  const train = /train\.worker-[\w-]+\.js/.exec(main)?.[0];
  expect(stats, 'the main bundle points to the stats worker').toBeTruthy();
  expect(train, 'the main bundle points to the training worker').toBeTruthy();
  const statsJs = await (await request.get(`/assets/${stats}`)).text();
  expect(statsJs.length).toBeGreaterThan(1000);
  expect(statsJs).not.toContain('registerKernel');
  expect(statsJs).not.toContain('Tensor is disposed');
  const trainJs = await (await request.get(`/assets/${train}`)).text();
  expect(trainJs).toContain('Tensor is disposed');
});
