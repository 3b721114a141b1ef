import { defineConfig } from '@playwright/test';

/** Debian's Chromium: Playwright's own browser download is not possible here (see README). */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A port of this project's own, not Vite's preview default (4173): another checkout's server on
 * the default port must never answer these tests. Override with E2E_PORT.
 */
const port = Number(process.env.E2E_PORT ?? 4317);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  throw new Error(`E2E_PORT must be a TCP port, got ${process.env.E2E_PORT}`);
}
/** The built app to serve (vite preview --outDir); E2E_DIST lets a build elsewhere be tested. */
const dist = process.env.E2E_DIST ?? 'dist';
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  // Traces and failure artifacts; E2E_OUTPUT keeps two runs in one checkout from sharing (and
  // wiping) one folder.
  outputDir: process.env.E2E_OUTPUT ?? 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A stray test.only must not pass CI by running one test.
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    baseURL,
    launchOptions: {
      executablePath,
      args: [
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    viewport: { width: 1280, height: 900 },
    // A failed test keeps its trace (test-results/: each step, the console, the requests) and a
    // screenshot of the page as it failed. The trace's DOM snapshots and filmstrip cost CPU in
    // every test, failed or not: classroom + foundation (30 tests) took 177-182 s with them and
    // 150 s without, on 2 cores. E2E_TRACE=full records them for a run you mean to debug.
    trace: {
      mode: 'retain-on-failure',
      snapshots: process.env.E2E_TRACE === 'full',
      screenshots: process.env.E2E_TRACE === 'full',
    },
    screenshot: 'only-on-failure',
    // The service worker (offline mode) is tested in e2e/offline.spec.ts, which allows it. Elsewhere
    // it would precache 11 MB in the background of every test and take the page's requests out
    // of page.route's reach.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort --outDir ${JSON.stringify(dist)}`,
    url: baseURL,
    // Never test whatever already listens on the port (a stale build, another checkout): with
    // --strictPort a busy port fails the run. E2E_REUSE_SERVER=1 reuses one on purpose.
    reuseExistingServer: process.env.E2E_REUSE_SERVER === '1',
    timeout: 60_000,
  },
});
