import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import code from './preprocess.wgsl?raw';
import { BLAZEFACE_BACK_256, YUNET_N, type InputSize, type TensorFormat } from './model';
import { letterboxCrop, preprocessRef } from './preprocess';
import type { Rect, RgbaImage } from '../core/types';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { PREPROCESS_PARAMS, PreprocessPass, tensorBytes } from './preprocess-pass';
import { structLayout } from '../gpu/wgsl-layout';
import { randomImage } from '../testing/anonymize-test-utils';
import { readBuffer, uploadRgba } from '../gpu/readback';

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

// BlazeFace's format: NHWC, RGB, [-1, 1].
const BLAZEFACE = BLAZEFACE_BACK_256.format;
const square = (side: number): InputSize => ({ width: side, height: side });

async function runPass(
  img: RgbaImage,
  crop: Rect,
  size: InputSize,
  outByteOffset = 0,
  format: TensorFormat = BLAZEFACE,
): Promise<Float32Array> {
  const pass = new PreprocessPass(device, format);
  await pass.ready;
  const frame = uploadRgba(device, img);
  const out = device.createBuffer({
    label: 'tensor',
    size: outByteOffset + tensorBytes(size),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const encoder = device.createCommandEncoder();
  pass.encode(encoder, frame, crop, size, out, outByteOffset);
  device.queue.submit([encoder.finish()]);
  const all = new Float32Array(await readBuffer(device, out));
  frame.destroy();
  out.destroy();
  pass.destroy();
  expect(all.subarray(0, outByteOffset / 4).every((v) => v === 0)).toBe(true);
  return all.subarray(outByteOffset / 4);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('PreprocessPass', () => {
  it('writes its params where the WGSL struct reads them', () => {
    expect(structLayout(code, 'Params')).toEqual(PREPROCESS_PARAMS);
  });

  it('matches preprocessRef on a crop reaching past the top-left of an odd-sized frame', async () => {
    const img = randomImage(13, 9, 1);
    const crop = { x: -3.3, y: -2.7, w: 17.9, h: 17.9 };
    expect(maxDiff(await runPass(img, crop, square(11)), preprocessRef(img, crop, square(11), BLAZEFACE))).toBeLessThan(
      1e-5,
    );
  });

  it('matches preprocessRef when letterboxing, upsampling and downsampling', async () => {
    const img = randomImage(21, 14, 2);
    for (const [crop, size] of [
      [letterboxCrop(21, 14), 7],
      [{ x: 15.2, y: 9.6, w: 9, h: 9 }, 17],
    ] as const) {
      expect(
        maxDiff(await runPass(img, crop, square(size)), preprocessRef(img, crop, square(size), BLAZEFACE)),
      ).toBeLessThan(1e-5);
    }
  });

  it('writes densely at a byte offset and leaves the bytes before it alone', async () => {
    const img = randomImage(10, 10, 3);
    const crop = { x: 1, y: 1, w: 8, h: 8 };
    expect(
      maxDiff(await runPass(img, crop, square(5), 36), preprocessRef(img, crop, square(5), BLAZEFACE)),
    ).toBeLessThan(1e-5);
  });

  it("matches preprocessRef in YuNet's format (NCHW, BGR, 0..255) on a non-square input", async () => {
    const img = randomImage(23, 15, 4);
    const size = { width: 12, height: 8 };
    // The whole frame at a scale, padded bottom and right past the frame (black), as wholeFrameCrop samples it.
    for (const crop of [
      { x: 0, y: 0, w: 24, h: 16 },
      { x: 3.4, y: -1.2, w: 17.1, h: 11.4 },
    ]) {
      const gpu = await runPass(img, crop, size, 8, YUNET_N.format);
      const cpu = preprocessRef(img, crop, size, YUNET_N.format);
      expect(maxDiff(gpu, cpu) / 255).toBeLessThan(1e-3);
      expect(Math.max(...cpu), 'values span 0..255, not 0..1').toBeGreaterThan(100);
    }
  });

  it('lays NCHW out plane by plane, blue first, with the RGB values of NHWC scaled', async () => {
    const img = randomImage(16, 16, 5);
    const crop = { x: 0, y: 0, w: 16, h: 8 };
    const size = { width: 8, height: 4 };
    const nhwc = await runPass(img, crop, size, 0, { layout: 'nhwc', order: 'rgb', scale: 1, offset: 0 });
    const nchw = await runPass(img, crop, size, 0, YUNET_N.format);
    const plane = size.width * size.height;
    let diff = 0;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) diff = Math.max(diff, Math.abs(nchw[(2 - c) * plane + p] - 255 * nhwc[p * 3 + c]));
    }
    expect(diff / 255).toBeLessThan(1e-5);
  });
});
