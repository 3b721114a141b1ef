import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test, waitForFullAccuracy } from './fixtures';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

type Impact = 'minor' | 'moderate' | 'serious' | 'critical';
interface Violation {
  id: string;
  impact: Impact | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** Injects axe-core into the page and runs every rule it has on the whole document. */
async function audit(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (context: Document) => Promise<AxeResults> };
    };
    const results = await axe.run(document);
    return results.violations.map((v) => ({
      id: v.id,
      impact: (v.impact ?? null) as Impact | null,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      })),
    }));
  });
}

function describe(violations: Violation[]): string {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `    ${n.target}\n      ${n.summary}`).join('\n'),
    )
    .join('\n');
}

const VIEWS = [
  { name: 'Model', hash: '' },
  { name: 'Quantize', hash: '&view=quantize' },
  { name: 'Prune & cluster', hash: '&view=prune&pm=mag' },
  { name: 'Train', hash: '&view=train&tt=qat&wb=4&te=1' },
] as const;

/** Waits until the view's results (accuracy, sweeps, mask) are drawn and nothing is dimmed. */
async function waitForResults(page: Page, view: (typeof VIEWS)[number]['name']) {
  if (view === 'Train') {
    // Audit with a finished run on screen: its status, curves and the list of runs.
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', {
      timeout: 90_000,
    });
    await expect(page.getByTestId('run-list')).toBeVisible();
  } else if (view === 'Model') {
    await waitForFullAccuracy(page, '2,000');
    await expect(page.getByTestId('per-class')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Accuracy per class' })).not.toContainText(
      'Evaluating',
    );
  } else {
    await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
      timeout: 45_000,
    });
    await expect(page.getByTestId('quant-accuracy-note')).not.toContainText('quick estimate');
    if (view === 'Quantize') {
      await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-done', 'true', {
        timeout: 90_000,
      });
    } else {
      await expect(page.getByTestId('mask-canvas')).not.toHaveAttribute('data-kept', '');
      await expect(page.getByTestId('prune-sweep')).toHaveAttribute('data-done', 'true', {
        timeout: 90_000,
      });
    }
  }
  await expect(page.locator('.stale')).toHaveCount(0);
}

test.describe('accessibility (axe-core)', () => {
  for (const model of ['mlp', 'cnn'] as const) {
    for (const view of VIEWS) {
      test(`mnist-${model}, ${view.name}: no serious or critical axe violations`, async ({
        page,
      }) => {
        test.setTimeout(180_000);
        await page.goto(`/#v=3&data=mnist&model=${model}${view.hash}`);
        await expect(page.getByRole('tab', { name: view.name })).toHaveAttribute(
          'aria-selected',
          'true',
        );
        await waitForResults(page, view.name);
        const violations = await audit(page);
        const counts = Object.fromEntries(
          (['critical', 'serious', 'moderate', 'minor'] as const).map((i) => [
            i,
            violations.filter((v) => v.impact === i).reduce((n, v) => n + v.nodes.length, 0),
          ]),
        );
        console.log(
          `axe mnist-${model} ${view.name}: ${JSON.stringify(counts)}` +
            (violations.length ? `\n${describe(violations)}` : ''),
        );
        const blocking = violations.filter(
          (v) => v.impact === 'serious' || v.impact === 'critical',
        );
        expect(blocking, `serious or critical violations:\n${describe(blocking)}`).toEqual([]);
      });
    }
  }
});

test('a sweep showing estimates (dotted markers and their note): no serious or critical axe violations', async ({
  page,
}) => {
  await page.goto('/#v=3&data=mnist&model=cnn&view=prune');
  await expect(page.getByTestId('prune-sweep-estimates')).toBeVisible({ timeout: 45_000 });
  const blocking = (await audit(page)).filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  expect(blocking, `serious or critical violations:\n${describe(blocking)}`).toEqual([]);
});

test.describe('keyboard', () => {
  test('the view tabs: arrow keys, Home and End select a view, and the URL follows', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=model');
    const tab = (name: string) => page.getByRole('tab', { name, exact: true });
    const panel = page.getByRole('tabpanel');
    await expect(page.getByRole('tab')).toHaveCount(6);
    await expect(tab('Model')).toHaveAttribute('aria-selected', 'true');
    // Roving tabindex: only the selected tab is in the Tab order.
    await expect(tab('Model')).toHaveAttribute('tabindex', '0');
    await expect(tab('Quantize')).toHaveAttribute('tabindex', '-1');
    await expect(tab('Prune & cluster')).toHaveAttribute('tabindex', '-1');
    await expect(tab('Train')).toHaveAttribute('tabindex', '-1');
    // The tabs control the panel, which is named by the selected tab.
    const panelId = await panel.getAttribute('id');
    expect(panelId).toBeTruthy();
    for (const name of ['Model', 'Quantize', 'Prune & cluster', 'Train']) {
      await expect(tab(name)).toHaveAttribute('aria-controls', panelId!);
    }
    await expect(page.getByRole('tabpanel', { name: 'Model' })).toBeVisible();

    await tab('Model').focus();
    const steps = [
      { key: 'ArrowRight', name: 'Quantize', view: 'quantize' },
      { key: 'ArrowRight', name: 'Prune & cluster', view: 'prune' },
      { key: 'ArrowRight', name: 'Train', view: 'train' },
      { key: 'ArrowRight', name: 'Try it', view: 'tryit' },
      { key: 'ArrowRight', name: 'History', view: 'history' },
      { key: 'ArrowRight', name: 'Model', view: 'model' }, // wraps around
      { key: 'ArrowLeft', name: 'History', view: 'history' }, // and back
      { key: 'Home', name: 'Model', view: 'model' },
      { key: 'End', name: 'History', view: 'history' },
      { key: 'ArrowLeft', name: 'Try it', view: 'tryit' },
      { key: 'ArrowLeft', name: 'Train', view: 'train' },
      { key: 'ArrowLeft', name: 'Prune & cluster', view: 'prune' },
      { key: 'ArrowLeft', name: 'Quantize', view: 'quantize' },
    ];
    for (const s of steps) {
      await page.keyboard.press(s.key);
      await expect(tab(s.name), `${s.key} focuses ${s.name}`).toBeFocused();
      await expect(tab(s.name)).toHaveAttribute('aria-selected', 'true');
      await expect(tab(s.name)).toHaveAttribute('tabindex', '0');
      await expect(page.getByRole('tab', { selected: true })).toHaveCount(1);
      // The link names the view, but for the default one (Model), which it leaves out.
      await expect(page).toHaveURL(
        s.view === 'model' ? /^[^#]*#(?!.*view=)/ : new RegExp(`[#&]view=${s.view}(&|$)`),
      );
      await expect(page.getByRole('tabpanel', { name: s.name })).toBeVisible();
    }
    // The selected view is drawn: Quantize's settings and its accuracy-vs-bits sweep.
    await expect(page.getByRole('slider', { name: 'Weight bits' })).toBeVisible();
    await expect(panel.getByTestId('sweep-chart')).toBeVisible();

    // Tab leaves the tab list for the panel; Shift+Tab comes back to the selected tab.
    await page.keyboard.press('Tab');
    await expect(tab('Quantize')).not.toBeFocused();
    expect(
      await panel.evaluate((el) => el.contains(document.activeElement)),
      'the focus is in the tab panel',
    ).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await expect(tab('Quantize')).toBeFocused();
  });

  test('the skip link is the first stop, shows when focused and moves the focus to the results', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&wb=4');
    const skip = page.getByRole('link', { name: 'Skip to results' });
    await expect(page.getByRole('tab', { name: 'Quantize' })).toBeVisible();
    await expect(skip).not.toBeInViewport();

    await page.keyboard.press('Tab');
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    const url = page.url();

    await page.keyboard.press('Enter');
    await expect(page.getByRole('main')).toBeFocused();
    // The settings in the URL hash are kept (the link does not navigate to its #fragment).
    expect(page.url()).toBe(url);
    await expect(skip).not.toBeInViewport();
    // The next stop is the selected view's tab: the sidebar's controls were skipped.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('tab', { name: 'Quantize' })).toBeFocused();
  });

  test('landmarks: one banner, one main, a named complementary sidebar', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=prune');
    await expect(page.getByRole('banner')).toHaveCount(1);
    await expect(page.getByRole('main')).toHaveCount(1);
    await expect(page.getByRole('complementary', { name: 'Settings' })).toHaveCount(1);
    await expect(page.getByRole('main').getByRole('tablist', { name: 'Views' })).toBeVisible();
    await expect(
      page.getByRole('complementary').getByRole('combobox', { name: 'Dataset' }),
    ).toBeVisible();
  });
});
