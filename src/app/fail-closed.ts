/** Why the whole frame is anonymized instead of only the faces; null when face masks can be trusted. */
export type FailClosedReason =
  | 'detector-starting'
  | 'new-picture'
  | 'detector-stalled'
  | 'detector-error'
  | 'fast-motion'
  | 'gpu-lost';

export interface DetectorHealth {
  ready: boolean;
  /** Some detection has reached the tracker since the detector started. */
  answered: boolean;
  /** Capture time (ms) of the newest frame whose detections reached the tracker; null before the first. */
  lastResultCaptureMs: number | null;
  /** The last detection attempt threw, and none has succeeded since. */
  failing: boolean;
  /** The picture changed sharply since the newest result's frame (MotionGuard): its faces are elsewhere now. */
  moved?: boolean;
}

/**
 * The one rule, for whole frames: face masks are used only while the detections behind them are younger than the
 * budget. Before the first result, when results stop arriving, or from a detector error until the next success,
 * blur everything: a detector that throws may be broken in ways that also spoil the answers it still gives.
 */
export function failClosedReason(h: DetectorHealth, frameMs: number, budgetMs: number): FailClosedReason | null {
  if (!h.ready) return 'detector-starting';
  if (h.lastResultCaptureMs === null) return h.answered ? 'new-picture' : 'detector-starting';
  if (h.failing) return 'detector-error';
  if (frameMs - h.lastResultCaptureMs > budgetMs) return 'detector-stalled';
  return h.moved ? 'fast-motion' : null;
}
