import { describe, expect, it } from 'vitest';
import type { Detection, Rect } from '../../src/core/types';
import { detectedFrames, replayLive, type ReplayInput } from './leak-replay';
import { Tracker } from '../../src/track/tracker';

const SIZE = { width: 640, height: 360 };
const FPS = 30;
const det = (box: Rect): Detection => ({ box, score: 0.9, keypoints: [] });

function input(o: Partial<ReplayInput> & Pick<ReplayInput, 'truth'>): ReplayInput {
  return {
    frames: 30,
    fps: FPS,
    size: SIZE,
    schedule: { every: 3, latency: 2 },
    detections: (c) => o.truth(c).map((f) => det(f.box)),
    plan: { budgetMs: 250, maskScale: 1.3, unseenEdges: true },
    ...o,
  };
}

describe('replayLive', () => {
  it('detects every K-th frame and hands its boxes to the tracker L frames later, at the capture time', () => {
    const calls: string[] = [];
    const fake = {
      update: (_: readonly Detection[], captureMs: number) => calls.push(`update ${Math.round(captureMs)}`),
      faces: (now: number) => (calls.push(`faces ${Math.round(now)}`), []),
      unseenEdges: () => [],
      holdAtLeast: () => {},
    } as unknown as Tracker;
    const asked: number[] = [];
    replayLive(
      fake,
      input({
        frames: 8,
        truth: () => [],
        detections: (c) => (asked.push(c), []),
      }),
    );
    expect(detectedFrames(8, { every: 3, latency: 2 })).toEqual([0, 3, 6]);
    expect(asked).toEqual([0, 3]); // frame 6's result would arrive at frame 8, after the clip
    // Frames 0 and 1 come before any result: the whole frame is blurred, and the tracker is asked for its faces
    // all the same (live mode's planFrame), as its state moves on with each ask.
    expect(calls).toEqual([
      'faces 0',
      'faces 33',
      'update 0',
      'faces 67',
      'faces 100',
      'faces 133',
      'update 100',
      'faces 167',
      'faces 200',
      'faces 233',
    ]);
  });

  it('blurs whole frames until the first result and when results are older than the budget', () => {
    const face = { x: 300, y: 150, w: 50, h: 50 };
    const r = replayLive(
      new Tracker(),
      input({ frames: 30, schedule: { every: 10, latency: 2 }, truth: () => [{ box: face, id: 1 }] }),
    );
    // Frames 0-1 wait for the first result. The budget runs from capture: frame 0's result is too old from frame 8
    // (267 ms) until frame 10's arrives at frame 12; likewise frames 18-21 and 28-29.
    expect(r.summary.full_frames).toBe(2 + 4 + 4 + 2);
    expect(r.summary.leaked_face_frames).toBe(0);
  });

  it('scores a still face as covered on every frame, with a mask a few times its area', () => {
    const face = { x: 300, y: 150, w: 50, h: 50 };
    const r = replayLive(new Tracker(), input({ frames: 60, truth: () => [{ box: face, id: 1 }] }));
    expect(r.summary.leaked_face_frames).toBe(0);
    expect(r.summary.face_frames).toBe(60);
    expect(r.summary.full_frames).toBe(2);
    // Untracked, the detector's boxes blur less than the tracker's margins; both include the 2 whole frames.
    expect(r.summary.detector_mask_ratio).toBeGreaterThan(r.summary.full_frame_ratio);
    expect(r.summary.detector_mask_ratio).toBeLessThan(r.summary.mask_area_ratio);
  });
});
