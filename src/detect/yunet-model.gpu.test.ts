import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRgba } from '../gpu/readback';
import { frameTextureUsage } from '../gpu/frame-import';
import { readImageRgba } from '../testing/image-io';
import { openNodeModel } from '../testing/node-model';
import { CpuFaceDetector } from './cpu-detector';
import { FaceDetector } from './detector';
import { YUNET_N, type FaceModel } from './model';
import { iou } from './nms';
import type { Rect } from '../core/types';

const SUMS = '../shared/models/yunet/SHA256SUMS';
// The astronaut's face in NASA's public-domain portrait (tests/fixtures), read by hand (as blazeface-photo.gpu.test.ts).
const TRUE_FACE: Rect = { x: 178, y: 80, w: 94, h: 100 };

describe('the shipped YuNet model', () => {
  it('is served with its licence and a notice of its source', () => {
    expect(readFileSync('public/models/LICENSE-yunet.txt', 'utf8')).toMatch(/Apache License/);
    expect(readFileSync('public/models/NOTICE-yunet.txt', 'utf8')).toMatch(/libfacedetection\.train/);
  });

  it.skipIf(!existsSync(SUMS))(
    'is the file ../shared/models/yunet/SHA256SUMS names (skipped without ../shared)',
    () => {
      const line = readFileSync(SUMS, 'utf8')
        .split('\n')
        .find((l) => l.endsWith(' yunet_n_dynamic.onnx'));
      const hash = createHash('sha256')
        .update(readFileSync(`public/${YUNET_N.url}`))
        .digest('hex');
      expect(line?.split(/\s+/)[0]).toBe(hash);
    },
  );
});

describe('FaceDetector with YuNet on a real photo', () => {
  let device: GPUDevice;
  let model: FaceModel;
  beforeAll(async () => {
    ({ device, model } = await openNodeModel(YUNET_N));
  });
  afterAll(async () => {
    await model?.release();
    device?.destroy();
  });

  it("finds the one face at the frame's own size and at a live side, with five keypoints", async () => {
    const photo = readImageRgba('tests/fixtures/astronaut.jpg');
    const frame = uploadRgba(device, photo, frameTextureUsage());
    const detector = await FaceDetector.create(device, model);
    try {
      for (const side of [undefined, 320]) {
        const faces = await detector.detect(frame, Infinity, side);
        expect(faces, `side ${side ?? 'native'}`).toHaveLength(1);
        expect(iou(faces[0]!.box, TRUE_FACE)).toBeGreaterThan(0.6);
        expect(faces[0]!.keypoints).toHaveLength(5);
        const [rightEye, leftEye] = faces[0]!.keypoints;
        expect(rightEye!.x).toBeLessThan(leftEye!.x); // the person's right eye is on the picture's left
      }
    } finally {
      detector.destroy();
      frame.destroy();
    }
  });

  it("finds the same faces on the CPU (the WebGL2 backend's detector) as with the GPU preprocess", async () => {
    const photo = readImageRgba('tests/fixtures/astronaut.jpg');
    const frame = uploadRgba(device, photo, frameTextureUsage());
    const gpu = await FaceDetector.create(device, model);
    const cpu = new CpuFaceDetector(model);
    try {
      for (const side of [undefined, 320]) {
        const want = await gpu.detect(frame, Infinity, side);
        const got = await cpu.detect(photo, Infinity, side);
        expect(got, `side ${side ?? 'native'}`).toHaveLength(want.length);
        got.forEach((d, i) => {
          // The same tensors (preprocess.wgsl against its CPU twin: within 5e-6 of the range), so the same boxes.
          expect(Math.abs(d.score - want[i]!.score)).toBeLessThan(1e-4);
          for (const k of ['x', 'y', 'w', 'h'] as const)
            expect(Math.abs(d.box[k] - want[i]!.box[k])).toBeLessThan(0.01);
        });
      }
    } finally {
      gpu.destroy();
      frame.destroy();
    }
  });
});
