import { describe, expect, it } from 'vitest';
import {
  FULL_FRAME_SIGMA,
  FaceFlag,
  MAX_RADIUS,
  gaussianHalfKernel,
  mosaicBlocksAcross,
  mosaicBlockSize,
  planAnonymize,
  sigmaForFace,
} from './anonymize-plan';
import { TileLister } from './anonymize-tiles';
import { inSpan } from './span';
import { params } from '../testing/anonymize-test-utils';

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
    const masks = [
      { cx: 900, cy: 500, rx: 300, ry: 400 },
      { cx: 100, cy: 100, rx: 8, ry: 8 },
    ];
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
    const masks = [
      { cx: 20, cy: 20, rx: 5, ry: 5, excluded: true },
      { cx: 40, cy: 20, rx: 5, ry: 5 },
    ];
    const plan = planAnonymize(64, 48, params({ masks }));
    expect(plan.faces.map((f) => f.flags & (FaceFlag.blur | FaceFlag.outline))).toEqual([
      FaceFlag.outline,
      FaceFlag.blur,
    ]);
  });

  it('draws a mask marked box as a box among ellipses (a region, not a face)', () => {
    const masks = [
      { cx: 20, cy: 20, rx: 5, ry: 5 },
      { cx: 60, cy: 24, rx: 4, ry: 24, box: true },
    ];
    const plan = planAnonymize(64, 48, params({ masks }));
    expect(plan.faces.map((f) => f.box)).toEqual([false, true]);
    expect(plan.faces.map((f) => f.flags & FaceFlag.box)).toEqual([0, FaceFlag.box]);
  });

  it('in full-frame mode covers the frame with one coarse face and only outlines the rest', () => {
    const plan = planAnonymize(
      1280,
      720,
      params({ fullFrame: true, outlines: true, masks: [{ cx: 20, cy: 20, rx: 5, ry: 5 }] }),
    );
    expect(plan.factor).toBe(45);
    expect([plan.coarseWidth, plan.coarseHeight]).toEqual([29, 16]);
    const [cover, outlined] = plan.faces;
    expect(cover.rect).toEqual([0, 0, 1279, 719]);
    expect(cover.vrect).toEqual([0, 0, 28, 15]);
    expect(cover.radius).toBe(Math.ceil(3 * FULL_FRAME_SIGMA));
    expect(blurring(outlined.flags)).toBe(false);
    expect(plan.spans.directH).toEqual([]);
    expect(plan.spans.composite).toEqual([]);
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

describe('mosaic blocks', () => {
  it('are 14 across the mask at strength 0, 10 at the default, 6 at full strength', () => {
    expect([0, 0.5, 1, Number.NaN].map(mosaicBlocksAcross)).toEqual([14, 10, 6, 6]);
    expect(mosaicBlockSize(0.5, 30, 40)).toBe(8);
    expect(mosaicBlockSize(0.5, 1, 1)).toBe(1);
    expect(mosaicBlockSize(0.5, 1e6, 1)).toBe(1024);
  });

  it('anchor a block corner at the rounded centre and cover the rect', () => {
    const plan = planAnonymize(
      640,
      480,
      params({ effect: 'mosaic', masks: [{ cx: 100.4, cy: 99.6, rx: 30, ry: 40 }] }),
    );
    const [f] = plan.faces;
    expect(f.block).toBe(8);
    expect((100 - f.blockOrigin[0]) % 8).toBe(0);
    expect((100 - f.blockOrigin[1]) % 8).toBe(0);
    expect(f.blockOrigin[0]).toBeLessThanOrEqual(f.rect[0]);
    expect(f.blockOrigin[0] + 8 * f.blockCount[0] - 1).toBeGreaterThanOrEqual(f.rect[2]);
    expect(f.blockOrigin[1] + 8 * f.blockCount[1] - 1).toBeGreaterThanOrEqual(f.rect[3]);
    expect(f.blockOrigin[0]).toBeGreaterThan(f.rect[0] - 8);
    expect(plan.blockTotal).toBe(f.blockCount[0] * f.blockCount[1]);
    expect(plan.blockThreads).toBe(plan.blockTotal * 8);
    // No blur for a mosaic.
    expect([plan.spans.directH, plan.spans.coarseH, plan.spans.fill]).toEqual([[], [], []]);
  });

  it('for "strong", cover everything the blur reads, which fill paints first', () => {
    const masks = [
      { cx: 100, cy: 100, rx: 10, ry: 14 },
      { cx: 400, cy: 300, rx: 120, ry: 150 },
    ];
    const plan = planAnonymize(640, 480, params({ effect: 'strong', masks }));
    expect(plan.spans.fill).toHaveLength(2);
    plan.faces.forEach((f, i) => {
      const s = plan.spans.fill[i];
      for (const [x, y] of [
        [s[0], s[1]],
        [s[2], s[3]],
      ]) {
        expect(x - f.blockOrigin[0]).toBeGreaterThanOrEqual(0);
        expect(Math.floor((x - f.blockOrigin[0]) / f.block)).toBeLessThan(f.blockCount[0]);
        expect(Math.floor((y - f.blockOrigin[1]) / f.block)).toBeLessThan(f.blockCount[1]);
      }
    });
    // The small face blurs at full resolution and reads its radius around its rect; the big one, on cells.
    const [small, big] = plan.faces;
    expect(plan.spans.fill[0]).toEqual([
      small.rect[0] - small.radius,
      small.rect[1] - small.radius,
      small.rect[2] + small.radius,
      small.rect[3] + small.radius,
    ]);
    expect(big.flags & FaceFlag.coarse).toBe(FaceFlag.coarse);
    const [c0, , c2] = plan.spans.coarseDown[0];
    expect(plan.spans.fill[1][0]).toBe(c0 * plan.factor);
    expect(plan.spans.fill[1][2]).toBe(Math.min(639, (c2 + 1) * plan.factor - 1));
  });
});

describe('effects and colours', () => {
  const mask = { cx: 20, cy: 20, rx: 5, ry: 5 };

  it('take anything unknown for the default Gaussian, and clamp and round colours', () => {
    const plan = planAnonymize(
      64,
      48,
      params({ effect: 'pixelate' as never, color: [-5, 127.5, Number.NaN], masks: [mask] }),
    );
    expect(plan.effect).toBe('gaussian');
    expect(plan.color).toEqual([0, 128, 0]);
    expect(planAnonymize(64, 48, params({ masks: [mask] })).color).toEqual([0, 0, 0]);
    expect(planAnonymize(64, 48, params({ effect: 'solid', color: [300, 1, 2], masks: [mask] })).color).toEqual([
      255, 1, 2,
    ]);
  });

  it('fail closed to the opaque full-frame blur, whatever the effect', () => {
    const plan = planAnonymize(64, 48, params({ effect: 'solid', transparent: true, fullFrame: true, masks: [mask] }));
    expect([plan.effect, plan.transparent, plan.blockTotal]).toEqual(['gaussian', false, 0]);
    expect(plan.spans.composite).toEqual([]);
  });
});

describe('work follows the faces', () => {
  const masks = [
    { cx: 60, cy: 60, rx: 30, ry: 40 },
    { cx: 1860, cy: 1020, rx: 30, ry: 40 },
    { cx: 960, cy: 540, rx: 45, ry: 60 },
    { cx: 1800, cy: 80, rx: 20, ry: 26 },
  ];
  it.each(['gaussian', 'mosaic', 'solid', 'strong'] as const)(
    '%s: four faces spread over 1080p cost their own tiles',
    (effect) => {
      const plan = planAnonymize(1920, 1080, params({ effect, masks }));
      const lister = new TileLister();
      const frameTiles = 240 * 135;
      const composite = lister.list(plan.spans.composite, 1920, 1080).length;
      const direct = lister.list(plan.spans.directH, 1920, 1080).length;
      const fill = lister.list(plan.spans.fill, 1920, 1080).length;
      // Each face's pixels lie in its own spans.
      plan.faces.forEach((f, i) => expect(inSpan(plan.spans.composite[i], f.cx, f.cy)).toBe(true));
      expect(composite).toBeLessThan(frameTiles * 0.03);
      expect(direct + fill).toBeLessThan(frameTiles * 0.08);
    },
  );
});
