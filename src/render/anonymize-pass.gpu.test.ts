import { describe, expect, it } from 'vitest';
import { FaceFlag, planAnonymize, type AnonymizeParams } from './anonymize-plan';
import { AnonymizePass } from './anonymize-pass';
import { anonymizeRef } from './anonymize-ref';
import { uploadRgba } from '../gpu/readback';
import { compare, expectTwin, usePassFixture, params, randomImage, randomMasks } from '../testing/anonymize-test-utils';

const gpu = usePassFixture();

describe('AnonymizePass matches anonymizeRef', () => {
  it('copies the frame exactly with no faces', async () => {
    const img = randomImage(64, 48, 1);
    const out = await gpu.run(img, params());
    expect(compare(out, img).max).toBe(0);
    expect(compare(anonymizeRef(img, params()), img).max).toBe(0);
  });

  it('blurs one ellipse and leaves the rest of the frame exact', async () => {
    const img = randomImage(64, 48, 2);
    const out = await gpu.expectTwin(img, params({ masks: [{ cx: 30.3, cy: 22.6, rx: 9.2, ry: 12.1 }] }));
    expect(compare(out, img).max).toBeGreaterThan(50);
  });

  it('blurs a box mask', async () => {
    await gpu.expectTwin(randomImage(64, 48, 3), params({ shape: 'box', masks: [{ cx: 20, cy: 30, rx: 8.5, ry: 6 }] }));
    // A strip along the border (an unseen edge) beside an ellipse.
    await gpu.expectTwin(
      randomImage(64, 48, 3),
      params({
        masks: [
          { cx: 20, cy: 30, rx: 8.5, ry: 6 },
          { cx: 60, cy: 24, rx: 4, ry: 24, box: true },
        ],
      }),
    );
  });

  it('takes the strongest blur where faces overlap', async () => {
    const masks = [
      { cx: 25, cy: 24, rx: 6, ry: 8 },
      { cx: 33, cy: 24, rx: 12, ry: 14 },
      { cx: 40, cy: 20, rx: 3, ry: 3 },
    ];
    await gpu.expectTwin(randomImage(64, 48, 4), params({ masks }));
  });

  it('clamps to the edge for masks touching and exceeding the frame', async () => {
    const masks = [
      { cx: 0, cy: 0, rx: 10, ry: 12 },
      { cx: 66, cy: 30, rx: 9, ry: 20 },
      { cx: 30, cy: 47.5, rx: 5, ry: 5 },
    ];
    await gpu.expectTwin(randomImage(64, 48, 5), params({ masks }));
    await gpu.expectTwin(randomImage(64, 48, 5), params({ masks, shape: 'box' }));
  });

  it('handles 64 faces', async () => {
    const img = randomImage(97, 61, 6);
    await gpu.expectTwin(img, params({ masks: randomMasks(64, 97, 61, 7), featherPx: 2 }));
  });

  it('handles 1x1 and odd-sized frames', async () => {
    await gpu.expectTwin(randomImage(1, 1, 8), params({ masks: [{ cx: 0.5, cy: 0.5, rx: 0.4, ry: 0.4 }] }));
    await gpu.expectTwin(randomImage(1, 1, 9), params({ fullFrame: true }));
    await gpu.expectTwin(randomImage(97, 61, 10), params({ masks: randomMasks(5, 97, 61, 11), shape: 'box' }));
    await gpu.expectTwin(randomImage(3, 17, 12), params({ masks: [{ cx: 1, cy: 8, rx: 2, ry: 6 }] }));
  });

  it('blurs faces too big for one kernel on the coarse grid', async () => {
    const masks = [
      { cx: 48, cy: 30, rx: 40, ry: 50 },
      { cx: 20, cy: 20, rx: 6, ry: 7 },
    ];
    const plan = planAnonymize(97, 61, params({ masks }));
    expect(plan.faces.map((f) => (f.flags & FaceFlag.coarse) !== 0)).toEqual([true, false]);
    await gpu.expectTwin(randomImage(97, 61, 13), params({ masks }));
  });

  it('anonymizes the full frame, odd-sized too', async () => {
    for (const [w, h] of [
      [64, 48],
      [97, 61],
      [40, 7],
      [300, 130],
    ]) {
      const img = randomImage(w, h, w);
      const out = await gpu.expectTwin(img, params({ fullFrame: true, masks: randomMasks(3, w, h, h) }));
      expect(compare(out, img).max).toBeGreaterThan(50);
    }
  });

  it('leaves excluded faces sharp but outlined, and draws debug outlines', async () => {
    const img = randomImage(64, 48, 14);
    const excluded = { cx: 20, cy: 20, rx: 8, ry: 10, excluded: true };
    const out = await gpu.expectTwin(img, params({ masks: [excluded, { cx: 45, cy: 28, rx: 7, ry: 9 }] }));
    const at = (x: number, y: number) => Array.from(out.data.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 4));
    expect(at(20, 20)).toEqual(Array.from(img.data.subarray((20 * 64 + 20) * 4, (20 * 64 + 20) * 4 + 4)));
    expect(at(12, 20)).toEqual([255, 176, 0, 255]);
    await gpu.expectTwin(img, params({ outlines: true, masks: [excluded, { cx: 45, cy: 28, rx: 7, ry: 9 }] }));
    await gpu.expectTwin(img, params({ outlines: true, fullFrame: true, masks: [excluded] }));
  });

  it('fails closed to the full frame on masks it cannot trust', async () => {
    const img = randomImage(64, 48, 15);
    const full = await gpu.run(img, params({ fullFrame: true }));
    for (const masks of [
      [{ cx: Number.NaN, cy: 3, rx: 4, ry: 4 }],
      [{ cx: 3, cy: 3, rx: -4, ry: 4 }],
      randomMasks(65, 64, 48, 16),
    ]) {
      expect(compare(await gpu.run(img, params({ masks })), full).max).toBe(0);
    }
  });

  it('draws the whole-frame cover before its per-face stages are compiled, and refuses faces until they are', async () => {
    const fresh = new AnonymizePass(gpu.device);
    try {
      const img = randomImage(48, 32, 21);
      const faces = params({ masks: [{ cx: 20, cy: 16, rx: 8, ry: 10 }] });
      // Nothing has compiled yet: no promise settles before this test awaits one.
      const src = uploadRgba(gpu.device, img);
      const dst = gpu.device.createTexture({
        size: [48, 32],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.STORAGE_BINDING,
      });
      expect(() => fresh.encode(gpu.device.createCommandEncoder(), src, dst, faces)).toThrow(/still compiling/);
      src.destroy();
      dst.destroy();
      await fresh.wholeFrameReady;
      await expectTwin(gpu.device, fresh, img, params({ fullFrame: true, outlines: true, masks: faces.masks }));
      await fresh.ready;
      await expectTwin(gpu.device, fresh, img, faces);
    } finally {
      fresh.destroy();
    }
  });

  it('reuses its bind groups while the textures stay the same', async () => {
    const src = gpu.device.createTexture({
      size: [32, 24],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.TEXTURE_BINDING,
    });
    const dst = gpu.device.createTexture({
      size: [32, 24],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING,
    });
    const local = await AnonymizePass.create(gpu.device);
    const frame = (p: AnonymizeParams) => {
      const encoder = gpu.device.createCommandEncoder();
      local.encode(encoder, src, dst, p);
      gpu.device.queue.submit([encoder.finish()]);
    };
    // Each stage's groups are made the first time it runs.
    frame(params({ masks: randomMasks(3, 32, 24, 18) }));
    frame(params({ fullFrame: true }));
    const create = gpu.device.createBindGroup.bind(gpu.device);
    let created = 0;
    gpu.device.createBindGroup = (d) => (created++, create(d));
    try {
      frame(params({ masks: randomMasks(5, 32, 24, 19) }));
      frame(params({ fullFrame: true }));
      expect(created).toBe(0);
    } finally {
      gpu.device.createBindGroup = create;
      local.destroy();
      src.destroy();
      dst.destroy();
    }
  });

  it('rejects textures it cannot use', () => {
    const src = gpu.device.createTexture({
      size: [8, 8],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.TEXTURE_BINDING,
    });
    const dst = gpu.device.createTexture({
      size: [8, 4],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING,
    });
    expect(() => gpu.pass.encode(gpu.device.createCommandEncoder(), src, dst, params())).toThrow(/dst is 8x4, src 8x8/);
    src.destroy();
    dst.destroy();
  });
});
