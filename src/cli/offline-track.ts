import type { Detection, Rect } from '../detect/types';
import type { TrackerOptions } from '../track/options';
import { coveredFraction, iou, union } from '../track/rect';
import { Tracker, type FrameSize } from '../track/tracker';

export interface OfflineTrackOptions {
  /** Frames per second: the tracker's motion model runs on time, frame i at i / fps seconds. */
  fps: number;
  /** Also run the tracker backwards in time, so a face is covered in the frames before it was first found. */
  lookahead: boolean;
  tracker?: Partial<TrackerOptions>;
}

/**
 * A backward box this much like a forward one (IoU), or lying this much inside it (or it inside the backward
 * box: a held box grows around the face), is the same face: the two merge into their union.
 */
const SAME_FACE_IOU = 0.3;
const SAME_FACE_INSIDE = 0.8;

function sameFace(a: Rect, b: Rect): number {
  const inside = Math.max(coveredFraction(a, b), coveredFraction(b, a));
  return inside >= SAME_FACE_INSIDE ? Math.max(inside, iou(a, b)) : iou(a, b);
}

/** The live tracker over every frame's detections in order: update with frame i's faces, draw at frame i. */
function runTracker(dets: readonly (readonly Detection[])[], size: FrameSize, o: OfflineTrackOptions): Rect[][] {
  const tracker = new Tracker(o.tracker);
  const frameMs = 1000 / o.fps;
  return dets.map((d, i) => {
    tracker.update(d, i * frameMs, size);
    return tracker.faces(i * frameMs).map((f) => f.box).filter((b) => b.w > 0 && b.h > 0);
  });
}

/** Forward and backward boxes of one frame: each backward box joins the forward box most like it, or is added. */
export function mergeBoxes(forward: readonly Rect[], backward: readonly Rect[]): Rect[] {
  const merged = [...forward];
  for (const b of backward) {
    let best = -1;
    let bestIou = SAME_FACE_IOU;
    merged.forEach((m, i) => {
      const v = sameFace(m, b);
      if (v >= bestIou) [best, bestIou] = [i, v];
    });
    if (best >= 0) merged[best] = union(merged[best]!, b);
    else merged.push(b);
  }
  return merged;
}

/**
 * Offline tracking: every frame's detections are known before the first frame is drawn. The tracker runs
 * forward (as live mode does: a face is held through misses after it was seen) and, with lookahead, also
 * backward in time (a face is held through the misses before it was first seen: the frames where it walked in,
 * turned or was blurred by motion), and each frame covers the union of both. Returns each frame's face boxes.
 */
export function trackOffline(dets: readonly (readonly Detection[])[], size: FrameSize, o: OfflineTrackOptions): Rect[][] {
  const forward = runTracker(dets, size, o);
  if (!o.lookahead) return forward;
  const backward = runTracker([...dets].reverse(), size, o).reverse();
  return forward.map((f, i) => mergeBoxes(f, backward[i]!));
}
