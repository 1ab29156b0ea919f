import { describe, expect, it } from 'vitest';
import { completeCutFace, extendAsFound } from './cut-faces';

const FRAME = { width: 640, height: 360 };

describe('completeCutFace', () => {
  it('widens a box the right border cuts to a face’s width about its centre, half of it past the border', () => {
    // A 95 px face half out of the frame: the detector's box is its height, and half its width.
    const box = completeCutFace({ x: 597, y: 128, w: 43, h: 122 }, FRAME, 0.7);
    expect(box.w).toBeCloseTo(0.7 * 122);
    expect(box.x + box.w / 2).toBeCloseTo(597 + 43 / 2);
    expect(box.x + box.w).toBeGreaterThan(FRAME.width);
    expect({ y: box.y, h: box.h }).toEqual({ y: 128, h: 122 });
  });

  it('does the same at the left border', () => {
    const box = completeCutFace({ x: 0, y: 10, w: 30, h: 100 }, FRAME, 0.7);
    expect(box.x).toBeCloseTo(15 - 35);
    expect(box.w).toBeCloseTo(70);
  });

  it('leaves a box away from the side borders, one already as wide as a face, and one the top cuts', () => {
    for (const b of [
      { x: 300, y: 100, w: 30, h: 100 },
      { x: 580, y: 100, w: 60, h: 80 },
      { x: 300, y: 0, w: 80, h: 40 },
    ])
      expect(completeCutFace(b, FRAME, 0.7)).toEqual(b);
  });

  it('takes boxes as they come at 0', () => {
    const b = { x: 600, y: 100, w: 40, h: 120 };
    expect(completeCutFace(b, FRAME, 0)).toEqual(b);
  });
});

describe('extendAsFound', () => {
  it('moves and scales the whole box as its visible part was found', () => {
    const whole = { x: 580, y: 100, w: 80, h: 120 };
    const part = { x: 580, y: 100, w: 60, h: 120 };
    // Found 20 px left and 10 % larger.
    const found = { x: 557, y: 94, w: 66, h: 132 };
    const box = extendAsFound(whole, part, found);
    expect(box.w).toBeCloseTo(88);
    expect(box.h).toBeCloseTo(132);
    expect(box.x).toBeCloseTo(557);
    expect(box.y).toBeCloseTo(94);
  });

  it('is the found box when the part is the whole', () => {
    const b = { x: 10, y: 20, w: 30, h: 40 };
    const found = { x: 15, y: 22, w: 30, h: 40 };
    expect(extendAsFound(b, { ...b }, found)).toEqual(found);
  });
});
