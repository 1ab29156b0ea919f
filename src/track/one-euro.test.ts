import { describe, expect, it } from 'vitest';
import { OneEuro } from './one-euro';

describe('OneEuro', () => {
  it('passes the first sample through and damps jitter on a still signal', () => {
    const f = new OneEuro({ minCutoff: 1, beta: 0.01, dCutoff: 1 });
    expect(f.filter(100, 0)).toBe(100);
    let prev = 100;
    let moved = 0;
    for (let i = 1; i < 60; i++) {
      const y = f.filter(100 + (i % 2 ? 1 : -1), (i * 1000) / 30);
      moved += Math.abs(y - prev);
      prev = y;
    }
    expect(moved / 59).toBeLessThan(0.5);
  });

  it('follows a fast ramp with little lag', () => {
    const f = new OneEuro({ minCutoff: 1, beta: 0.01, dCutoff: 1 });
    let y = 0;
    for (let i = 0; i < 30; i++) y = f.filter(30 * i, (i * 1000) / 30);
    expect(30 * 29 - y).toBeLessThan(60);
  });

  it('ignores repeated or earlier timestamps', () => {
    const f = new OneEuro({ minCutoff: 1, beta: 0, dCutoff: 1 });
    f.filter(0, 100);
    expect(f.filter(50, 100)).toBe(0);
    expect(f.filter(50, 50)).toBe(0);
  });
});
