import { expect, test } from './fixtures';

test.describe('pruning and clustering lab', () => {
  test('90% sparsity: the sparsity chart, the mask view and the accuracy update; the URL round-trips', async ({
    page,
    context,
  }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=prune&pm=mag&sp=50&w=f32');
    const chart = page.getByTestId('sparsity-chart');
    await expect(chart).toHaveAttribute('data-sparsity', '0.5000');
    const mask = page.getByTestId('mask-canvas');
    await expect(mask).toHaveAttribute('data-kept', '117600'); // fc1: 235,200 × 50%
    const note = page.getByTestId('quant-accuracy-note');
    await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true');
    await expect(note).toContainText('/ 2,000 correct');
    await expect(note).not.toContainText('quick estimate');
    const acc50 = await page.getByTestId('quant-accuracy').textContent();

    await page.getByRole('slider', { name: 'Sparsity' }).fill('90');
    await expect(page).toHaveURL(/sp=90/);
    await expect(chart).toHaveAttribute('data-sparsity', '0.9000');
    await expect(mask).toHaveAttribute('data-kept', '23520');
    await expect(page.getByTestId('mask-caption')).toContainText('90.0% sparse');
    await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true');
    await expect(note).not.toContainText('quick estimate');
    await expect(page.getByTestId('quant-accuracy')).not.toHaveText(acc50 ?? '');
    await expect(page.getByRole('region', { name: 'Model size' })).toHaveAttribute(
      'data-current',
      'true',
    );
    const size = await page.getByTestId('size-total').textContent();

    const other = await context.newPage();
    await other.goto(page.url());
    await expect(other.getByRole('slider', { name: 'Sparsity' })).toHaveValue('90');
    await expect(other.getByTestId('sparsity-chart')).toHaveAttribute('data-sparsity', '0.9000');
    await expect(other.getByTestId('size-total')).toHaveText(size ?? '');
    await other.close();
  });

  test('2:4 keeps exactly half, structured pruning shrinks the layers', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=prune&pm=nm&nm=2:4&w=f32');
    await expect(page.getByTestId('mask-canvas')).toHaveAttribute('data-kept', '117600');
    await page.getByRole('combobox', { name: 'Pruning method' }).selectOption('structured');
    await expect(page).toHaveURL(/pm=struct/);
    // fc1 loses half of its 300 units; fc2 its units and the inputs from fc1's removed ones.
    await expect(page.getByTestId('prune-layer-table')).toContainText('784×300 → 784×150');
    await expect(page.getByTestId('prune-layer-table')).toContainText('300×100 → 150×50');
  });

  test('the Deep Compression pipeline: prune, cluster, Huffman — over 20× smaller', async ({
    page,
  }) => {
    await page.goto(
      '/#v=3&data=mnist&model=mlp&view=prune&pm=mag&sp=92&w=kmeans&ck=32&ci=linear&sf=csr&huf=1',
    );
    // The headline names every stage that shapes the size, storage included.
    await expect(page.getByTestId('pipeline-label')).toHaveText(
      'magnitude 92% → 32 clusters, relative indices, Huffman',
    );
    const ratio = page.getByTestId('size-ratio');
    await expect(ratio).toHaveText(/×/);
    expect(Number((await ratio.textContent())!.replace('×', ''))).toBeGreaterThan(20);
    await expect(page.getByTestId('size-table')).toContainText('sparse indices');
    const sweep = page.getByTestId('prune-sweep');
    await expect(sweep).toHaveAttribute('data-methods', 'magnitude,global,structured,random');
    await expect(sweep).toHaveAttribute('data-done', 'true', { timeout: 50_000 });
    // One curve per method, and the three N:M patterns as points.
    await expect(sweep.locator('g.line-series')).toHaveCount(4);
    await expect(sweep.locator('circle.scatter-point')).toHaveCount(3);
    await expect(page.getByTestId('experiments-scatter')).not.toHaveAttribute('data-count', '0');
  });
  test('a slower model’s sparsity sweep shows estimates first, then every curve whole', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=mnist&model=cnn&view=prune');
    const sweep = page.getByTestId('prune-sweep');
    const note = page.getByTestId('prune-sweep-estimates');
    await expect(note).toContainText('estimates on the first 1,000 of 2,000 test images', {
      timeout: 45_000,
    });
    await expect(sweep.locator('.estimate').first()).toBeVisible();
    await expect(sweep).toHaveAttribute('data-done', 'true', { timeout: 90_000 });
    await expect(note).toHaveCount(0);
    await expect(sweep.locator('.estimate')).toHaveCount(0);
    await expect(sweep.locator('circle.scatter-point')).toHaveCount(3);
  });
});
