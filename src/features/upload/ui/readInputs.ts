import {
  MAX_IMAGE_BYTES,
  MAX_NPY_BYTES,
  inputsIn,
  joinInputs,
  readNpy,
  rgbaToInput,
} from '../shared/userInputs';
import type { ImageForm, InputProblem } from '../shared/userInputs';

/**
 * The user's files as inputs of the model's shape, on the page: images decoded by the browser
 * (`createImageBitmap`, resized there with bilinear filtering to W × H, colours as stored) and
 * read back from a canvas; .npy arrays read by the pure reader. Files that cannot be used are
 * listed with the reason; the others are kept.
 */

export interface ReadInputs {
  readonly values: Float32Array;
  readonly count: number;
  readonly images: number;
  readonly arrays: number;
  readonly problems: readonly InputProblem[];
}

const isNpy = (f: File) => /\.npy$/i.test(f.name);

async function imagePixels(file: File, h: number, w: number): Promise<Uint8ClampedArray> {
  const bitmap = await createImageBitmap(file, {
    resizeWidth: w,
    resizeHeight: h,
    resizeQuality: 'low',
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none',
  });
  try {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, w, h).data;
  } finally {
    bitmap.close();
  }
}

/**
 * Reads `files` as inputs of `shape` (what the worker feeds the model: H × W × C values each);
 * images are read as `image` (null: the model's input is not an image, only .npy is taken).
 */
export async function readInputs(
  files: readonly File[],
  shape: readonly [number, number, number],
  image: ImageForm | null,
): Promise<ReadInputs> {
  const [h, w, c] = shape;
  const problems: InputProblem[] = [];
  const parts: { file: string; values: Float32Array; count: number }[] = [];
  let images = 0;
  let arrays = 0;
  for (const f of files) {
    if (isNpy(f)) {
      if (f.size > MAX_NPY_BYTES) {
        problems.push({ file: f.name, message: `is larger than ${MAX_NPY_BYTES >> 20} MB.` });
        continue;
      }
      const r = readNpy(new Uint8Array(await f.arrayBuffer()));
      if (!r.ok) {
        problems.push({ file: f.name, message: r.problem });
        continue;
      }
      const count = inputsIn(r.shape, shape);
      if (count === null || count === 0) {
        problems.push({
          file: f.name,
          message: `its shape (${r.shape.join(', ')}) is neither one input of ${h}×${w}×${c} nor N of them.`,
        });
        continue;
      }
      parts.push({ file: f.name, values: r.values, count });
      arrays++;
      continue;
    }
    if (!image) {
      problems.push({
        file: f.name,
        message: 'is not a .npy file, and the model’s input is not an image.',
      });
      continue;
    }
    if (f.size > MAX_IMAGE_BYTES) {
      problems.push({ file: f.name, message: `is larger than ${MAX_IMAGE_BYTES >> 20} MB.` });
      continue;
    }
    try {
      const pixels = await imagePixels(f, image.h, image.w);
      parts.push({ file: f.name, values: rgbaToInput(pixels, image.c), count: 1 });
      images++;
    } catch {
      problems.push({
        file: f.name,
        message: 'is not an image this browser can read (PNG or JPEG), nor a .npy file.',
      });
    }
  }
  const joined = joinInputs(parts, shape);
  return {
    values: joined.values,
    count: joined.count,
    images,
    arrays,
    problems: [...problems, ...joined.problems],
  };
}
