// Shared by the anonymize tests; Node only.
import type { RgbaImage } from '../detect/types';
import { readRgba, uploadRgba } from '../gpu/readback';
import type { AnonymizeParams } from './anonymize-plan';
import type { AnonymizePass } from './anonymize-pass';

export function randomImage(width: number, height: number, seed: number): RgbaImage {
  let s = seed;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, data };
}

/** A seeded generator of floats in [0, 1). */
export function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function params(over: Partial<AnonymizeParams> = {}): AnonymizeParams {
  return { masks: [], fullFrame: false, strength: 0.5, shape: 'ellipse', featherPx: 3, outlines: false, ...over };
}

export async function runGpu(device: GPUDevice, pass: AnonymizePass, img: RgbaImage, p: AnonymizeParams): Promise<RgbaImage> {
  const src = uploadRgba(device, img);
  const dst = device.createTexture({
    label: 'anonymized', size: [img.width, img.height], format: 'rgba8unorm',
    usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
  });
  device.pushErrorScope('validation');
  try {
    const encoder = device.createCommandEncoder();
    pass.encode(encoder, src, dst, p);
    device.queue.submit([encoder.finish()]);
    const out = await readRgba(device, dst);
    const error = await device.popErrorScope();
    if (error) throw new Error(`anonymize: GPU validation failed: ${error.message}`);
    return out;
  } finally {
    src.destroy();
    dst.destroy();
  }
}

/** Largest per-channel difference, and how many channels differ at all. */
export function compare(a: RgbaImage, b: RgbaImage): { max: number; differing: number } {
  if (a.width !== b.width || a.height !== b.height) throw new Error('compare: sizes differ');
  let max = 0;
  let differing = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    max = Math.max(max, d);
    if (d) differing++;
  }
  return { max, differing };
}

/** Sum of squared horizontal and vertical differences of luma inside [x0, x1) x [y0, y1). */
export function detailEnergy(img: RgbaImage, x0 = 0, y0 = 0, x1 = img.width, y1 = img.height): number {
  const luma = (x: number, y: number) => {
    const i = (y * img.width + x) * 4;
    return 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
  };
  let e = 0;
  for (let y = y0; y < y1 - 1; y++) {
    for (let x = x0; x < x1 - 1; x++) {
      e += (luma(x + 1, y) - luma(x, y)) ** 2 + (luma(x, y + 1) - luma(x, y)) ** 2;
    }
  }
  return e;
}
