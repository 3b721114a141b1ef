import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';

/**
 * Every spec runs with these guards: a page error, a console error or a request to another
 * origin fails the test. The app must never fetch anything from elsewhere.
 */
export const test = base.extend<{ guards: { errors: string[]; foreign: string[] } }>({
  guards: [
    async ({ page, baseURL }, use) => {
      const errors: string[] = [];
      const foreign: string[] = [];
      const origin = new URL(baseURL ?? 'http://127.0.0.1:4173').origin;
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      page.on('request', (r) => {
        const url = r.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      await use({ errors, foreign });
      expect(errors, 'no page or console errors').toEqual([]);
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
