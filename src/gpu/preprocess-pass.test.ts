import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import code from '../shaders/preprocess.wgsl?raw';
import { letterboxCrop, preprocessRef } from '../detect/preprocess';
import type { Rect, RgbaImage } from '../detect/types';
import { requestNodeDevice } from '../node/webgpu-node';
import { PREPROCESS_PARAMS, PreprocessPass } from './preprocess-pass';
import { structLayout } from './wgsl-layout';
import { randomImage } from '../render/anonymize-test-utils';
import { readBuffer, uploadRgba } from './readback';

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

async function runPass(img: RgbaImage, crop: Rect, size: number, outByteOffset = 0): Promise<Float32Array> {
  const pass = new PreprocessPass(device, size);
  const frame = uploadRgba(device, img);
  const out = device.createBuffer({
    label: 'tensor', size: outByteOffset + pass.tensorBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const encoder = device.createCommandEncoder();
  pass.encode(encoder, frame, crop, out, outByteOffset);
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
    expect(maxDiff(await runPass(img, crop, 11), preprocessRef(img, crop, 11))).toBeLessThan(1e-5);
  });

  it('matches preprocessRef when letterboxing, upsampling and downsampling', async () => {
    const img = randomImage(21, 14, 2);
    for (const [crop, size] of [[letterboxCrop(21, 14), 7], [{ x: 15.2, y: 9.6, w: 9, h: 9 }, 17]] as const) {
      expect(maxDiff(await runPass(img, crop, size), preprocessRef(img, crop, size))).toBeLessThan(1e-5);
    }
  });

  it('writes densely at a byte offset and leaves the bytes before it alone', async () => {
    const img = randomImage(10, 10, 3);
    const crop = { x: 1, y: 1, w: 8, h: 8 };
    expect(maxDiff(await runPass(img, crop, 5, 36), preprocessRef(img, crop, 5))).toBeLessThan(1e-5);
  });
});
