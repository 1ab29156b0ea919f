import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadRgba } from '../../src/gpu/readback';
import {
  decodeFloor,
  detectorDefaults,
  FaceDetector,
  liveDetectorOptions,
  mergeCrops,
} from '../../src/detect/detector';
import { BLAZEFACE_BACK_256 } from '../../src/detect/model';
import { CropRunner } from './eval-video-detect';
import { videoFrames } from './eval-video-frames';
import { DEFAULT_VIDEO_EVAL, runVideoEval } from './eval-video';
import { probeSize } from '../../src/testing/image-io';
import { openNodeModel } from '../../src/testing/node-model';

// The motion clips are shared test data outside the repository; without them (or ffmpeg) this test is skipped, loudly.
const MOTION = '../shared/data/motion';
const CLIP = 'p06_2007_007763';
const present = existsSync(join(MOTION, `${CLIP}.mp4`));
const ffmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const why = !present
  ? `${MOTION}/${CLIP}.mp4 not found (the shared motion clips are not checked out)`
  : 'ffmpeg not found';
if (!present || !ffmpeg) console.warn(`eval-video.test: skipped, ${why}`);

describe.skipIf(!present || !ffmpeg)(
  `npm run eval:video on 12 frames of ${CLIP}${present && ffmpeg ? '' : ` (skipped: ${why})`}`,
  () => {
    const mp4 = join(MOTION, `${CLIP}.mp4`);
    const json = join(MOTION, `${CLIP}.json`);

    it('merges per-crop candidates into exactly what FaceDetector.detect() returns', async () => {
      const size = probeSize(mp4);
      const { device, model } = await openNodeModel(BLAZEFACE_BACK_256);
      const detector = await FaceDetector.create(device, model, liveDetectorOptions(BLAZEFACE_BACK_256));
      const runner = new CropRunner(device, model, decodeFloor(detector.options));
      try {
        const first = (await videoFrames(mp4, size).next()).value!;
        const frame = uploadRgba(device, first, GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST);
        const crops = detector.crops(size.width, size.height);
        const perCrop = [];
        for (const c of crops) perCrop.push(await runner.run(frame, c));
        const expected = await detector.detect(frame);
        expect(expected.length).toBeGreaterThan(2);
        expect(mergeCrops(perCrop, crops, size, detector.options)).toEqual(expected);
        frame.destroy();
      } finally {
        runner.destroy();
        detector.destroy();
        await model.release();
        device.destroy();
      }
    }, 60_000);

    it('scores live timing against the ground truth, and a cached rerun gives the same numbers without the model', async () => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'eval-video-'));
      try {
        const o = {
          ...DEFAULT_VIDEO_EVAL,
          spec: BLAZEFACE_BACK_256,
          detector: liveDetectorOptions(BLAZEFACE_BACK_256),
          schedule: { every: 3, latency: 2 },
          limit: 12,
          cacheDir,
        };
        const first = await runVideoEval(mp4, json, o);
        expect(first.summary.model_runs).toBe(4 * 7); // frames 0, 3, 6, 9: whole frame + 6 tiles each
        expect(first.summary.frames).toBe(12);
        expect(first.summary.full_frames).toBe(2); // frames 0 and 1 come before the first result
        expect(first.summary.face_frames).toBeGreaterThan(12);
        expect(first.summary.leak_rate).toBeLessThanOrEqual(0.1);
        expect(first.summary.mask_area_ratio).toBeGreaterThan(1);
        const again = await runVideoEval(mp4, json, o);
        expect(again.summary.model_runs).toBe(0);
        const strip = ({ ms_per_frame: _a, tracker_ms_per_frame: _b, model_runs: _c, ...rest }: typeof first.summary) =>
          rest;
        expect(strip(again.summary)).toEqual(strip(first.summary));
        // The ideal-verifier bound hands the tracker only boxes on a true face: fewer boxes, none of the true ones lost.
        const ideal = await runVideoEval(mp4, json, { ...o, idealVerifier: 0.3 });
        expect(ideal.summary.detector_boxes_per_frame).toBeLessThan(first.summary.detector_boxes_per_frame);
        expect(ideal.summary.detector_boxes_per_frame).toBeGreaterThan(0);
      } finally {
        rmSync(cacheDir, { recursive: true, force: true });
      }
    }, 60_000);

    it('scores the offline path (every frame detected, the offline tracker both ways), with no whole frame', async () => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'eval-video-'));
      try {
        const o = {
          ...DEFAULT_VIDEO_EVAL,
          detector: detectorDefaults(DEFAULT_VIDEO_EVAL.spec),
          offline: true,
          limit: 6,
          cacheDir,
        };
        const r = await runVideoEval(mp4, json, o);
        expect(r.summary.model_runs).toBe(6); // YuNet: the whole frame of each of the 6 frames
        expect(r.summary.frames).toBe(6);
        expect(r.summary.full_frames).toBe(0);
        expect(r.summary.face_frames).toBeGreaterThan(6);
        expect(r.summary.mask_area_ratio).toBeGreaterThan(1);
      } finally {
        rmSync(cacheDir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);
