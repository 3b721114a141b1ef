import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx, readIdxFile, readIdxImagesLabels } from './idx';

describe('IDX parser', () => {
  it('reads big-endian dims and the data of an image file', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const bytes = encodeIdx([2, 3, 4], data);
    expect(bytes.length).toBe(16 + 24); // 16-byte header for 3 dims
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 2]);
    const parsed = parseIdx(bytes);
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data)).toEqual(Array.from(data));
  });

  it('reads a label file (8-byte header) and large counts', () => {
    const labels = new Uint8Array(70_000).map((_, i) => i % 10);
    const bytes = encodeIdx([70_000], labels);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 1, 0x11, 0x70]); // 70000 big-endian
    const parsed = parseIdx(bytes);
    expect(parsed.dims).toEqual([70_000]);
    expect(parsed.data[12345]).toBe(5);
  });

  it('rejects bad magic, non-byte types and wrong lengths', () => {
    const good = encodeIdx([2], Uint8Array.of(1, 2));
    const badMagic = good.slice();
    badMagic[0] = 1;
    expect(() => parseIdx(badMagic)).toThrow(/magic/);
    const badType = good.slice();
    badType[2] = 0x0d;
    expect(() => parseIdx(badType)).toThrow(/unsigned-byte/);
    expect(() => parseIdx(good.subarray(0, good.length - 1))).toThrow(/expected/);
    expect(() => parseIdx(Uint8Array.of(0, 0))).toThrow(/short/);
  });

  it('reads gzipped image/label pairs from disk and checks their shapes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    try {
      const images = new Uint8Array(3 * 784).map((_, i) => i & 255);
      const imgPath = join(dir, 'img.gz');
      const lblPath = join(dir, 'lbl.gz');
      writeFileSync(imgPath, gzipSync(encodeIdx([3, 28, 28], images)));
      writeFileSync(lblPath, gzipSync(encodeIdx([3], Uint8Array.of(7, 8, 9))));
      const pair = readIdxImagesLabels(imgPath, lblPath);
      expect(pair.count).toBe(3);
      expect(Array.from(pair.labels)).toEqual([7, 8, 9]);
      expect(pair.images[785]).toBe(785 & 255);
      const rawPath = join(dir, 'raw.idx');
      writeFileSync(rawPath, encodeIdx([3], Uint8Array.of(1, 2, 3)));
      expect(readIdxFile(rawPath).dims).toEqual([3]);
      writeFileSync(lblPath, gzipSync(encodeIdx([2], Uint8Array.of(7, 8))));
      expect(() => readIdxImagesLabels(imgPath, lblPath)).toThrow(/expected \[3\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
