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
  /** What one of those tiles costs on average, in whole-frame runs (cropCosts). */
  tileCost: number;
  /** Tiles this detection runs, taken in turn (FaceDetector.detect's maxTiles). */
  perCall: number;
  /** The whole frame's long side in model pixels, for a model of free size. */
  side: number;
  /** The frame's long side in pixels. */
  frameLong: number;
}

/**
 * Tiles for the next detection, each costing `tileCost` whole-frame runs of `cropMs`: none until a run has been
 * timed (the first answer comes fastest), then as many as fit in the target besides the whole frame. Tiles no
 * dearer than the whole frame (a grid that finds small faces) run at least one at a time, so every tile's turn
 * comes; a dearer look (an upscaled whole frame) runs only where it fits, as it would slow every answer.
 */
export function tilesPerDetection(tiles: number, cropMs: number, tileCost = 1): number {
  if (!Number.isFinite(cropMs) || tiles === 0) return 0;
  const fit = Math.floor((DETECTION_TARGET_MS / cropMs - 1) / tileCost);
  return Math.min(tiles, Math.max(tileCost <= 1 ? 1 : 0, fit));
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
   * The detection to start on a frame of this size, or null while one is in flight. `tileCosts` gives the frame's
   * tiles at an input side, each in whole-frame runs (cropCosts); it is asked only when a detection starts (it plans
   * the crops).
   */
  begin(size: FrameSize, tileCosts: (side: number) => readonly number[]): DetectionPlan | null {
    if (this.#inFlight) return null;
    this.#inFlight = true;
    const frameLong = Math.max(size.width, size.height);
    const side = this.#inputSide.side(frameLong);
    const costs = tileCosts(side);
    const tiles = costs.length;
    const tileCost = tiles > 0 ? costs.reduce((a, b) => a + b, 0) / tiles : 1;
    return { tiles, tileCost, perCall: tilesPerDetection(tiles, this.#cropMs.value, tileCost), side, frameLong };
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
    const runs = 1 + Math.min(plan.perCall, plan.tiles) * plan.tileCost;
    this.#cropMs.push(ms / runs);
    // The input side is chosen by the whole frame's time: a look that runs only where it fits must not shrink it.
    this.#inputSide.record(plan.side, ms / runs, plan.frameLong);
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
