import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

function percent(text: string | null): number {
  const m = /(-?[\d.]+)%/.exec(text ?? '');
  if (!m) throw new Error(`no percentage in "${text}"`);
  return Number(m[1]);
}

async function fullQuantAccuracy(page: Page, testCount: string): Promise<number> {
  await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
    timeout: 45_000,
  });
  const note = page.getByTestId('quant-accuracy-note');
  await expect(note).toContainText(`/ ${testCount} correct`, { timeout: 45_000 });
  await expect(note).not.toContainText('quick estimate');
  return percent(await page.getByTestId('quant-accuracy').textContent());
}

test.describe('quantization lab', () => {
  test('bits 8 → 2: the accuracy, the histogram and the URL follow', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&w=int&wb=8&ws=sym&wg=tensor');
    const slider = page.getByRole('slider', { name: 'Weight bits' });
    await expect(slider).toHaveValue('8');
    const acc8 = await fullQuantAccuracy(page, '2,000');
    const histogram = page.getByTestId('quant-histogram');
    await expect(histogram).not.toHaveAttribute('data-levels', '');
    const levels8 = Number(await histogram.getAttribute('data-levels'));
    const size8 = await page.getByTestId('quant-size').textContent();

    await slider.fill('4');
    await expect(page).toHaveURL(/wb=4/);
    await expect(histogram).toHaveAttribute('data-levels', /^([1-9]|1[0-5])$/);
    // The 4-bit symmetric grid −7…7 is drawn as 15 orange lines, with the clip range dashed.
    const gridLines = async () =>
      ((await histogram.locator('path.grid-levels').getAttribute('d')) ?? '').split('M').length - 1;
    await expect.poll(gridLines).toBe(15);
    await expect(histogram.locator('line.clip-line')).toHaveCount(2);

    await slider.fill('2');
    await expect(page).toHaveURL(/wb=2/);
    // Symmetric 2-bit is the restricted range −1, 0, +1: at most 3 distinct values.
    await expect(histogram).toHaveAttribute('data-levels', /^[1-3]$/);
    await expect.poll(gridLines).toBe(3);
    const acc2 = await fullQuantAccuracy(page, '2,000');
    expect(levels8).toBeGreaterThan(16);
    expect(acc2).toBeLessThan(acc8 - 5); // naive 2-bit min-max collapses (most weights round to 0)
    await expect(page.getByTestId('quant-size')).not.toHaveText(size8 ?? '');
    await expect(page.getByTestId('quant-facts')).toContainText('zero-point');
  });

  test('8-bit weights and activations stay within a point of float32', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&w=int&wb=8&ab=8&obs=minmax');
    const acc = await fullQuantAccuracy(page, '2,000');
    await page.getByRole('tab', { name: 'Model' }).click();
    const base = percent(await page.getByTestId('accuracy').textContent());
    expect(Math.abs(acc - base)).toBeLessThan(1);
    await page.getByRole('tab', { name: 'Quantize' }).click();
    await expect(
      page.getByTestId('act-histogram').locator('path.hist-series').first(),
    ).toBeVisible();
    await expect(page.getByTestId('act-facts')).toContainText('Clip range');
  });

  test('the sweep fills in point by point, for both curves', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize');
    const sweep = page.getByTestId('sweep-chart');
    await expect(sweep).toHaveAttribute('data-done', 'true', { timeout: 45_000 });
    await expect(sweep).toHaveAttribute('data-points', '8');
    await expect(page.getByTestId('sweep-references')).toContainText(
      /float16 \d+\.\d+%, bfloat16 \d+\.\d+%/,
    );
    await expect(sweep.locator('g.line-series')).toHaveCount(2);
    // Each curve has a point for every bit-width once the sweep is done.
    await expect(sweep.locator('g.line-series[data-series=weightOnly] circle')).toHaveCount(8);
  });

  test('a slow model’s sweep shows every point as an estimate first, then completes each', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=fashion&model=cnn&view=quantize');
    const sweep = page.getByTestId('sweep-chart');
    // Estimates on the first 1,000 images: dotted markers, said so under the chart and in the
    // chart's description.
    const note = page.getByTestId('sweep-estimates');
    await expect(note).toContainText('estimates on the first 1,000 of 10,000 test images', {
      timeout: 45_000,
    });
    await expect(sweep.locator('.estimate').first()).toBeVisible();
    await expect(sweep.getByRole('img').first()).toHaveAccessibleName(/\(estimate\)/);
    await expect(sweep).toHaveAttribute('data-done', 'true', { timeout: 120_000 });
    // Every point whole: plain markers, no note.
    await expect(note).toHaveCount(0);
    await expect(sweep.locator('.estimate')).toHaveCount(0);
    await expect(sweep.locator('g.line-series[data-series=weightOnly] circle')).toHaveCount(8);
    await expect(sweep.getByRole('img').first()).not.toHaveAccessibleName(/estimate/);
  });

  test('a per-layer override and per-channel settings round-trip through the URL', async ({
    page,
    context,
  }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&wb=4');
    await page.getByLabel('Precision of layer fc3').selectOption('0');
    await page.getByRole('radio', { name: 'per-channel' }).check();
    await expect(page).toHaveURL(/wg=channel.*ov=fc3:f/);
    await expect(page.getByTestId('channel-ranges')).toBeVisible();
    const url = page.url();
    const other = await context.newPage();
    await other.goto(url);
    await expect(other.getByLabel('Precision of layer fc3')).toHaveValue('0');
    await expect(other.getByRole('radio', { name: 'per-channel' })).toBeChecked();
    await expect(other.getByTestId('layer-quant-table')).toContainText('float32 (not quantized)');
    await other.close();
  });

  test('sensitivity analysis proposes a mixed-precision assignment that can be applied', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&wb=8');
    await page.getByRole('button', { name: 'Run sensitivity analysis' }).click();
    await expect(page.getByTestId('sensitivity-chart')).toHaveAttribute('data-done', 'true', {
      timeout: 60_000,
    });
    const proposal = page.getByTestId('mixed-proposal');
    await expect(proposal).toContainText('fc1:');
    await proposal.getByRole('button', { name: 'Apply as per-layer bit-widths' }).click();
    await expect(page).toHaveURL(/ov=fc1:\d,fc2:\d,fc3:\d/);
  });
});
