/** File helpers for the scripts: writing with parent folders, hashing, reading the shipped data. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function writeFileEnsured(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

export function writeJson(path: string, value: unknown): void {
  writeFileEnsured(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const IMAGE_SIZE = 28 * 28;

export interface DatasetMeta {
  id: string;
  name: string;
  classes: string[];
  imageShape: [number, number, number];
  train: { count: number };
  test: { count: number };
  source: string;
  license: string;
  split: string;
  seed: number;
  sha256: Record<string, string>;
}

export interface LoadedSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** Read one split (train or test) of a data set written by build-data.ts. */
export function readShippedSplit(
  dataDir: string,
  id: string,
  split: 'train' | 'test',
): LoadedSplit {
  const images = readBytes(join(dataDir, id, `${split}-images.u8`));
  const labels = readBytes(join(dataDir, id, `${split}-labels.u8`));
  if (images.length !== labels.length * IMAGE_SIZE) {
    throw new Error(`${id}/${split}: ${images.length} image bytes for ${labels.length} labels`);
  }
  return { images, labels, count: labels.length };
}

export function readShippedMeta(dataDir: string, id: string): DatasetMeta {
  return JSON.parse(readFileSync(join(dataDir, id, 'meta.json'), 'utf8')) as DatasetMeta;
}
