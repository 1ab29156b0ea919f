import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../core/types';
import {
  FaceFlag,
  planAnonymize,
  type AnonymizeEffect,
  type AnonymizeParams,
  type PlannedFace,
} from './anonymize-plan';
import { AnonymizePass } from './anonymize-pass';
import { compare, usePassFixture, params, randomImage, randomMasks, runGpu } from '../testing/anonymize-test-utils';
import { coverage, maskDistance } from './mask-shape';

const gpu = usePassFixture();

const pixel = (img: RgbaImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

/** Pixels that the face covers fully (coverage 1) and no other face touches. */
function solidPixels(f: PlannedFace, featherPx: number): [number, number][] {
  const out: [number, number][] = [];
  for (let y = f.rect[1]; y <= f.rect[3]; y++) {
    for (let x = f.rect[0]; x <= f.rect[2]; x++) {
      if (coverage(maskDistance(f, x + 0.5, y + 0.5), featherPx) === 1) out.push([x, y]);
    }
  }
  return out;
}

const BORDER = [
  { cx: 0, cy: 0, rx: 10, ry: 12 },
  { cx: 66, cy: 30, rx: 9, ry: 20 },
  { cx: 30, cy: 47.5, rx: 5, ry: 5 },
];
const OVERLAP = [
  { cx: 25, cy: 24, rx: 6, ry: 8 },
  { cx: 33, cy: 24, rx: 12, ry: 14 },
  { cx: 40, cy: 20, rx: 3, ry: 3 },
];

describe.each(['mosaic', 'solid', 'strong'] as const)('the %s effect matches its twin', (effect: AnonymizeEffect) => {
  const fx = (over: Partial<AnonymizeParams>) => params({ effect, color: [200, 40, 90], ...over });

  it('copies the frame exactly with no faces', async () => {
    const img = randomImage(64, 48, 21);
    expect(compare(await gpu.run(img, fx({})), img).max).toBe(0);
  });

  it('covers one ellipse and a box, touching and exceeding the frame', async () => {
    const img = randomImage(64, 48, 22);
    const out = await gpu.expectTwin(img, fx({ masks: [{ cx: 30.3, cy: 22.6, rx: 9.2, ry: 12.1 }] }));
    expect(compare(out, img).max).toBeGreaterThan(50);
    await gpu.expectTwin(img, fx({ masks: BORDER }));
    await gpu.expectTwin(img, fx({ masks: BORDER, shape: 'box', strength: 1 }));
  });

  it('takes the strongest face where faces overlap', async () => {
    await gpu.expectTwin(randomImage(64, 48, 23), fx({ masks: OVERLAP, strength: 0 }));
  });

  it('handles 64 faces', async () => {
    await gpu.expectTwin(randomImage(97, 61, 24), fx({ masks: randomMasks(64, 97, 61, 25), featherPx: 2 }));
  });

  it('handles 1x1 and odd-sized frames, and faces too big for one kernel', async () => {
    await gpu.expectTwin(randomImage(1, 1, 26), fx({ masks: [{ cx: 0.5, cy: 0.5, rx: 0.4, ry: 0.4 }] }));
    await gpu.expectTwin(randomImage(3, 17, 27), fx({ masks: [{ cx: 1, cy: 8, rx: 2, ry: 6 }] }));
    await gpu.expectTwin(
      randomImage(97, 61, 28),
      fx({
        masks: [
          { cx: 48, cy: 30, rx: 40, ry: 50 },
          { cx: 20, cy: 20, rx: 6, ry: 7 },
        ],
      }),
    );
  });

  it('leaves excluded faces sharp and fails closed to the same full-frame blur as the default', async () => {
    const img = randomImage(64, 48, 29);
    const out = await gpu.expectTwin(
      img,
      fx({
        masks: [
          { cx: 20, cy: 20, rx: 8, ry: 10, excluded: true },
          { cx: 45, cy: 28, rx: 7, ry: 9 },
        ],
      }),
    );
    expect(pixel(out, 20, 20)).toEqual(pixel(img, 20, 20));
    const full = await gpu.run(img, params({ fullFrame: true }));
    expect(compare(await gpu.run(img, fx({ fullFrame: true, transparent: true })), full).max).toBe(0);
  });
});

describe('what each effect shows', () => {
  const face = { cx: 40.5, cy: 30.5, rx: 18, ry: 22 };

  it('solid: the colour itself inside the mask', async () => {
    const img = randomImage(80, 64, 31);
    const p = params({ effect: 'solid', color: [12, 250.4, 300], masks: [face] });
    const out = await gpu.expectTwin(img, p);
    const plan = planAnonymize(80, 64, p);
    for (const [x, y] of solidPixels(plan.faces[0], plan.featherPx))
      expect(pixel(out, x, y)).toEqual([12, 250, 255, 255]);
  });

  it('mosaic: flat blocks, about ten across the mask at the default strength, fewer when stronger', async () => {
    const img = randomImage(80, 64, 32);
    const p = params({ effect: 'mosaic', masks: [face] });
    const out = await gpu.expectTwin(img, p);
    const plan = planAnonymize(80, 64, p);
    const [f] = plan.faces;
    expect(f.block).toBe(4); // 2 * 22 / 10 = 4.4
    expect((2 * f.ry) / f.block).toBeGreaterThanOrEqual(8);
    expect((2 * f.ry) / f.block).toBeLessThanOrEqual(12);
    const byBlock = new Map<string, string>();
    for (const [x, y] of solidPixels(f, plan.featherPx)) {
      const key = `${Math.floor((x - f.blockOrigin[0]) / f.block)},${Math.floor((y - f.blockOrigin[1]) / f.block)}`;
      const value = pixel(out, x, y).join();
      expect(byBlock.get(key) ?? value).toBe(value);
      byBlock.set(key, value);
    }
    const strong = planAnonymize(80, 64, params({ effect: 'mosaic', strength: 1, masks: [face] })).faces[0];
    expect(strong.block).toBeGreaterThan(f.block);
  });

  /** The face's blocks with their pixels shuffled: every block keeps its sum, so its mean. */
  function shuffleBlocks(img: RgbaImage, f: PlannedFace): RgbaImage {
    const data = new Uint8Array(img.data);
    for (let by = 0; by < f.blockCount[1]; by++) {
      for (let bx = 0; bx < f.blockCount[0]; bx++) {
        const x0 = Math.max(0, f.blockOrigin[0] + bx * f.block);
        const y0 = Math.max(0, f.blockOrigin[1] + by * f.block);
        const x1 = Math.min(img.width, f.blockOrigin[0] + (bx + 1) * f.block);
        const y1 = Math.min(img.height, f.blockOrigin[1] + (by + 1) * f.block);
        const at: number[] = [];
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) at.push((y * img.width + x) * 4);
        at.forEach((i, k) => data.set(img.data.subarray(at[(k + 1) % at.length], at[(k + 1) % at.length] + 4), i));
      }
    }
    return { width: img.width, height: img.height, data };
  }

  it('strong: inside the mask it sees only the block means, so detail within blocks cannot be recovered', async () => {
    const img = randomImage(80, 64, 33);
    for (const effect of ['strong', 'gaussian'] as const) {
      const p = params({ effect, masks: [face] });
      const f = planAnonymize(80, 64, params({ effect: 'strong', masks: [face] })).faces[0];
      const shuffled = shuffleBlocks(img, f);
      const [a, b] = [await gpu.expectTwin(img, p), await gpu.expectTwin(shuffled, p)];
      const inside = solidPixels(f, 3);
      const same = inside.filter(([x, y]) => pixel(a, x, y).join() === pixel(b, x, y).join()).length;
      if (effect === 'strong') expect(same).toBe(inside.length);
      else expect(same).toBeLessThan(inside.length / 2);
    }
  });

  it('strong blurs the mosaic: smoother than the mosaic, as smooth as the Gaussian', async () => {
    const img = randomImage(80, 64, 34);
    const [mosaic, strong] = [
      await gpu.run(img, params({ effect: 'mosaic', masks: [face] })),
      await gpu.run(img, params({ effect: 'strong', masks: [face] })),
    ];
    const plan = planAnonymize(80, 64, params({ effect: 'strong', masks: [face] }));
    const jumps = (o: RgbaImage) =>
      solidPixels(plan.faces[0], 3).reduce((s, [x, y]) => s + Math.abs(pixel(o, x + 1, y)[1] - pixel(o, x, y)[1]), 0);
    expect(jumps(strong) * 3).toBeLessThan(jumps(mosaic));
  });
});

describe('long dispatches', () => {
  it('fold tile and block lists past the per-dimension limit into y', async () => {
    const folding = await AnonymizePass.create(gpu.device, { maxWorkgroupsPerDimension: 7 });
    try {
      const img = randomImage(97, 61, 51);
      for (const effect of ['gaussian', 'mosaic', 'strong'] as const) {
        const p = params({ effect, masks: [...randomMasks(6, 97, 61, 52), { cx: 48, cy: 30, rx: 40, ry: 50 }] });
        expect(compare(await runGpu(gpu.device, folding, img, p), await gpu.run(img, p)).max, effect).toBe(0);
      }
    } finally {
      folding.destroy();
    }
  });
});

describe('transparent overlay output', () => {
  const masks = [
    { cx: 30.3, cy: 22.6, rx: 9.2, ry: 12.1 },
    { cx: 0, cy: 40, rx: 8, ry: 9 },
    { cx: 36, cy: 24, rx: 5, ry: 5 },
  ];

  it.each(['gaussian', 'mosaic', 'solid', 'strong'] as const)(
    '%s: clear outside, coverage as alpha, colour premultiplied',
    async (effect) => {
      // An opaque frame, as a camera gives.
      const img = randomImage(64, 48, 41);
      for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
      const p = params({ effect, transparent: true, color: [250, 128, 3], masks });
      const out = await gpu.expectTwin(img, p);
      const opaque = await gpu.run(img, { ...p, transparent: false });
      const plan = planAnonymize(64, 48, p);
      let feathered = 0;
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 64; x++) {
          const alpha = Math.max(
            0,
            ...plan.faces
              .filter((f) => f.flags & FaceFlag.blur)
              .map((f) => coverage(maskDistance(f, x + 0.5, y + 0.5), plan.featherPx)),
          );
          const [r, g, b, a] = pixel(out, x, y);
          expect(Math.abs(a - 255 * alpha)).toBeLessThanOrEqual(0.5);
          expect(Math.max(r, g, b)).toBeLessThanOrEqual(a);
          if (alpha === 1) expect(pixel(out, x, y)).toEqual(pixel(opaque, x, y));
          if (alpha > 0 && alpha < 1) feathered++;
        }
      }
      expect(feathered).toBeGreaterThan(20);
    },
  );

  it('clears the whole frame with no faces, and draws outlines opaque', async () => {
    const img = randomImage(33, 17, 42);
    const out = await gpu.expectTwin(img, params({ transparent: true }));
    expect(out.data.every((v) => v === 0)).toBe(true);
    await gpu.expectTwin(
      img,
      params({ transparent: true, outlines: true, masks: [{ cx: 10, cy: 8, rx: 6, ry: 6, excluded: true }, masks[0]] }),
    );
  });

  it('is opaque when failing closed: the whole frame covered', async () => {
    const img = randomImage(64, 48, 43);
    const out = await gpu.expectTwin(img, params({ transparent: true, fullFrame: true, masks }));
    expect(compare(out, await gpu.run(img, params({ fullFrame: true, masks }))).max).toBe(0);
    expect(
      planAnonymize(64, 48, params({ transparent: true, masks: [{ cx: Number.NaN, cy: 1, rx: 1, ry: 1 }] }))
        .transparent,
    ).toBe(false);
  });
});
