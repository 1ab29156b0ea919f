import { describe, expect, it } from 'vitest';
import type { OfflineFace } from '../offline/offline-track';
import {
  frameMasks,
  NO_EDITS,
  regionFromDrag,
  regionMask,
  toggleTrack,
  trackAt,
  tracksOf,
  type MaskStyle,
} from './edits';

const STYLE: MaskStyle = { scale: 1.3, shape: 'ellipse' };
const a: OfflineFace = { track: 1, box: { x: 100, y: 100, w: 40, h: 40 } };
const b: OfflineFace = { track: 2, box: { x: 300, y: 100, w: 40, h: 40 } };

describe('edits', () => {
  it('leaves excluded faces out of the export and outlines them in the preview', () => {
    const edits = toggleTrack(NO_EDITS, 2);
    expect(frameMasks([a, b], edits, STYLE, 'export')).toEqual([{ cx: 120, cy: 120, rx: 26, ry: 26, excluded: false }]);
    const preview = frameMasks([a, b], edits, STYLE, 'preview');
    expect(preview.map((m) => m.excluded)).toEqual([false, true]);
    expect(toggleTrack(edits, 2).excluded.size).toBe(0);
  });

  it('blurs a drawn region on every frame, even one without faces, and wholly', () => {
    const region = { x: 0, y: 0, w: 100, h: 50 };
    const masks = frameMasks([], { excluded: new Set(), regions: [region] }, STYLE, 'export');
    expect(masks).toHaveLength(1);
    // The rectangle's corner lies on the ellipse: all of it is inside.
    const m = masks[0]!;
    expect(((0 - m.cx) / m.rx) ** 2 + ((0 - m.cy) / m.ry) ** 2).toBeCloseTo(1);
    expect(regionMask(region, 'box')).toMatchObject({ rx: 50, ry: 25 });
  });

  it('finds the face under a click, the smallest where masks overlap', () => {
    const small: OfflineFace = { track: 3, box: { x: 110, y: 110, w: 20, h: 20 } };
    expect(trackAt([a, b], { x: 320, y: 120 }, STYLE)).toBe(2);
    expect(trackAt([a, small], { x: 120, y: 120 }, STYLE)).toBe(3);
    expect(trackAt([a, b], { x: 200, y: 300 }, STYLE)).toBeNull();
    // Outside the ellipse, inside its box: only a box mask counts it.
    expect(trackAt([a], { x: 96, y: 96 }, STYLE)).toBeNull();
    expect(trackAt([a], { x: 96, y: 96 }, { ...STYLE, shape: 'box' })).toBe(1);
  });

  it('turns a drag into a region clipped to the frame, and a tiny drag into nothing', () => {
    const frame = { width: 320, height: 240 };
    expect(regionFromDrag({ x: 300, y: 200 }, { x: 250, y: 260 }, frame)).toEqual({ x: 250, y: 200, w: 50, h: 40 });
    expect(regionFromDrag({ x: 10, y: 10 }, { x: 12, y: 40 }, frame)).toBeNull();
  });

  it('lists the tracks in order of appearance', () => {
    expect(tracksOf([[a], [a, b], [b]])).toEqual([
      { track: 1, firstFrame: 0, frames: 2 },
      { track: 2, firstFrame: 1, frames: 2 },
    ]);
  });
});
