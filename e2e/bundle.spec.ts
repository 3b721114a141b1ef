import { expect, test } from './fixtures';

test('the main-thread bundle does not contain tfjs', async ({ page, request }) => {
  await page.goto('/');
  const html = await (await request.get('/')).text();
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]!);
  expect(scripts.length).toBeGreaterThan(0);
  for (const src of scripts) {
    const js = await (await request.get(src)).text();
    expect(js.length).toBeGreaterThan(1000);
    // Strings only tfjs carries: its kernel registry and its disposed-tensor error.
    expect(js).not.toContain('registerKernel');
    expect(js).not.toContain('Tensor is disposed');
  }
  // …while the worker bundle, which the main bundle points to, does: the check looks for the
  // right thing.
  const main = await (await request.get(scripts[0]!)).text();
  const workerFile = /engine\.worker-[\w-]+\.js/.exec(main)?.[0];
  expect(workerFile).toBeTruthy();
  const worker = await (await request.get(`/assets/${workerFile}`)).text();
  expect(worker).toContain('Tensor is disposed');
});

test('the stats worker has no tfjs; the training worker has', async ({ page, request }) => {
  await page.goto('/');
  const html = await (await request.get('/')).text();
  const entry = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
  expect(entry).toBeTruthy();
  const main = await (await request.get(entry!)).text();
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
