import { describe, expect, it } from 'vitest';
import { FrameStats } from './frame-stats';
import { percentile } from './timing';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('FrameStats', () => {
  it('reports each window once, then starts afresh', () => {
    const stats = new FrameStats();
    for (let i = 1; i <= 20; i++) stats.record(i, i <= 3);
    expect(stats.take()).toEqual({ frames: 20, failClosedFrames: 3, frameMsP50: 10, frameMsP95: 19 });
    stats.record(5, false);
    expect(stats.take()).toEqual({ frames: 1, failClosedFrames: 0, frameMsP50: 5, frameMsP95: 5 });
    expect(stats.take().frames).toBe(0);
  });
});
