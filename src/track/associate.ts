import type { Rect } from '../core/types';
import { centreDistance, iou } from './rect';

/** Where a track expects its face, and how far beyond one face size its centre may have strayed. */
export interface Gate {
  box: Rect;
  reach: number;
}

export interface AssociateOptions {
  /** IoU at or above which a detection may continue a track. */
  iouMatch: number;
  /** Centre distance, in face sizes (plus the gate's reach), under which a detection may continue a track even at low IoU. */
  centreGate: number;
}

export interface Association {
  /** [track index, detection index] */
  matches: [number, number][];
  unmatchedTracks: number[];
  unmatchedDets: number[];
}

/**
 * Greedy matching, best pair first. Pairs that pass only the centre test rank below every IoU pair, so a
 * fast face (tiny IoU with its stale prediction) is still followed, but never at the cost of a clear overlap.
 */
export function associate(gates: readonly Gate[], dets: readonly Rect[], o: AssociateOptions): Association {
  const pairs: { t: number; d: number; score: number }[] = [];
  gates.forEach((g, t) => {
    const limit = o.centreGate * Math.max(g.box.w, g.box.h) + g.reach;
    dets.forEach((box, d) => {
      const overlap = iou(g.box, box);
      const closeness = limit > 0 ? 1 - centreDistance(g.box, box) / limit : 0;
      if (overlap >= o.iouMatch) pairs.push({ t, d, score: 1 + overlap });
      else if (closeness > 0) pairs.push({ t, d, score: closeness });
    });
  });
  pairs.sort((a, b) => b.score - a.score);
  const trackUsed = new Array<boolean>(gates.length).fill(false);
  const detUsed = new Array<boolean>(dets.length).fill(false);
  const matches: [number, number][] = [];
  for (const { t, d } of pairs) {
    if (trackUsed[t] || detUsed[d]) continue;
    trackUsed[t] = detUsed[d] = true;
    matches.push([t, d]);
  }
  return {
    matches,
    unmatchedTracks: gates.flatMap((_, t) => (trackUsed[t] ? [] : [t])),
    unmatchedDets: dets.flatMap((_, d) => (detUsed[d] ? [] : [d])),
  };
}
