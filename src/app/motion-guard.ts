/**
 * Mean change (0..255) of the picture that makes faces' last known places untrustworthy. Measured with
 * `npm run eval:video -- --motion-guard 40 --motion-guard-lag 1` on ../shared/data/motion: whips and cuts go over
 * it, shake and ordinary pans stay under it.
 */
export const DEFAULT_MOTION_GUARD = 40;

/**
 * Motion in progress (two consecutive thumbnails) trips the guard at this fraction of the threshold: one frame's
 * change, where the change since the result's frame spans several. At 1 a whip's first frames, still speeding up,
 * leaked two frames when detecting every frame; at 0.5 none, and the motion clips leak nothing more at the slower
 * schedules (their extra whole frames were covered by the tracker's boxes already: same mask_area_ratio).
 */
export const IN_PROGRESS = 0.5;

/**
 * How long a thumbnail is kept (ms of frame time): longer than the longest detection budget (5 s), past which the
 * frame is blurred whole anyway, so the frame any trusted result started on still has its thumbnail, however
 * many frames a slow detection lets pass. A count of frames would not do: at 60 fps and 32 frames, a detection
 * half a second late would find its frame forgotten and the guard silent.
 */
const KEEP_MS = 6000;

/** Mean absolute difference of two thumbnails, 0..255. */
export function thumbnailChange(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/**
 * Blur everything while the picture has changed sharply since the frame the newest detections came from (a whip
 * pan, a cut): the tracker can only extrapolate what it saw, and there the faces are elsewhere. Thumbnails arrive
 * from the GPU a frame or two late, so the guard judges the newest one it has.
 */
export class MotionGuard {
  #thumbs = new Map<number, ArrayLike<number>>();
  /** Mean change 0..255 that trips the guard; 0: off. */
  readonly threshold: number;

  constructor(threshold = DEFAULT_MOTION_GUARD) {
    this.threshold = threshold;
  }

  /** Off (threshold 0): no thumbnail needs making. */
  get enabled(): boolean {
    return this.threshold > 0;
  }

  /** Records the thumbnail of the frame captured at `frameMs`. */
  see(frameMs: number, cells: ArrayLike<number>): void {
    this.#thumbs.set(frameMs, cells);
    for (const ms of this.#thumbs.keys()) if (ms < frameMs - KEEP_MS) this.#thumbs.delete(ms);
  }

  /**
   * Whether the picture moves too fast for the newest result's boxes: the newest thumbnail has moved on too far
   * from the frame captured at `resultCaptureMs` (that frame's own thumbnail may have been skipped, every readback
   * busy: the newest one before it stands in; none, false), or from the thumbnail before it. The second is motion
   * in progress: the frame being drawn, a frame or two past the newest thumbnail, has most likely moved as much
   * again. Without it a detector fast enough to answer for the newest thumbnail's own frame never trips the guard
   * (`npm run eval:video -- --detect-every 1 --latency 1`).
   */
  tripped(resultCaptureMs: number): boolean {
    if (!this.enabled) return false;
    let then: { ms: number; cells: ArrayLike<number> } | undefined;
    let newest: { ms: number; cells: ArrayLike<number> } | undefined;
    let previous: { ms: number; cells: ArrayLike<number> } | undefined;
    for (const [ms, cells] of this.#thumbs) {
      if (ms <= resultCaptureMs && ms > (then?.ms ?? -Infinity)) then = { ms, cells };
      if (ms > (newest?.ms ?? -Infinity)) {
        previous = newest;
        newest = { ms, cells };
      } else if (ms > (previous?.ms ?? -Infinity)) {
        previous = { ms, cells };
      }
    }
    if (!then || !newest) return false;
    const moved = newest.ms > resultCaptureMs && thumbnailChange(newest.cells, then.cells) > this.threshold;
    const moving =
      previous !== undefined && thumbnailChange(newest.cells, previous.cells) > this.threshold * IN_PROGRESS;
    // Results only get newer: thumbnails before `then` are never a reference again. The newest's predecessor may be
    // older than `then` (a result for the newest frame) and is kept, so asking again before a new thumbnail lands
    // gets the same answer.
    for (const ms of this.#thumbs.keys()) if (ms < Math.min(then.ms, previous?.ms ?? then.ms)) this.#thumbs.delete(ms);
    return moved || moving;
  }

  reset(): void {
    this.#thumbs.clear();
  }
}
