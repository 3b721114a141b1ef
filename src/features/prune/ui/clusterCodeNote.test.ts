import { describe, expect, it } from 'vitest';
import { clusterCodeNote } from './clusterCodeNote';

describe('clusterCodeNote', () => {
  it('says 5 bits for 32 clusters when nothing extra is stored', () => {
    expect(clusterCodeNote(32, null)).toContain('5-bit');
    expect(clusterCodeNote(32, [{ name: 'fc1', codeBits: 5 }])).toMatch(/^Stored as 5-bit codes,/);
  });

  it('says 6 bits, and why, when the size table stores 32 values plus 0', () => {
    const note = clusterCodeNote(32, [
      { name: 'fc1', codeBits: 6 },
      { name: 'fc2', codeBits: 6 },
    ]);
    expect(note).toContain('6-bit');
    expect(note).toContain('pruned');
    expect(note).not.toContain('5-bit');
  });

  it('gives the range when layers differ', () => {
    expect(
      clusterCodeNote(32, [
        { name: 'fc1', codeBits: 6 },
        { name: 'fc3', codeBits: 5 },
      ]),
    ).toContain('5–6-bit');
  });
});
