import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test } from './fixtures';
import { LESSONS } from '../src/features/lessons/shared/lessons';
import { PANEL_LABELS } from '../src/platform/shared/panels';
import type { Panel } from '../src/platform/shared/panels';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** The serious and critical axe violations on the page, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (context: Document) => Promise<AxeResults> };
    };
    const r = await axe.run(document);
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Waits until the compressed model's full-test-set accuracy is on screen and current. */
async function waitForCompressed(page: Page) {
  await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
    timeout: 45_000,
  });
  await expect(page.getByTestId('quant-accuracy-note')).not.toContainText('quick estimate');
}

/** Where each hideable panel can be seen when it is shown (those with a sure marker). */
const PANEL_MARKERS: Partial<Record<Panel, (p: Page) => ReturnType<Page['locator']>>> = {
  sweep: (p) => p.getByTestId('sweep-chart'),
  prunesweep: (p) => p.getByTestId('prune-sweep'),
  mask: (p) => p.getByTestId('mask-canvas'),
  worked: (p) => p.getByRole('heading', { name: /Worked example/ }),
  acts: (p) => p.getByRole('heading', { name: 'Activations', exact: true }),
  advanced: (p) => p.getByRole('group', { name: 'Granularity' }),
  pipeline: (p) => p.getByRole('region', { name: 'Pipeline' }),
};

const TAB_NAMES: Record<string, string> = {
  'tab-model': 'Model',
  'tab-quantize': 'Quantize',
  'tab-prune': 'Prune & cluster',
  'tab-train': 'Train',
  'tab-tryit': 'Try it',
  'tab-history': 'History',
};

test('a copied link opens the same experiment, with the same numbers, in a fresh browser', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/#v=3&view=quantize&wb=3&wg=channel&pm=mag&sp=70&layer=fc2&seed=5&ab=8');
  await waitForCompressed(page);
  const shown = {
    accuracy: await page.getByTestId('quant-accuracy').innerText(),
    note: await page.getByTestId('quant-accuracy-note').innerText(),
    size: await page.getByTestId('quant-size').innerText(),
    pipeline: await page.getByTestId('pipeline-label').innerText(),
  };
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link.startsWith(`${baseURL}/#v=3&`)).toBe(true);
  expect(link.length).toBeLessThan(2000);

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await waitForCompressed(other);
  expect({
    accuracy: await other.getByTestId('quant-accuracy').innerText(),
    note: await other.getByTestId('quant-accuracy-note').innerText(),
    size: await other.getByTestId('quant-size').innerText(),
    pipeline: await other.getByTestId('pipeline-label').innerText(),
  }).toEqual(shown);
  await expect(other.getByRole('slider', { name: 'Weight bits' })).toHaveValue('3');
  await expect(other.getByRole('radio', { name: 'per-channel' })).toBeChecked();
  await fresh.close();
});

test('an older (v2) link opens as it was meant, says so, and nothing else changes', async ({
  page,
}) => {
  await page.goto('/#v=2&data=mnist&model=mlp&view=quantize&w=int&wb=4&ws=sym&wg=tensor');
  await expect(
    page.getByRole('status').filter({ hasText: 'Opened an older link (v2)' }),
  ).toBeVisible();
  await expect(page.getByRole('slider', { name: 'Weight bits' })).toHaveValue('4');
  // The address bar now holds the same experiment as a current link.
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('#v=3&view=quantize&wb=4');
});

for (const [i, lesson] of LESSONS.entries()) {
  test(`lesson ${i + 1} (${lesson.id}) opens without errors, its hidden panels absent, no serious axe violations`, async ({
    page,
  }) => {
    test.setTimeout(150_000);
    await page.goto(`/#v=3&les=${lesson.id}`);
    const bar = page.getByRole('region', { name: lesson.title });
    await expect(bar).toContainText(`Lesson ${i + 1} of ${LESSONS.length}`);
    await expect(bar).toContainText('Your task');
    if (lesson.config.view === 'quantize' || lesson.config.view === 'prune') {
      await waitForCompressed(page);
    }
    // Audit what stays on screen, not results dimmed while they are computed: every result
    // current (results dim 200 ms after going stale, so wait for currency, not for no dimming),
    // and still so 400 ms later (un-dimming is a 150 ms opacity transition). Checked again after
    // the wait: a lazily loaded view's chart can mount after the first check with its result
    // still to come (CI once audited the Train tab's PTQ/QAT chart dimmed that way).
    for (let settled = false; !settled;) {
      await expect(page.locator('[data-current="false"]')).toHaveCount(0, { timeout: 90_000 });
      await expect(page.locator('.stale')).toHaveCount(0);
      await page.waitForTimeout(400);
      settled =
        (await page.locator('[data-current="false"]').count()) === 0 &&
        (await page.locator('.stale').count()) === 0;
    }
    for (const panel of lesson.hide) {
      const tab = TAB_NAMES[panel];
      if (tab) {
        await expect(
          page.getByRole('tab', { name: tab, exact: true }),
          PANEL_LABELS[panel],
        ).toHaveCount(0);
      }
      const marker = PANEL_MARKERS[panel];
      if (marker) await expect(marker(page), PANEL_LABELS[panel]).toHaveCount(0);
    }
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('a hidden panel is not computed: the sweep of a lesson link that hides it never runs', async ({
  page,
}) => {
  await page.goto('/?debug#v=3&les=bits');
  await waitForCompressed(page);
  await expect(page.getByTestId('sweep-chart')).toBeVisible();
  // The same experiment with the sweep hidden, as a teacher's link would hide it.
  await page.goto(
    '/?debug#v=3&les=bits&hide=acts,advanced,cluster,export,layers,perclass,sensitivity,sweep,tab-history,tab-prune,tab-train,worked',
  );
  await page.reload();
  await waitForCompressed(page);
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('sweep-chart')).toHaveCount(0);
  const sweep = await page.evaluate(() => {
    const w = window as unknown as {
      __playground: { store: { getState: () => { sweep: unknown; busy: Set<string> } } };
    };
    const s = w.__playground.store.getState();
    return { sweep: s.sweep, busy: [...s.busy] };
  });
  expect(sweep.sweep).toBeNull();
  expect(sweep.busy).not.toContain('sweep');
});

test('a teacher makes a lesson link with chosen panels hidden', async ({ page, browser }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/#v=3&view=quantize&wb=4');
  await waitForCompressed(page);
  await page.getByRole('button', { name: 'Make lesson link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Make a lesson link' });
  await dialog.getByRole('checkbox', { name: 'Accuracy vs bit-width sweep' }).check();
  await dialog.getByRole('checkbox', { name: 'Prune & cluster tab' }).check();
  await dialog.getByRole('button', { name: 'Copy lesson link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('hide=sweep,tab-prune');
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await waitForCompressed(other);
  await expect(other.getByRole('slider', { name: 'Weight bits' })).toHaveValue('4');
  await expect(other.getByTestId('sweep-chart')).toHaveCount(0);
  await expect(other.getByRole('tab', { name: 'Prune & cluster' })).toHaveCount(0);
  await expect(other.getByRole('tab', { name: 'Quantize' })).toBeVisible();
  await fresh.close();
});

test('keyboard: arrows step through lessons, ? lists the shortcuts, R projector, P pauses, ] adds a bit', async ({
  page,
}) => {
  await page.goto('/#v=3&les=bits');
  const title = page.locator('#lesson-title');
  await expect(title).toHaveText(LESSONS[2]!.title);
  await page.locator('body').press('ArrowRight');
  await expect(title).toHaveText(LESSONS[3]!.title);
  await page.locator('body').press('ArrowLeft');
  await expect(title).toHaveText(LESSONS[2]!.title);

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Full screen');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await page.keyboard.press('r');
  await expect(page.locator('html')).toHaveClass(/projector/);
  await expect(page.getByRole('button', { name: 'Projector' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('proj=1');

  // Paused, a live chart keeps what it showed while the settings (and measurements) move on.
  const drawn = () =>
    page
      .getByTestId('quant-histogram')
      .locator('path.hist-series')
      .evaluateAll((paths) => paths.map((p) => p.getAttribute('d')).join('|'));
  const hist = page.getByTestId('quant-histogram');
  await expect(hist).toHaveAttribute('data-current', 'true');
  const levels = await hist.getAttribute('data-levels');
  const before = await drawn();
  await page.keyboard.press('p');
  await expect(page.getByRole('button', { name: 'Resume charts' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  for (let i = 0; i < 4; i++) await page.keyboard.press('[');
  // The measurement moved on (4 bits: other levels), the drawing did not.
  await expect(hist).not.toHaveAttribute('data-levels', levels ?? '');
  await expect(hist).toHaveAttribute('data-current', 'true');
  expect(await drawn()).toBe(before);
  await page.keyboard.press('p');
  await expect.poll(drawn).not.toBe(before);
  for (let i = 0; i < 4; i++) await page.keyboard.press(']');

  await page.getByRole('slider', { name: 'Weight bits' }).focus();
  await page.getByRole('slider', { name: 'Weight bits' }).press('ArrowLeft'); // the slider's own key
  await expect(page.getByRole('slider', { name: 'Weight bits' })).toHaveValue('7');
  await expect(title).toHaveText(LESSONS[2]!.title); // not a lesson step
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press(']');
  await expect(page.getByRole('slider', { name: 'Weight bits' })).toHaveValue('8');
});

test('every control, with its label, is at least 24×24 px on every view (WCAG 2.5.8)', async ({
  page,
}) => {
  test.setTimeout(120_000);
  for (const hash of [
    '',
    '&view=quantize&ab=8',
    '&view=prune&pm=mag&w=kmeans',
    '&view=train&tt=kd',
    '&view=tryit',
    '&view=history',
  ]) {
    await page.goto(`/#v=3${hash}`);
    await expect(page.getByRole('tab', { selected: true })).toBeVisible();
    await page.waitForTimeout(1500);
    const small = await page.evaluate(() => {
      const out: string[] = [];
      const controls = document.querySelectorAll(
        'button, input, select, textarea, a[href], summary, [role=tab]',
      );
      for (const el of controls) {
        const own = el.getBoundingClientRect();
        if (own.width === 0 || own.height === 0) continue; // not rendered
        const label = el.closest('label');
        const r = label ? label.getBoundingClientRect() : own;
        if (r.width < 24 || r.height < 24) {
          const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
          out.push(
            `${el.tagName.toLowerCase()} "${name}" ${r.width.toFixed(0)}×${r.height.toFixed(0)}`,
          );
        }
      }
      return out;
    });
    expect(small, `targets under 24×24 px on #v=3${hash}`).toEqual([]);
  }
});
