import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { extname, resolve, sep } from 'node:path';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { SECURITY_HEADERS } from '../src/platform/shared/securityHeaders';
import { expect, test as base } from './fixtures';

/**
 * Issue 11, point 8: when a new version is deployed, a page that has the old one installed says
 * so, and switches only when asked. The test serves the build itself (not `vite preview`), so
 * that it can "deploy" a new version mid-test: the service worker script with a new precache
 * revision of index.html, and that index.html with a build marker. The page finds it (an update
 * check, as the browser makes at every visit), prompts, Later hides the prompt, the next visit
 * prompts again, and Reload makes the new version control the page and serve the new index.html.
 */

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const DIST = resolve(process.env.E2E_DIST ?? 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

interface Host {
  readonly url: string;
  /** From now on these paths answer with these bodies: a new version is deployed. */
  deploy(files: Record<string, string>): void;
  close(): Promise<void>;
}

/** The built app from DIST, with the headers it is deployed with (securityHeaders.ts). */
async function serveBuild(): Promise<Host> {
  let deployed: Record<string, string> = {};
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const rel = path === '/' ? '/index.html' : path;
      const file = resolve(DIST, `.${rel}`);
      const headers = {
        ...SECURITY_HEADERS,
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Every request reaches the server: what is deployed is what is served.
        'Cache-Control': 'no-cache',
      };
      const body = deployed[rel] ?? (file.startsWith(DIST + sep) ? await readFile(file) : null);
      res.writeHead(200, headers).end(body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(404, { ...SECURITY_HEADERS }).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deploy(files) {
      deployed = { ...deployed, ...files };
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

// The page talks to this test's own server; the fixtures' guards check against its origin.
const test = base.extend<{ host: Host }>({
  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const host = await serveBuild();
    await use(host);
    await host.close();
  },
  baseURL: async ({ host }, use) => use(host.url),
});
test.use({ serviceWorkers: 'allow' });

/** Version 2: index.html with a build marker, and a service worker that precaches it. */
async function newVersion(): Promise<Record<string, string>> {
  const [sw, html] = await Promise.all([
    readFile(resolve(DIST, 'sw.js'), 'utf8'),
    readFile(resolve(DIST, 'index.html'), 'utf8'),
  ]);
  const entry = /\{url:"index\.html",revision:"([0-9a-f]+)"\}/.exec(sw);
  if (!entry) throw new Error('sw.js has no precache entry for index.html: update this test');
  const newSw = sw.replace(entry[0], entry[0].replace(entry[1]!, `${entry[1]}-v2`));
  const newHtml = html.replace('</head>', '<meta name="test-build" content="v2"></head>');
  if (newHtml === html) throw new Error('index.html has no </head>');
  return { '/sw.js': newSw, '/index.html': newHtml };
}

const build = (page: Page) =>
  page.evaluate(
    () => document.querySelector('meta[name="test-build"]')?.getAttribute('content') ?? 'v1',
  );

async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (sel) => {
    const { axe } = window as unknown as {
      axe: { run: (context: string) => Promise<AxeResults> };
    };
    const r = await axe.run(sel);
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help}`);
  }, selector);
}

test('a new version: the prompt says so, Later hides it until the next visit, Reload switches to it', async ({
  page,
  host,
}) => {
  test.setTimeout(180_000);
  const settings = '#v=3&data=mnist&model=mlp&view=quantize&wb=4';
  await page.goto(`/${settings}`);
  // Version 1 installed (its precache complete), active and in control of the page.
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible({
    timeout: 90_000,
  });
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 30_000,
    })
    .toBe(true);
  const prompt = page.getByRole('status').filter({ hasText: 'A new version of the app is ready' });
  await expect(prompt).toHaveCount(0);

  // Deploy version 2; the page checks for it (as the browser does at a visit, and the app hourly).
  host.deploy(await newVersion());
  await page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration();
    await r?.update();
  });
  await expect(prompt).toBeVisible({ timeout: 90_000 });
  await expect(prompt).toContainText('Reloading keeps your settings.');
  const reload = prompt.getByRole('button', { name: 'Reload' });
  const later = prompt.getByRole('button', { name: 'Later' });
  await expect(reload).toBeVisible();
  await expect(later).toBeVisible();
  // Both buttons are at least 24×24 px, and the prompt passes axe.
  for (const b of [reload, later]) {
    const box = await b.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(24);
    expect(box?.height).toBeGreaterThanOrEqual(24);
  }
  expect(await seriousViolations(page, '.update-prompt')).toEqual([]);
  // Nothing switched by itself: the page still runs version 1, version 2 waits.
  expect(await build(page)).toBe('v1');
  const waiting = () =>
    page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return r?.waiting !== null && r?.waiting !== undefined;
    });
  expect(await waiting()).toBe(true);

  // Later: the prompt goes, version 2 still waits, the page stays on version 1.
  await later.click();
  await expect(prompt).toHaveCount(0);
  expect(await waiting()).toBe(true);
  expect(await build(page)).toBe('v1');

  // The next visit offers it again (version 1 still serves the page).
  await page.reload();
  await expect(prompt).toBeVisible({ timeout: 60_000 });
  expect(await build(page)).toBe('v1');
  // As a reader of the prompt would, let the page finish loading first. (Two of the first runs
  // pressed Reload under a second after the load, and version 2 stayed waiting for over a minute;
  // not seen since, with or without this wait: cause not found. Chromium activates a skipWaiting
  // worker only once the old one has no requests in flight, and the app is loading then.)
  const note = page.getByTestId('quant-accuracy-note');
  await expect(note).toContainText('/ 2,000 correct', { timeout: 60_000 });
  // The compute worker loads tfjs once the first accuracies are in (app/start.tsx): the page has
  // finished loading when its backend is reported.
  await expect(page.getByTestId('backend')).toContainText('wasm', { timeout: 60_000 });

  // Keyboard: Reload is reachable and works with Enter. The page reloads under version 2.
  const hash = new URL(page.url()).hash;
  expect(hash).toContain('wb=4');
  await reload.focus();
  await expect(reload).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => build(page).catch(() => 'reloading'), { timeout: 60_000 }).toBe('v2');
  await expect(prompt).toHaveCount(0);
  expect(await waiting()).toBe(false);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      timeout: 30_000,
    })
    .toBe(true);
  // The settings are kept, and the new version computes the accuracy for them.
  expect(new URL(page.url()).hash).toBe(hash);
  await expect(note).toContainText('/ 2,000 correct', { timeout: 60_000 });
});
