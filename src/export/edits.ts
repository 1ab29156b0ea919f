import { maskFromBox } from '../app/masks';
import type { Point, Rect } from '../core/types';
import type { OfflineFace } from '../offline/offline-track';
import type { FaceMask } from '../render/anonymize-pass';

/** The user's changes to what is blurred, for the whole clip. */
export interface Edits {
  /** Tracks the user chose to show. */
  excluded: ReadonlySet<number>;
  /** Regions blurred on every frame, in frame pixels. */
  regions: readonly Rect[];
}

export const NO_EDITS: Edits = { excluded: new Set(), regions: [] };

export interface MaskStyle {
  /** Mask size relative to the face box. */
  scale: number;
  shape: 'ellipse' | 'box';
}

/**
 * A region's mask covers the whole rectangle drawn: as an ellipse (the shape every mask of a frame shares) it is
 * the one through the rectangle's corners, semi-axes sqrt(2) times the half sides.
 */
export function regionMask(r: Rect, shape: MaskStyle['shape']): FaceMask {
  return maskFromBox(r, shape === 'ellipse' ? Math.SQRT2 : 1);
}

/**
 * One frame's masks. For export, excluded faces are left out (AnonymizePass would outline them); for the
 * preview they stay, marked excluded, so the user sees an outline where a face will show.
 */
export function frameMasks(
  faces: readonly OfflineFace[],
  edits: Edits,
  style: MaskStyle,
  purpose: 'export' | 'preview',
): FaceMask[] {
  const masks: FaceMask[] = [];
  for (const f of faces) {
    const excluded = edits.excluded.has(f.track);
    if (!excluded || purpose === 'preview') masks.push(maskFromBox(f.box, style.scale, excluded));
  }
  return [...masks, ...edits.regions.map((r) => regionMask(r, style.shape))];
}

function inside(m: FaceMask, p: Point, shape: MaskStyle['shape']): boolean {
  const dx = (p.x - m.cx) / m.rx;
  const dy = (p.y - m.cy) / m.ry;
  return shape === 'box' ? Math.abs(dx) <= 1 && Math.abs(dy) <= 1 : dx * dx + dy * dy <= 1;
}

/** The track whose mask holds the point (the smallest, where masks overlap), or null. */
export function trackAt(faces: readonly OfflineFace[], p: Point, style: MaskStyle): number | null {
  let best: { track: number; area: number } | null = null;
  for (const f of faces) {
    const m = maskFromBox(f.box, style.scale);
    if (!inside(m, p, style.shape)) continue;
    const area = m.rx * m.ry;
    if (!best || area < best.area) best = { track: f.track, area };
  }
  return best?.track ?? null;
}

export function toggleTrack(edits: Edits, track: number): Edits {
  const excluded = new Set(edits.excluded);
  if (!excluded.delete(track)) excluded.add(track);
  return { ...edits, excluded };
}

/** Drags shorter than this (frame pixels) are clicks, not regions. */
const MIN_REGION_PX = 4;

/** The rectangle between two corners, clipped to the frame; null when too small to be meant as a region. */
export function regionFromDrag(a: Point, b: Point, frame: { width: number; height: number }): Rect | null {
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const x0 = clamp(Math.min(a.x, b.x), frame.width);
  const y0 = clamp(Math.min(a.y, b.y), frame.height);
  const x1 = clamp(Math.max(a.x, b.x), frame.width);
  const y1 = clamp(Math.max(a.y, b.y), frame.height);
  if (x1 - x0 < MIN_REGION_PX || y1 - y0 < MIN_REGION_PX) return null;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Every track in the clip, with the frame it first shows on, in order of appearance. */
export function tracksOf(
  frames: readonly (readonly OfflineFace[])[],
): { track: number; firstFrame: number; frames: number }[] {
  const seen = new Map<number, { track: number; firstFrame: number; frames: number }>();
  frames.forEach((faces, i) =>
    faces.forEach((f) => {
      const t = seen.get(f.track);
      if (t) t.frames++;
      else seen.set(f.track, { track: f.track, firstFrame: i, frames: 1 });
    }),
  );
  return [...seen.values()];
}
