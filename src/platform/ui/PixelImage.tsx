import { memo, useEffect, useRef } from 'react';

/**
 * A small image drawn as the model sees it (Try it's input, distillation's test image) (white ink on black), each pixel a block:
 * `pixels` row-major h × w × c, bytes 0–255 (grey images repeat their one channel).
 */
export const PixelImage = memo(function PixelImage({
  pixels,
  shape,
  size,
  label,
  testId,
}: {
  pixels: ArrayLike<number>;
  shape: readonly [number, number, number];
  /** Side on screen, CSS pixels. */
  size: number;
  label: string;
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [h, w, c] = shape;
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < w * h; i++) {
      for (let k = 0; k < 3; k++) img.data[4 * i + k] = pixels[i * c + (c >= 3 ? k : 0)]!;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, h, w, c]);
  return (
    <canvas
      ref={canvas}
      width={w}
      height={h}
      role="img"
      aria-label={label}
      data-testid={testId}
      style={{
        display: 'block',
        width: size,
        height: size,
        imageRendering: 'pixelated',
        borderRadius: 4,
      }}
    />
  );
});

/** A model input of values in [0, 1] as bytes, for drawing. */
export function unitToBytes(input: Float32Array): Uint8Array {
  return Uint8Array.from(input, (v) => Math.round(v * 255));
}
