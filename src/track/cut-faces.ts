import type { FrameSize, Rect } from '../core/types';

/** Within this many pixels of the left or right border, a box is taken to be cut by it. */
const AT_BORDER_PX = 1;

/**
 * The box of a face the left or right border cuts, completed to a face's width past that border. The detector boxes
 * what shows: a face half out of the frame gets a box as tall as the face and half as wide, centred on what it sees
 * of the face, and its ellipse then leaves the visible cheek and ear bare. Widened to `minAspect` times its height
 * about the same centre, the box covers what shows of the face, and half of what it adds lies outside the frame,
 * costing no blur. A box away from those borders, or already as wide as a face, is returned as it is.
 */
export function completeCutFace(box: Rect, frame: FrameSize, minAspect: number): Rect {
  const cut = box.x <= AT_BORDER_PX || box.x + box.w >= frame.width - AT_BORDER_PX;
  const w = minAspect * box.h;
  return cut && box.w < w ? { ...box, x: box.x - (w - box.w) / 2, w } : box;
}

/**
 * `whole` moved and scaled as its part `part` was when the picture showed that part at `found`: a completed box is
 * looked for by what the frame shows of it, and goes on whole.
 */
export function extendAsFound(whole: Rect, part: Rect, found: Rect): Rect {
  const s = found.w / part.w;
  const cx = found.x + found.w / 2 + (whole.x + whole.w / 2 - part.x - part.w / 2) * s;
  const cy = found.y + found.h / 2 + (whole.y + whole.h / 2 - part.y - part.h / 2) * s;
  return { x: cx - (whole.w * s) / 2, y: cy - (whole.h * s) / 2, w: whole.w * s, h: whole.h * s };
}
