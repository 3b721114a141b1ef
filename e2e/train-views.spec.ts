import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The Train tab's technique views: distillation's soft targets of a test image (the teacher's
 * softmax at T = 1 and at T), and QAT's accuracy-vs-bit-width chart with the PTQ sweep and the
 * finished QAT runs on the same axes.
 */

/** Per class, the probability at T = 1 and at T, as the rows carry them. */
async function probabilities(view: Locator): Promise<{ p1: number[]; pt: number[] }> {
  const rows = view.getByTestId('soft-target-row');
  await expect(rows).toHaveCount(10);
  const p1: number[] = [];
  const pt: number[] = [];
  for (const row of await rows.all()) {
    p1.push(Number(await row.getAttribute('data-p1')));
    pt.push(Number(await row.getAttribute('data-pt')));
  }
  return { p1, pt };
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

test('distillation shows the teacher’s soft targets of a test image, and T flattens them', async ({
  page,
}) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=train&tt=kd&kdt=4&kdi=7');
  const view = page.getByTestId('soft-targets');
  await expect(view).toHaveAttribute('data-current', 'true');
  await expect(view).toHaveAttribute('data-index', '7');
  await expect(page.getByRole('img', { name: 'Test image 7', exact: true })).toBeVisible();

  const at4 = await probabilities(view);
  expect(sum(at4.p1)).toBeCloseTo(1, 5);
  expect(sum(at4.pt)).toBeCloseTo(1, 5);
  // The printed percentages at T add up to about 100% too (each rounded to 0.1 point).
  const printed = await view.locator('.hbar-value > span:last-child').allTextContents();
  const total = sum(printed.map((t) => (t.startsWith('<') ? 0 : parseFloat(t.replace('>', '')))));
  expect(Math.abs(total - 100)).toBeLessThan(1);
  // At T = 4 the top class holds less, the least likely one more, than at T = 1.
  expect(Math.max(...at4.pt)).toBeLessThan(Math.max(...at4.p1));
  expect(Math.min(...at4.pt)).toBeGreaterThan(Math.min(...at4.p1));

  // A higher temperature flattens them further, without a new image.
  const slider = page.getByRole('slider', { name: /Temperature T/ });
  await slider.focus();
  for (let i = 0; i < 4; i++) await slider.press('ArrowRight');
  await expect(view).toHaveAttribute('data-temperature', '8');
  const at8 = await probabilities(view);
  expect(at8.p1).toEqual(at4.p1);
  expect(sum(at8.pt)).toBeCloseTo(1, 5);
  expect(Math.max(...at8.pt)).toBeLessThan(Math.max(...at4.pt));

  // The next test image the teacher gets wrong: the link follows.
  await expect(page.getByTestId('misclassified-count')).toContainText(/misclassifies \d+ of 2,000/);
  await page.getByRole('button', { name: 'Next misclassified' }).click();
  await expect(page.getByTestId('kd-verdict')).toContainText('misclassified');
  await expect(view).not.toHaveAttribute('data-index', '7');
  const index = await view.getAttribute('data-index');
  await expect(page).toHaveURL(new RegExp(`kdi=${index}(&|$)`));
});

test('QAT: the PTQ sweep and a finished 2-bit QAT run on the same axes', async ({ page }) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=train&tt=qat&w=int&wb=2&te=1');
  const chart = page.getByTestId('ptq-qat-chart');
  // The quantize lab's sweep runs here too: PTQ at 1–8 bits, no QAT point yet.
  await expect(chart).toHaveAttribute('data-ptq-points', '8', { timeout: 30_000 });
  await expect(chart).toHaveAttribute('data-qat-points', '0');
  await expect(page.getByTestId('ptq-qat-caption')).toContainText('None yet');

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  });
  await expect(chart).toHaveAttribute('data-qat-points', '1');
  const caption = page.getByTestId('ptq-qat-caption');
  await expect(caption).toContainText(/2 bits: run \d+, 1 epoch, \d+\.\d+%/);
  // 2-bit PTQ collapses (about 13%); one epoch of QAT brings it far back.
  const qat = Number(/2 bits: run \d+, 1 epoch, (\d+\.\d+)%/.exec(await caption.innerText())![1]);
  expect(qat).toBeGreaterThan(50);
  await expect(
    page.getByRole('img', { name: /QAT: trained with the quantizer: 2 bits/ }),
  ).toBeVisible();
});
