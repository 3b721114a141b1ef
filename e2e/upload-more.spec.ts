import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Download, Page } from '@playwright/test';
import type { AxeResults } from 'axe-core';
import { expect, test } from './fixtures';
import { goodCases } from '../src/features/upload/shared/corpus';

/**
 * Uploaded models beyond the labs: an MNIST-shaped upload (784 inputs, ending in a softmax) in
 * Try it with a drawn digit and a picked test image; an upload of another shape, for which Try
 * it says what it needs; the Export panel's files of an upload loaded back in Node with stock
 * tfjs, getting the count the app showed; fidelity measured on images given with setInputFiles
 * (bad files named); the Train tab saying it does not train uploads. Each view passes axe.
 */

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

type FileSpec = { name: string; mimeType: string; buffer: Buffer };

/** The shipped MNIST MLP re-declared with 784 inputs (no Flatten) and a final softmax. */
function flatSoftmaxMlp(): FileSpec[] {
  const json = JSON.parse(readFileSync('public/models/mnist-mlp/model.json', 'utf8')) as {
    modelTopology: {
      config: {
        name: string;
        layers: { name: string; config: Record<string, unknown>; inbound_nodes: unknown }[];
      };
    };
  };
  const c = json.modelTopology.config;
  c.name = 'flat_softmax';
  c.layers[0]!.config.batch_input_shape = [null, 784];
  c.layers.splice(1, 1);
  c.layers[1]!.inbound_nodes = [[[c.layers[0]!.name, 0, 0, {}]]];
  c.layers[c.layers.length - 1]!.config.activation = 'softmax';
  return [
    { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) },
    {
      name: 'weights.bin',
      mimeType: 'application/octet-stream',
      buffer: readFileSync('public/models/mnist-mlp/weights.bin'),
    },
  ];
}

/** An 8×8 RGB image model (Flatten, Dense 192 → 5): not MNIST-shaped, measured by fidelity. */
function rgbModel(): FileSpec[] {
  const json = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'tiny_rgb',
        layers: [
          {
            class_name: 'InputLayer',
            config: { batch_input_shape: [null, 8, 8, 3], dtype: 'float32', name: 'pixels' },
          },
          { class_name: 'Flatten', config: { name: 'flat' } },
          { class_name: 'Dense', config: { name: 'head', units: 5, activation: 'linear' } },
        ],
      },
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'head/kernel', shape: [192, 5], dtype: 'float32' },
          { name: 'head/bias', shape: [5], dtype: 'float32' },
        ],
      },
    ],
  };
  // Seeded weights: a sine of the index, so that each output reads the image differently.
  const w = Float32Array.from({ length: 192 * 5 + 5 }, (_, i) => Math.sin(i * 1.7) * 0.3);
  return [
    { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) },
    { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(w.buffer) },
  ];
}

/** A NumPy .npy file (format 1.0) of float32 values in C order. */
function npyFloat32(shape: readonly number[], values: Float32Array): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]);
}

const asFiles = (files: readonly { name: string; bytes: Uint8Array }[]): FileSpec[] =>
  files.map((f) => ({
    name: f.name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(f.bytes),
  }));

async function upload(page: Page, files: FileSpec[], name: string) {
  await page.getByTestId('upload-input').setInputFiles(files);
  await expect(page.getByTestId('upload-status')).toContainText(`${name} is open`, {
    timeout: 30_000,
  });
}

/** Selects a tab, clicking again if a busy page missed the click (see upload.spec.ts). */
async function openTab(page: Page, name: string) {
  const tab = page.getByRole('tab', { name, exact: true });
  await expect(async () => {
    await tab.click();
    await expect(tab).toHaveAttribute('aria-selected', 'true', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
}

async function axeViolations(page: Page): Promise<string[]> {
  // Dimmed results fade in over 150 ms: let the transition end before contrast is measured.
  await page.waitForTimeout(300);
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

/** A "7": a bar across the top, then a diagonal down to the bottom left (as tryit.spec.ts). */
async function drawSeven(page: Page) {
  const box = (await page.getByTestId('tryit-pad').boundingBox())!;
  const strokes = [
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
  for (const points of strokes) {
    await page.mouse.move(box.x + points[0]![0]!, box.y + points[0]![1]!);
    await page.mouse.down();
    for (const [x, y] of points.slice(1))
      await page.mouse.move(box.x + x!, box.y + y!, { steps: 8 });
    await page.mouse.up();
  }
}

async function probabilities(page: Page, id: string): Promise<number[]> {
  return page
    .getByTestId(id)
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-p'))));
}

test.describe('uploaded models beyond the labs', () => {
  test('Try it: an MNIST-shaped upload reads a drawn 7 and test images; another shape is told what Try it needs', async ({
    page,
  }) => {
    test.setTimeout(150_000);
    await page.goto('/#v=3&data=mnist&model=mlp&view=tryit&w=int&wb=4');
    await upload(page, flatSoftmaxMlp(), 'flat_softmax');
    await openTab(page, 'Try it');

    // A test image, as with a shipped model: its label, both columns, probabilities.
    const result = page.getByTestId('tryit-result');
    await page.getByTestId('tryit-index').fill('12');
    await expect(result).toHaveAttribute('data-source', 'test-12', { timeout: 30_000 });
    await expect(result).toHaveAttribute('data-current', 'true');
    await expect(page.getByTestId('tryit-verdict')).toContainText('label');

    await drawSeven(page);
    await expect(result).toHaveAttribute('data-source', 'drawing', { timeout: 30_000 });
    await expect(result).toHaveAttribute('data-current', 'true');
    await expect(page.getByTestId('tryit-float')).toHaveAttribute('data-top', '7');
    await expect(page.getByTestId('tryit-compressed')).toContainText('Compressed (int4');
    // The model ends in a softmax: its outputs are shown as they are, not softmaxed again
    // (which squeezed every class to about 8.5% and the top one to about 23%).
    for (const id of ['tryit-float-row', 'tryit-compressed-row']) {
      const p = await probabilities(page, id);
      expect(p).toHaveLength(10);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    expect((await probabilities(page, 'tryit-float-row'))[7]).toBeGreaterThan(0.5);
    await expect(page.getByTestId('tryit-accuracy')).toContainText('the model ends in a softmax');
    await expect(page.getByTestId('tryit-accuracy')).toContainText('On all 2,000 test images', {
      timeout: 60_000,
    });
    expect(await axeViolations(page)).toEqual([]);

    // Another shape: Try it says what it needs and why, and runs nothing.
    const k3 = goodCases().find((c) => c.id === 'keras3-sequential')!;
    await upload(page, asFiles(k3.files), 'sequential');
    const note = page.getByTestId('tryit-not-shaped');
    await expect(note).toContainText('Try it needs a 28×28 → 10 model');
    await expect(note).toContainText('takes [4] inputs and gives [2] outputs');
    await expect(page.getByTestId('tryit-pad')).toHaveCount(0);
    await expect(page.getByTestId('tryit-result')).toHaveCount(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: test.info().outputPath('tryit-not-shaped.png') });
  });

  test('Export: an uploaded model’s files load in Node with stock tfjs, with its own names and shape, and score as shown', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await tf.setBackend('cpu');
    const dir = mkdtempSync(join(tmpdir(), 'upload-export-'));
    try {
      await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&w=int&wb=4&wg=tensor');
      await upload(page, flatSoftmaxMlp(), 'flat_softmax');
      await openTab(page, 'Quantize');
      const note = page.getByTestId('quant-accuracy-note');
      await expect(page.getByTestId('quant-accuracy')).toHaveAttribute('data-current', 'true', {
        timeout: 60_000,
      });
      await expect(note).toContainText('/ 2,000 correct', { timeout: 60_000 });
      await expect(note).not.toContainText('quick estimate');
      const shown = Number(
        /([\d,]+) \/ 2,000 correct/.exec((await note.textContent()) ?? '')![1]!.replaceAll(',', ''),
      );

      const panel = page.getByRole('region', { name: 'Export' });
      await expect(panel.getByTestId('export-what')).toContainText(
        'flat_softmax with its own layer names and its [784] inputs',
      );
      const want = ['model.json', 'model.weights.bin', 'compression.json'];
      const downloads: Download[] = [];
      const all = new Promise<void>((ok) => {
        page.on('download', (d) => {
          downloads.push(d);
          if (downloads.length === want.length) ok();
        });
      });
      await panel.getByRole('button', { name: 'Download model (TF.js)' }).click();
      await all;
      expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual([...want].sort());
      for (const d of downloads) await d.saveAs(join(dir, d.suggestedFilename()));
      await expect(panel.getByTestId('export-status')).toContainText(
        'Every tensor decodes bit for bit',
      );

      const server: Server = createServer((req, res) => {
        const name = decodeURIComponent((req.url ?? '/').slice(1));
        if (!/^[\w.-]+$/.test(name)) return void res.writeHead(404).end();
        try {
          res.writeHead(200).end(readFileSync(join(dir, name)));
        } catch {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      let model: tf.LayersModel;
      try {
        const { port } = server.address() as AddressInfo;
        model = await tf.loadLayersModel(`http://127.0.0.1:${port}/model.json`);
      } finally {
        await new Promise((ok) => server.close(ok));
      }
      // The upload's own model: 784 inputs, its layer names, its softmax.
      expect(model.inputs[0]!.shape).toEqual([null, 784]);
      expect(model.layers.map((l) => l.name)).toEqual(['fc1', 'fc2', 'fc3']);
      const n = 2000;
      const pixels = readFileSync('public/data/mnist/test-images.u8');
      const labels = readFileSync('public/data/mnist/test-labels.u8');
      const x = tf.tensor2d(
        Float32Array.from(pixels.subarray(0, n * 784), (p) => p / 255),
        [n, 784],
      );
      const y = model.predict(x, { batchSize: n }) as tf.Tensor2D;
      const predicted = y.argMax(1).dataSync();
      tf.dispose([x, y]);
      model.dispose();
      let correct = 0;
      for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) correct++;
      expect(correct).toBe(shown);
      console.log(
        `uploaded flat_softmax at 4 bits: app ${shown} / 2,000, exported file ${correct}`,
      );
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Fidelity on images given with setInputFiles: on N of your images, bad files named; Train says it does not train uploads', async ({
    page,
  }) => {
    test.setTimeout(150_000);
    await page.goto('/#v=3&data=mnist&model=mlp&view=quantize&w=int&wb=2');
    await upload(page, rgbModel(), 'tiny_rgb');
    await openTab(page, 'Quantize');
    const fidelity = page.getByTestId('fidelity');
    await expect(fidelity).toHaveAttribute('data-current', 'true', { timeout: 30_000 });
    await expect(page.getByTestId('fidelity-on')).toContainText('on 1,000 seeded synthetic inputs');
    await expect(page.getByTestId('fidelity-drop')).toContainText(
      'Images are resized to 8×8 (bilinear',
    );
    await expect(page.getByTestId('fidelity-drop')).toContainText('Kept in memory only');

    // Three images drawn by the browser's canvas (PNG 16×16, PNG 8×8, JPEG 20×12), and two files
    // that are not images.
    const made = await page.evaluate(() => {
      const draw = (w: number, h: number, type: string, hue: number) => {
        const c = document.createElement('canvas');
        c.width = w;
        c.height = h;
        const g = c.getContext('2d')!;
        const grad = g.createLinearGradient(0, 0, w, h);
        grad.addColorStop(0, `hsl(${hue}, 80%, 30%)`);
        grad.addColorStop(1, `hsl(${hue + 120}, 80%, 70%)`);
        g.fillStyle = grad;
        g.fillRect(0, 0, w, h);
        return c.toDataURL(type).split(',')[1]!;
      };
      return [
        draw(16, 16, 'image/png', 0),
        draw(8, 8, 'image/png', 90),
        draw(20, 12, 'image/jpeg', 200),
      ];
    });
    const images: FileSpec[] = [
      { name: 'a.png', mimeType: 'image/png', buffer: Buffer.from(made[0]!, 'base64') },
      { name: 'b.png', mimeType: 'image/png', buffer: Buffer.from(made[1]!, 'base64') },
      { name: 'c.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(made[2]!, 'base64') },
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') },
      { name: 'wrong.npy', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') },
    ];
    await page.getByTestId('fidelity-input').setInputFiles(images);
    await expect(page.getByTestId('fidelity-inputs')).toContainText(
      'Using 3 of your images (8×8×3)',
      { timeout: 20_000 },
    );
    const problems = page.getByTestId('fidelity-problems');
    await expect(problems.locator('li')).toHaveCount(2);
    await expect(problems.locator('li').nth(0)).toContainText(
      'notes.png is not an image this browser can read',
    );
    await expect(problems.locator('li').nth(1)).toContainText(
      'wrong.npy it is not a NumPy .npy file',
    );
    await expect(fidelity).toHaveAttribute('data-source', 'yours', { timeout: 30_000 });
    await expect(fidelity).toHaveAttribute('data-current', 'true', { timeout: 30_000 });
    await expect(page.getByTestId('fidelity-on')).toContainText(/\d+(\.\d+)?% on 3 of your images/);
    await expect(fidelity).toContainText("The lab's accuracy stays on the synthetic inputs");
    // Never in the link.
    expect(page.url()).not.toMatch(/your|png|npy/i);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: test.info().outputPath('fidelity-yours.png') });

    // A .npy array of two inputs replaces the images.
    const arr = Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => (i % 17) / 16);
    await page.getByTestId('fidelity-input').setInputFiles([
      {
        name: 'two.npy',
        mimeType: 'application/octet-stream',
        buffer: npyFloat32([2, 8, 8, 3], arr),
      },
    ]);
    await expect(page.getByTestId('fidelity-inputs')).toContainText(
      'Using 2 of your inputs (8×8×3)',
    );
    await expect(page.getByTestId('fidelity-on')).toContainText('on 2 of your inputs', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('fidelity-problems')).toHaveCount(0);

    // A setting change is measured on the same inputs.
    await page.getByRole('slider', { name: 'Weight bits' }).fill('8');
    await expect(fidelity).toHaveAttribute('data-current', 'true', { timeout: 30_000 });
    await expect(page.getByTestId('fidelity-on')).toContainText('on 2 of your inputs');

    // Back to the synthetic inputs.
    await page.getByRole('button', { name: 'Use synthetic inputs' }).click();
    await expect(fidelity).toHaveAttribute('data-source', 'synthetic', { timeout: 30_000 });
    await expect(page.getByTestId('fidelity-on')).toContainText('on 1,000 seeded synthetic inputs');

    // The Train tab does not train an upload, and says why, with no error.
    await openTab(page, 'Train');
    await expect(page.getByTestId('planned-recipe')).toContainText(
      'not on an upload: a run saves its model as the shipped MLP or CNN',
    );
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
    expect(await axeViolations(page)).toEqual([]);
  });
});
