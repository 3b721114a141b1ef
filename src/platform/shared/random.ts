/**
 * Seeded pseudo-random numbers for reproducible experiments (stochastic rounding, sampling).
 *
 * mulberry32 (Tommy Ettinger): a 32-bit state advanced by the Weyl step a ← a + 0x6D2B79F5,
 * then mixed by xor-shift-multiply rounds. Period 2^32, passes gjrand/PractRand up to a few GB:
 * plenty for a teaching app, and the same seed gives the same stream in Node, a worker and the
 * page.
 */

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** Returns a generator of uniform numbers in [0, 1), each a multiple of 2^-32. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
