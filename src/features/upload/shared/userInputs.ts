import type { UploadedModelId } from '../../model';

/**
 * The user's own inputs for measuring an uploaded model's fidelity, instead of the seeded
 * synthetic ones: images (decoded and resized on the page, see ui/readImages.ts) or a .npy
 * array, turned into the model's input shape H × W × C with values in [0, 1]. Pure: the pixel
 * conversion, the .npy reader and the checks, with the sentence each problem shows.
 *
 * Kept in memory only (the app store), never in the link or IndexedDB: a reload forgets them.
 */

/** The inputs of one model, ready for the worker: `count` × H × W × C values, row-major. */
export interface FidelityInputs {
  readonly modelId: UploadedModelId;
  /** A new id for every new set, so results of another set are never taken for this one's. */
  readonly id: number;
  readonly values: Float32Array;
  readonly count: number;
  readonly shape: readonly [number, number, number];
  /** How many came from images and how many from .npy arrays. */
  readonly images: number;
  readonly arrays: number;
}

/** One file that could not be used, and why. */
export interface InputProblem {
  readonly file: string;
  readonly message: string;
}

/** Most inputs in a set (the synthetic set has 1,000). */
export const MAX_USER_INPUTS = 1000;
/** Most values of a set together (32 MB as float32: it travels to the worker at every change). */
export const MAX_USER_VALUES = 8 * 1024 * 1024;
/** Largest image file read. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Largest .npy file read. */
export const MAX_NPY_BYTES = 64 * 1024 * 1024;

/** The channel counts an image can be converted to: grey, RGB, RGBA. */
export const IMAGE_CHANNELS: readonly number[] = [1, 3, 4];

/** An image's size and channels as the model takes it. */
export interface ImageForm {
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

/**
 * Whether the model's declared input (without the batch axis) is an image, and which: H × W × C
 * with 1 (grey), 3 (RGB) or 4 (RGBA) channels, or H × W (grey). Its values in row-major order
 * are then the input's. Null for any other input (a vector, 2 or 5+ channels).
 */
export function imageFormOf(inputShape: readonly number[] | null): ImageForm | null {
  if (!inputShape) return null;
  if (inputShape.length === 3 && IMAGE_CHANNELS.includes(inputShape[2]!))
    return { h: inputShape[0]!, w: inputShape[1]!, c: inputShape[2]! };
  if (inputShape.length === 2) return { h: inputShape[0]!, w: inputShape[1]!, c: 1 };
  return null;
}

/**
 * How an image becomes the model's input, in one sentence (shown beside the file picker).
 * Grey is the luminance Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as PIL's "L").
 */
export function describeConversion(
  image: ImageForm | null,
  inputShape: readonly number[] | null,
): string {
  if (!image)
    return `Its input (${inputShape ? `[${inputShape.join(', ')}]` : 'of unknown shape'}) is not an image: give a .npy array.`;
  const { h, w, c } = image;
  const colour = c === 1 ? 'grey (0.299 R + 0.587 G + 0.114 B)' : c === 3 ? 'RGB' : 'RGBA';
  return `Images are resized to ${w}×${h} (bilinear, the browser's canvas, aspect ratio not kept), taken as ${colour} and scaled to 0–1.`;
}

/**
 * The pixels of an RGBA image (`getImageData`'s bytes, h × w × 4) as `c` channels in [0, 1]:
 * 1 = luminance, 3 = RGB, 4 = RGBA.
 *
 * @throws RangeError for another channel count or a buffer that is not whole RGBA pixels.
 */
export function rgbaToInput(rgba: ArrayLike<number>, c: number): Float32Array {
  if (rgba.length % 4 !== 0) throw new RangeError(`${rgba.length} bytes are not RGBA pixels`);
  const n = rgba.length / 4;
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i]!;
    const g = rgba[4 * i + 1]!;
    const b = rgba[4 * i + 2]!;
    if (c === 1) out[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    else if (c === 3 || c === 4) {
      out[c * i] = r / 255;
      out[c * i + 1] = g / 255;
      out[c * i + 2] = b / 255;
      if (c === 4) out[c * i + 3] = rgba[4 * i + 3]! / 255;
    } else throw new RangeError(`an image has no ${c}-channel form`);
  }
  return out;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export type NpyResult =
  | { readonly ok: true; readonly shape: readonly number[]; readonly values: Float32Array }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a NumPy .npy file (format 1.0–3.0) of float32 ('<f4', taken as they are) or uint8
 * ('|u1', scaled by 1/255), C order. Anything else is a problem, in a sentence.
 */
export function readNpy(bytes: Uint8Array): NpyResult {
  const bad = (problem: string): NpyResult => ({ ok: false, problem });
  if (bytes.length < 10 || NPY_MAGIC.some((m, i) => bytes[i] !== m))
    return bad('it is not a NumPy .npy file (no \\x93NUMPY header).');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wide = major >= 2;
  if (major < 1 || major > 3) return bad(`its .npy format version ${major} is not 1, 2 or 3.`);
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const start = (wide ? 12 : 10) + headerLength;
  if (start > bytes.length) return bad('its .npy header is cut short.');
  const header = new TextDecoder('latin1').decode(bytes.subarray(wide ? 12 : 10, start));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    return bad('its .npy header lacks descr, fortran_order or shape.');
  if (fortran === 'True') return bad('it is in Fortran order: save it in C order (the default).');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    return bad(`its shape (${shapeText}) is not a list of sizes.`);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytesPer = descr === '<f4' ? 4 : descr === '|u1' || descr === '<u1' ? 1 : 0;
  if (bytesPer === 0)
    return bad(
      `its values are ${descr}: only float32 ('<f4', 0–1) and uint8 ('|u1', 0–255) are read.`,
    );
  if (bytes.length - start !== count * bytesPer)
    return bad(
      `its shape (${shape.join(', ')}) needs ${count * bytesPer} bytes of values, the file has ${bytes.length - start}.`,
    );
  const values = new Float32Array(count);
  if (bytesPer === 4)
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(start + 4 * i, true);
  else for (let i = 0; i < count; i++) values[i] = bytes[start + i]! / 255;
  return { ok: true, shape, values };
}

/**
 * How many inputs of `shape` (h × w × c values each) an array of `arrayShape` holds: one if it
 * is one input's size, else its first axis if the rest is one input's size; null otherwise.
 */
export function inputsIn(
  arrayShape: readonly number[],
  shape: readonly [number, number, number],
): number | null {
  const per = shape[0] * shape[1] * shape[2];
  const all = arrayShape.reduce((a, b) => a * b, 1);
  if (all === per) return 1;
  if (arrayShape.length >= 2 && all === arrayShape[0]! * per) return arrayShape[0]!;
  return null;
}

/** Joins inputs of one shape into one set, checking the caps; problems name what was left out. */
export function joinInputs(
  parts: readonly {
    readonly file: string;
    readonly values: Float32Array;
    readonly count: number;
  }[],
  shape: readonly [number, number, number],
): { values: Float32Array; count: number; problems: InputProblem[] } {
  const per = shape[0] * shape[1] * shape[2];
  const maxCount = Math.min(MAX_USER_INPUTS, Math.floor(MAX_USER_VALUES / per));
  const problems: InputProblem[] = [];
  let count = 0;
  const kept: Float32Array[] = [];
  for (const p of parts) {
    const room = maxCount - count;
    if (room <= 0) {
      problems.push({
        file: p.file,
        message: `left out: a set holds at most ${maxCount.toLocaleString('en-US')} inputs of this size.`,
      });
      continue;
    }
    const take = Math.min(room, p.count);
    if (take < p.count)
      problems.push({
        file: p.file,
        message: `only its first ${take.toLocaleString('en-US')} inputs are used: a set holds at most ${maxCount.toLocaleString('en-US')} of this size.`,
      });
    kept.push(p.values.subarray(0, take * per));
    count += take;
  }
  const values = new Float32Array(count * per);
  let o = 0;
  for (const k of kept) {
    values.set(k, o);
    o += k.length;
  }
  return { values, count, problems };
}
