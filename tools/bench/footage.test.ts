import { describe, expect, it } from 'vitest';
import { DEMO_CLIP, footageFilter, footageLayout } from './footage';

describe('footageLayout', () => {
  it('crops the 4:3 clip to 16:9 around its centre and splits 1280x720 into four 640x360 cells', () => {
    const l = footageLayout(DEMO_CLIP, 1280, 720, 2);
    expect(l.crop).toEqual({ x: 0, y: 37, w: 400, h: 225 });
    expect(l.cells).toEqual([
      { x: 0, y: 0, w: 640, h: 360 },
      { x: 640, y: 0, w: 640, h: 360 },
      { x: 0, y: 360, w: 640, h: 360 },
      { x: 640, y: 360, w: 640, h: 360 },
    ]);
  });

  it('crops the sides of a clip wider than the frame', () => {
    expect(footageLayout({ width: 1920, height: 1080 }, 400, 300, 1).crop).toEqual({ x: 240, y: 0, w: 1440, h: 1080 });
  });

  it('refuses a grid that does not divide the frame', () => {
    expect(() => footageLayout(DEMO_CLIP, 641, 360, 2)).toThrow(RangeError);
  });
});

describe('footageFilter', () => {
  it('is a crop and a scale for one cell, and an xstack of copies for a grid', () => {
    expect(footageFilter(footageLayout(DEMO_CLIP, 640, 360, 1))).toBe('[0:v]crop=400:225:0:37,scale=640:360');
    expect(footageFilter(footageLayout(DEMO_CLIP, 640, 360, 2))).toBe(
      '[0:v]crop=400:225:0:37,scale=320:180,split=4[c0][c1][c2][c3];[c0][c1][c2][c3]xstack=inputs=4:layout=0_0|320_0|0_180|320_180',
    );
  });
});
