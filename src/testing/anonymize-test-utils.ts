// Shared by the anonymize tests; Node only.
import { afterAll, beforeAll, expect } from 'vitest';
import type { RgbaImage } from '../core/types';
import { readRgba, uploadRgba } from '../gpu/readback';
import { FaceFlag, planAnonymize, type AnonymizeParams, type FaceMask } from '../render/anonymize-plan';
import { AnonymizePass } from '../render/anonymize-pass';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { anonymizeRef } from '../render/anonymize-ref';
import { coverage, maskDistance, onOutline } from '../render/mask-shape';
import { inSpan } from '../render/span';
import { random, randomImage } from './random';

export { random, randomImage };

export function params(over: Partial<AnonymizeParams> = {}): AnonymizeParams {
  return { masks: [], fullFrame: false, strength: 0.5, shape: 'ellipse', featherPx: 3, outlines: false, ...over };
}

export async function runGpu(
  device: GPUDevice,
  pass: AnonymizePass,
  img: RgbaImage,
  p: AnonymizeParams,
): Promise<RgbaImage> {
  const src = uploadRgba(device, img);
  const dst = device.createTexture({
    label: 'anonymized',
    size: [img.width, img.height],
    format: 'rgba8unorm',
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

export function randomMasks(n: number, width: number, height: number, seed: number): FaceMask[] {
  const r = random(seed);
  return Array.from({ length: n }, () => ({
    cx: r() * width,
    cy: r() * height,
    rx: 1 + r() * width * 0.2,
    ry: 1 + r() * height * 0.2,
  }));
}

/** Pixels no face covers or outlines, by the plan's own rects and the twin's mask math. */
export function untouched(img: RgbaImage, p: AnonymizeParams): (x: number, y: number) => boolean {
  const plan = planAnonymize(img.width, img.height, p);
  return (x, y) =>
    plan.faces.every((f) => {
      if (!inSpan(f.rect, x, y)) return true;
      const d = maskDistance(f, x + 0.5, y + 0.5);
      return (
        !(f.flags & FaceFlag.blur && coverage(d, plan.featherPx) > 0) && !(f.flags & FaceFlag.outline && onOutline(d))
      );
    });
}

/**
 * The GPU pass against its twin: within 1/255 (off by one only where f32 and f64 round a value sitting on a
 * half step differently: a flip in a coarse cell spreads to a few pixels, still rare), and exact outside every mask: the input there, or transparent black.
 */
export async function expectTwin(
  device: GPUDevice,
  pass: AnonymizePass,
  img: RgbaImage,
  p: AnonymizeParams,
): Promise<RgbaImage> {
  const gpu = await runGpu(device, pass, img, p);
  const cpu = anonymizeRef(img, p);
  const { max, differing } = compare(gpu, cpu);
  expect(max).toBeLessThanOrEqual(1);
  expect(differing).toBeLessThan(img.data.length * 0.005 + 2);

  const plan = planAnonymize(img.width, img.height, p);
  const outside = untouched(img, p);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (!outside(x, y)) continue;
      const i = (y * img.width + x) * 4;
      const want = plan.transparent ? [0, 0, 0, 0] : Array.from(img.data.subarray(i, i + 4));
      expect(Array.from(gpu.data.subarray(i, i + 4)), `pixel ${x},${y}`).toEqual(want);
    }
  }
  return gpu;
}

/** A Dawn device and an AnonymizePass shared by one test file: made before its tests, destroyed after them. */
export class PassFixture {
  device!: GPUDevice;
  pass!: AnonymizePass;

  run(img: RgbaImage, p: AnonymizeParams): Promise<RgbaImage> {
    return runGpu(this.device, this.pass, img, p);
  }

  expectTwin(img: RgbaImage, p: AnonymizeParams): Promise<RgbaImage> {
    return expectTwin(this.device, this.pass, img, p);
  }
}

export function usePassFixture(): PassFixture {
  const fixture = new PassFixture();
  beforeAll(async () => {
    fixture.device = await requestNodeDevice();
    fixture.pass = await AnonymizePass.create(fixture.device);
  });
  afterAll(() => {
    fixture.pass?.destroy();
    fixture.device?.destroy();
  });
  return fixture;
}
