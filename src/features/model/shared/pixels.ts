/**
 * The models' input: they were trained on x/255 (see docs/data-and-models.md), pixels in [0, 1],
 * NHWC. Each float is fl(p · (1/255)), the product rounded once to float32: the tfjs path's test
 * tensor and the kernel pass's inputs (kernelPass.ts) are made here, so they hold the same bits.
 */
export function pixelsToFloats(pixels: Uint8Array, out: Float32Array): void {
  const inv = 1 / 255;
  for (let i = 0; i < out.length; i++) out[i] = pixels[i]! * inv;
}
