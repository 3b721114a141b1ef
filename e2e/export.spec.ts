import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Download, Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test } from './fixtures';

/**
 * The Export panel, judged from outside the app: the model files it saves are loaded in this
 * Node process with STOCK @tensorflow/tfjs (`tf.loadLayersModel` over HTTP, as a user of the
 * files does), evaluated on the shipped test set, and must get the number of correct answers
 * the app displayed. Charts save non-empty PNG and SVG files; results save CSV with its header
 * and row; the view with the panel passes axe.
 */

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const PUBLIC = resolve(import.meta.dirname, '../public');

const FOUR_BIT = '/#v=3&data=mnist&model=mlp&view=quantize&w=int&wb=4&wg=tensor';

async function waitForQuantAccuracy(page: Page): Promise<number> {
  await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
    timeout: 60_000,
  });
  const note = page.getByTestId('quant-accuracy-note');
  await expect(note).toContainText('/ 2,000 correct', { timeout: 60_000 });
  await expect(note).not.toContainText('quick estimate');
  const m = /([\d,]+) \/ 2,000 correct/.exec((await note.textContent()) ?? '');
  expect(m, 'the headline shows the correct count').not.toBeNull();
  return Number(m![1]!.replaceAll(',', ''));
}

/** Serves `dir`'s files on 127.0.0.1 and loads model.json with stock tf.loadLayersModel. */
async function loadFromFolder(dir: string): Promise<tf.LayersModel> {
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    if (!/^[\w.-]+$/.test(name)) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(readFileSync(join(dir, name)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const { port } = server.address() as AddressInfo;
    return await tf.loadLayersModel(`http://127.0.0.1:${port}/model.json`);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
}

/** Correct answers of `model` on the shipped MNIST test set (pixels / 255, [N, 28, 28, 1]). */
function countCorrect(model: tf.LayersModel): number {
  const meta = JSON.parse(readFileSync(join(PUBLIC, 'data/mnist/meta.json'), 'utf8')) as {
    test: { count: number };
  };
  const n = meta.test.count;
  const pixels = readFileSync(join(PUBLIC, 'data/mnist/test-images.u8'));
  const labels = readFileSync(join(PUBLIC, 'data/mnist/test-labels.u8'));
  const x = tf.tensor4d(
    Float32Array.from(pixels.subarray(0, n * 784), (p) => p / 255),
    [n, 28, 28, 1],
  );
  const logits = model.predict(x, { batchSize: n }) as tf.Tensor2D;
  const predicted = logits.argMax(1).dataSync();
  tf.dispose([x, logits]);
  let correct = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}

async function saveDownload(d: Download, dir: string): Promise<string> {
  const path = join(dir, d.suggestedFilename());
  await d.saveAs(path);
  return path;
}

test.describe('export', () => {
  test.beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  test('a 4-bit per-tensor model loads in Node with stock tfjs and gets the count the app displayed', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const dir = mkdtempSync(join(tmpdir(), 'export-e2e-'));
    try {
      await page.goto(FOUR_BIT);
      const shown = await waitForQuantAccuracy(page);

      const panel = page.getByRole('region', { name: 'Export' });
      // The table says how each layer goes into the files before anything is written.
      const table = panel.getByTestId('export-table');
      await expect(table).toHaveAttribute('data-current', 'true');
      for (const layer of ['fc1', 'fc2', 'fc3']) {
        const row = table.getByRole('row', { name: new RegExp(`^${layer}\\b`) });
        await expect(row).toContainText('uint8 + scale/min');
        await expect(row).toContainText('4-bit codes');
      }

      const downloads: Download[] = [];
      const want = ['model.json', 'model.weights.bin', 'compression.json'];
      const all = new Promise<void>((ok) => {
        page.on('download', (d) => {
          downloads.push(d);
          if (downloads.length === want.length) ok();
        });
      });
      await panel.getByRole('button', { name: 'Download model (TF.js)' }).click();
      await all;
      expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual([...want].sort());
      for (const d of downloads) await saveDownload(d, dir);
      await expect(panel.getByTestId('export-status')).toContainText(
        'Every tensor decodes bit for bit',
      );

      // The weights file holds one byte per kernel weight (uint8) plus float32 biases.
      const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
        weightsManifest: { weights: { name: string; quantization?: { dtype: string } }[] }[];
      };
      const kernels = manifest.weightsManifest[0]!.weights.filter((w) => w.name.endsWith('kernel'));
      expect(kernels.map((w) => w.quantization?.dtype)).toEqual(['uint8', 'uint8', 'uint8']);
      const bin = readFileSync(join(dir, 'model.weights.bin'));
      expect(bin.length).toBe(784 * 300 + 300 * 100 + 100 * 10 + 4 * (300 + 100 + 10));
      const sidecar = JSON.parse(readFileSync(join(dir, 'compression.json'), 'utf8')) as {
        tensors: { name: string; bits: number }[];
      };
      expect(sidecar.tensors.map((t) => [t.name, t.bits])).toEqual([
        ['fc1/kernel', 4],
        ['fc2/kernel', 4],
        ['fc3/kernel', 4],
      ]);

      const model = await loadFromFolder(dir);
      const correct = countCorrect(model);
      model.dispose();
      expect(correct).toBe(shown);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('charts save PNG and SVG, results save CSV and JSON', async ({ page }) => {
    test.setTimeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'export-e2e-'));
    try {
      await page.goto(FOUR_BIT);
      await waitForQuantAccuracy(page);

      const chart = page.getByTestId('sweep-chart');
      await expect(chart.locator('svg[role="img"]')).toBeVisible();
      const menu = chart.locator('.chart-download');
      // Keyboard: the menu opens from its summary with Enter, the choices are buttons.
      await menu.locator('summary').focus();
      await page.keyboard.press('Enter');
      const png = chart.getByRole('button', { name: 'Download as PNG' });
      await expect(png).toBeVisible();
      const [pngDownload] = await Promise.all([page.waitForEvent('download'), png.click()]);
      expect(pngDownload.suggestedFilename()).toMatch(/\.png$/);
      const pngBytes = readFileSync(await saveDownload(pngDownload, dir));
      expect(pngBytes.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      // Drawn at 2×: the PNG's width (IHDR) is twice the chart's.
      const svgWidth = await chart
        .locator('svg[role="img"]')
        .evaluate((s) => (s as SVGSVGElement).width.baseVal.value);
      expect(pngBytes.readUInt32BE(16)).toBe(Math.round(svgWidth * 2));
      // Saving closes the menu and gives the focus back to its summary.
      await expect(png).toBeHidden();
      await expect(menu.locator('summary')).toBeFocused();

      await page.keyboard.press('Enter');
      const [svgDownload] = await Promise.all([
        page.waitForEvent('download'),
        chart.getByRole('button', { name: 'Download as SVG' }).click(),
      ]);
      expect(svgDownload.suggestedFilename()).toMatch(/\.svg$/);
      const svg = readFileSync(await saveDownload(svgDownload, dir), 'utf8');
      expect(svg.startsWith('<?xml')).toBe(true);
      expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
      expect(svg).toMatch(/<title>[^<]*weight bits[^<]*<\/title>/i);
      expect(svg).toContain('fill="#ffffff"');
      expect(svg).not.toContain('var(--');
      expect(svg).toContain('font-family');
      // The legend, HTML on the page, is drawn into the file.
      expect(svg).toMatch(/<text [^>]*>weights only[^<]*<\/text>/);
      expect(svg.length).toBeGreaterThan(1000);

      // The current evaluation as CSV: the header and one row, with the displayed count.
      const shown = (await page.getByTestId('quant-accuracy-note').textContent()) ?? '';
      const item = page.getByTestId('export-current');
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        item.getByRole('button', { name: /as CSV/ }).click(),
      ]);
      expect(csvDownload.suggestedFilename()).toBe('mnist-mlp-result.csv');
      const csv = readFileSync(await saveDownload(csvDownload, dir), 'utf8');
      const lines = csv.split('\r\n');
      expect(lines.at(-1)).toBe('');
      expect(lines.length).toBe(3);
      const header = lines[0]!.split(',');
      expect(header.slice(0, 6)).toEqual([
        'Model',
        'Dataset',
        'Pipeline',
        'Accuracy',
        'Correct',
        'Total',
      ]);
      const row = lines[1]!.split(',');
      expect(row[0]).toBe('mnist-mlp');
      expect(shown).toContain(
        `${Number(row[header.indexOf('Correct')]).toLocaleString('en-US')} / 2,000`,
      );
      expect(row[header.indexOf('Total')]).toBe('2000');

      const [jsonDownload] = await Promise.all([
        page.waitForEvent('download'),
        item.getByRole('button', { name: /as JSON/ }).click(),
      ]);
      const json = JSON.parse(readFileSync(await saveDownload(jsonDownload, dir), 'utf8')) as {
        link: string;
        total: number;
      };
      expect(json.total).toBe(2000);
      expect(json.link).toContain('wb=4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('activations quantized: the panel says the files are weights-only and shows that accuracy', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto(`${FOUR_BIT}&ab=8`);
    await waitForQuantAccuracy(page);
    const note = page.getByRole('region', { name: 'Export' }).getByTestId('export-accuracy');
    await expect(note).toContainText('weights-only pipeline');
    await expect(note).toContainText(/\d+\.\d\d% \([\d,]+ \/ 2,000 correct\)/, { timeout: 60_000 });
  });

  test('the Quantize view with the Export panel: no serious or critical axe violations', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.goto(FOUR_BIT);
    await waitForQuantAccuracy(page);
    await expect(page.getByRole('region', { name: 'Export' })).toBeVisible();
    // One chart menu open, so its buttons are audited too.
    await page.getByTestId('sweep-chart').locator('.chart-download summary').click();
    await page.addScriptTag({ path: AXE_PATH });
    const violations = await page.evaluate(async () => {
      const { axe } = window as unknown as {
        axe: { run: (context: Document) => Promise<AxeResults> };
      };
      const r = await axe.run(document);
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        nodes: v.nodes.map((n) => n.target.join(' ')),
      }));
    });
    console.log(`axe Quantize + Export: ${JSON.stringify(violations)}`);
    const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(blocking).toEqual([]);
  });
});
