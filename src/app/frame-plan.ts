import type { Rect } from '../core/types';
import type { FaceMask } from '../render/anonymize-pass';
import type { TrackedFace, Tracker } from '../track/tracker';
import { failClosedReason, type DetectorHealth, type FailClosedReason } from './fail-closed';
import { maskFromBox, maskFromRegion } from './masks';

export interface FramePlanOptions {
  /** ms a detection stays trusted (failClosedReason). */
  budgetMs: number;
  /** A face's ellipse, relative to its box (maskFromBox). */
  maskScale: number;
  /** Blur the strips a pan brought into view since the newest result's frame (Tracker.unseenEdges). */
  unseenEdges: boolean;
}

/** What one drawn frame covers. */
export interface FramePlan {
  /** Why the whole frame is blurred; null: only `masks` are. */
  reason: FailClosedReason | null;
  /** Every tracked face, also when failing closed (a click on a face still finds it). */
  faces: TrackedFace[];
  /** The faces' masks and the unseen strips' boxes; empty when failing closed. */
  masks: FaceMask[];
  unseen: Rect[];
}

/**
 * One frame's cover, decided in one place for live mode, the leak replay and the bench, so that what the evals
 * measure is what users get: the whole frame when the fail-closed rule says so, else a mask for every tracked
 * face and for every strip of the border the detector has not looked at yet. The tracker is asked for its faces on
 * every frame, failing closed or not, as its state moves on with each ask, and told of a frame the motion guard
 * blurred (its held faces' places mean nothing after the jump). `faceMasks` makes the faces' masks
 * (live mode leaves out the faces a user clicked); by default each face's ellipse at the mask scale.
 */
export function planFrame(
  tracker: Tracker,
  health: DetectorHealth,
  nowMs: number,
  o: FramePlanOptions,
  faceMasks: (faces: TrackedFace[]) => FaceMask[] = (faces) => faces.map((f) => maskFromBox(f.box, o.maskScale)),
): FramePlan {
  const reason = failClosedReason(health, nowMs, o.budgetMs);
  if (reason === 'fast-motion') tracker.jumped(nowMs);
  const faces = tracker.faces(nowMs, reason !== null);
  const own = faceMasks(faces);
  const unseen = reason || !o.unseenEdges ? [] : tracker.unseenEdges(nowMs);
  return { reason, faces, masks: reason ? [] : [...own, ...unseen.map(maskFromRegion)], unseen };
}
