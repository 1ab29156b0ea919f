import type { Luma } from '../track/patch-motion';
import { thumbnailOfPicture } from '../track/thumbnail';

/**
 * How unlike two consecutive thumbnails must be (1 - their normalised cross-correlation, 0..2) to be a cut. Mean
 * luma change (the live motion guard's measure) misses a cut between two dark shots: on the stage clip in
 * ../shared/data/faces/videos an audience cut to a curtain changes the mean by 26 of 255, under the guard's 40,
 * while its distance is 0.98, against at most 0.15 from one frame to the next within a shot.
 */
const CUT_DISTANCE = 0.5;
/**
 * ...and the frames either side must change at most this fraction as much: a cut is one frame's jump. A whip pan
 * changes as much from frame to frame for several frames (the motion clips' whips: 0.3-1.1 on each), and its faces
 * are still there, held by the tracker, after it.
 */
const ISOLATION = 1 / 3;

/** 1 - normalised cross-correlation of two equally sized thumbnails: 0 for the same picture (or a flat one). */
export function thumbnailDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0;
}

/**
 * The frames that start a new shot: frame i where the picture jumps from frame i - 1 and is steady either side.
 * Offline every frame is known, so a cut is told from a whip by the frames after it, too.
 */
export function shotCuts(frames: number, pictureAt: (frame: number) => Luma): Set<number> {
  const thumbs = Array.from({ length: frames }, (_, i) => thumbnailOfPicture(pictureAt(i)));
  const d = thumbs.map((t, i) => (i === 0 ? 0 : thumbnailDistance(thumbs[i - 1]!, t)));
  const cuts = new Set<number>();
  for (let i = 1; i < d.length; i++) {
    const around = Math.max(d[i - 1]!, d[i + 1] ?? 0);
    if (d[i]! >= CUT_DISTANCE && around <= ISOLATION * d[i]!) cuts.add(i);
  }
  return cuts;
}
