import { describe, expect, it } from 'vitest';
import { FULL_FRAME_SIGMA, FaceFlag, MAX_RADIUS, gaussianHalfKernel, planAnonymize, sigmaForFace } from './anonymize-plan';
import { params } from './anonymize-test-utils';

const blurring = (flags: number) => (flags & FaceFlag.blur) !== 0;

describe('sigmaForFace', () => {
  it('maps strength 0..1 to 0.15..0.40 of the larger semi-axis', () => {
    expect(sigmaForFace(0, 20, 40)).toBeCloseTo(6);
    expect(sigmaForFace(0.5, 20, 40)).toBeCloseTo(11);
    expect(sigmaForFace(1, 40, 20)).toBeCloseTo(16);
  });

  it('clamps the slider and treats a broken one as full strength', () => {
    expect(sigmaForFace(7, 20, 40)).toBeCloseTo(16);
    expect(sigmaForFace(-1, 20, 40)).toBeCloseTo(6);
    expect(sigmaForFace(Number.NaN, 20, 40)).toBeCloseTo(16);
  });

  it('never blurs less than 1 px', () => {
    expect(sigmaForFace(0, 0.5, 0.5)).toBe(1);
  });
});

describe('gaussianHalfKernel', () => {
  it('is normalized and decreasing', () => {
    const w = gaussianHalfKernel(4, 12);
    expect(w[0] + 2 * w.subarray(1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Array.from(w).every((v, i) => i === 0 || v < w[i - 1])).toBe(true);
  });
});

describe('planAnonymize', () => {
  it('blurs small faces at full resolution with radius ceil(3 sigma)', () => {
    const plan = planAnonymize(640, 480, params({ masks: [{ cx: 100, cy: 100, rx: 10, ry: 20 }] }));
    const [f] = plan.faces;
    expect(f.flags & FaceFlag.coarse).toBe(0);
    expect(f.sigma).toBeCloseTo(5.5, 5);
    expect(f.radius).toBe(17);
    // The rect covers the mask, the half-pixel margin and the 3 px feather.
    expect(f.rect).toEqual([85, 75, 114, 124]);
    expect(f.support).toEqual([85, 58, 114, 141]);
  });

  it('moves faces too big for MAX_RADIUS to a coarse grid, keeping their sigma', () => {
    const masks = [{ cx: 900, cy: 500, rx: 300, ry: 400 }, { cx: 100, cy: 100, rx: 8, ry: 8 }];
    const plan = planAnonymize(1920, 1080, params({ masks }));
    const [big, small] = plan.faces;
    expect(big.flags & FaceFlag.coarse).toBe(FaceFlag.coarse);
    expect(small.flags & FaceFlag.coarse).toBe(0);
    expect(big.radius).toBeLessThanOrEqual(MAX_RADIUS);
    expect(big.sigma).toBeCloseTo(110, 3);
    // sigma 110 px at 8 px per radius unit: 14 px cells, 7.9 cells of sigma.
    expect(plan.factor).toBe(14);
    expect(big.radius).toBe(Math.ceil((3 * 110) / 14));
  });

  it('drops faces wholly outside the frame', () => {
    expect(planAnonymize(64, 48, params({ masks: [{ cx: -30, cy: 10, rx: 5, ry: 5 }] })).faces).toEqual([]);
  });

  it('never blurs excluded faces but always outlines them', () => {
    const masks = [{ cx: 20, cy: 20, rx: 5, ry: 5, excluded: true }, { cx: 40, cy: 20, rx: 5, ry: 5 }];
    const plan = planAnonymize(64, 48, params({ masks }));
    expect(plan.faces.map((f) => f.flags & (FaceFlag.blur | FaceFlag.outline))).toEqual([FaceFlag.outline, FaceFlag.blur]);
  });

  it('in full-frame mode covers the frame with one coarse face and only outlines the rest', () => {
    const plan = planAnonymize(1280, 720, params({ fullFrame: true, outlines: true, masks: [{ cx: 20, cy: 20, rx: 5, ry: 5 }] }));
    expect(plan.factor).toBe(45);
    expect([plan.coarseWidth, plan.coarseHeight]).toEqual([29, 16]);
    const [cover, outlined] = plan.faces;
    expect(cover.rect).toEqual([0, 0, 1279, 719]);
    expect(cover.vrect).toEqual([0, 0, 28, 15]);
    expect(cover.radius).toBe(Math.ceil(3 * FULL_FRAME_SIGMA));
    expect(blurring(outlined.flags)).toBe(false);
    expect(plan.directH).toEqual([0, 0, -1, -1]);
  });

  it.each([
    ['a NaN centre', [{ cx: Number.NaN, cy: 1, rx: 2, ry: 2 }]],
    ['an infinite radius', [{ cx: 1, cy: 1, rx: Infinity, ry: 2 }]],
    ['a radius beyond f32', [{ cx: 1, cy: 1, rx: 1e39, ry: 2 }]],
    ['a negative radius', [{ cx: 1, cy: 1, rx: -2, ry: 2 }]],
    ['more masks than the GPU holds', Array.from({ length: 65 }, (_, i) => ({ cx: i, cy: 5, rx: 2, ry: 2 }))],
  ])('fails closed to the full frame on %s', (_, masks) => {
    const plan = planAnonymize(64, 48, params({ masks }));
    expect(plan.faces[0].rect).toEqual([0, 0, 63, 47]);
    expect(plan.faces.filter((f) => blurring(f.flags))).toHaveLength(1);
  });

  it('falls back to the default feather when it is not a number', () => {
    expect(planAnonymize(8, 8, params({ featherPx: Number.NaN })).featherPx).toBe(3);
    expect(planAnonymize(8, 8, params({ featherPx: -2 })).featherPx).toBe(0);
  });
});
