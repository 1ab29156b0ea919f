import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRgba } from '../gpu/readback';
import { requestNodeDevice } from '../node/webgpu-node';
import { gridAnchorCount } from './anchors';
import { BOX_STRIDE, decodeRef, type RawOutputs } from './decode';
import { FaceDetector, mergeCrops, DEFAULT_DETECTOR_OPTIONS } from './detector';
import { BLAZEFACE_BACK_256, type CpuOutputs, type FaceModel, type GpuOutputs } from './model';
import { randomRaw, uploadRaw } from '../testing/raw-outputs';
import { preprocessRef } from './preprocess';
import type { Detection, RgbaImage } from './types';

// A stand-in for onnxruntime: records each batch's input tensors and answers "no face" (every score logit -10).
function recordingModel(batches: Float32Array[][], gate?: Promise<void>): FaceModel {
  const spec = BLAZEFACE_BACK_256;
  const outputs: CpuOutputs = {
    scores: spec.anchors.grids.map((g) => new Float32Array(gridAnchorCount(spec.anchors, g)).fill(-10)),
    boxes: spec.anchors.grids.map((g) => new Float32Array(gridAnchorCount(spec.anchors, g) * BOX_STRIDE)),
  };
  const each = spec.inputSize * spec.inputSize * 3;
  return {
    spec, provider: 'wasm',
    runCpuBatch: async (input: Float32Array, n: number) => {
      await gate;
      expect(input.length).toBe(n * each);
      // Copies: the detector reuses its input array on the next call.
      batches.push(Array.from({ length: n }, (_, i) => input.slice(i * each, (i + 1) * each)));
      return Array.from({ length: n }, () => outputs);
    },
  } as unknown as FaceModel;
}

// A stand-in for onnxruntime's WebGPU provider: crop i gets random outputs `raws[i]`, back to back in GPU buffers.
function gpuModel(raws: RawOutputs[], device: GPUDevice): FaceModel {
  return {
    spec: BLAZEFACE_BACK_256, provider: 'webgpu',
    runGpuBatch: async (_input: GPUBuffer, n: number): Promise<GpuOutputs> => {
      expect(n).toBe(raws.length);
      const { scores, boxes } = uploadRaw(device, raws);
      return { scores, boxes, release: () => [...scores, ...boxes].forEach((b) => b.destroy()) };
    },
  } as unknown as FaceModel;
}

function gradient(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x % 256, y % 256, (x + y) % 256, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

/** Each recorded model input matches the CPU twin's preprocessing of its crop. */
function expectCrops(img: RgbaImage, inputs: Float32Array[], rects: Parameters<typeof preprocessRef>[1][]): void {
  expect(inputs).toHaveLength(rects.length);
  inputs.forEach((t, i) => {
    const want = preprocessRef(img, rects[i], 256);
    let worst = 0;
    for (let k = 0; k < t.length; k++) worst = Math.max(worst, Math.abs(t[k] - want[k]));
    expect(worst, `crop ${i}`).toBeLessThan(1e-5);
  });
}

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

describe('FaceDetector with tiles', () => {
  it('runs the model once, on every crop in one batch', async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const batches: Float32Array[][] = [];
    const detector = new FaceDetector(device, recordingModel(batches));
    const crops = detector.crops(img.width, img.height);
    expect(crops.length).toBeGreaterThan(1);
    expect(await detector.detect(frame)).toEqual([]);
    expect(batches).toHaveLength(1);
    expectCrops(img, batches[0], crops.map((c) => c.rect));
    detector.destroy();
    frame.destroy();
  });

  it('reads each batch right when its readback is reused for a smaller batch, then a full one again', async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const batches: Float32Array[][] = [];
    const detector = new FaceDetector(device, recordingModel(batches));
    const crops = detector.crops(img.width, img.height).map((c) => c.rect);
    await detector.detect(frame);
    await detector.detect(frame, 0);
    await detector.detect(frame);
    expect(batches.map((b) => b.length)).toEqual([crops.length, 1, crops.length]);
    expectCrops(img, batches[1], [crops[0]]);
    expectCrops(img, batches[2], crops);
    detector.destroy();
    frame.destroy();
  });

  it('rejects a second detect() while the first is running, then works again', async () => {
    const frame = uploadRgba(device, gradient(320, 240));
    let open!: () => void;
    const detector = new FaceDetector(device, recordingModel([], new Promise((r) => (open = r))));
    const first = detector.detect(frame);
    await expect(detector.detect(frame)).rejects.toThrow(/previous detect/);
    open();
    await expect(first).resolves.toEqual([]);
    await expect(detector.detect(frame)).resolves.toEqual([]);
    detector.destroy();
    frame.destroy();
  });
});

describe('FaceDetector on the WebGPU provider', () => {
  it('finds what its CPU twin finds: decode and NMS on the GPU, over every crop', async () => {
    const [width, height] = [640, 360];
    const frame = uploadRgba(device, gradient(width, height));
    const options = { ...DEFAULT_DETECTOR_OPTIONS, threshold: 0.9 };
    const probe = new FaceDetector(device, gpuModel([], device), options);
    const crops = probe.crops(width, height);
    probe.destroy();
    // Small regressors keep boxes inside their crops, so some of each tile's faces are cut and some are not.
    const raws = crops.map((_, i) => randomRaw(100 + i, 8));
    const detector = new FaceDetector(device, gpuModel(raws, device), options);
    const gpu = await detector.detect(frame);
    const cpu = mergeCrops(raws.map((r) => decodeRef(r, options.threshold)), crops, options);
    expect(cpu.length).toBeGreaterThan(10);
    expect(gpu).toHaveLength(cpu.length);
    // The GPU's sigmoid is f32, so scores agree to about 1e-7 (and no two fall that close in this scene).
    gpu.forEach((g, i) => expect(g.score).toBeCloseTo(cpu[i].score, 6));
    const values = (d: Detection) => [d.box.x, d.box.y, d.box.w, d.box.h, ...d.keypoints.flatMap((p) => [p.x, p.y])];
    gpu.forEach((g, i) => {
      const want = values(cpu[i]);
      expect(Math.max(...values(g).map((v, k) => Math.abs(v - want[k]))), `face ${i}`).toBeLessThan(1e-4 * width);
    });
    detector.destroy();
    frame.destroy();
  });
});

