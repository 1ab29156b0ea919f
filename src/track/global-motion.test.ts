import { describe, expect, it } from 'vitest';
import { fitMotionField, type MotionSample } from './global-motion';

/** Samples of faces moved by a camera panning at (vx, vy) px/s and zooming at rate k about (zx, zy). */
function camera(
  vx: number,
  vy: number,
  k: number,
  zx: number,
  zy: number,
  faces: [number, number, number][],
): MotionSample[] {
  return faces.map(([cx, cy, size]) => ({ cx, cy, size, vx: vx + k * (cx - zx), vy: vy + k * (cy - zy), sizeRate: k }));
}

describe('fitMotionField', () => {
  it('recovers a pan with a zoom from the faces it moves, anywhere in the frame', () => {
    const f = fitMotionField(
      camera(120, -40, 0.5, 320, 180, [
        [100, 100, 50],
        [500, 120, 60],
        [300, 300, 40],
      ]),
    )!;
    expect(f.samples).toBe(3);
    expect(f.sizeRate).toBeCloseTo(0.5);
    expect(f.spread).toBeCloseTo(0);
    const v = f.at(600, 20);
    expect(v.vx).toBeCloseTo(120 + 0.5 * (600 - 320));
    expect(v.vy).toBeCloseTo(-40 + 0.5 * (20 - 180));
  });

  it('needs two faces, and says so when faces move on their own', () => {
    expect(fitMotionField(camera(100, 0, 0, 0, 0, [[100, 100, 50]]))).toBeUndefined();
    const apart: MotionSample[] = [
      { cx: 100, cy: 100, size: 50, vx: 150, vy: 0, sizeRate: 0 },
      { cx: 400, cy: 100, size: 50, vx: -150, vy: 0, sizeRate: 0 },
    ];
    expect(fitMotionField(apart)!.spread).toBeCloseTo(3); // each 150 px/s = 3 faces/s off the mean
  });
});
