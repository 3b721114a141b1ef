/**
 * IDX file format (LeCun's MNIST format, also used by Fashion-MNIST):
 *   bytes 0-1: 0x00 0x00; byte 2: data type (0x08 = unsigned byte); byte 3: number of dims;
 *   then one big-endian uint32 per dimension; then the data, row-major.
 * Images are [count, rows, cols] (16-byte header), labels are [count] (8-byte header).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array): IdxArray {
  if (bytes.length < 4) throw new Error('IDX: file too short');
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new Error('IDX: bad magic (first two bytes must be 0)');
  const type = bytes[2];
  if (type !== 0x08)
    throw new Error(
      `IDX: only unsigned-byte data (0x08) is supported, got 0x${(type ?? 0).toString(16)}`,
    );
  const ndims = bytes[3] ?? 0;
  if (ndims < 1) throw new Error('IDX: no dimensions');
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) throw new Error('IDX: truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerLength + size) {
    throw new Error(
      `IDX: expected ${headerLength + size} bytes for dims [${dims.join(', ')}], got ${bytes.length}`,
    );
  }
  return { dims, data: bytes.slice(headerLength) };
}

/** Build an IDX byte array (used by tests). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + data.length);
  out[2] = 0x08;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerLength);
  return out;
}

/** Read an IDX file, gunzipping it when its name ends in .gz. */
export function readIdxFile(path: string): IdxArray {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  return parseIdx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Read an images file + labels file pair, checking shapes: images [n, 28, 28], labels [n]. */
export function readIdxImagesLabels(
  imagesPath: string,
  labelsPath: string,
): { images: Uint8Array; labels: Uint8Array; count: number } {
  const images = readIdxFile(imagesPath);
  const labels = readIdxFile(labelsPath);
  const [n, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== 28 || cols !== 28) {
    throw new Error(`${imagesPath}: expected [n, 28, 28], got [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== n) {
    throw new Error(`${labelsPath}: expected [${n}], got [${labels.dims.join(', ')}]`);
  }
  return { images: images.data, labels: labels.data, count: n ?? 0 };
}
