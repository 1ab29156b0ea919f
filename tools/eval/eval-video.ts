import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onTruth } from '../../src/detect/eval-metrics';
import { trustBudget } from '../../src/app/trust-budget';
import { maskFromBox } from '../../src/app/masks';
import { trackOfflineFaces } from '../../src/offline/offline-track';
import { DEFAULT_SETTINGS } from '../../src/app/settings';
import { liveDetectorOptions, type DetectorOptions } from '../../src/detect/detector';
import { DEFAULT_MODEL, MODELS, type ModelSpec } from '../../src/detect/model';
import { formatTilePlan } from '../../src/detect/tiling';
import { foundIn, LeakCounter, type LeakSummary } from './leak';
import { detectedFrames, replayLive, type LiveSchedule, type ReplayFrame } from './leak-replay';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from '../../src/track/options';
import { Tracker } from '../../src/track/tracker';
import type { FrameSize } from '../../src/core/types';
import { detectClip, type ClipDetections } from './eval-video-detect';
import { frameLumas } from './eval-video-motion';
import { MotionGuard } from '../../src/app/motion-guard';
import { thumbnailOfPicture } from '../../src/track/thumbnail';
import { probeSize } from '../../src/testing/image-io';
import { readVideoTruth, TruthError, type VideoTruth } from './eval-video-truth';

/**
 * Live mode on a mid-range GPU at 30 fps. The live pipeline sizes each detection to about 100 ms
 * (DETECTION_TARGET_MS): the whole frame plus as many tiles as fit. A BlazeFace-256 run through onnxruntime-web's
 * WebGPU provider costs about 11.5 ms even on an H100 (per-run overhead), so a mid-range GPU takes
 * ~12 ms: all 6 tiles of a 640x360 frame fit (floor(100 / 12) - 1 = 7 >= 6), one detection is 7 runs, ~84 ms,
 * which lands between the 2nd and 3rd frame after its capture. With one detection in flight, the next starts
 * on the frame that shows the result: a detection every 3rd frame, applied 3 frames after capture.
 */
export const LIVE_SCHEDULE: Readonly<LiveSchedule> = { every: 3, latency: 3 };
/** Tiles per detection live mode picks on that GPU: all of them (Infinity = all). */
export const LIVE_TILES_PER_DETECTION = Infinity;

export interface VideoEvalOptions {
  spec: ModelSpec;
  schedule: LiveSchedule;
  tilesPerDetection: number;
  detector: DetectorOptions;
  tracker: Partial<TrackerOptions>;
  maskScale: number;
  /** Live mode's trust budget; null: live mode's auto, from the schedule's pace (evalBudgetMs). */
  budgetMs: number | null;
  /** Only the first `limit` frames. */
  limit?: number;
  cacheDir?: string;
  /**
   * Live mode's motion guard (src/app/motion-guard.ts): blur the whole frame when the thumbnail it sees differs from
   * the newest result's frame by more than this (0..255); 0: off.
   */
  motionGuard: number;
  /**
   * The guard judges frame i by frame i - lag's thumbnail: 0 in live mode (on WebGPU the guard runs on the GPU, on
   * the frame it covers; on WebGL2 the picture is read before the frame's masks are planned).
   */
  motionGuardLag: number;
  /**
   * The tracker sees frame i - lag's picture when frame i is drawn (live mode on WebGPU: 1, its readback lands a
   * frame late; on WebGL2: 0).
   */
  pictureLag: number;
  /** The tracker looks for faces in each frame's small luma image (Tracker.see), as live mode does. */
  pictures: boolean;
  /**
   * Not a feature, a bound: hands the tracker only the boxes onTruth() keeps at this share (a verifier that never
   * errs), to measure what rejecting false boxes could win.
   */
  idealVerifier?: number;
  /**
   * The CLI's and the export page's path instead of live mode's: every frame detected, the offline tracker forward
   * and backward over the whole clip (trackOffline, lookahead on, looking in every frame's picture unless
   * `pictures` is off), each frame's masks its boxes. No fail-closed rule or guard (offline has every frame's answer).
   */
  offline?: boolean;
  onProgress?: (done: number, total: number) => void;
  onFrame?: (f: ReplayFrame) => void;
}

export const DEFAULT_VIDEO_EVAL: Readonly<VideoEvalOptions> = {
  spec: MODELS[DEFAULT_MODEL],
  schedule: LIVE_SCHEDULE,
  tilesPerDetection: LIVE_TILES_PER_DETECTION,
  detector: liveDetectorOptions(MODELS[DEFAULT_MODEL]),
  tracker: {},
  maskScale: DEFAULT_SETTINGS.maskScale,
  budgetMs: DEFAULT_SETTINGS.budgetMs,
  motionGuard: DEFAULT_SETTINGS.motionGuard,
  motionGuardLag: 0,
  pictureLag: 1,
  pictures: true,
  cacheDir: '.cache/eval-video',
};

/** The leak result keys (faces >= 20 px), then the extras. */
export interface VideoEvalSummary extends LeakSummary {
  ms_per_frame: number;
  /** Of ms_per_frame: the tracker's share (the rest is the detector's, measured when its crops ran). */
  tracker_ms_per_frame: number;
  detector_ms_per_detection: number;
  crops_per_detection: number;
  /** Model runs done in this run (the rest came from the cache). */
  model_runs: number;
}

export interface VideoEvalResult {
  clip: string;
  summary: VideoEvalSummary;
}

/**
 * Runs live mode's detect-and-track path over a clip and counts leaks against its ground truth: the app's
 * detector (cached per crop), its tracker, its mask geometry (maskFromBox) and its fail-closed rule.
 */
export async function runVideoEval(clipPath: string, truthPath: string, o: VideoEvalOptions): Promise<VideoEvalResult> {
  const truth = readVideoTruth(truthPath);
  if (!existsSync(clipPath)) throw new TruthError(clipPath, 'no such video file');
  const size = probeSize(clipPath);
  if (size.width !== truth.width || size.height !== truth.height) {
    throw new TruthError(
      truthPath,
      `${clipPath} is ${size.width}x${size.height}, the ground truth says ${truth.width}x${truth.height}`,
    );
  }
  const frames = Math.min(truth.frames.length, o.limit ?? Infinity);
  if (o.offline) return { clip: clipPath, summary: await offlineEval(clipPath, truth, size, frames, o) };
  const detected = detectedFrames(frames, o.schedule);
  const dets = await detectClip(clipPath, size, {
    spec: o.spec,
    detector: o.detector,
    frames: detected,
    tilesPerDetection: o.tilesPerDetection,
    cacheDir: o.cacheDir,
    onProgress: o.onProgress,
  });
  const frameMs = 1000 / truth.fps;
  const perCall = Math.min(dets.tiles, o.tilesPerDetection);
  const tracker = new Tracker(o.tracker);
  // Live mode's guard makes its thumbnails from the tracker's pictures; so does the replay.
  const lumas = o.pictures || o.motionGuard > 0 ? frameLumas(clipPath, size) : undefined;
  const thumbs = o.motionGuard > 0 ? lumas!.map((l) => thumbnailOfPicture(l)) : undefined;
  const motion = new MotionGuard(o.motionGuard);
  let seenThumbs = -1;
  const holdAtLeastMs = perCall > 0 ? 1.5 * Math.ceil(dets.tiles / perCall) * o.schedule.latency * frameMs : undefined;
  const replay = replayLive(tracker, {
    frames,
    fps: truth.fps,
    size,
    schedule: o.schedule,
    truth: (i) => truth.frames[i]!,
    detections: (c) => {
      const all = dets.byFrame.get(c)!;
      return o.idealVerifier === undefined
        ? all
        : onTruth(
            all,
            truth.frames[c]!.map((f) => f.box),
            o.idealVerifier,
          );
    },
    plan: { budgetMs: evalBudgetMs(o, truth.fps), maskScale: o.maskScale, unseenEdges: DEFAULT_SETTINGS.unseenEdges },
    // Live mode holds tile-only faces for 1.5 tile cycles of detections (one detection lasts ~latency frames).
    holdAtLeastMs,
    moved: thumbs
      ? (i, c) => {
          // Live mode's own guard, handed each thumbnail as its readback would land.
          for (; seenThumbs < i - o.motionGuardLag; seenThumbs++)
            motion.see((seenThumbs + 1) * frameMs, thumbs[seenThumbs + 1]!);
          return motion.tripped(c * frameMs);
        }
      : undefined,
    picture: o.pictures ? (i) => lumas![i] : undefined,
    pictureLag: o.pictureLag,
    recentMs: Math.max(o.tracker.holdMs ?? DEFAULT_TRACKER_OPTIONS.holdMs, holdAtLeastMs ?? 0),
    onFrame: o.onFrame,
  });
  return { clip: clipPath, summary: withTimes(replay.summary, dets, detected.length, replay.trackerMs, frames) };
}

/**
 * The trust budget a replay runs with: the chosen one, or live mode's auto (trustBudget) for a detector as slow as
 * the schedule (a detection every `every` frames, its result `latency` frames late: one in flight at a time).
 */
export function evalBudgetMs(o: Pick<VideoEvalOptions, 'budgetMs' | 'schedule'>, fps: number): number {
  const frames = Math.max(o.schedule.every, o.schedule.latency);
  return trustBudget(o.budgetMs, (frames * 1000) / fps);
}

/** A run's leak summary with its times: the detector's (as measured when its crops ran) and the tracker's. */
function withTimes(
  leaks: LeakSummary,
  dets: ClipDetections,
  detections: number,
  trackerMs: number,
  frames: number,
): VideoEvalSummary {
  const detectorMs = dets.msPerDetection * detections;
  return {
    ...leaks,
    ms_per_frame: frames > 0 ? (detectorMs + trackerMs) / frames : 0,
    tracker_ms_per_frame: frames > 0 ? trackerMs / frames : 0,
    detector_ms_per_detection: dets.msPerDetection,
    crops_per_detection: dets.cropsPerDetection,
    model_runs: dets.ran,
  };
}

/**
 * Offline path (VideoEvalOptions.offline): the detector on every frame, trackOffline with lookahead, and each frame's
 * tracked boxes as masks at the mask scale, scored as the live replay's frames are. A face counts as undetected when
 * no detection within a second either side of its frame covered it (offline looks both ways).
 */
async function offlineEval(
  clipPath: string,
  truth: VideoTruth,
  size: FrameSize,
  frames: number,
  o: VideoEvalOptions,
): Promise<VideoEvalSummary> {
  const all = Array.from({ length: frames }, (_, i) => i);
  const dets = await detectClip(clipPath, size, {
    spec: o.spec,
    detector: o.detector,
    frames: all,
    tilesPerDetection: o.tilesPerDetection,
    cacheDir: o.cacheDir,
    onProgress: o.onProgress,
  });
  const perFrame = all.map((i) => dets.byFrame.get(i)!);
  const t0 = performance.now();
  const lumas = o.pictures ? frameLumas(clipPath, size) : undefined;
  const tracked = trackOfflineFaces(perFrame, size, {
    fps: truth.fps,
    lookahead: true,
    tracker: o.tracker,
    ...(lumas ? { pictures: (i: number) => lumas[i]! } : {}),
  });
  const trackerMs = performance.now() - t0;
  const found = new Map<number, number[]>();
  all.forEach((i) => {
    for (const f of truth.frames[i]!) {
      if (f.id !== undefined && foundIn(f, perFrame[i]!)) (found.get(f.id) ?? found.set(f.id, []).get(f.id)!).push(i);
    }
  });
  const near = Math.round(truth.fps);
  const counter = new LeakCounter();
  for (const i of all) {
    const scored = truth.frames[i]!.map((f) => ({
      ...f,
      undetected: f.id === undefined ? false : !(found.get(f.id) ?? []).some((j) => Math.abs(j - i) <= near),
    }));
    const faces = tracked[i]!.map((f) => ({ id: f.track, box: f.box }));
    const verdicts = counter.add(i, size, scored, {
      masks: faces.map((f) => maskFromBox(f.box, o.maskScale)),
      fullFrame: false,
      detections: perFrame[i]!.map((d) => maskFromBox(d.box, o.maskScale)),
    });
    o.onFrame?.({
      i,
      result: { frame: i, detections: perFrame[i]! },
      faces,
      truth: scored,
      verdicts,
      fullFrame: false,
    });
  }
  return withTimes(counter.summary(), dets, frames, trackerMs, frames);
}

/** One clip of a clip folder's index.json (the motion set's layout: {"name", "mp4", "json"}). */
export interface IndexedClip {
  name: string;
  mp4: string;
  json: string;
}

export function readClipIndex(dir: string): IndexedClip[] {
  const path = join(dir, 'index.json');
  if (!existsSync(path)) throw new TruthError(path, 'no index.json: --all wants a folder like ../shared/data/motion');
  const list = JSON.parse(readFileSync(path, 'utf8')) as Partial<IndexedClip>[];
  if (!Array.isArray(list) || !list.every((c) => typeof c?.mp4 === 'string' && typeof c?.json === 'string')) {
    throw new TruthError(path, 'expected a JSON array of {"name", "mp4", "json"}');
  }
  return list.map((c) => ({ name: c.name ?? c.mp4!, mp4: resolve(dir, c.mp4!), json: resolve(dir, c.json!) }));
}

/** The run's settings, for the result file. */
export function describeRun(o: VideoEvalOptions): Record<string, unknown> {
  return {
    model: o.spec.name,
    detect_every: o.schedule.every,
    latency: o.schedule.latency,
    tiles_per_detection: Number.isFinite(o.tilesPerDetection) ? o.tilesPerDetection : 'all',
    tiles: formatTilePlan(o.detector.tiles),
    threshold: o.detector.threshold,
    tall: o.detector.tall,
    edge: o.detector.edge,
    mask_scale: o.maskScale,
    budget_ms: o.budgetMs ?? 'auto',
    tracker: { ...DEFAULT_TRACKER_OPTIONS, ...o.tracker },
    runtime: 'Node, onnxruntime-web wasm (1 thread), Dawn',
    motion_guard: o.motionGuard,
    motion_guard_lag: o.motionGuardLag,
    picture_lag: o.pictureLag,
    pictures: o.pictures,
    ...(o.idealVerifier === undefined ? {} : { ideal_verifier: o.idealVerifier }),
    ...(o.offline ? { path: 'offline (every frame detected, trackOffline with lookahead)' } : {}),
  };
}
