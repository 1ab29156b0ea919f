import type { Detection, FrameSize, Rect } from '../core/types';
import type { TrackerOptions } from '../track/options';
import type { Luma } from '../track/patch-motion';
import { coveredFraction, grow, iou, union } from '../track/rect';
import { Tracker } from '../track/tracker';
import { shotCuts } from './shot-cuts';

export interface OfflineTrackOptions {
  /** Frames per second: the tracker's motion model runs on time, frame i at i / fps seconds. */
  fps: number;
  /** Also run the tracker backwards in time, so a face is covered in the frames before it was first found. */
  lookahead: boolean;
  tracker?: Partial<TrackerOptions>;
  /**
   * Frame i's small luma image (patch-motion.ts, lumaSize()), where the tracker looks for each face between its
   * detections, as live mode does: a face the detector missed is covered where the picture still shows it.
   */
  pictures?: (frame: number) => Luma;
}

/** One face's box on one frame, and which face it is: the same `track` on every frame the face is covered. */
export interface OfflineFace {
  track: number;
  box: Rect;
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

/**
 * Slack around a detection that stands for its face, in face sizes a side: the detector's box and a person's idea of
 * the face differ by about that (motion clips, `npm run eval:video -- --offline`: at 0.1, 3 more face-frames leak).
 */
const SEEN_PAD = 0.15;
/**
 * A detection stands for its face's extent only from this score: a weak box is a poor measure of it (one kept at
 * 0.13 by the tall rule covered half of a face the border cut), and then the tracker's box, which remembers the
 * face's size, is kept (motion clips: from 0.4 to 0.8 the same leaks as with the tracker's boxes alone; with every kept box, 3 more).
 */
const SEEN_SCORE = 0.5;

/** A face on one frame as one pass drew it; `seen`: this frame's detection of it is its box. */
interface PassFace extends OfflineFace {
  seen: boolean;
}

/**
 * The live tracker's options that offline tracking changes. Every frame is detected here, and a face missed for a
 * while is held from both sides of the gap (the forward pass from before it, the backward pass from after it), so
 * each pass's guess need reach only half as far: held 500 ms, not a second, and its doubt grows to at most 0.3 of
 * its size a side, not one. Chosen for the stage clip of ../shared/data/faces/videos, where the performer's hands are
 * found now and then at low scores: 27 % of the picture blurred instead of 39 % (before the upscaled look). On the
 * motion clips (`npm run eval:video -- --all DIR --offline`, 2026-12-08) the live tracker's options leak the same 9
 * face-frames on the shared clips at 2.98 times the faces instead of 2.88, and on the clips made from other WIDER
 * photos fewer, 251 instead of 272, at 3.42 instead of 3.31: a trade not measured again on the stage clip since.
 */
const OFFLINE_TRACKER: Partial<TrackerOptions> = { holdMs: 500, maxGrowth: 0.3 };

/**
 * The live tracker over every frame's detections in order: update with frame i's faces, draw at frame i. A face
 * the detector found on this frame is covered by that detection's box: every frame's answer is known here, so the
 * tracker's margins (for where a face may have gone since the last result) and its slow retreat after a miss have
 * nothing to add; the tracker's box is used only on frames where the face was missed.
 */
function runTracker(
  dets: readonly (readonly Detection[])[],
  size: FrameSize,
  o: OfflineTrackOptions,
  frameOf: (i: number) => number,
  cutBefore: (i: number) => boolean,
): PassFace[][] {
  const tracker = new Tracker({ ...OFFLINE_TRACKER, ...o.tracker });
  const frameMs = 1000 / o.fps;
  return dets.map((d, i) => {
    // Every face of the old shot ends at a cut: a held box would cover a place that means nothing in the new one.
    if (cutBefore(i)) tracker.reset();
    if (o.pictures) tracker.see(i * frameMs, o.pictures(frameOf(i)));
    tracker.update(d, i * frameMs, size);
    return tracker
      .faces(i * frameMs)
      .filter((f) => f.box.w > 0 && f.box.h > 0)
      .map((f) => {
        const own = f.held || f.lastSeenMs !== i * frameMs ? undefined : detectionIn(f.box, d);
        return {
          track: f.id,
          box: own ? grow(own, SEEN_PAD * own.w, SEEN_PAD * own.h) : f.box,
          seen: own !== undefined,
        };
      });
  });
}

/**
 * The detection a seen face's drawn box was made from: of those mostly inside it and like it (IoU at least
 * SAME_FACE_IOU), the most like it. A box inside that is much smaller is another detection (the upscaled look finds
 * faces within a large one the detector scored low), and standing for this face it would leave most of it bare.
 */
function detectionIn(box: Rect, dets: readonly Detection[]): Rect | undefined {
  let best: Rect | undefined;
  let bestIou = SAME_FACE_IOU;
  for (const { box: d, score } of dets) {
    const v = iou(d, box);
    if (score >= SEEN_SCORE && coveredFraction(d, box) >= SAME_FACE_INSIDE && v >= bestIou) [best, bestIou] = [d, v];
  }
  return best;
}

/**
 * Forward and backward faces of one frame: each backward face joins the forward face most like it (the pair is
 * reported through `joined`), or is added. Joined, a face one pass saw on this frame is that detection's box (the
 * other pass's box for it is a guess about a frame whose answer is known); a face both passes missed is the union
 * of both guesses, one from before the miss and one from after it.
 */
function mergeFaces(
  forward: readonly PassFace[],
  backward: readonly PassFace[],
  joined: (backwardTrack: number, forwardTrack: number) => void,
): PassFace[] {
  const merged = [...forward];
  for (const b of backward) {
    let best = -1;
    let bestIou = SAME_FACE_IOU;
    merged.forEach((m, i) => {
      const v = sameFace(m.box, b.box);
      if (v >= bestIou) [best, bestIou] = [i, v];
    });
    if (best >= 0) {
      const m = merged[best]!;
      joined(b.track, m.track);
      const box = m.seen === b.seen ? union(m.box, b.box) : m.seen ? m.box : b.box;
      merged[best] = { track: m.track, box, seen: m.seen || b.seen };
    } else {
      merged.push(b);
    }
  }
  return merged;
}

/** Forward and backward boxes of one frame: each backward box joins the forward box most like it, or is added. */
export function mergeBoxes(forward: readonly Rect[], backward: readonly Rect[]): Rect[] {
  const tag = (boxes: readonly Rect[], first: number) =>
    boxes.map((box, i) => ({ track: first + i, box, seen: false }));
  return mergeFaces(tag(forward, 0), tag(backward, forward.length), () => {}).map((f) => f.box);
}

/** Union-find over track ids: faces the two passes saw as one get one id. */
class TrackIds {
  readonly #parent = new Map<number, number>();

  find(id: number): number {
    let root = id;
    while (this.#parent.has(root)) root = this.#parent.get(root)!;
    if (root !== id) this.#parent.set(id, root);
    return root;
  }

  join(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.#parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
}

/**
 * Offline tracking: every frame's detections are known before the first frame is drawn. The tracker runs
 * forward (as live mode does: a face is held through misses after it was seen) and, with lookahead, also
 * backward in time (a face is held through the misses before it was first seen: the frames where it walked in,
 * turned or was blurred by motion), and each frame covers the union of both. Returns each frame's faces; a face
 * keeps its `track` across the clip, so a person can be excluded (or not) as a whole. A backward track that
 * merges with a forward one is the same track, so one track can join two forward tracks (a face the forward pass
 * lost and found again): excluding it shows both, which the preview makes visible on every frame.
 */
export function trackOfflineFaces(
  dets: readonly (readonly Detection[])[],
  size: FrameSize,
  o: OfflineTrackOptions,
): OfflineFace[][] {
  const n = dets.length;
  const cuts = o.pictures ? shotCuts(n, o.pictures) : new Set<number>();
  const forward = runTracker(
    dets,
    size,
    o,
    (i) => i,
    (i) => cuts.has(i),
  );
  const ids = new TrackIds();
  // Backward ids are negative, so they never meet a forward id.
  const backward = o.lookahead
    ? runTracker(
        [...dets].reverse(),
        size,
        o,
        (i) => n - 1 - i,
        // Backwards, the old shot is the one before the cut: entered at the frame before a cut frame.
        (i) => cuts.has(n - i),
      )
        .reverse()
        .map((faces) => faces.map((f) => ({ ...f, track: -f.track })))
    : null;
  const merged = backward ? forward.map((f, i) => mergeFaces(f, backward[i]!, (b, fw) => ids.join(b, fw))) : forward;
  // Renumbered 1, 2, ... in order of first appearance: stable, readable ids for the UI.
  const renumber = new Map<number, number>();
  return merged.map((faces) =>
    faces.map((f) => {
      const root = ids.find(f.track);
      if (!renumber.has(root)) renumber.set(root, renumber.size + 1);
      return { track: renumber.get(root)!, box: f.box };
    }),
  );
}

/** trackOfflineFaces without the track ids: each frame's boxes. */
export function trackOffline(
  dets: readonly (readonly Detection[])[],
  size: FrameSize,
  o: OfflineTrackOptions,
): Rect[][] {
  return trackOfflineFaces(dets, size, o).map((faces) => faces.map((f) => f.box));
}
