import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';

/**
 * Shared set-up of the browser benchmarks: `vite preview` of the built app on its own port,
 * Debian's headless Chromium, and a page opened with `?debug` so that the engine client is
 * reachable as `window.__playground`.
 */
export interface BenchSession {
  page: Page;
  close: () => Promise<void>;
}

const PORT = 4180;

async function waitForServer(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up in ${ms} ms`);
}

export async function openBench(hash = ''): Promise<BenchSession> {
  const server: ChildProcess = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  const base = `http://127.0.0.1:${PORT}`;
  let browser: Browser | null = null;
  try {
    await waitForServer(base, 30_000);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage();
    // tsx (esbuild, keepNames) wraps named functions in the callbacks we pass to page.evaluate in
    // a __name() helper that only exists in Node: give the page a no-op one.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.goto(`${base}/?debug#${hash}`);
    await page.waitForFunction(() => 'window' in globalThis && '__playground' in window);
    const b = browser;
    return {
      page,
      close: async () => {
        await b.close();
        if (server.pid) process.kill(-server.pid);
      },
    };
  } catch (e) {
    await browser?.close();
    if (server.pid) process.kill(-server.pid);
    throw e;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Models named on the command line (`tsx bench/evaluate.ts mnist-mlp`), or all of them. */
export function selectedModels(): string[] {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  return args.length > 0 ? args : ['mnist-mlp', 'mnist-cnn', 'fashion-mlp', 'fashion-cnn'];
}
