/** Why the whole frame is anonymized instead of only the faces; null when face masks can be trusted. */
export type FailClosedReason = 'detector-starting' | 'detector-stalled' | 'detector-error' | 'gpu-lost';

export interface DetectorHealth {
  ready: boolean;
  /** Capture time (ms) of the newest frame whose detections reached the tracker; null before the first. */
  lastResultCaptureMs: number | null;
  /** The last detection attempt threw, and none has succeeded since. */
  failing: boolean;
}

/**
 * The one rule, for whole frames: face masks are used only while the detections behind them are younger than the
 * budget. Before the first result, after an error past the budget, or when results stop arriving, blur everything.
 */
export function failClosedReason(h: DetectorHealth, frameMs: number, budgetMs: number): FailClosedReason | null {
  if (!h.ready || h.lastResultCaptureMs === null) return 'detector-starting';
  if (frameMs - h.lastResultCaptureMs <= budgetMs) return null;
  return h.failing ? 'detector-error' : 'detector-stalled';
}
