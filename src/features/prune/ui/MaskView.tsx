import { useEffect, useRef } from 'react';
import {
  selectLayer,
  selectMaskImage,
  selectMaskImageCurrent,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { Fresh } from '../../../platform/ui/Fresh';
import { formatInt, formatPercent } from '../../../platform/shared/format';

/**
 * The selected layer's weight matrix, one pixel per weight, on a canvas (235k cells are far too
 * many for SVG). The worker prepares the RGBA pixels; this only blits them.
 */
export function MaskView() {
  const image = useStore(selectMaskImage);
  const layer = useStore(selectLayer);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!el || !image) return;
    // Resizing a canvas clears and reallocates it: only when the layer's shape changes.
    if (el.width !== image.width) el.width = image.width;
    if (el.height !== image.height) el.height = image.height;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    // The pixels came transferred from the stats worker: wrapped, not copied.
    ctx.putImageData(
      new ImageData(image.pixels as Uint8ClampedArray<ArrayBuffer>, image.width, image.height),
      0,
      0,
    );
  }, [image]);
  return (
    <section className="panel" aria-label="Weight mask">
      <h2>
        Weight matrix of <code>{layer ?? '…'}</code>
      </h2>
      {/* It scrolls (a tall matrix): focusable, so the keyboard can scroll it too. */}
      <Fresh
        select={selectMaskImageCurrent}
        className="mask-wrap"
        tabIndex={0}
        role="region"
        aria-label="Weight matrix, scrollable"
      >
        <canvas
          ref={canvas}
          className="mask-canvas"
          data-testid="mask-canvas"
          data-kept={image?.kept ?? ''}
          role="img"
          aria-label={
            image
              ? `Weight matrix of ${image.layer}: ${image.height} rows by ${image.width} columns, ${formatInt(image.kept)} of ${formatInt(image.total)} weights kept`
              : 'Weight matrix loading'
          }
        />
      </Fresh>
      {image && (
        <p className="muted small" data-testid="mask-caption">
          {image.height} rows (inputs; for a convolution, every kernel tap of every input channel) ×{' '}
          {image.width} columns (output units): one pixel per weight. Blue positive, orange
          negative, darker = larger; pale grey = pruned. {formatInt(image.kept)} of{' '}
          {formatInt(image.total)} kept ({formatPercent(1 - image.kept / image.total, 1)} sparse). A
          whole grey column is a removed unit, a whole grey row an input from a unit removed
          upstream; 2:4 shows as two kept in every four down a column.
        </p>
      )}
    </section>
  );
}
