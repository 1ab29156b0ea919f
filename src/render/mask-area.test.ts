import { describe, expect, it } from 'vitest';
import { blurredShare, coveredShare, describeBlurred, maskArea, summarizeBlurred, type Ellipse } from './mask-area';

const FRAME = { width: 640, height: 360 };
const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });
/** The ellipse inscribed in a box, grown by `scale` (maskFromBox's geometry). */
const ellipseOf = (b: { x: number; y: number; w: number; h: number }, scale = 1): Ellipse => ({
  cx: b.x + b.w / 2,
  cy: b.y + b.h / 2,
  rx: (b.w / 2) * scale,
  ry: (b.h / 2) * scale,
});

describe('coveredShare', () => {
  it('is pi/4 for a box under its inscribed ellipse, and 1 once the ellipse holds the corners', () => {
    const b = box(100, 50, 80, 60);
    expect(coveredShare(b, [ellipseOf(b)])).toBeCloseTo(Math.PI / 4, 2);
    expect(coveredShare(b, [ellipseOf(b, Math.SQRT2 + 1e-9)])).toBeCloseTo(1, 6);
    // maskFromBox's default 1.3 leaves the corners out but covers well over 80%.
    expect(coveredShare(b, [ellipseOf(b, 1.3)])).toBeGreaterThan(0.95);
  });

  it('counts overlapping masks once and adds disjoint ones', () => {
    const b = box(0, 0, 100, 50);
    const left = ellipseOf(box(-100, -100, 200, 300)); // covers x < 100 only partly at the top and bottom
    expect(coveredShare(b, [left, left])).toBeCloseTo(coveredShare(b, [left]), 9);
    const right = ellipseOf(box(50, -1000, 2000, 2050));
    expect(coveredShare(b, [left, right])).toBeGreaterThan(coveredShare(b, [left]));
    expect(coveredShare(b, [])).toBe(0);
  });
});

describe('maskArea', () => {
  it('is the union of the ellipses, clipped to the frame', () => {
    const e = ellipseOf(box(200, 100, 100, 100));
    expect(maskArea([e], FRAME)).toBeCloseTo(Math.PI * 50 * 50, -1);
    expect(maskArea([e, e], FRAME)).toBeCloseTo(maskArea([e], FRAME), 9);
    // Half of it off the left edge.
    expect(maskArea([{ ...e, cx: 0 }], FRAME)).toBeCloseTo((Math.PI * 50 * 50) / 2, -1);
  });
});

describe('blurredShare', () => {
  it("is the masks' union as a share of the frame: 0 without masks, 1 for a box over all of it", () => {
    expect(blurredShare([], FRAME)).toBe(0);
    expect(blurredShare([{ cx: 320, cy: 180, rx: 400, ry: 300, box: true }], FRAME)).toBe(1);
    expect(blurredShare([{ cx: 160, cy: 180, rx: 160, ry: 180, box: true }], FRAME)).toBeCloseTo(0.5, 9);
  });
});

describe('summarizeBlurred', () => {
  it('takes the mean over the frames and the first worst frame, and says it in words', () => {
    const s = summarizeBlurred([0.1, 0.3, 0.2, 0.3]);
    expect(s).toMatchObject({ worst: 0.3, worstFrame: 1 });
    expect(s.mean).toBeCloseTo(0.225, 12);
    expect(describeBlurred(s, 4)).toBe('blurred 22.5 % of the picture on average (at most 30.0 %, frame 1)');
    expect(describeBlurred(summarizeBlurred([0.05]), 1)).toBe('blurred 5.0 % of the picture');
    expect(summarizeBlurred([])).toEqual({ mean: 0, worst: 0, worstFrame: 0 });
  });
});
