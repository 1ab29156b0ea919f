import { describe, expect, it } from 'vitest';
import { type Luma, lumaSize, matchPatch, pyramid } from './patch-motion';
import { scene } from '../testing/picture-test-utils';

describe('matchPatch', () => {
  const box = { x: 140, y: 70, w: 30, h: 36 };

  it('finds a patch moved by a pan to within 0.75 px (the sub-pixel step is a parabola through whole-pixel scores), from a guess of no motion', () => {
    for (const [tx, ty] of [
      [0, 0],
      [7.5, -3.25],
      [-31, 18],
      [36, 12],
    ] as const) {
      const m = matchPatch(pyramid(scene(320, 180, 0, 0)), pyramid(scene(320, 180, tx, ty)), box, { dx: 0, dy: 0 })!;
      expect(m.ncc).toBeGreaterThan(0.95);
      expect(Math.abs(m.box.x - (box.x + tx))).toBeLessThan(0.75);
      expect(Math.abs(m.box.y - (box.y + ty))).toBeLessThan(0.75);
      // The size is measured in 3% steps, so a pan may read as one step of zoom.
      expect(Math.abs(m.box.w / box.w - 1)).toBeLessThan(0.035);
    }
  });

  it("finds a patch at the picture's border, where part of the search reads past the edge", () => {
    const edge = { x: 1, y: 140, w: 24, h: 30 };
    for (const [tx, ty] of [
      [9, -6],
      [20, -25],
    ] as const) {
      const m = matchPatch(pyramid(scene(320, 180, 0, 0)), pyramid(scene(320, 180, tx, ty)), edge, { dx: 0, dy: 0 })!;
      expect(m.ncc).toBeGreaterThan(0.95);
      expect(Math.abs(m.box.x - (edge.x + tx))).toBeLessThan(0.75);
      expect(Math.abs(m.box.y - (edge.y + ty))).toBeLessThan(0.75);
    }
  });

  it("finds a small face's patch (12x14 luma px, searched from a 4 px patch at the coarse level) after a long pan", () => {
    const small = { x: 150, y: 80, w: 12, h: 14 };
    for (const [tx, ty] of [
      [30, -9],
      [-37, 14],
    ] as const) {
      const m = matchPatch(pyramid(scene(320, 180, 0, 0)), pyramid(scene(320, 180, tx, ty)), small, { dx: 0, dy: 0 })!;
      expect(m.ncc).toBeGreaterThan(0.9);
      expect(Math.abs(m.box.x - (small.x + tx))).toBeLessThan(0.75);
      expect(Math.abs(m.box.y - (small.y + ty))).toBeLessThan(0.75);
    }
  });

  it('follows a zoom: the box grows about the zoom centre', () => {
    const z = 1.06;
    const m = matchPatch(pyramid(scene(320, 180, 0, 0)), pyramid(scene(320, 180, 0, 0, z, 160, 90)), box, {
      dx: 0,
      dy: 0,
    })!;
    const cx = box.x + box.w / 2;
    expect(Math.abs(m.box.x + m.box.w / 2 - (160 + (cx - 160) * z))).toBeLessThan(0.75);
    expect(m.box.w / box.w).toBeCloseTo(z, 1);
  });

  it('says so when the patch is not there: a different picture scores low', () => {
    const other: Luma = { width: 320, height: 180, data: new Float32Array(320 * 180).map((_, i) => (i * 7919) % 251) };
    const m = matchPatch(pyramid(scene(320, 180, 0, 0)), pyramid(other), box, { dx: 0, dy: 0 })!;
    expect(m.ncc).toBeLessThan(0.5);
  });

  it('reports a flat patch as textureless, and a box outside the picture as unmatched', () => {
    const flat: Luma = { width: 320, height: 180, data: new Float32Array(320 * 180).fill(90) };
    expect(matchPatch(pyramid(flat), pyramid(flat), box, { dx: 0, dy: 0 })!.texture).toBe(0);
    expect(matchPatch(pyramid(flat), pyramid(flat), { x: 400, y: 10, w: 20, h: 20 }, { dx: 0, dy: 0 })).toBeUndefined();
  });
});

describe('lumaSize', () => {
  it('keeps the aspect with the longest side at 320, and never upscales', () => {
    expect(lumaSize({ width: 1920, height: 1080 })).toEqual({ width: 320, height: 180 });
    expect(lumaSize({ width: 360, height: 640 })).toEqual({ width: 180, height: 320 });
    expect(lumaSize({ width: 160, height: 120 })).toEqual({ width: 160, height: 120 });
  });
});
