import { expect, test } from './fixtures';

/**
 * One shared pipeline, always visible: a setting made on one tab is named on the other, each
 * stage can be reached and reset, and "Reset all" gives back the trained model.
 */
test.describe('the pipeline strip', () => {
  test('Quantize names the pruning, clustering and Huffman coding set on Prune & cluster', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=prune&pm=mag&sp=90&w=cluster&huf=1');
    await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true');
    await page.getByRole('tab', { name: 'Quantize' }).click();
    await expect(page).toHaveURL(/view=quantize/);

    const pipeline = page.getByRole('region', { name: 'Pipeline' });
    await expect(pipeline.getByTestId('stage-prune')).toContainText('magnitude, layer-wise 90%');
    await expect(pipeline.getByTestId('stage-prune')).toHaveAttribute('data-active', 'true');
    await expect(pipeline.getByTestId('stage-weights')).toContainText('k-means');
    await expect(pipeline.getByTestId('stage-storage')).toContainText('Huffman-coded');
    await expect(pipeline.getByTestId('stage-acts')).toHaveAttribute('data-active', 'false');
    // The headline names the same pipeline, and the format picker shows the real format.
    await expect(page.getByTestId('pipeline-label')).toContainText('magnitude 90%');
    await expect(page.getByTestId('pipeline-label')).toContainText('Huffman');
    await expect(page.getByRole('combobox', { name: 'Weight format' })).toHaveValue('cluster');
    await expect(page.getByTestId('layer-quant-caption')).toContainText('Pruning');
    await expect(page.getByTestId('layer-quant-table')).toContainText('k-means, 32 shared values');

    // Each stage resets on its own: the headline's compression follows.
    await expect(page.getByTestId('quant-ratio')).not.toHaveText('…');
    const ratioPruned = await page.getByTestId('quant-ratio').textContent();
    await pipeline.getByRole('button', { name: 'Reset prune' }).click();
    await expect(page).not.toHaveURL(/pm=/); // no pruning: the default, left out of the link
    await expect(pipeline.getByTestId('stage-prune')).toHaveAttribute('data-active', 'false');
    await expect(page.getByTestId('pipeline-label')).not.toContainText('magnitude');
    await expect(page.getByTestId('quant-ratio')).not.toHaveText(ratioPruned ?? '');

    // "Edit" jumps to the tab that has the stage's controls and focuses the first one.
    await pipeline.getByRole('button', { name: /^Edit on Prune: Store controls/ }).click();
    await expect(page).toHaveURL(/view=prune/);
    await expect(page.getByRole('combobox', { name: 'Sparse format' })).toBeFocused();

    // Reset all: the trained float32 model, 1.0×, and the same accuracy as the Model tab.
    await page
      .getByRole('region', { name: 'Pipeline' })
      .getByRole('button', { name: 'Reset all' })
      .click();
    await expect(page.getByTestId('quant-ratio')).toHaveText(/^1\.0×$/);
    await expect(page.getByTestId('quant-delta')).toHaveText('+0.00 pts');
    for (const id of ['prune', 'weights', 'acts', 'storage'])
      await expect(page.getByTestId(`stage-${id}`)).toHaveAttribute('data-active', 'false');
  });

  test('Prune names activation quantization set on Quantize', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&ab=2');
    await page.getByRole('tab', { name: 'Prune & cluster' }).click();
    const acts = page.getByRole('region', { name: 'Pipeline' }).getByTestId('stage-acts');
    await expect(acts).toHaveAttribute('data-active', 'true');
    await expect(acts).toContainText('int2');
    await expect(page.getByTestId('pipeline-label')).toContainText('A2');
    await acts
      .getByRole('button', { name: /^Edit on Quantize: Quantize activations controls/ })
      .click();
    await expect(page).toHaveURL(/view=quantize/);
    await expect(page.getByRole('combobox', { name: 'Activation bits' })).toBeFocused();
  });
});
