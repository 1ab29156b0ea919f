import type { Rect } from '../detect/types';
import { matchPatch, type PatchMatchOptions, type Pyramid } from './patch-motion';

/**
 * While the camera pans, new content enters at the leading border every frame, and the detector's newest result is
 * several frames old: it never looked at that strip. A face there (entering, cut by the border, where the detector
 * scores it lowest) has no box yet. These functions find the strip from the pictures the tracker already keeps.
 */

/** How far the picture's content moved, in luma pixels of level 0 (positive: right, down). */
export interface Shift {
  dx: number;
  dy: number;
}

/**
 * The middle of the picture, matched as one patch: the whole view pans together, and the middle stays in view for
 * pans of up to a fifth of the picture on either axis.
 */
const MIDDLE = 0.6;
const WHOLE_VIEW: Omit<PatchMatchOptions, 'range'> = { context: 1, scaleStep: 0.03, scaleSteps: 0, samples: 16 };
/** Below this the two pictures are not one view moved (a cut, a whip's blur, a flat picture): no shift is claimed. */
const MIN_NCC = 0.6;
/** A flat middle (a dark room, a wall) matches anywhere. */
const MIN_TEXTURE = 4;

/**
 * The shift of `to`'s content relative to `from`'s, looked for within `range` of `guess` (luma px of level 0), or
 * undefined when the pictures do not show one view moved.
 */
export function pictureShift(from: Pyramid, to: Pyramid, guess: Shift, range: number): Shift | undefined {
  const { width, height } = from[0]!;
  const box = { x: (width * (1 - MIDDLE)) / 2, y: (height * (1 - MIDDLE)) / 2, w: width * MIDDLE, h: height * MIDDLE };
  const m = matchPatch(from, to, box, guess, { ...WHOLE_VIEW, range });
  if (!m || m.ncc < MIN_NCC || m.texture < MIN_TEXTURE) return undefined;
  return { dx: m.box.x + m.box.w / 2 - (box.x + box.w / 2), dy: m.box.y + m.box.h / 2 - (box.y + box.h / 2) };
}

/**
 * The strips of a `width` x `height` frame whose content came into view during `shift` (frame pixels): content
 * moving right uncovers the left border, and so on, widened by `marginPx`. Shifts under `minPx` are no pan (the
 * match's noise, a person moving in front of a still camera) and uncover nothing.
 */
export function unseenEdges(shift: Shift, frame: { width: number; height: number }, marginPx: number, minPx: number): Rect[] {
  const { width, height } = frame;
  const strip = (d: number, side: number) => Math.min(side, Math.abs(d) + marginPx);
  const out: Rect[] = [];
  if (Math.abs(shift.dx) >= minPx) {
    const w = strip(shift.dx, width);
    out.push({ x: shift.dx > 0 ? 0 : width - w, y: 0, w, h: height });
  }
  if (Math.abs(shift.dy) >= minPx) {
    const h = strip(shift.dy, height);
    out.push({ x: 0, y: shift.dy > 0 ? 0 : height - h, w: width, h });
  }
  return out;
}
