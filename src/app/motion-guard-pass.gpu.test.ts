import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../core/types';
import { readBuffer, readRgba, uploadRgba } from '../gpu/readback';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { AnonymizePass, INDIRECT_ARGS_BYTES } from '../render/anonymize-pass';
import { compare, params, runGpu } from '../testing/anonymize-test-utils';
import type { Luma } from '../track/patch-motion';
import { thumbnailOfPicture } from '../track/thumbnail';
import { type EncodedThumbnail, ThumbnailPass } from '../track/thumbnail-pass';
import { MotionGuard } from './motion-guard';
import { MotionGuardPass } from './motion-guard-pass';

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

/** A smooth picture that a camera panned by `tx` sees; `cut`: another scene (its light and dark swapped). */
function picture(tx: number, cut = false): Luma {
  const [width, height] = [320, 180];
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 100 * Math.sin((x + tx) / 40) * Math.cos(y / 30);
      data[y * width + x] = 128 + (cut ? -v : v);
    }
  }
  return { width, height, data };
}

function uploadPicture(luma: Luma): EncodedThumbnail {
  const data = Float32Array.from(luma.data);
  const cells = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(cells, 0, data);
  return { cells, width: luma.width, height: luma.height, read: null };
}

/** Whether the pass left the cover's arguments standing (tripped) for a frame. */
async function judge(
  pass: MotionGuardPass,
  luma: Luma,
  nowMs: number,
  resultCaptureMs: number | null,
): Promise<boolean> {
  const picture = uploadPicture(luma);
  device.queue.writeBuffer(pass.args, 0, new Uint32Array(INDIRECT_ARGS_BYTES / 4).fill(7));
  const encoder = device.createCommandEncoder();
  expect(pass.encode(encoder, picture, { nowMs, resultCaptureMs, threshold: 40 })).toBe(true);
  device.queue.submit([encoder.finish()]);
  const args = new Uint32Array(await readBuffer(device, pass.args));
  picture.cells.destroy();
  expect(args.every((v) => v === 0) || args.every((v) => v === 7)).toBe(true);
  return args[0] === 7;
}

/** An image with a bright left half (or right, `flipped`): its thumbnail changes wholly when flipped. */
function halves(width: number, height: number, flipped: boolean): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bright = x < width / 2 !== flipped;
      data.set([bright ? 230 : 20, bright ? 200 : 40, (x * 7 + y * 3) % 256, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

describe('MotionGuardPass', () => {
  it("trips on the frames the CPU's guard trips on, judging each frame by its own picture", async () => {
    const pass = new MotionGuardPass(device, INDIRECT_ARGS_BYTES);
    await pass.ready;
    const cpu = new MotionGuard(40);
    const frameMs = 33;
    // Still, a slow pan, a cut, still again, a whip, a result every 3 frames, 3 frames late; then a result a frame
    // late and a move of half the threshold's change in one frame (motion in progress).
    const moves = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4, 4, 64, 124, 184, 184, 184, 184, 214, 214, 220];
    const verdicts: boolean[] = [];
    const expected: boolean[] = [];
    for (let i = 0; i < moves.length; i++) {
      const luma = picture(moves[i]!, i >= 10);
      const result = i >= 20 ? (i - 1) * frameMs : i >= 3 ? Math.floor((i - 3) / 3) * 3 * frameMs : null;
      verdicts.push(await judge(pass, luma, i * frameMs, result));
      cpu.see(i * frameMs, thumbnailOfPicture(luma));
      expected.push(result !== null && cpu.tripped(result));
    }
    expect(verdicts.map(Number).join('')).toBe(expected.map(Number).join(''));
    // The cut, the whip and the motion in progress trip it; the still and slowly panned frames do not.
    expect(verdicts[10]).toBe(true);
    expect(verdicts[14]).toBe(true);
    expect(verdicts.slice(20)).toEqual([true, false, false]);
    expect(verdicts.slice(0, 10).some(Boolean)).toBe(false);
    pass.destroy();
  });

  it('never trips without a result, or with none as old as a kept frame', async () => {
    const pass = new MotionGuardPass(device, INDIRECT_ARGS_BYTES);
    await pass.ready;
    expect(await judge(pass, picture(0), 100, null)).toBe(false);
    expect(await judge(pass, picture(0, true), 133, null)).toBe(false);
    expect(await judge(pass, picture(0), 166, 50)).toBe(false);
    pass.destroy();
  });

  it("covers a cut's first frame whole, and leaves a still frame's faces to their own cover", async () => {
    const [width, height] = [64, 36];
    const anonymize = await AnonymizePass.create(device);
    const cover = new AnonymizePass(device, { pipelinesOf: anonymize });
    const thumbnails = new ThumbnailPass(device);
    const guard = new MotionGuardPass(device, INDIRECT_ARGS_BYTES);
    await Promise.all([thumbnails.ready({ width, height }), guard.ready]);
    const faces = params({ masks: [{ cx: 17, cy: 16, rx: 7, ry: 8 }] });
    const output = device.createTexture({
      size: [width, height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
    });
    const draw = async (img: RgbaImage, nowMs: number): Promise<RgbaImage> => {
      const frame = uploadRgba(device, img);
      const encoder = device.createCommandEncoder();
      const seen = thumbnails.encode(encoder, frame, { width, height })!;
      expect(guard.encode(encoder, seen, { nowMs, resultCaptureMs: 0, threshold: 40 })).toBe(true);
      anonymize.encode(encoder, frame, output, faces);
      cover.encode(encoder, frame, output, { ...faces, fullFrame: true }, guard.args);
      device.queue.submit([encoder.finish()]);
      const out = await readRgba(device, output);
      frame.destroy();
      return out;
    };
    const before = halves(width, height, false);
    const after = halves(width, height, true);
    await draw(before, 0);
    expect(compare(await draw(before, 33), await runGpu(device, anonymize, before, faces)).max).toBe(0);
    const cut = await draw(after, 66);
    expect(compare(cut, await runGpu(device, anonymize, after, { ...faces, fullFrame: true })).max).toBe(0);
    expect(compare(cut, await runGpu(device, anonymize, after, faces)).differing).toBeGreaterThan(0);
    output.destroy();
    [anonymize, cover, thumbnails, guard].forEach((p) => p.destroy());
  });
});
