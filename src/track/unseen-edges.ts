import type { Rect } from '../core/types';
import { type Luma, matchPatch, type PatchMatchOptions, type Pyramid, textureIn } from './patch-motion';

/**
 * While the camera pans or zooms out, new content enters at the borders every frame, and the detector's newest
 * result is several frames old: it never looked at that strip. A face there (entering, cut by the border, where the
 * detector scores it lowest) has no box yet. These functions find the strips from the pictures the tracker keeps.
 */

/**
 * How the view moved between two pictures, in luma pixels of level 0: p' = s (p - c) + c + t. Measured on two
 * bands near the left and right borders, not the middle, where a person moving before a still camera would read as
 * a pan; their shifts' difference is the zoom.
 */
export interface ViewStep {
  s: number;
  tx: number;
  ty: number;
  cx: number;
  cy: number;
}

/** Where a chain's first picture's points lie in a later picture: p -> s p + t (luma px). */
export interface View {
  s: number;
  tx: number;
  ty: number;
}

export const FIRST_VIEW: Readonly<View> = { s: 1, tx: 0, ty: 0 };

/** The bands (fractions of the picture): a fifth of the width each, clear of the very border, most of the height. */
const BANDS = [
  { x: 0.05, w: 0.25 },
  { x: 0.7, w: 0.25 },
] as const;
const BAND_Y = 0.1;
const BAND_H = 0.8;
const BAND_MATCH: Omit<PatchMatchOptions, 'range'> = { context: 1, scaleStep: 0.03, scaleSteps: 0, samples: 12 };
/** Below this the pictures do not show one view moved there (a cut, a whip's blur). */
const MIN_NCC = 0.6;
/** A flat band (a wall, sky, a dark room) matches anywhere and says nothing. */
const MIN_TEXTURE = 4;

/**
 * The view's step from `from` to `to`, each band looked for within `range` of where `guess` puts it, or undefined
 * when neither band shows one view moved. With one band only, the step is its shift (no zoom).
 */
export function viewStep(from: Pyramid, to: Pyramid, guess: ViewStep | undefined, range: number): ViewStep | undefined {
  const { width, height } = from[0]!;
  const cy = height * (BAND_Y + BAND_H / 2);
  const found: { x: number; dx: number; dy: number }[] = [];
  for (const b of BANDS) {
    const box = { x: width * b.x, y: height * BAND_Y, w: width * b.w, h: height * BAND_H };
    const x = box.x + box.w / 2;
    const expected = guess ? displacement(guess, x, cy) : { dx: 0, dy: 0 };
    const o = { ...BAND_MATCH, range };
    const m = matchPatch(from, to, box, expected, o);
    if (!m || m.ncc < MIN_NCC || m.texture < MIN_TEXTURE) continue;
    const there = { dx: m.box.x + m.box.w / 2 - x, dy: m.box.y + m.box.h / 2 - cy };
    // The sub-pixel fit of a windowed match is biased by the texture (a still picture matched with itself reads
    // a tenth of a pixel), and the steps are composed frame after frame: a still camera would drift into a zoom.
    // Matching back from where the band was found and halving the difference cancels the bias.
    const back = matchPatch(
      to,
      from,
      { ...box, x: box.x + there.dx, y: box.y + there.dy },
      { dx: -there.dx, dy: -there.dy },
      o,
    );
    const d = back
      ? {
          dx: (there.dx - (back.box.x + back.box.w / 2 - x - there.dx)) / 2,
          dy: (there.dy - (back.box.y + back.box.h / 2 - cy - there.dy)) / 2,
        }
      : there;
    found.push({ x, ...d });
  }
  if (found.length === 0) return undefined;
  const [a, b = a] = found as [(typeof found)[0], (typeof found)[0]?];
  const s = b.x > a.x ? 1 + (b.dx - a.dx) / (b.x - a.x) : 1;
  return { s, tx: (a.dx + b.dx) / 2, ty: (a.dy + b.dy) / 2, cx: (a.x + b.x) / 2, cy };
}

/**
 * True when neither band of `picture` has the texture a step is measured on (a dark room, a wall): viewStep then
 * says nothing, which is no evidence of a cut.
 */
export function bandsFlat(picture: Luma): boolean {
  const { width, height } = picture;
  return BANDS.every(
    (b) => textureIn(picture, { x: width * b.x, y: height * BAND_Y, w: width * b.w, h: height * BAND_H }) < MIN_TEXTURE,
  );
}

/** How far `step` moves the point (x, y). */
export function displacement(step: ViewStep, x: number, y: number): { dx: number; dy: number } {
  return { dx: step.tx + (step.s - 1) * (x - step.cx), dy: step.ty + (step.s - 1) * (y - step.cy) };
}

/** The view after one more step. */
export function compose(view: View, step: ViewStep): View {
  return {
    s: step.s * view.s,
    tx: step.s * (view.tx - step.cx) + step.cx + step.tx,
    ty: step.s * (view.ty - step.cy) + step.cy + step.ty,
  };
}

/** Content that came into view at each border (luma px; 0: none). */
export interface Uncovered {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * What a `width` x `height` picture at view `to` shows that the picture at view `from` (same chain) did not, with
 * `then` (a step, `fraction` of it: the motion past the newest picture) added at the borders.
 */
export function uncovered(
  from: View,
  to: View,
  size: { width: number; height: number },
  then?: { step: ViewStep; fraction: number },
): Uncovered {
  const k = to.s / from.s;
  // Where the earlier picture's borders lie now.
  const left = k * (0 - from.tx) + to.tx;
  const right = k * (size.width - from.tx) + to.tx;
  const top = k * (0 - from.ty) + to.ty;
  const bottom = k * (size.height - from.ty) + to.ty;
  const f = then?.fraction ?? 0;
  const at = (x: number, y: number) => (then ? displacement(then.step, x, y) : { dx: 0, dy: 0 });
  return {
    left: Math.max(0, left + f * at(0, size.height / 2).dx),
    right: Math.max(0, size.width - right - f * at(size.width, size.height / 2).dx),
    top: Math.max(0, top + f * at(size.width / 2, 0).dy),
    bottom: Math.max(0, size.height - bottom - f * at(size.width / 2, size.height).dy),
  };
}

/**
 * The strips of a `frame` whose content came into view (`u`, frame pixels), widened by `marginPx`; a side that
 * moved under `minPx` (the match's noise) uncovers nothing.
 */
export function unseenEdges(
  u: Uncovered,
  frame: { width: number; height: number },
  marginPx: number,
  minPx: number,
): Rect[] {
  const { width, height } = frame;
  const strip = (d: number, side: number) => Math.min(side, d + marginPx);
  const out: Rect[] = [];
  if (u.left >= minPx) out.push({ x: 0, y: 0, w: strip(u.left, width), h: height });
  if (u.right >= minPx) out.push({ x: width - strip(u.right, width), y: 0, w: strip(u.right, width), h: height });
  if (u.top >= minPx) out.push({ x: 0, y: 0, w: width, h: strip(u.top, height) });
  if (u.bottom >= minPx) out.push({ x: 0, y: height - strip(u.bottom, height), w: width, h: strip(u.bottom, height) });
  return out;
}
