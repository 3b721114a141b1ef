import { expect, test } from './fixtures';

/**
 * Training runs in a worker of their own: progress streams in, the curve grows, cancel answers at
 * once and the next run starts on a fresh worker; distillation trains its from-scratch baseline
 * beside it.
 */
test.describe('the Train tab', () => {
  test('a 2-bit QAT run streams progress, cancels at once, and a new run starts', async ({
    page,
  }) => {
    await page.goto('/#v=1&data=mnist&model=mlp&view=train&tt=qat&w=int&wb=2&te=5');
    await expect(page.getByTestId('planned-recipe')).toContainText('QAT 2-bit');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const status = page.getByTestId('run-status');
    await expect(status).toHaveAttribute('data-status', 'running');
    // The curve grows: several progress records have arrived, then more.
    const curves = page.getByTestId('run-curves');
    await expect
      .poll(async () => Number(await curves.getAttribute('data-points')), { timeout: 30_000 })
      .toBeGreaterThan(20);
    const before = Number(await curves.getAttribute('data-points'));
    await expect
      .poll(async () => Number(await curves.getAttribute('data-points')))
      .toBeGreaterThan(before);
    await expect(page.getByTestId('run-numbers')).toContainText(/step \d+ of 625/);

    await page.getByRole('button', { name: 'Cancel' }).click();
    // The app answers at once: the run reads cancelled without waiting for the worker.
    await expect(status).toHaveAttribute('data-status', 'cancelled', { timeout: 1_000 });
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();

    // The next run starts (on the same or a replaced worker) and finishes.
    await page.getByRole('combobox', { name: /Epochs/ }).selectOption('1');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(status).toHaveAttribute('data-status', 'done', { timeout: 45_000 });
    await expect(page.getByTestId('run-list')).toContainText('QAT 2-bit · run 2');
    await expect(page.getByTestId('run-list')).toContainText('cancelled');
  });

  test('distillation trains the student and its from-scratch baseline, both measured', async ({
    page,
  }) => {
    await page.goto('/#v=1&data=mnist&model=mlp&view=train&tt=kd&te=1&kdh=16&kdt=4&kda=0.9');
    await expect(page.getByTestId('planned-recipe')).toContainText('distilled from MLP');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const list = page.getByTestId('run-list');
    await expect(list.getByRole('row')).toHaveCount(3, { timeout: 30_000 }); // header + 2 runs
    await expect(list).toContainText('(baseline)');
    await expect(list.getByRole('row').filter({ hasText: 'done' })).toHaveCount(2, {
      timeout: 60_000,
    });
    await expect(page.getByRole('img', { name: /same student from scratch/ })).toBeVisible();
  });
});
