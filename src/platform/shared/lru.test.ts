import { describe, expect, it } from 'vitest';
import { Lru } from './lru';

describe('Lru', () => {
  it('drops the least recently used entry beyond its capacity', () => {
    const c = new Lru<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the newest
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
  });

  it('with a budget, drops the oldest entries while the total weight is over it', () => {
    const c = new Lru<Float32Array>(24, { weigh: (v) => v.byteLength, maxWeight: 1000, keep: 1 });
    c.set('a', new Float32Array(100)); // 400 bytes
    c.set('b', new Float32Array(100));
    expect(c.size).toBe(2);
    c.set('c', new Float32Array(100)); // 1200 > 1000: a goes
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(2);
    expect(c.weight).toBe(800);
    // One entry over the budget alone stays: the newest is always kept.
    c.set('d', new Float32Array(1000));
    expect(c.size).toBe(1);
    expect(c.get('d')?.length).toBe(1000);
    expect(c.weight).toBe(4000);
  });

  it('keeps the newest `keep` entries even over the budget, and weighs a re-set entry again', () => {
    const c = new Lru<number[]>(24, { weigh: (v) => v.length, maxWeight: 5, keep: 2 });
    c.set('a', [1, 2, 3, 4]);
    c.set('b', [1, 2, 3, 4]);
    expect(c.size).toBe(2);
    const grown = c.get('a')!;
    grown.push(5, 6);
    c.set('a', grown);
    expect(c.weight).toBe(10);
    c.set('c', [1]);
    expect(c.get('b')).toBeUndefined();
    expect(c.weight).toBe(7);
  });
});
