import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalesce';

function manual() {
  const queue: (() => void)[] = [];
  return {
    schedule: (run: () => void) => queue.push(run),
    runAll: () => {
      while (queue.length) queue.shift()!();
    },
    size: () => queue.length,
  };
}

describe('createCoalescer', () => {
  it('commits only the latest of the values pushed before its turn, once', () => {
    const s = manual();
    const committed: number[] = [];
    const c = createCoalescer<number>((v) => committed.push(v), s.schedule);
    for (const v of [10, 20, 30]) c.push(v);
    expect(s.size()).toBe(1);
    expect(committed).toEqual([]);
    expect(c.pending()).toBe(true);
    s.runAll();
    expect(committed).toEqual([30]);
    expect(c.pending()).toBe(false);
  });

  it('schedules a new turn for a push after a commit', () => {
    const s = manual();
    const committed: string[] = [];
    const c = createCoalescer<string>((v) => committed.push(v), s.schedule);
    c.push('a');
    s.runAll();
    c.push('b');
    c.push('c');
    expect(s.size()).toBe(1);
    s.runAll();
    expect(committed).toEqual(['a', 'c']);
  });

  it('flush commits at once and the scheduled turn then commits nothing', () => {
    const s = manual();
    const committed: number[] = [];
    const c = createCoalescer<number>((v) => committed.push(v), s.schedule);
    c.push(1);
    c.flush();
    expect(committed).toEqual([1]);
    s.runAll();
    expect(committed).toEqual([1]);
    c.flush();
    expect(committed).toEqual([1]);
  });

  it('commits a value equal to the last one when it is pushed again (a change back)', () => {
    const s = manual();
    const committed: number[] = [];
    const c = createCoalescer<number>((v) => committed.push(v), s.schedule);
    c.push(4);
    s.runAll();
    c.push(5);
    c.push(4);
    s.runAll();
    expect(committed).toEqual([4, 4]);
  });
});
