import type { FrameSize } from '../core/types';
import { InputSideChooser } from './input-side';
import { RollingMedian } from './timing';

/**
 * A detection aims to take about this long: the whole frame always, plus as many tiles as fit (at least one);
 * the rest of the tiles follow in later detections, round robin.
 */
const DETECTION_TARGET_MS = 100;

/** What one live detection runs. */
export interface DetectionPlan {
  /** Tiles the frame has besides the whole frame. */
  tiles: number;
  /** Tiles this detection runs, taken in turn (FaceDetector.detect's maxTiles). */
  perCall: number;
  /** The whole frame's long side in model pixels, for a model of free size. */
  side: number;
  /** The frame's long side in pixels. */
  frameLong: number;
}

/**
 * Tiles for the next detection: none until a run has been timed (the first answer comes fastest), then as many as
 * fit in the target besides the whole frame, at least one.
 */
export function tilesPerDetection(tiles: number, cropMs: number): number {
  if (!Number.isFinite(cropMs)) return 0;
  return Math.min(tiles, Math.max(1, Math.floor(DETECTION_TARGET_MS / cropMs) - 1));
}

/**
 * When live mode detects and how much each detection takes on: one detection in flight at a time (newest frame
 * wins, as MediaPipe's flow limiter does), its tiles and input side chosen from the measured times of the ones
 * before, so a slow machine still gets a fresh answer well inside the trust budget.
 */
export class DetectSchedule {
  #inFlight = false;
  readonly #detectMs = new RollingMedian();
  /** Milliseconds of one model run (one crop), from live detections. */
  readonly #cropMs = new RollingMedian();
  /** The whole frame's input size, for a model of free size, from the measured detection time. */
  readonly #inputSide = new InputSideChooser(DETECTION_TARGET_MS);
  /** Milliseconds between the frames of consecutive results (their capture times). */
  readonly #gapMs = new RollingMedian();
  #lastCaptureMs: number | null = null;

  /**
   * The detection to start on a frame of this size, or null while one is in flight. `countTiles` gives the frame's
   * tiles; it is asked only when a detection starts (it plans the crops).
   */
  begin(size: FrameSize, countTiles: () => number): DetectionPlan | null {
    if (this.#inFlight) return null;
    this.#inFlight = true;
    const tiles = countTiles();
    const frameLong = Math.max(size.width, size.height);
    return {
      tiles,
      perCall: tilesPerDetection(tiles, this.#cropMs.value),
      side: this.#inputSide.side(frameLong),
      frameLong,
    };
  }

  /**
   * A detection of `plan`, of the frame captured at `captureMs`, answered after `ms`. Returns how long the tracker
   * must at least hold a face: one only a tile sees is found once per tile cycle, so 1.5 cycles (null when no tile
   * ran).
   */
  answered(plan: DetectionPlan, ms: number, captureMs: number): number | null {
    if (this.#lastCaptureMs !== null && captureMs > this.#lastCaptureMs) {
      this.#gapMs.push(captureMs - this.#lastCaptureMs);
    }
    this.#lastCaptureMs = Math.max(this.#lastCaptureMs ?? captureMs, captureMs);
    this.#detectMs.push(ms);
    this.#cropMs.push(ms / (1 + Math.min(plan.perCall, plan.tiles)));
    this.#inputSide.record(plan.side, ms, plan.frameLong);
    return plan.perCall > 0 ? 1.5 * Math.ceil(plan.tiles / plan.perCall) * ms : null;
  }

  /** The detection in flight is over (answered, failed, or given up with its lost device): the next may start. */
  end(): void {
    this.#inFlight = false;
  }

  /** Median time of the recent detections; NaN before the first. */
  get detectionMs(): number {
    return this.#detectMs.value;
  }

  /**
   * How far apart results come, by their frames: the median gap between the frames of consecutive results, or the
   * detection time before there are two. A detection starts on the first frame after the one before it answered,
   * so where frames come slowly (a software rasteriser drawing 1280x720 at 3-4 frames a second) the gap is the
   * detection time plus up to a frame; NaN before the first answer.
   */
  get paceMs(): number {
    const gap = this.#gapMs.value;
    return Number.isFinite(gap) ? Math.max(gap, this.detectionMs) : this.detectionMs;
  }

  /** The whole frame's input side the next detection of a frame with this long side gets. */
  side(frameLong: number): number {
    return this.#inputSide.side(frameLong);
  }
}
