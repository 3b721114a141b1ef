import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test } from './fixtures';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** Strokes on the pad, in pad pixels (280 × 280): each a list of points, drawn with the mouse. */
async function draw(page: Page, strokes: readonly (readonly [number, number])[][]) {
  const pad = page.getByTestId('tryit-pad');
  const box = (await pad.boundingBox())!;
  for (const points of strokes) {
    const [x0, y0] = points[0]!;
    await page.mouse.move(box.x + x0, box.y + y0);
    await page.mouse.down();
    for (const [x, y] of points.slice(1)) {
      await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    }
    await page.mouse.up();
  }
}

/** A "7": a bar across the top, then a diagonal down to the bottom left. */
const SEVEN: (readonly [number, number])[][] = [
  [
    [60, 50],
    [210, 50],
  ],
  [
    [210, 50],
    [150, 160],
    [110, 245],
  ],
];

async function audit(page: Page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (context: Document) => Promise<AxeResults> };
    };
    const results = await axe.run(document);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

test.describe('Try it', () => {
  test('a drawn 7 is read as 7 by the original model; 2-bit weights fill the compressed column', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=tryit');
    await expect(page.getByRole('tab', { name: 'Try it' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const pad = page.getByTestId('tryit-pad');
    await expect(pad).toBeVisible();
    // Before any drawing the predictions are of a test image.
    await expect(page.getByTestId('tryit-result')).toHaveAttribute('data-source', 'test-0');

    await draw(page, SEVEN);
    await expect(pad).toHaveAttribute('data-strokes', '2');
    const result = page.getByTestId('tryit-result');
    await expect(result).toHaveAttribute('data-source', 'drawing');
    await expect(result).toHaveAttribute('data-current', 'true');
    await expect(page.getByTestId('tryit-float')).toHaveAttribute('data-top', '7');
    await expect(page.getByTestId('tryit-float')).toContainText('Original (float32)');
    // All ten classes, each with its probability printed.
    await expect(page.getByTestId('tryit-float-row')).toHaveCount(10);
    await expect(page.getByTestId('tryit-float-row').nth(7)).toContainText('%');
    // The 28×28 preview of what the model sees.
    await expect(page.getByTestId('tryit-preview-image')).toBeVisible();
    console.log(`preprocessing the pad: ${await pad.getAttribute('data-preprocess-ms')} ms`);

    // Clear: nothing to predict, and the old prediction is gone.
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(page.getByTestId('tryit-message')).toHaveText(/Draw a digit/);
    await expect(page.getByTestId('tryit-result')).toHaveCount(0);
    // A tap is too little ink to read.
    await draw(page, [[[140, 140]]]);
    await expect(page.getByTestId('tryit-message')).toHaveText(/Too little ink/);

    // 2-bit weights from a link: the compressed column names its pipeline.
    await page.goto('/#v=3&data=mnist&model=mlp&view=tryit&w=int&wb=2');
    await page.getByRole('button', { name: 'Clear' }).click();
    await draw(page, SEVEN);
    await expect(result).toHaveAttribute('data-current', 'true');
    await expect(page.getByTestId('tryit-float')).toHaveAttribute('data-top', '7');
    const compressed = page.getByTestId('tryit-compressed');
    await expect(compressed).toContainText('Compressed (int2');
    await expect(compressed).toHaveAttribute('data-top', /^[0-9]$/);
    await expect(page.getByTestId('tryit-compressed-row')).toHaveCount(10);
    // The probabilities of each column sum to 1.
    for (const id of ['tryit-float-row', 'tryit-compressed-row']) {
      const p = await page
        .getByTestId(id)
        .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-p'))));
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  test('without dragging: test images by keyboard, with their true label', async ({ page }) => {
    await page.goto('/#v=3&data=mnist&model=mlp&view=tryit');
    const index = page.getByTestId('tryit-index');
    await index.fill('12');
    const result = page.getByTestId('tryit-result');
    await expect(result).toHaveAttribute('data-source', 'test-12');
    await expect(result).toHaveAttribute('data-current', 'true');
    await expect(page.getByTestId('tryit-test-label')).toContainText('Test image 12: label');
    await page.getByRole('button', { name: 'Next' }).focus();
    await page.keyboard.press('Enter');
    await expect(result).toHaveAttribute('data-source', 'test-13');
    await expect(result).toHaveAttribute('data-current', 'true');
    await expect(page.getByTestId('tryit-verdict')).toContainText('Test image 13, label');
  });

  test('Fashion-MNIST: step through the images misclassified only by the compressed model', async ({
    page,
  }) => {
    await page.goto('/#v=3&data=fashion&model=mlp&view=tryit&w=int&wb=2');
    await expect(page.getByTestId('tryit-pad')).toHaveCount(0);
    await page.getByTestId('tryit-index').fill('5');
    const result = page.getByTestId('tryit-result');
    await expect(result).toHaveAttribute('data-source', 'test-5');
    await expect(page.getByTestId('tryit-test-image')).toBeVisible();
    // Class names from the dataset's meta.
    await expect(page.getByTestId('tryit-float')).toContainText('Ankle boot');

    await expect(page.getByTestId('tryit-only-count')).toContainText('of 10,000 test images', {
      timeout: 30_000,
    });
    // "8,277 of 10,000 test images: …": how many the compressed model alone gets wrong.
    const shown = ((await page.getByTestId('tryit-only-count').textContent()) ?? '').split(' ')[0]!;
    expect(Number(shown.replace(/,/g, ''))).toBeGreaterThan(0);
    await page.getByTestId('tryit-only-compressed').check();
    for (let step = 0; step < 3; step++) {
      await expect(result).toHaveAttribute('data-current', 'true');
      await expect(page.getByTestId('tryit-only-position')).toContainText(`of ${shown} of these`);
      await expect(page.getByTestId('tryit-verdict')).toContainText(
        'misclassified only by the compressed model',
      );
      // The labels differ: the original names the true class, the compressed model another.
      const label = await page.getByTestId('tryit-picker').getAttribute('data-index');
      expect(await result.getAttribute('data-source')).toBe(`test-${label}`);
      const f = await page.getByTestId('tryit-float').getAttribute('data-top');
      const c = await page.getByTestId('tryit-compressed').getAttribute('data-top');
      expect(f).not.toBe(c);
      const before = Number(label);
      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByTestId('tryit-picker')).not.toHaveAttribute(
        'data-index',
        String(before),
      );
    }
  });

  for (const [name, hash] of [
    ['MNIST, a drawing', '#v=3&data=mnist&model=mlp&view=tryit&w=int&wb=4'],
    ['Fashion-MNIST, a test image', '#v=3&data=fashion&model=mlp&view=tryit&w=int&wb=2'],
  ] as const) {
    test(`${name}: no axe violations`, async ({ page }) => {
      await page.goto(`/${hash}`);
      if (name.startsWith('MNIST')) await draw(page, SEVEN);
      await expect(page.getByTestId('tryit-result')).toHaveAttribute('data-current', 'true');
      await expect(page.getByTestId('tryit-only-count')).toContainText('test images:', {
        timeout: 30_000,
      });
      await expect(page.locator('.stale')).toHaveCount(0);
      const violations = await audit(page);
      console.log(`axe ${name}: ${JSON.stringify(violations)}`);
      expect(violations).toEqual([]);
    });
  }
});
