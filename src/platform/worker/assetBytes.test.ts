// @vitest-environment node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, appOrigin } from '../../testing/appOrigin';
import { fetchBytes } from './assetBytes';
import { isPackedData, servedPath } from '../shared/dataFiles';

/**
 * The datasets' .u8 files as the built app serves them (gzip-compressed at <file>.gz): what the
 * loaders get is the raw file, and each fault says which file it is.
 */
const { fetch: fakeFetch, faults, requested } = appOrigin();
const PUBLIC = resolve(import.meta.dirname, '../../../public');
const disk = (path: string) => new Uint8Array(readFileSync(resolve(PUBLIC, path)));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
/**
 * `path` downloaded now, and the paths that took: a download another test file left prefetched
 * (test files share their worker's modules: vitest.config.ts) is taken first.
 */
async function download(path: string) {
  await fetchBytes(path);
  requested.length = 0;
  const bytes = await fetchBytes(path);
  return { bytes, asked: [...requested] };
}

beforeAll(() => {
  vi.stubGlobal('self', { location: { origin: APP_ORIGIN } });
  vi.stubGlobal('fetch', fakeFetch);
});

afterAll(() => {
  vi.unstubAllGlobals();
});

describe('the datasets’ files, served gzip-compressed', () => {
  it('asks for <file>.u8.gz and hands over the raw bytes', async () => {
    const labels = await download('data/mnist/test-labels.u8');
    expect(labels.asked).toEqual(['data/mnist/test-labels.u8.gz']);
    expect(same(labels.bytes, disk('data/mnist/test-labels.u8'))).toBe(true);
    const images = await download('data/fashion/test-images.u8');
    expect(images.asked).toEqual(['data/fashion/test-images.u8.gz']);
    expect(same(images.bytes, disk('data/fashion/test-images.u8'))).toBe(true);
  });

  it('asks for other files as they are', async () => {
    const meta = await download('data/mnist/meta.json');
    const weights = await download('models/mnist-cnn/weights.bin');
    expect([...meta.asked, ...weights.asked]).toEqual([
      'data/mnist/meta.json',
      'models/mnist-cnn/weights.bin',
    ]);
    expect(same(meta.bytes, disk('data/mnist/meta.json'))).toBe(true);
    expect(same(weights.bytes, disk('models/mnist-cnn/weights.bin'))).toBe(true);
    expect(['data/mnist/meta.json', 'models/mnist-mlp/weights.bin'].map(servedPath)).toEqual([
      'data/mnist/meta.json',
      'models/mnist-mlp/weights.bin',
    ]);
    expect(isPackedData('data/mnist/extra/test-images.u8')).toBe(false);
  });

  it('takes a file the host already inflated (sent with Content-Encoding: gzip) as it is', async () => {
    const raw = disk('data/mnist/test-labels.u8');
    faults.set('data/mnist/test-labels.u8.gz', () => raw);
    try {
      expect(same((await download('data/mnist/test-labels.u8')).bytes, raw)).toBe(true);
    } finally {
      faults.delete('data/mnist/test-labels.u8.gz');
    }
  });

  it('names a damaged gzip file', async () => {
    await fetchBytes('data/mnist/test-labels.u8'); // one another file left prefetched, taken
    faults.set('data/mnist/test-labels.u8.gz', (gz) => {
      const bad = gz.slice(0, 40);
      bad.fill(0x55, 12); // the header kept, the compressed stream garbled and cut short
      return bad;
    });
    try {
      await expect(fetchBytes('data/mnist/test-labels.u8')).rejects.toThrow(
        'data/mnist/test-labels.u8.gz is not a valid gzip file.',
      );
    } finally {
      faults.delete('data/mnist/test-labels.u8.gz');
    }
  });

  it('names a missing one', async () => {
    await fetchBytes('data/mnist/test-images.u8'); // one another file left prefetched, taken
    faults.set('data/mnist/test-images.u8', 'missing');
    try {
      await expect(fetchBytes('data/mnist/test-images.u8')).rejects.toThrow(
        'Could not load data/mnist/test-images.u8.gz: HTTP 404.',
      );
    } finally {
      faults.delete('data/mnist/test-images.u8');
    }
  });
});
