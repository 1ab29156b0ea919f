import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRgba } from '../gpu/readback';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { gridAnchorCount } from './anchors';
import { BOX_STRIDE, decodeOutputs, decodeRef, type RawOutputs } from './decode';
import {
  batchesBySize,
  decodeFloor,
  detectorDefaults,
  FaceDetector,
  fileDetectorOptions,
  mergeCrops,
  type DetectorOptions,
} from './detector';
import {
  BLAZEFACE_BACK_256,
  tensorLength,
  YUNET_N,
  type CpuOutputs,
  type FaceModel,
  type GpuOutputs,
  type InputSize,
  type ModelSpec,
} from './model';
import { randomGridRaw, randomRaw, uploadOutputs, uploadRaw } from '../testing/raw-outputs';
import { preprocessRef } from './preprocess';
import type { Crop } from './tiling';
import type { Detection, RgbaImage } from '../core/types';

const BF = BLAZEFACE_BACK_256;

/** "No face" outputs of a model for an input of `size`, in ModelSpec.outputs order. */
function noFaces(spec: ModelSpec, size: InputSize): CpuOutputs {
  if (spec.head.kind === 'anchors') {
    const anchors = spec.head.anchors;
    const counts = anchors.grids.map((g) => gridAnchorCount(anchors, g));
    // Every score logit -10.
    return [
      ...counts.map((n) => new Float32Array(n).fill(-10)),
      ...counts.map((n) => new Float32Array(n * BOX_STRIDE)),
    ];
  }
  // cls and obj 0: every score 0.
  const cells = spec.head.strides.map((s) => (size.width / s) * (size.height / s));
  return [1, 1, 4, 10].flatMap((per) => cells.map((n) => new Float32Array(per * n)));
}

interface RecordedBatch {
  size: InputSize;
  tensors: Float32Array[];
}

// A stand-in for onnxruntime: records each batch's input tensors and size, and answers "no face".
function recordingModel(batches: RecordedBatch[], gate?: Promise<void>, spec: ModelSpec = BF): FaceModel {
  return {
    spec,
    provider: 'wasm',
    runCpuBatch: async (input: Float32Array, n: number, size: InputSize) => {
      await gate;
      const each = tensorLength(size);
      expect(input.length).toBe(n * each);
      // Copies: the detector reuses its input array on the next call.
      batches.push({ size, tensors: Array.from({ length: n }, (_, i) => input.slice(i * each, (i + 1) * each)) });
      return Array.from({ length: n }, () => noFaces(spec, size));
    },
  } as unknown as FaceModel;
}

// A stand-in for onnxruntime's WebGPU provider: crop i of batch b gets the outputs `perBatch[b][i]`, back to back in GPU buffers.
function gpuModel(spec: ModelSpec, perBatch: CpuOutputs[][], device: GPUDevice): FaceModel {
  let call = 0;
  return {
    spec,
    provider: 'webgpu',
    runGpuBatch: async (_input: GPUBuffer, n: number): Promise<GpuOutputs> => {
      const outputs = perBatch[call++];
      expect(n).toBe(outputs.length);
      const buffers = uploadOutputs(device, outputs);
      return { buffers, release: () => buffers.forEach((b) => b.destroy()) };
    },
  } as unknown as FaceModel;
}

// BlazeFace's stand-in for the WebGPU provider, as the tests of its decode pass upload them.
function blazefaceGpuModel(raws: RawOutputs[], device: GPUDevice): FaceModel {
  return {
    spec: BF,
    provider: 'webgpu',
    runGpuBatch: async (_input: GPUBuffer, n: number): Promise<GpuOutputs> => {
      expect(n).toBe(raws.length);
      const { buffers } = uploadRaw(device, raws);
      return { buffers, release: () => buffers.forEach((b) => b.destroy()) };
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

/** Each recorded model input matches the CPU twin's preprocessing of its crop, at the crop's input size. */
function expectCrops(img: RgbaImage, spec: ModelSpec, inputs: Float32Array[], crops: readonly Crop[]): void {
  expect(inputs).toHaveLength(crops.length);
  inputs.forEach((t, i) => {
    const want = preprocessRef(img, crops[i].rect, crops[i].input, spec.format);
    expect(t.length, `crop ${i}`).toBe(want.length);
    let worst = 0;
    for (let k = 0; k < t.length; k++) worst = Math.max(worst, Math.abs(t[k] - want[k]));
    // Relative to the format's value range (BlazeFace's 2, YuNet's 255).
    expect(worst / spec.format.scale, `crop ${i}`).toBeLessThan(5e-6);
  });
}

/** The crops a detector of this model and options runs on a frame of this size. */
async function cropsOf(
  model: FaceModel,
  options: Partial<DetectorOptions>,
  width: number,
  height: number,
): Promise<Crop[]> {
  const probe = await FaceDetector.create(device, model, options);
  const crops = probe.crops(width, height);
  probe.destroy();
  return crops;
}

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

describe('FaceDetector.create', () => {
  /** The labels of the pipelines a detector of `model` compiles. */
  async function compiledFor(model: FaceModel): Promise<string[]> {
    const labels: string[] = [];
    const compile = device.createComputePipelineAsync.bind(device);
    device.createComputePipelineAsync = (d) => (labels.push(d.label ?? ''), compile(d));
    try {
      (await FaceDetector.create(device, model)).destroy();
    } finally {
      device.createComputePipelineAsync = compile;
    }
    return labels.sort();
  }

  it('compiles the decode and NMS passes only for a model whose outputs stay on the GPU', async () => {
    // On the wasm provider the CPU decodes and suppresses: only the preprocess runs on the GPU.
    expect(await compiledFor(recordingModel([]))).toEqual(['preprocess']);
    expect(await compiledFor(blazefaceGpuModel([], device))).toEqual([
      'decode',
      'nms-build_mask',
      'nms-reduce',
      'nms-sort',
      'preprocess',
    ]);
  });
});

describe('FaceDetector with tiles', () => {
  it('runs the model once, on every crop in one batch', async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const batches: RecordedBatch[] = [];
    const detector = await FaceDetector.create(device, recordingModel(batches));
    const crops = detector.crops(img.width, img.height);
    expect(crops.length).toBeGreaterThan(1);
    expect(await detector.detect(frame)).toEqual([]);
    expect(batches).toHaveLength(1);
    expect(batches[0].size).toEqual({ width: 256, height: 256 });
    expectCrops(img, BF, batches[0].tensors, crops);
    detector.destroy();
    frame.destroy();
  });

  it('reads each batch right when its readback is reused for a smaller batch, then a full one again', async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const batches: RecordedBatch[] = [];
    const detector = await FaceDetector.create(device, recordingModel(batches));
    const crops = detector.crops(img.width, img.height);
    await detector.detect(frame);
    await detector.detect(frame, 0);
    await detector.detect(frame);
    expect(batches.map((b) => b.tensors.length)).toEqual([crops.length, 1, crops.length]);
    expectCrops(img, BF, batches[1].tensors, [crops[0]]);
    expectCrops(img, BF, batches[2].tensors, crops);
    detector.destroy();
    frame.destroy();
  });

  it('rejects a second detect() while the first is running, then works again', async () => {
    const frame = uploadRgba(device, gradient(320, 240));
    let open!: () => void;
    const detector = await FaceDetector.create(device, recordingModel([], new Promise((r) => (open = r))));
    const first = detector.detect(frame);
    await expect(detector.detect(frame)).rejects.toThrow(/previous detect/);
    open();
    await expect(first).resolves.toEqual([]);
    await expect(detector.detect(frame)).resolves.toEqual([]);
    detector.destroy();
    frame.destroy();
  });
});

describe('FaceDetector on a model of free input size', () => {
  it('runs one batch per input size: the whole frame at its own aspect, then the tiles', async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const batches: RecordedBatch[] = [];
    const tiles = detectorDefaults(BF).tiles;
    const detector = await FaceDetector.create(device, recordingModel(batches, undefined, YUNET_N), { tiles });
    const crops = detector.crops(img.width, img.height);
    expect(crops.length).toBeGreaterThan(2);
    expect(crops[0].input).toEqual({ width: 640, height: 384 });
    expect(batchesBySize(crops).map((b) => b.crops)).toEqual([[0], crops.slice(1).map((_, i) => i + 1)]);
    expect(await detector.detect(frame)).toEqual([]);
    expect(batches.map((b) => b.size)).toEqual([crops[0].input, crops[1].input]);
    expectCrops(img, YUNET_N, batches[0].tensors, [crops[0]]);
    expectCrops(img, YUNET_N, batches[1].tensors, crops.slice(1));
    detector.destroy();
    frame.destroy();
  });

  it("looks where a call's rule says: a video's frame upscaled too, a photo at its own size", async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const batches: RecordedBatch[] = [];
    const rules = fileDetectorOptions(YUNET_N, {});
    const detector = await FaceDetector.create(device, recordingModel(batches, undefined, YUNET_N), rules.photo);
    await detector.detect(frame, Infinity, undefined, rules.video);
    await detector.detect(frame, Infinity, undefined, rules.photo);
    expect(batches.map((b) => b.size)).toEqual([
      { width: 640, height: 384 },
      { width: 1280, height: 736 },
      { width: 640, height: 384 },
    ]);
    detector.destroy();
    frame.destroy();
  });

  it('takes the whole frame at the long side asked for', async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const batches: RecordedBatch[] = [];
    const detector = await FaceDetector.create(device, recordingModel(batches, undefined, YUNET_N), { inputSide: 320 });
    expect(detector.crops(img.width, img.height).map((c) => c.input)).toEqual([{ width: 320, height: 192 }]);
    await detector.detect(frame);
    await detector.detect(frame, Infinity, 160);
    expect(batches.map((b) => b.size)).toEqual([
      { width: 320, height: 192 },
      { width: 160, height: 96 },
    ]);
    expectCrops(img, YUNET_N, batches[1].tensors, detector.crops(img.width, img.height, 160));
    detector.destroy();
    frame.destroy();
  });
});

const values = (d: Detection) => [d.box.x, d.box.y, d.box.w, d.box.h, ...d.keypoints.flatMap((p) => [p.x, p.y])];

/** The GPU path's faces are the CPU twin's, in the same order. */
function expectSameFaces(gpu: Detection[], cpu: Detection[], width: number): void {
  expect(gpu).toHaveLength(cpu.length);
  // The GPU's sigmoid is f32, so scores agree to about 1e-7 (and no two fall that close in this scene).
  gpu.forEach((g, i) => expect(g.score).toBeCloseTo(cpu[i].score, 6));
  gpu.forEach((g, i) => expect(g.edge ?? false, `face ${i}`).toBe(cpu[i].edge ?? false));
  gpu.forEach((g, i) => expect(g.weak ?? false, `face ${i}`).toBe(cpu[i].weak ?? false));
  gpu.forEach((g, i) => {
    const want = values(cpu[i]);
    expect(Math.max(...values(g).map((v, k) => Math.abs(v - want[k]))), `face ${i}`).toBeLessThan(1e-4 * width);
  });
}

/**
 * As expectSameFaces, in any order: among a thousand scores near 1, some pairs lie closer than the f32 sigmoid's
 * error, and the GPU may rank them the other way round.
 */
function expectSameFacesAnyOrder(gpu: Detection[], cpu: Detection[], width: number): void {
  expect(gpu).toHaveLength(cpu.length);
  const unmatched = new Set(gpu.keys());
  cpu.forEach((c, i) => {
    const want = values(c);
    const distance = (g: Detection) => Math.max(...values(g).map((v, k) => Math.abs(v - want[k])));
    const j = [...unmatched].reduce((best, k) => (distance(gpu[k]) < distance(gpu[best]) ? k : best));
    expect(distance(gpu[j]), `face ${i}`).toBeLessThan(1e-4 * width);
    expect(gpu[j].score, `face ${i}`).toBeCloseTo(c.score, 6);
    expect(gpu[j].edge ?? false, `face ${i}`).toBe(c.edge ?? false);
    expect(gpu[j].weak ?? false, `face ${i}`).toBe(c.weak ?? false);
    unmatched.delete(j);
  });
}

describe('FaceDetector on the WebGPU provider', () => {
  it('finds what its CPU twin finds: decode and NMS on the GPU, over every crop', async () => {
    const [width, height] = [640, 360];
    const frame = uploadRgba(device, gradient(width, height));
    const options = { ...detectorDefaults(BF), threshold: 0.9 };
    const crops = await cropsOf(blazefaceGpuModel([], device), options, width, height);
    // Small regressors keep boxes inside their crops, so some of each tile's faces are cut and some are not.
    const raws = crops.map((_, i) => randomRaw(100 + i, 8));
    const detector = await FaceDetector.create(device, blazefaceGpuModel(raws, device), options);
    const gpu = await detector.detect(frame);
    const cpu = mergeCrops(
      raws.map((r) => decodeRef(r, decodeFloor(options))),
      crops,
      { width, height },
      options,
    );
    expect(cpu.length).toBeGreaterThan(10);
    expectSameFaces(gpu, cpu, width);
    detector.destroy();
    frame.destroy();
  });

  it('flags the faces only the edge threshold kept, as its CPU twin does', async () => {
    const [width, height] = [640, 360];
    const frame = uploadRgba(device, gradient(width, height));
    // Scores in (0.98, 0.997) are kept only at a border; room for all the faces, so that both kinds come out.
    const nms = { iouThreshold: 0.3, maxFaces: 1024, weighted: true };
    const options = { ...detectorDefaults(BF), threshold: 0.997, edge: { threshold: 0.98, band: 0.3 }, nms };
    const crops = await cropsOf(recordingModel([]), options, width, height);
    const raws = crops.map((_, i) => randomRaw(200 + i, 8));
    const detector = await FaceDetector.create(device, blazefaceGpuModel(raws, device), options);
    const gpu = await detector.detect(frame);
    const cpu = mergeCrops(
      raws.map((r) => decodeRef(r, decodeFloor(options))),
      crops,
      { width, height },
      options,
    );
    expect(cpu.some((d) => d.edge)).toBe(true);
    expect(cpu.some((d) => !d.edge)).toBe(true);
    expectSameFacesAnyOrder(gpu, cpu, width);
    detector.destroy();
    frame.destroy();
  });

  it('finds what its CPU twin finds on a model of free size, one batch per input size, tall rule included', async () => {
    const [width, height] = [640, 360];
    const frame = uploadRgba(device, gradient(width, height));
    const nms = { iouThreshold: 0.3, maxFaces: 1024, weighted: true };
    const tall = { px: 40, threshold: 0.6 };
    // Tiles, and the whole frame upscaled, which keeps no tall box under the threshold.
    const tiles = { ...detectorDefaults(BF).tiles, upscale: 2 };
    const options = { ...detectorDefaults(YUNET_N), tiles, threshold: 0.97, tall, nms };
    const crops = await cropsOf(recordingModel([], undefined, YUNET_N), options, width, height);
    expect(crops[1]?.zoom).toBe(2);
    const batches = batchesBySize(crops);
    expect(batches).toHaveLength(3);
    const raws = crops.map((c, i) => randomGridRaw(300 + i, c.input));
    const detector = await FaceDetector.create(
      device,
      gpuModel(
        YUNET_N,
        batches.map((b) => b.crops.map((c) => raws[c])),
        device,
      ),
      options,
    );
    const gpu = await detector.detect(frame);
    const cpu = mergeCrops(
      raws.map((r, i) => decodeOutputs(YUNET_N, r, crops[i].input, decodeFloor(options))),
      crops,
      { width, height },
      options,
    );
    expect(cpu.length).toBeGreaterThan(10);
    // Some faces are kept only because they are tall (and say so: Detection.weak), some whatever their height.
    expect(cpu.filter((d) => d.score < options.threshold).every((d) => d.weak)).toBe(true);
    expect(cpu.some((d) => d.weak)).toBe(true);
    expect(cpu.some((d) => d.score >= options.threshold && !d.weak)).toBe(true);
    expect(cpu.some((d) => d.edge)).toBe(false);
    expectSameFaces(gpu, cpu, width);
    detector.destroy();
    frame.destroy();
  });
});
