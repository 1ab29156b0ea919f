import { describe, expect, it } from 'vitest';
import { MotionGuard, thumbnailChange } from './motion-guard';
import { THUMB_H, THUMB_W } from '../track/thumbnail';

const flat = (v: number) => new Float32Array(THUMB_W * THUMB_H).fill(v);

describe('thumbnailChange', () => {
  it('is the mean absolute difference of two thumbnails', () => {
    const half = flat(0).map((_, i) => (i % 2 === 0 ? 255 : 0));
    expect(thumbnailChange(half, flat(0))).toBeCloseTo(127.5, 3);
    expect(thumbnailChange(flat(10), flat(50))).toBe(40);
  });
});

describe('MotionGuard', () => {
  it('trips when the newest picture moved on from the detection frame by more than the threshold', () => {
    const g = new MotionGuard(40);
    g.see(100, flat(50));
    g.see(133, flat(60));
    expect(g.tripped(100)).toBe(false);
    g.see(166, flat(120));
    expect(g.tripped(100)).toBe(true);
    // A detection of the changed picture clears it.
    g.see(200, flat(121));
    expect(g.tripped(166)).toBe(false);
  });

  it("trips while the picture is moving fast, even when the newest result is for the newest thumbnail's frame", () => {
    const g = new MotionGuard(40);
    g.see(100, flat(50));
    g.see(133, flat(65));
    expect(g.tripped(133)).toBe(false); // 15 in a frame: an ordinary pan
    g.see(166, flat(90));
    expect(g.tripped(166)).toBe(true); // 25 in a frame, over half the threshold: a whip under way
    expect(g.tripped(166)).toBe(true); // asked again before the next thumbnail lands: the same answer
    g.see(200, flat(95));
    expect(g.tripped(200)).toBe(false);
  });

  it('judges by the newest thumbnail before the detection frame when that frame has none', () => {
    const g = new MotionGuard(40);
    g.see(100, flat(0));
    g.see(166, flat(200));
    expect(g.tripped(133)).toBe(true);
  });

  it('says nothing without an earlier thumbnail, with nothing newer, after reset, or when off', () => {
    const g = new MotionGuard(40);
    g.see(100, flat(0));
    expect(g.tripped(100)).toBe(false);
    expect(g.tripped(50)).toBe(false);
    g.see(133, flat(200));
    expect(g.tripped(100)).toBe(true);
    g.reset();
    expect(g.tripped(100)).toBe(false);
    const off = new MotionGuard(0);
    off.see(100, flat(0));
    off.see(133, flat(255));
    expect(off.tripped(100)).toBe(false);
  });

  it('keeps the frame a slow detection started on, however many frames pass within the longest budget', () => {
    const g = new MotionGuard(40);
    // 60 fps for 4.9 s after the detection frame: 294 newer thumbnails.
    g.see(0, flat(0));
    for (let i = 1; i < 295; i++) g.see(i * (1000 / 60), flat(255));
    expect(g.tripped(0)).toBe(true);
  });

  it('forgets thumbnails older than the longest budget allows', () => {
    const g = new MotionGuard(40);
    for (let i = 0; i < 100; i++) g.see(i * 100, flat(i % 2 === 0 ? 0 : 255));
    expect(g.tripped(0)).toBe(false); // 9.9 s old: forgotten, nothing at or before it is kept
    expect(g.tripped(9800)).toBe(true);
  });
});
