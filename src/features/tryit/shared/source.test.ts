import { describe, expect, it } from 'vitest';
import { INITIAL_TRYIT, clampTestIndex, sourceKey, tryitSource } from './source';
import type { TryitState } from './source';

const drawn: TryitState = {
  ...INITIAL_TRYIT,
  mode: 'drawing',
  drawing: { id: 7, input: new Float32Array(784), ink: 'ok' },
  testIndex: 42,
};

describe('what the Try it tab predicts for', () => {
  it('is the drawing on MNIST, named by its id', () => {
    const s = tryitSource(drawn, 'mnist', 2000);
    expect(s.kind).toBe('drawing');
    expect(sourceKey(s)).toBe('d7');
  });

  it('is the chosen test image on a dataset that is not of digits, even with a drawing', () => {
    const s = tryitSource(drawn, 'fashion', 10000);
    expect(s).toEqual({ kind: 'test', index: 42 });
    expect(sourceKey(s)).toBe('t42');
  });

  it('is nothing to predict for an empty or faint drawing', () => {
    const empty = { ...drawn, drawing: { id: 8, input: null, ink: 'faint' as const } };
    expect(sourceKey(tryitSource(empty, 'mnist', 2000))).toBeNull();
  });

  it('keeps the test image inside a smaller test set', () => {
    const t = { ...INITIAL_TRYIT, testIndex: 9000 };
    expect(tryitSource(t, 'mnist', 2000)).toEqual({ kind: 'test', index: 1999 });
    expect(clampTestIndex(-3, 10)).toBe(0);
    expect(clampTestIndex(4.7, 10)).toBe(4);
  });

  it('gives each drawing its own key, so a new stroke never shows the old prediction', () => {
    const a = sourceKey(tryitSource(drawn, 'mnist', 2000));
    const b = sourceKey(
      tryitSource({ ...drawn, drawing: { ...drawn.drawing, id: 8 } }, 'mnist', 2000),
    );
    expect(a).not.toBe(b);
  });
});
