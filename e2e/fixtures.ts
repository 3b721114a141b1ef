import { readFileSync } from 'node:fs';
import { test as base, expect } from '@playwright/test';
import type { ElementHandle, Page } from '@playwright/test';

/**
 * Every spec runs with these guards: a page error, a console error, a Content-Security-Policy
 * violation or a request to another origin fails the test. The app must never fetch anything
 * from elsewhere, and runs under the CSP `vite preview` sends (src/platform/shared/securityHeaders.ts).
 *
 * Under that CSP an inline <script> is refused, so `page.addScriptTag({ path })` (how the specs
 * load axe-core) runs the file with `page.evaluate` instead: DevTools evaluation is not subject
 * to the page's CSP, and the app's own policy stays what is tested.
 */
export const test = base.extend<{
  guards: { errors: string[]; foreign: string[]; violations: string[] };
}>({
  guards: [
    async ({ page, baseURL }, use) => {
      const errors: string[] = [];
      const foreign: string[] = [];
      const violations: string[] = [];
      await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const report = (window as unknown as { __cspViolation: (v: string) => void })
            .__cspViolation;
          report(
            `${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
          );
        });
      });
      const addScriptTag = page.addScriptTag.bind(page);
      page.addScriptTag = async (options = {}) => {
        if (!options.path || options.url || options.content) return addScriptTag(options);
        await page.evaluate(readFileSync(options.path, 'utf8'));
        return (await page.evaluateHandle(() => document.head)) as ElementHandle<Node>;
      };
      if (!baseURL) throw new Error('no baseURL: playwright.config.ts sets it');
      const origin = new URL(baseURL).origin;
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      page.on('request', (r) => {
        const url = r.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      await use({ errors, foreign, violations });
      expect(errors, 'no page or console errors').toEqual([]);
      expect(violations, 'no Content-Security-Policy violations').toEqual([]);
      expect(foreign, 'no requests to other origins').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the full test set (not the quick estimate) has been evaluated. */
export async function waitForFullAccuracy(page: Page, testCount: string) {
  await expect(page.getByTestId('accuracy-note')).toContainText(`/ ${testCount} correct`, {
    timeout: 45_000,
  });
  await expect(page.getByTestId('accuracy-note')).not.toContainText('quick estimate');
}

/**
 * Starts recording main-thread long tasks (the Long Tasks API reports every task over 50 ms);
 * the returned function stops and gives their durations in ms.
 */
export async function recordLongTasks(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __longTasks: number[];
      __longTaskObserver: PerformanceObserver;
    };
    w.__longTasks = [];
    w.__longTaskObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    });
    w.__longTaskObserver.observe({ type: 'longtask' });
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as {
        __longTasks: number[];
        __longTaskObserver: PerformanceObserver;
      };
      // Entries still queued in the observer are delivered by takeRecords.
      for (const e of w.__longTaskObserver.takeRecords()) w.__longTasks.push(e.duration);
      w.__longTaskObserver.disconnect();
      return w.__longTasks;
    });
}

/**
 * Drags a range input's thumb with the mouse from one end to the other and back, one small move
 * every `pauseMs`, as a hand does: every step fires an input event. It takes the slider's box
 * (measure it before recording long tasks: locating an element by role walks the page's
 * accessibility tree on the main thread) and sends only mouse input while it drags.
 */
export async function dragSlider(
  page: Page,
  box: { x: number; y: number; width: number; height: number },
  { moves = 24, pauseMs = 25 }: { moves?: number; pauseMs?: number } = {},
): Promise<void> {
  const y = box.y + box.height / 2;
  const right = box.x + box.width - 4;
  const left = box.x + 4;
  await page.mouse.move(right, y);
  await page.mouse.down();
  for (const [from, to] of [
    [right, left],
    [left, right],
  ] as const) {
    for (let i = 1; i <= moves; i++) {
      await page.mouse.move(from + ((to - from) * i) / moves, y);
      await page.waitForTimeout(pauseMs);
    }
  }
  await page.mouse.up();
}
