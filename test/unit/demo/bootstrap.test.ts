// The paired bootstrap behind the quality table's confidence intervals (scripts/quality-table.ts).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-common/prng.ts';
import { pairedBootstrap } from '../../../scripts/quality-table.ts';

function noisy(n: number, shift: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => shift + rng.normal() * 0.1);
}

describe('pairedBootstrap', () => {
  it('is seeded: the same differences and seed give the same interval, another seed a slightly different one', () => {
    const d = noisy(500, 0.01, 1);
    expect(pairedBootstrap(d, 1000, 7)).toEqual(pairedBootstrap(d, 1000, 7));
    expect(pairedBootstrap(d, 1000, 8)).not.toEqual(pairedBootstrap(d, 1000, 7));
  });

  it('brackets the mean difference, with about the normal-theory width', () => {
    const d = noisy(2000, 0.02, 2);
    const ci = pairedBootstrap(d, 2000, 3);
    expect(ci.turns).toBe(2000);
    expect(ci.lo).toBeLessThan(ci.mean);
    expect(ci.hi).toBeGreaterThan(ci.mean);
    // Standard error of the mean: 0.1 / sqrt(2000) ≈ 0.0022; a 95% interval spans ≈ ±1.96 of it.
    expect(ci.hi - ci.lo).toBeGreaterThan(2 * 1.96 * 0.0022 * 0.8);
    expect(ci.hi - ci.lo).toBeLessThan(2 * 1.96 * 0.0022 * 1.2);
    expect(ci.lo).toBeGreaterThan(0); // a real +0.02 shift is detected
  });

  it('straddles zero when there is no difference, and narrows with more turns', () => {
    const small = pairedBootstrap(noisy(200, 0, 4), 1000, 5);
    const large = pairedBootstrap(noisy(5000, 0, 4), 1000, 5);
    expect(large.lo).toBeLessThan(0);
    expect(large.hi).toBeGreaterThan(0);
    expect(large.hi - large.lo).toBeLessThan((small.hi - small.lo) / 3);
  });

  it('is empty (NaN) without turns rather than a made-up interval', () => {
    expect(pairedBootstrap([], 1000, 1)).toMatchObject({ turns: 0, mean: NaN, lo: NaN, hi: NaN });
  });
});
