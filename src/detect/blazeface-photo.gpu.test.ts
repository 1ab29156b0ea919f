import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web/webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorDecodePass } from './decode-pass';
import { NMS_CAP, NmsPass } from './nms-pass';
import { uploadRaw } from '../testing/raw-outputs';
import { decodeCrop, detectorDefaults } from './detector';
import { BLAZEFACE_BACK_256 } from './model';
import { PreprocessPass, tensorBytes } from './preprocess-pass';
import { readBuffer, uploadRgba } from '../gpu/readback';
import { readImageRgba } from '../testing/image-io';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { candidateToDetection, decodeRef, type RawOutputs } from './decode';
import { iou, nms } from './nms';
import { letterboxCrop, preprocessRef } from './preprocess';
import type { Detection, Rect } from '../core/types';

const MODEL = `public/${BLAZEFACE_BACK_256.url}`;
const SIZE = 256;
const INPUT = { width: SIZE, height: SIZE };
const ANCHORS = BLAZEFACE_BACK_256.head.kind === 'anchors' ? BLAZEFACE_BACK_256.head.anchors : undefined!;
const THRESHOLD = 0.5;
const NMS = { iouThreshold: 0.3, maxFaces: 8, weighted: true };
const OPTIONS = { ...detectorDefaults(BLAZEFACE_BACK_256), threshold: THRESHOLD, nms: NMS };

// Read off a 4x crop of the photo with a 10 px grid: eyebrows to chin (y 80..180), cheek to cheek (x 178..272).
const TRUE_FACE: Rect = { x: 178, y: 80, w: 94, h: 100 };

const photo = readImageRgba('tests/fixtures/astronaut.jpg');
const crop = letterboxCrop(photo.width, photo.height);

let session: ort.InferenceSession;
let device: GPUDevice;
beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  session = await ort.InferenceSession.create(readFileSync(MODEL), {
    executionProviders: ['wasm'],
    logSeverityLevel: 3,
  });
  device = await requestNodeDevice();
});
afterAll(async () => {
  await session?.release();
  device?.destroy();
});

async function infer(input: Float32Array): Promise<RawOutputs> {
  const out = await session.run({ 'input:0': new ort.Tensor('float32', input, [1, SIZE, SIZE, 3]) });
  const data = (name: string) => out[name].data as Float32Array;
  return { scores: [data('Identity:0'), data('Identity_1:0')], boxes: [data('Identity_2:0'), data('Identity_3:0')] };
}

function faces(raw: RawOutputs): Detection[] {
  return nms(
    decodeRef(raw, THRESHOLD, ANCHORS).map((c) => candidateToDetection(c, crop)),
    NMS,
  );
}

describe('BlazeFace on a real photo', () => {
  let cpuRaw: RawOutputs;
  let cpuFaces: Detection[];
  beforeAll(async () => {
    cpuRaw = await infer(preprocessRef(photo, crop, INPUT, BLAZEFACE_BACK_256.format));
    cpuFaces = faces(cpuRaw);
  });

  it('finds exactly the one face, where it is', () => {
    expect(cpuFaces).toHaveLength(1);
    expect(iou(cpuFaces[0].box, TRUE_FACE)).toBeGreaterThan(0.5);
  });

  it('gets the same top face from the GPU preprocess', async () => {
    const pass = new PreprocessPass(device, BLAZEFACE_BACK_256.format);
    await pass.ready;
    const frame = uploadRgba(device, photo);
    const tensor = device.createBuffer({
      label: 'tensor',
      size: tensorBytes(INPUT),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const encoder = device.createCommandEncoder();
    pass.encode(encoder, frame, crop, INPUT, tensor);
    device.queue.submit([encoder.finish()]);
    const input = new Float32Array(await readBuffer(device, tensor));
    [frame, tensor].forEach((r) => r.destroy());
    pass.destroy();

    const [top] = faces(await infer(input));
    const [want] = cpuFaces;
    expect(top.score).toBeCloseTo(want.score, 4);
    const corners = (r: Rect) => [r.x, r.y, r.x + r.w, r.y + r.h];
    corners(top.box).forEach((v, i) => expect(v).toBeCloseTo(corners(want.box)[i], 1));
  });

  it('decodes and suppresses the real outputs on the GPU as on the CPU', async () => {
    const decode = new AnchorDecodePass(device, ANCHORS, { maxCandidates: NMS_CAP });
    await decode.ready;
    const suppress = new NmsPass(device, decode.candidates, {
      maxFaces: NMS.maxFaces,
      keypoints: BLAZEFACE_BACK_256.keypoints,
    });
    await suppress.ready;
    const raw = uploadRaw(device, [cpuRaw]);
    const encoder = device.createCommandEncoder();
    decode.begin(encoder);
    decode.encode(encoder, raw.buffers, [
      decodeCrop({ rect: crop, inner: [false, false, false, false], input: INPUT }, 0, photo, OPTIONS),
    ]);
    const read = suppress.encode(encoder, NMS);
    device.queue.submit([encoder.finish()]);
    const { faces: gpu, candidates } = await read();
    raw.buffers.forEach((b) => b.destroy());
    decode.destroy();
    suppress.destroy();

    expect(candidates).toBe(decodeRef(cpuRaw, THRESHOLD, ANCHORS).length);
    expect(gpu).toHaveLength(1);
    const box = {
      x: gpu[0].box.x * photo.width,
      y: gpu[0].box.y * photo.height,
      w: gpu[0].box.w * photo.width,
      h: gpu[0].box.h * photo.height,
    };
    expect(iou(box, cpuFaces[0].box)).toBeGreaterThan(0.999);
  });
});
