import type { Detection, FrameSize, Rect } from '../../src/core/types';
import { type FaceVerdict, foundIn, LeakCounter, type LeakOptions, type LeakSummary, type TruthFace } from './leak';
import type { Luma } from '../../src/track/patch-motion';
import type { TrackedFace, Tracker } from '../../src/track/tracker';
import { planFrame, type FramePlanOptions } from '../../src/app/frame-plan';
import { maskFromBox } from '../../src/app/masks';

/**
 * Live mode's timing in frames: the detector looks at every `every`-th frame and its boxes reach the tracker
 * `latency` frames after that frame's capture (results for frame c are in before frame c + latency is drawn).
 */
export interface LiveSchedule {
  every: number;
  latency: number;
}

/** Frames the detector looks at, in order: 0, every, 2 * every, ... up to `frames`. */
export function detectedFrames(frames: number, s: LiveSchedule): number[] {
  return Array.from({ length: Math.ceil(frames / s.every) }, (_, j) => j * s.every);
}

export interface ReplayInput {
  frames: number;
  fps: number;
  size: FrameSize;
  schedule: LiveSchedule;
  /** Ground truth on frame i. */
  truth(i: number): readonly TruthFace[];
  /** The detector's answer for frame c, asked only for detectedFrames(). */
  detections(c: number): readonly Detection[];
  /** Live mode's cover options (budget, mask scale, unseen edges): planFrame decides each frame as live mode does. */
  plan: FramePlanOptions;
  /**
   * Live mode's motion guard: true when the picture shown at frame `i` has moved on from frame `resultFrame` (the
   * newest result's) past the guard's threshold (DetectorHealth.moved).
   */
  moved?(i: number, resultFrame: number): boolean;
  /** Frame i's small luma image, handed to Tracker.see() when frame i + pictureLag is drawn (live mode's readback). */
  picture?(i: number): Luma | undefined;
  pictureLag?: number;
  /** Live mode's tracker.holdAtLeast() argument after each result, when tiles are spread over detections. */
  holdAtLeastMs?: number;
  leak?: Partial<LeakOptions>;
  /**
   * A leaked face counts as undetected (the detector's miss, not the tracker's) when no result captured within this
   * many ms had a box covering half of it (the image eval's "found"). Default: the tracker's hold, 1 s.
   */
  recentMs?: number;
  /** Sees every frame as scored (for debugging and per-frame output). */
  onFrame?(f: ReplayFrame): void;
}

/** One displayed frame of a replay. */
export interface ReplayFrame {
  i: number;
  /** The result that reached the tracker just before this frame, and the frame it was captured on. */
  result?: { frame: number; detections: readonly Detection[] };
  /** The boxes the masks are drawn on (offline: the offline tracker's, with its track ids). */
  faces: readonly Pick<TrackedFace, 'id' | 'box'>[];
  truth: readonly TruthFace[];
  verdicts: readonly FaceVerdict[];
  fullFrame: boolean;
  /** The unseen strips covered on this frame (none when it is blurred whole). */
  unseen?: readonly Rect[];
  /** Why the frame is blurred whole (planFrame's reason). */
  reason?: string | null;
}

export interface Replay {
  summary: LeakSummary;
  /** Time spent in the tracker (update and faces), in ms. */
  trackerMs: number;
}

/**
 * Plays a clip through `tracker` exactly as live mode's frame loop does: frame i is displayed at i * 1000 / fps,
 * results are applied before the frame they reach, and each frame's cover is live mode's planFrame (the whole frame
 * while the newest result is too old or the guard trips, else the tracked faces' and unseen strips' masks). Every
 * displayed frame is scored against the truth.
 */
export function replayLive(tracker: Tracker, r: ReplayInput): Replay {
  const { every, latency } = r.schedule;
  if (!(Number.isInteger(every) && every >= 1 && Number.isInteger(latency) && latency >= 0)) {
    throw new RangeError(
      `replayLive: every must be an integer >= 1 and latency an integer >= 0, got ${every} and ${latency}`,
    );
  }
  const counter = new LeakCounter(r.leak);
  const frameMs = 1000 / r.fps;
  const recentMs = r.recentMs ?? 1000;
  /** Face id -> capture time of the newest result that found it. */
  const found = new Map<number, number>();
  let lastCapture: number | null = null;
  let lastFrame = -1;
  let newest: readonly Detection[] | undefined;
  let trackerMs = 0;
  for (let i = 0; i < r.frames; i++) {
    const now = i * frameMs;
    const c = i - latency;
    let result: ReplayFrame['result'];
    if (c >= 0 && c % every === 0) {
      const dets = r.detections(c);
      result = { frame: c, detections: dets };
      for (const f of r.truth(c)) {
        if (f.id !== undefined && foundIn(f, dets)) found.set(f.id, c * frameMs);
      }
      const t0 = performance.now();
      tracker.update(dets, c * frameMs, r.size);
      if (r.holdAtLeastMs !== undefined) tracker.holdAtLeast(r.holdAtLeastMs);
      trackerMs += performance.now() - t0;
      lastCapture = Math.max(lastCapture ?? c * frameMs, c * frameMs);
      if (c >= lastFrame) newest = dets;
      lastFrame = Math.max(lastFrame, c);
    }
    const seen = i - (r.pictureLag ?? 0);
    const picture = seen >= 0 ? r.picture?.(seen) : undefined;
    if (picture) {
      const t = performance.now();
      tracker.see(seen * frameMs, picture);
      trackerMs += performance.now() - t;
    }
    const t1 = performance.now();
    const plan = planFrame(
      tracker,
      {
        ready: true,
        answered: lastCapture !== null,
        lastResultCaptureMs: lastCapture,
        failing: false,
        moved: lastFrame >= 0 && (r.moved?.(i, lastFrame) ?? false),
      },
      now,
      r.plan,
    );
    trackerMs += performance.now() - t1;
    const fullFrame = plan.reason !== null;
    const faces = fullFrame ? [] : plan.faces;
    const truth = r.truth(i);
    const scored = truth.map((f) => {
      const seen = f.id === undefined ? now : found.get(f.id);
      return { ...f, undetected: seen === undefined || now - seen > recentMs };
    });
    const verdicts = counter.add(i, r.size, scored, {
      masks: plan.masks,
      fullFrame,
      detections: newest?.map((d) => maskFromBox(d.box, r.plan.maskScale)),
    });
    r.onFrame?.({
      i,
      result,
      faces,
      unseen: fullFrame ? [] : plan.unseen,
      reason: plan.reason,
      truth,
      verdicts,
      fullFrame,
    });
  }
  return { summary: counter.summary(), trackerMs };
}
