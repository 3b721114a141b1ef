/**
 * The datasets' images and labels (`data/<id>/*.u8`, raw bytes: docs/data-and-models.md) are
 * served gzip-compressed, as `<file>.gz`, which the built app holds instead (vite.config.ts,
 * `packedData`): the MNIST test images go over the network as 323 KB instead of 1.57 MB, the
 * Fashion-MNIST ones as 4.40 MB instead of 7.84 MB, whatever the host compresses on its own (a
 * static host sends an unknown binary type as it is). The compute and training workers inflate
 * them (assetBytes.ts). Code names the files by their `.u8` path; only the request says `.gz`.
 */
export function isPackedData(path: string): boolean {
  return /^data\/[^/]+\/[^/]+\.u8$/.test(path);
}

/** The path a file is requested at: `<path>.gz` for the datasets' `.u8` files. */
export function servedPath(path: string): string {
  return isPackedData(path) ? `${path}.gz` : path;
}

/** Whether `bytes` start as a gzip stream does (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
