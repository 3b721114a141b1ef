import type { Page } from '@playwright/test';
import { dragSlider, expect, recordLongTasks, test } from './fixtures';

/**
 * The main thread while a slider is dragged with the mouse (issue 10: no main-thread task over
 * 50 ms). Playwright's trace, kept for failed tests elsewhere, records DOM snapshots in the page
 * around each action, mouse moves included: on the page's main thread, inside what these tests
 * measure (with it on, 1 of 5 runs of the bit-width drag saw a 68 ms task, and CI one of 55 ms;
 * with it off, 0 of 5). It is the page's own work that is measured here, so these run without it.
 */
test.use({ trace: 'off' });

async function fullQuantAccuracy(page: Page, testCount: string): Promise<void> {
  await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
    timeout: 45_000,
  });
  const note = page.getByTestId('quant-accuracy-note');
  await expect(note).toContainText(`/ ${testCount} correct`, { timeout: 45_000 });
  await expect(note).not.toContainText('quick estimate');
}

test('the main thread stays responsive while the bit-width is dragged', async ({ page }) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&wb=8');
  await fullQuantAccuracy(page, '2,000');
  const slider = page.getByRole('slider', { name: 'Weight bits' });
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const stop = await recordLongTasks(page);
  // 8 → 1 → 8 bits with the mouse, a move every 25 ms; then the results of the last step.
  await dragSlider(page, box!);
  await expect(page.getByTestId('quant-histogram')).toHaveAttribute('data-current', 'true');
  await fullQuantAccuracy(page, '2,000');
  const longTasks = await stop();
  await expect(slider).toHaveValue('8');
  test.info().annotations.push({
    type: 'long tasks (ms)',
    description: JSON.stringify(longTasks.map(Math.round)),
  });
  // No main-thread task over 50 ms (the Long Tasks API's threshold) during the whole drag.
  expect(longTasks).toEqual([]);
});

test('the main thread stays responsive while the sparsity is dragged', async ({ page }) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=prune&pm=mag&sp=99&w=f32');
  const accuracy = page.getByTestId('quant-accuracy');
  await expect(accuracy).toHaveAttribute('data-current', 'true', { timeout: 45_000 });
  const slider = page.getByRole('slider', { name: 'Sparsity' });
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  // Every text the accuracy's note shows during the drag.
  await page.getByTestId('quant-accuracy-note').evaluate((note) => {
    const seen = new Set<string>();
    (window as unknown as { __notes: Set<string> }).__notes = seen;
    new MutationObserver(() => seen.add(note.textContent ?? '')).observe(note, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  const stop = await recordLongTasks(page);
  // 99% → 0% → 99% with the mouse: masks, sizes and the mask image follow every step.
  await dragSlider(page, box!, { moves: 20 });
  await expect(page.getByTestId('sparsity-chart')).toHaveAttribute('data-current', 'true');
  await expect(accuracy).toHaveAttribute('data-current', 'true', { timeout: 45_000 });
  // While the hand moved, the accuracy waited for it to rest, and said so; now it is measured.
  const notes = await page.evaluate(() => [
    ...(window as unknown as { __notes: Set<string> }).__notes,
  ]);
  expect(notes).toContain('measured once you pause (dimmed: the previous settings)');
  await expect(page.getByTestId('quant-accuracy-note')).toHaveText(/^[\d,]+ \/ 2,000 correct$/);
  const longTasks = await stop();
  test.info().annotations.push({
    type: 'long tasks (ms)',
    description: JSON.stringify(longTasks.map(Math.round)),
  });
  expect(longTasks).toEqual([]);
});
