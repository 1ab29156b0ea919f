import { RollingMedian } from './timing';

/** Long sides, in model pixels, that live mode picks from for a model of free input size, smallest first. */
export const LIVE_SIDES: readonly number[] = [320, 480, 640, 960, 1280];

/** The side live mode starts from, before any detection is timed. */
export const LIVE_START_SIDE = 640;

/** Detections timed at one side before a move to another. */
const SAMPLES = 3;
/** Moving up needs the larger side's predicted time (time scales with the input's area) under this share of the target. */
const HEADROOM = 0.7;

/**
 * Picks the whole frame's input side in live mode from the measured detector time: the largest side whose
 * detections take at most `targetMs`, so a slow machine still gets a fresh answer well inside the trust budget and
 * a fast one sees small faces. It starts at 640 and steps one side at a time, down as soon as the median of a few
 * detections runs over the target, up only where the next side is predicted to fit with room to spare, so it does
 * not swing between two sides.
 */
export class InputSideChooser {
  #index: number;
  #ms = new RollingMedian(SAMPLES);
  #samples = 0;
  readonly #targetMs: number;

  constructor(targetMs: number, start = LIVE_START_SIDE) {
    this.#targetMs = targetMs;
    this.#index = Math.max(0, LIVE_SIDES.indexOf(start));
  }

  /** The side for a frame whose long side is `frameLong`: never larger than the frame itself. */
  side(frameLong: number): number {
    return Math.min(LIVE_SIDES[this.#index]!, frameLong);
  }

  /** A detection at `side` took `ms` (preprocess to boxes). */
  record(side: number, ms: number, frameLong: number): void {
    if (side !== this.side(frameLong)) return; // timed before the last move
    this.#ms.push(ms);
    if (++this.#samples < SAMPLES) return;
    const median = this.#ms.value;
    const next = LIVE_SIDES[this.#index + 1];
    if (median > this.#targetMs && this.#index > 0) this.#move(-1);
    else if (next !== undefined && next <= frameLong && median * (next / side) ** 2 < HEADROOM * this.#targetMs)
      this.#move(1);
  }

  #move(step: number): void {
    this.#index += step;
    this.#ms = new RollingMedian(SAMPLES);
    this.#samples = 0;
  }
}
