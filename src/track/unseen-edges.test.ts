import { describe, expect, it } from 'vitest';
import { pyramid } from './patch-motion';
import { scene } from './picture-test-utils';
import { pictureShift, unseenEdges } from './unseen-edges';

describe('pictureShift', () => {
  const from = pyramid(scene(320, 180, 0, 0));

  const still = { dx: 0, dy: 0 };

  it('measures a pan of the whole view to within a pixel, from still to 24 luma px, and farther from a guess', () => {
    for (const [tx, ty] of [[0, 0], [3.5, -1.25], [-22, 9], [14, 20]] as const) {
      const s = pictureShift(from, pyramid(scene(320, 180, tx, ty)), still, 25)!;
      expect(Math.abs(s.dx - tx)).toBeLessThan(1);
      expect(Math.abs(s.dy - ty)).toBeLessThan(1);
    }
    for (const [tx, ty] of [[60, -30], [-55, 24]] as const) {
      const s = pictureShift(from, pyramid(scene(320, 180, tx, ty)), { dx: tx * 0.8, dy: ty * 0.8 }, 25)!;
      expect(Math.abs(s.dx - tx)).toBeLessThan(1);
      expect(Math.abs(s.dy - ty)).toBeLessThan(1);
    }
  });

  it('claims no shift between pictures that are not one view moved (a cut), or of a flat view', () => {
    expect(pictureShift(from, pyramid(scene(320, 180, 700, -400)), still, 25)).toBeUndefined();
    const flat = { width: 320, height: 180, data: new Float32Array(320 * 180).fill(40) };
    expect(pictureShift(pyramid(flat), pyramid(flat), still, 25)).toBeUndefined();
  });
});

describe('unseenEdges', () => {
  const frame = { width: 640, height: 360 };

  it('uncovers the border the content moves away from, widened by the margin', () => {
    expect(unseenEdges({ dx: -20, dy: 0 }, frame, 8, 2)).toEqual([{ x: 612, y: 0, w: 28, h: 360 }]);
    expect(unseenEdges({ dx: 20, dy: -10 }, frame, 8, 2)).toEqual([{ x: 0, y: 0, w: 28, h: 360 }, { x: 0, y: 342, w: 640, h: 18 }]);
    expect(unseenEdges({ dx: 0, dy: 12 }, frame, 8, 2)).toEqual([{ x: 0, y: 0, w: 640, h: 20 }]);
  });

  it('uncovers nothing for a shift under minPx (a still camera), and never more than the frame', () => {
    expect(unseenEdges({ dx: 1.5, dy: -1.9 }, frame, 8, 2)).toEqual([]);
    expect(unseenEdges({ dx: -900, dy: 0 }, frame, 8, 2)).toEqual([{ x: 0, y: 0, w: 640, h: 360 }]);
  });
});
