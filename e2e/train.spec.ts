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
    await page.goto('/#v=3&data=mnist&model=mlp&view=train&tt=qat&w=int&wb=2&te=5');
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
    await page.goto('/#v=3&data=mnist&model=mlp&view=train&tt=kd&te=1&kdh=16&kdt=4&kda=0.9');
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

test('a finished run’s model appears in the picker, the labs work on it, and a reload keeps it', async ({
  page,
}) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=train&tt=qat&w=int&wb=2&te=1');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  });
  const picker = page.getByRole('combobox', { name: 'Model', exact: true });
  const option = picker.locator('optgroup[label="Trained in this browser"] option').first();
  await expect(option).toHaveText(/MNIST MLP · QAT 2-bit · run \d+/);
  const name = (await option.textContent()) ?? '';
  await picker.selectOption({ label: name });
  await expect(page).toHaveURL(/tm=trained%3A|tm=trained:/);
  await expect(page.getByTestId('model-blurb')).toContainText('Kept in this browser');

  // The quantization lab works on it: its accuracy at 2 bits is the run's, not the shipped
  // model's 12.65% (the run trained with this very quantizer).
  await page.getByRole('tab', { name: 'Quantize' }).click();
  await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('quant-accuracy-note')).not.toContainText('quick estimate');
  const accuracy = Number(
    (await page.getByTestId('quant-accuracy').textContent())!.replace('%', ''),
  );
  expect(accuracy).toBeGreaterThan(50);

  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toHaveValue(/^trained:/);
  await expect(page.getByTestId('model-blurb')).toContainText(name);
});

test('a link to a model trained elsewhere offers to re-run its recipe', async ({ page }) => {
  const recipe = encodeURIComponent(
    JSON.stringify({ kind: 'qat', dataset: 'mnist', arch: 'mlp', epochs: 1, weights: { bits: 3 } }),
  );
  await page.goto(
    `/#v=3&data=mnist&model=mlp&view=quantize&tm=trained:0f8fad5b-d9cb-469f-a165-70867728950e&trc=${recipe}`,
  );
  const offer = page.getByRole('region', { name: 'Model from the link' });
  await expect(offer).toContainText('QAT 3-bit');
  // Meanwhile the shipped model is shown, and the link no longer names the missing one.
  await expect(page).not.toHaveURL(/tm=/);
  await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toHaveValue('mlp');
  await offer.getByRole('button', { name: 'Re-run its recipe' }).click();
  await expect(page).toHaveURL(/view=train/);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('run-list')).toContainText('QAT 3-bit');
});

test('fine-tuning after 90% pruning climbs above the one-shot accuracy drawn beside it', async ({
  page,
}) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=train&tt=ft&pm=mag&sp=90&te=1');
  await expect(page.getByTestId('planned-recipe')).toContainText('fine-tuned');
  const curves = page.getByRole('img', { name: /Accuracy over the optimizer steps/ });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  });
  // The reference: the same 90% magnitude pruning, one-shot, no retraining (36.95% on this model).
  await expect(curves).toHaveAccessibleName(/one-shot 90% pruned, no retraining: \d+\.\d+%/);
  const name = (await curves.getAttribute('aria-label')) ?? '';
  const oneShot = Number(/no retraining: (\d+\.\d+)%/.exec(name)![1]);
  const last = Number(/test accuracy: [\d.]+% at step 0, (\d+\.\d+)% at step/.exec(name)![1]);
  expect(last).toBeGreaterThan(oneShot + 30);
  await expect(page.getByTestId('run-list')).toContainText('fine-tuned');
});

test('techniques combine: a distilled student is picked, then trained again with QAT', async ({
  page,
}) => {
  await page.goto('/#v=3&data=mnist&model=mlp&view=train&tt=kd&te=1&kdh=16');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const list = page.getByTestId('run-list');
  await expect(list.getByRole('row').filter({ hasText: 'done' })).toHaveCount(2, {
    timeout: 60_000,
  });
  const picker = page.getByRole('combobox', { name: 'Model', exact: true });
  const student = picker.locator('optgroup[label="Trained in this browser"] option', {
    hasText: '784-16-10',
  });
  await picker.selectOption({ label: (await student.first().textContent()) ?? '' });
  // The labs work on the student: its first layer is 784×16.
  await page.getByRole('tab', { name: 'Model', exact: true }).click();
  await expect(page.getByRole('table').first()).toContainText('784×16');

  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByRole('combobox', { name: 'Technique' }).selectOption('qat');
  await page.getByRole('combobox', { name: /Epochs/ }).selectOption('1');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'done', {
    timeout: 60_000,
  });
  await expect(list).toContainText('(from a trained model) · QAT 8-bit');
});
