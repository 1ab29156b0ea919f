import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadRgba } from '../gpu/readback';
import { requestNodeDevice } from '../node/webgpu-node';
import { gridAnchorCount } from './anchors';
import { BOX_STRIDE } from './decode';
import { FaceDetector } from './detector';
import { BLAZEFACE_BACK_256, type CpuOutputs, type FaceModel } from './model';
import { preprocessRef } from './preprocess';
import type { RgbaImage } from './types';

// A stand-in for onnxruntime: records each input tensor and answers "no face" (every score logit -10).
function recordingModel(inputs: Float32Array[], gate?: Promise<void>): FaceModel {
  const spec = BLAZEFACE_BACK_256;
  const outputs: CpuOutputs = {
    scores: spec.anchors.grids.map((g) => new Float32Array(gridAnchorCount(spec.anchors, g)).fill(-10)),
    boxes: spec.anchors.grids.map((g) => new Float32Array(gridAnchorCount(spec.anchors, g) * BOX_STRIDE)),
  };
  return {
    spec, provider: 'wasm',
    runCpu: async (input: Float32Array) => {
      await gate;
      inputs.push(input);
      return outputs;
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

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

describe('FaceDetector with tiles', () => {
  it('runs the model once per crop, on that crop', async () => {
    const img = gradient(640, 360);
    const frame = uploadRgba(device, img);
    const inputs: Float32Array[] = [];
    const detector = new FaceDetector(device, recordingModel(inputs));
    const crops = detector.crops(img.width, img.height);
    expect(crops.length).toBeGreaterThan(1);
    expect(await detector.detect(frame)).toEqual([]);
    expect(inputs).toHaveLength(crops.length);
    inputs.forEach((t, i) => {
      const want = preprocessRef(img, crops[i].rect, 256);
      let worst = 0;
      for (let k = 0; k < t.length; k++) worst = Math.max(worst, Math.abs(t[k] - want[k]));
      expect(worst, `crop ${i}`).toBeLessThan(1e-5);
    });
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
