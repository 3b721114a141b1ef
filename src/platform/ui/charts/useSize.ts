import { useLayoutEffect, useState } from 'react';
import type { RefObject } from 'react';

/** Width and height of an element, kept up to date by a ResizeObserver. */
export function useSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const set = (width: number, height: number) =>
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    const r = el.getBoundingClientRect();
    set(Math.floor(r.width), Math.floor(r.height));
    const observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box) set(Math.floor(box.width), Math.floor(box.height));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
