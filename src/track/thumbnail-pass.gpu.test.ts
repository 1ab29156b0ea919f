import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbnailRef } from './thumbnail';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { randomImage } from '../testing/anonymize-test-utils';
import { uploadRgba } from '../gpu/readback';
import { ThumbnailPass } from './thumbnail-pass';

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

describe('ThumbnailPass', () => {
  for (const [width, height] of [
    [640, 360],
    [33, 19],
    [7, 5],
  ] as const) {
    it(`gives the CPU twin's cell means on a random ${width}x${height} frame`, async () => {
      const img = randomImage(width, height, width);
      const frame = uploadRgba(device, img);
      const pass = new ThumbnailPass(device);
      await pass.ready();
      const encoder = device.createCommandEncoder();
      const { read } = pass.encode(encoder, frame)!;
      device.queue.submit([encoder.finish()]);
      const gpu = await read!();
      const cpu = thumbnailRef(img);
      expect(gpu).toHaveLength(cpu.length);
      expect(Math.max(...Array.from(gpu, (v, i) => Math.abs(v - cpu[i])))).toBeLessThan(1e-3);
      pass.destroy();
      frame.destroy();
    });
  }

  it("makes the tracker's larger thumbnails too, and follows a change of size", async () => {
    const pass = new ThumbnailPass(device);
    for (const [width, height, tw, th] of [
      [640, 360, 320, 180],
      [90, 160, 45, 80],
    ] as const) {
      const img = randomImage(width, height, tw);
      const frame = uploadRgba(device, img);
      await pass.ready({ width: tw, height: th });
      const encoder = device.createCommandEncoder();
      const { read } = pass.encode(encoder, frame, { width: tw, height: th })!;
      device.queue.submit([encoder.finish()]);
      const gpu = await read!();
      const cpu = thumbnailRef(img, tw, th);
      expect(gpu).toHaveLength(tw * th);
      expect(Math.max(...Array.from(gpu, (v, i) => Math.abs(v - cpu[i])))).toBeLessThan(1e-3);
      frame.destroy();
    }
    pass.destroy();
  });

  it('skips a frame while its pipeline compiles', async () => {
    const frame = uploadRgba(device, randomImage(64, 36, 1));
    const pass = new ThumbnailPass(device);
    expect(pass.encode(device.createCommandEncoder(), frame)).toBeNull();
    await pass.ready();
    expect(pass.encode(device.createCommandEncoder(), frame)).not.toBeNull();
    pass.destroy();
    frame.destroy();
  });

  it('makes every frame but reads none back while every readback is in flight, and reads again when one returns', async () => {
    const frame = uploadRgba(device, randomImage(64, 36, 1));
    const pass = new ThumbnailPass(device);
    await pass.ready();
    const encoder = device.createCommandEncoder();
    const reads = [0, 1, 2].map(() => pass.encode(encoder, frame)!.read);
    expect(reads.every((r) => r !== null)).toBe(true);
    const busy = pass.encode(encoder, frame);
    expect(busy?.cells).toBeDefined();
    expect(busy?.read).toBeNull();
    device.queue.submit([encoder.finish()]);
    await Promise.all(reads.map((r) => r!()));
    const again = device.createCommandEncoder();
    expect(pass.encode(again, frame)?.read).not.toBeNull();
    device.queue.submit([again.finish()]);
    pass.destroy();
    frame.destroy();
  });
});
