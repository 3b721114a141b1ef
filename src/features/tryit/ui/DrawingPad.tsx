import { useEffect, useRef } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import { useStore } from '../../../platform/state/store';
import {
  MIN_INK_COVERAGE,
  inkAmount,
  inkFromRgba,
  mnistInputFromInk,
} from '../shared/mnistPreprocess';
import type { InkState, Stroke } from '../shared/source';

/** The pad's side in pixels (its bitmap; on a narrow screen CSS may draw it smaller). */
export const PAD_SIZE = 280;
/**
 * The pen's width: 20 px on the 280-px pad, as mnistPreprocess.ts assumes (a digit 200 px tall
 * drawn with it scales to MNIST's 20-px box with strokes 2 px wide, like MNIST's own).
 */
export const PEN_WIDTH = 20;
const INK = '#ffffff';

/** Paints strokes onto the pad (round pen; a single point is a dot). */
function paint(ctx: CanvasRenderingContext2D, strokes: readonly Stroke[]): void {
  ctx.lineWidth = PEN_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  for (const s of strokes) {
    if (s.length < 2) continue;
    if (s.length === 2) {
      ctx.beginPath();
      ctx.arc(s[0]!, s[1]!, PEN_WIDTH / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    ctx.moveTo(s[0]!, s[1]!);
    for (let i = 2; i < s.length; i += 2) ctx.lineTo(s[i]!, s[i + 1]!);
    ctx.stroke();
  }
}

/** The pad's drawing as the model's input: MNIST's recipe (mnistPreprocess.ts). */
function readDrawing(ctx: CanvasRenderingContext2D): {
  input: Float32Array | null;
  ink: InkState;
  ms: number;
} {
  const t0 = performance.now();
  const raster = inkFromRgba(ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data, PAD_SIZE, PAD_SIZE);
  // isMostlyEmpty's test, on the one pass over the pixels.
  const amount = inkAmount(raster);
  const ink: InkState =
    amount.inkedPixels === 0 ? 'empty' : amount.coverage < MIN_INK_COVERAGE ? 'faint' : 'ok';
  const input = ink === 'ok' ? mnistInputFromInk(raster) : null;
  return { input, ink, ms: performance.now() - t0 };
}

/**
 * A 280×280 drawing pad (mouse, pen, touch: pointer events with capture). Each finished stroke
 * becomes a new drawing in the store: its strokes and its preprocessed 28×28 input, under a new
 * id. The pad is black with a white pen, as MNIST's digits are.
 */
export function DrawingPad() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const stroke = useRef<number[] | null>(null);
  const strokes = useStore((s) => s.tryit.strokes);
  const setTryit = useStore((s) => s.setTryit);

  const context = () => canvas.current?.getContext('2d', { willReadFrequently: true }) ?? null;

  // Draw what the store holds (on mount: the tab may have been left with a drawing on the pad).
  useEffect(() => {
    const ctx = context();
    if (!ctx) return;
    ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    paint(ctx, strokes);
  }, [strokes]);

  /** A pointer position in pad pixels (the pad may be drawn smaller than its bitmap). */
  const point = (el: HTMLCanvasElement, clientX: number, clientY: number): [number, number] => {
    const r = el.getBoundingClientRect();
    const k = PAD_SIZE / (r.width || PAD_SIZE);
    const x = (clientX - r.left) * k;
    const y = (clientY - r.top) * k;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  };

  const commit = (next: readonly Stroke[]) => {
    const ctx = context();
    if (!ctx) return;
    ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    paint(ctx, next);
    const { input, ink, ms } = readDrawing(ctx);
    if (canvas.current) canvas.current.dataset.preprocessMs = ms.toFixed(2);
    const id = useStore.getState().tryit.drawing.id + 1;
    setTryit({ mode: 'drawing', strokes: next, drawing: { id, input, ink } });
  };

  const onDown = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    stroke.current = point(e.currentTarget, e.clientX, e.clientY);
    const ctx = context();
    if (ctx) paint(ctx, [stroke.current]);
  };

  const onMove = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const s = stroke.current;
    if (!s) return;
    const ctx = context();
    // Coalesced events: a fast pen reports several points per frame.
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    const el = e.currentTarget;
    const points =
      events.length > 0
        ? events.map((c) => point(el, c.clientX, c.clientY))
        : [point(el, e.clientX, e.clientY)];
    for (const [x, y] of points) {
      const n = s.length;
      if (s[n - 2] === x && s[n - 1] === y) continue;
      if (ctx) paint(ctx, [[s[n - 2]!, s[n - 1]!, x, y]]);
      s.push(x, y);
    }
  };

  const onUp = () => {
    const s = stroke.current;
    if (!s) return;
    stroke.current = null;
    commit([...useStore.getState().tryit.strokes, s]);
  };

  const clear = () => {
    stroke.current = null;
    commit([]);
  };

  return (
    <div className="tryit-pad">
      <canvas
        ref={canvas}
        width={PAD_SIZE}
        height={PAD_SIZE}
        className="tryit-canvas"
        data-testid="tryit-pad"
        data-strokes={strokes.length}
        role="img"
        aria-label="Drawing pad: draw a digit with the mouse, a pen or a finger"
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onContextMenu={(e) => e.preventDefault()}
      />
      {strokes.length === 0 && (
        <span className="tryit-pad-hint" aria-hidden="true">
          Draw a digit here
        </span>
      )}
      <div className="tryit-buttons">
        <button type="button" onClick={clear} disabled={strokes.length === 0}>
          Clear
        </button>
      </div>
    </div>
  );
}
