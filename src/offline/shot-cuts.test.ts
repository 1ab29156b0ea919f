import { describe, expect, it } from 'vitest';
import type { Luma } from '../track/patch-motion';
import { thumbnailOfPicture } from '../track/thumbnail';
import { shotCuts, thumbnailDistance } from './shot-cuts';

const W = 320;
const H = 180;

/** A dark scene of soft blobs (level 10-40), seeded, seen through a window that starts `shift` px to the right. */
function scene(seed: number, shift = 0): Luma {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const u = (x + shift) / 40 + seed;
      data[y * W + x] = 25 + 15 * Math.sin(u * 1.7 + seed) * Math.cos(y / 30 + seed * 2.3);
    }
  return { width: W, height: H, data };
}

describe('shotCuts', () => {
  it('finds a cut between two dark shots, where the mean luma barely changes', () => {
    const frames = Array.from({ length: 12 }, (_, i) => (i < 6 ? scene(1, i) : scene(4, i)));
    const mean = (l: Luma) => Array.from(l.data).reduce((a, b) => a + b, 0) / l.data.length;
    expect(Math.abs(mean(frames[5]!) - mean(frames[6]!))).toBeLessThan(10);
    expect([...shotCuts(frames.length, (i) => frames[i]!)]).toEqual([6]);
  });

  it('finds none in a whip pan, however far each frame moves', () => {
    const steps = [0, 0, 0, 40, 120, 240, 380, 500, 560, 580, 580, 580];
    const thumbs = steps.map((s) => thumbnailOfPicture(scene(1, s)));
    const jumps = thumbs.slice(1).map((t, i) => thumbnailDistance(thumbs[i]!, t));
    // Each frame of the whip changes as much as a cut does...
    expect(Math.max(...jumps)).toBeGreaterThan(0.5);
    expect(shotCuts(steps.length, (i) => scene(1, steps[i]!)).size).toBe(0);
  });

  it('measures nothing between a picture and itself, or a flat one', () => {
    const a = scene(2).data;
    expect(thumbnailDistance(a, a)).toBeCloseTo(0);
    expect(thumbnailDistance(a, new Uint8Array(a.length).fill(30))).toBe(0);
  });
});
